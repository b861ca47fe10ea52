-- 0032_factor_day.sql: factor day (SPEC-2 §3, issue 15): a factor added or replaced by the
-- platform admin, previewed, then applied by the exporter worker to every line it changes.
--
-- factor_changes: one change of one factor, as the admin asked for it.  status: 'draft' (being
-- previewed, or previewed), 'queued' (asked to apply: waits while another change runs), 'running'
-- (claimed by a worker: claim, lease_until), 'done', 'failed', or 'cancelled' (a draft withdrawn).
-- The run walks the reports of the years the change can touch in id order; cursor_report_id is
-- the last one whose outcome is committed, in the same transaction as that outcome, so a run
-- killed half-way resumes after it and counts nothing twice.
CREATE TABLE factor_changes (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  fkey VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  is_new TINYINT(1) NOT NULL,
  category VARCHAR(40) CHARACTER SET ascii NOT NULL,
  scope VARCHAR(4) CHARACTER SET ascii NOT NULL DEFAULT '',
  gas VARCHAR(16) CHARACTER SET ascii NOT NULL DEFAULT '',
  unit VARCHAR(40) NOT NULL,
  value VARCHAR(40) CHARACTER SET ascii NOT NULL,
  old_value VARCHAR(40) CHARACTER SET ascii NULL,
  old_confidence VARCHAR(16) CHARACTER SET ascii NULL,
  valid_from SMALLINT UNSIGNED NULL,
  valid_to SMALLINT UNSIGNED NULL,
  source VARCHAR(600) NOT NULL,
  confidence ENUM('official', 'secondary', 'derived', 'provisional') NOT NULL,
  -- The factor's 95 % interval as the change sets it (thousandths of a percent; NULL: kept as it is).
  ci_lower_milli INT UNSIGNED NULL,
  ci_upper_milli INT UNSIGNED NULL,
  -- The factor's interval before the change (NULL: none), for the run's "before" table.
  old_ci_lower_milli INT UNSIGNED NULL,
  old_ci_upper_milli INT UNSIGNED NULL,
  status ENUM('draft', 'queued', 'running', 'done', 'failed', 'cancelled') NOT NULL DEFAULT 'draft',
  first_year SMALLINT UNSIGNED NOT NULL,
  last_year SMALLINT UNSIGNED NOT NULL,
  preview_status ENUM('pending', 'running', 'done', 'failed') NOT NULL DEFAULT 'pending',
  created_by INT UNSIGNED NULL,
  created_at DATETIME NOT NULL,
  queued_at DATETIME NULL,
  started_at DATETIME NULL,
  finished_at DATETIME NULL,
  claim VARCHAR(80) CHARACTER SET ascii NULL,
  lease_until DATETIME NULL,
  attempts SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  cursor_report_id INT UNSIGNED NOT NULL DEFAULT 0,
  total_reports INT UNSIGNED NOT NULL DEFAULT 0,
  done_reports INT UNSIGNED NOT NULL DEFAULT 0,
  changed_reports INT UNSIGNED NOT NULL DEFAULT 0,
  restated_reports INT UNSIGNED NOT NULL DEFAULT 0,
  -- The county's non-agency lines (county_activities), walked after the reports the same way;
  -- a line of a locked or published year is kept as it is (kept_activities).
  activity_cursor BIGINT UNSIGNED NOT NULL DEFAULT 0,
  changed_activities INT UNSIGNED NOT NULL DEFAULT 0,
  kept_activities INT UNSIGNED NOT NULL DEFAULT 0,
  error VARCHAR(300) NULL,
  -- One unfinished change of a factor at a time (a draft, queued or running one).
  open_fkey VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin AS (IF(status IN ('draft', 'queued', 'running'), fkey, NULL)) PERSISTENT,
  UNIQUE KEY factor_changes_open (open_fkey),
  KEY factor_changes_status (status, id),
  CONSTRAINT factor_changes_by FOREIGN KEY (created_by) REFERENCES accounts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What a change would do, county-year by county-year (the preview): the agency-years and lines
-- whose figures it changes, and the change of the agencies' total (thousandths of a kgCO2e); the
-- county's non-agency lines it changes, and the change of their total.
CREATE TABLE factor_change_effects (
  change_id INT UNSIGNED NOT NULL,
  county_id TINYINT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  agency_years INT UNSIGNED NOT NULL,
  confirmed_years INT UNSIGNED NOT NULL,
  line_count INT UNSIGNED NOT NULL,
  delta_milli BIGINT NOT NULL,
  activity_lines INT UNSIGNED NOT NULL DEFAULT 0,
  activity_delta_milli BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (change_id, county_id, year),
  CONSTRAINT factor_change_effects_change FOREIGN KEY (change_id) REFERENCES factor_changes (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A factor the console changed keeps its value at the next migrate (the CSV no longer rules it).
ALTER TABLE factors ADD COLUMN change_id INT UNSIGNED NULL;

-- 重算值: what a confirmed report, or one of a locked or published year, comes to with the
-- factors changed since (its confirmed figures are never overwritten); NULL when none.
ALTER TABLE reports ADD COLUMN restated_own_milli BIGINT NULL,
  ADD COLUMN restated_outsourced_milli BIGINT NULL,
  ADD COLUMN restated_change_id INT UNSIGNED NULL,
  ADD COLUMN restated_at DATETIME NULL;

-- The notice each agency sees of a change that moved its figures: old and new totals, and
-- whether the new ones are a 重算值 beside the confirmed ones.
CREATE TABLE factor_notices (
  change_id INT UNSIGNED NOT NULL,
  agency_id INT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  old_own_milli BIGINT NOT NULL,
  new_own_milli BIGINT NOT NULL,
  old_outsourced_milli BIGINT NOT NULL,
  new_outsourced_milli BIGINT NOT NULL,
  restated TINYINT(1) NOT NULL,
  created_at DATETIME NOT NULL,
  PRIMARY KEY (change_id, agency_id, year),
  KEY factor_notices_agency (agency_id, year),
  CONSTRAINT factor_notices_change FOREIGN KEY (change_id) REFERENCES factor_changes (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
