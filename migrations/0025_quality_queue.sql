-- 0025_quality_queue.sql: the record of the quality job (worker/quality_job.c): a county-year
-- whose data-quality grade, uncertainty (quality_rollups, county_quality) and validation board
-- are to be computed again.  One row per county-year: every request (a rollup job that
-- committed a change, the worker's start finding a county-year without figures) adds one to
-- `requests`; a run reads `requests` before it reads the lines, and once its figures are written
-- sets `figures_for` to what it read (in the figures' transaction: older figures never overwrite
-- newer ones) and, when all of it is done, `done_for`.  So any number of requests made before a
-- run starts are served by that one run (they coalesce), a request made during a run leaves
-- the row pending for the next, and a worker killed mid-run leaves it pending for the poll.
-- Redis only wakes the quality worker (the list <prefix>:quality).  runs counts the runs that
-- computed something (tests: 3 requests -> 1 run).
CREATE TABLE quality_queue (
  county_id TINYINT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  requests BIGINT UNSIGNED NOT NULL DEFAULT 0,
  figures_for BIGINT UNSIGNED NOT NULL DEFAULT 0,
  done_for BIGINT UNSIGNED NOT NULL DEFAULT 0,
  runs INT UNSIGNED NOT NULL DEFAULT 0,
  requested_at DATETIME(3) NOT NULL,
  started_at DATETIME(3) NULL,
  done_at DATETIME(3) NULL,
  PRIMARY KEY (county_id, year),
  CONSTRAINT quality_queue_county FOREIGN KEY (county_id) REFERENCES counties (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Lines saved before 0023 carry no A1-A3 (a1 = 0): they are in no grade, and the figures say
-- how many and how much, rather than guess their levels.
ALTER TABLE quality_rollups
  ADD COLUMN uncovered_lines INT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN uncovered_milli BIGINT NOT NULL DEFAULT 0;
ALTER TABLE county_quality
  ADD COLUMN uncovered_lines INT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN uncovered_milli BIGINT NOT NULL DEFAULT 0;
