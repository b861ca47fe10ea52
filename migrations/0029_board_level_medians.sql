-- 0029_board_level_medians.sql: a missing-electricity finding whose Δ is its level's median
-- electricity (the agency has none last year either, SPEC-2 §2e) names the level (delta_level)
-- instead of holding the figure; the median is kept once per county-year and level.  A save that
-- moves a level's median then writes one row, not every such finding of the level (thousands in
-- a county where few agencies filed electricity yet), and those findings keep their rev and
-- updated_at (an open page stays valid: the data behind them did not change).
CREATE TABLE board_level_medians (
  county_id TINYINT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  level TINYINT UNSIGNED NOT NULL,
  median_milli BIGINT NOT NULL,
  PRIMARY KEY (county_id, year, level),
  CONSTRAINT board_level_medians_year FOREIGN KEY (county_id, year) REFERENCES inventory_years (county_id, year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 0: delta_milli is the Δ; else the level whose median (board_level_medians) is the Δ.  The next
-- run of each county-year rewrites its findings this way (their detail no longer names the figure).
ALTER TABLE board_findings ADD COLUMN delta_level TINYINT UNSIGNED NOT NULL DEFAULT 0 AFTER delta_milli;
