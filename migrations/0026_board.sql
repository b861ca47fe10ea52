-- 0026_board.sql: the county team's validation board (SPEC-2 §2e, issue 13 item 5): the
-- thresholds of a county-year, the last run of its rules, and the findings with their history.
--
-- board_thresholds: the thresholds the team set for a county-year; a county-year without a row
-- uses the column defaults (SPEC-2 §2e's), which are the defaults' only home.  The 14 days of
-- 已登錄完成 unconfirmed are inventory_years.confirm_within_days (0018), not repeated here.
--   change_pct         an item changed vs last year beyond ± this percent;
--   mad_tenths         electricity outside its level's median ± k MAD, k in tenths (30: 3 MAD);
--   refrigerant_milli  a refrigerant line's top-up above this, kg thousandths (50 kg);
--   uncertainty_milli  an interval wider than ± this, thousandths of a percent (30 %).
CREATE TABLE board_thresholds (
  county_id TINYINT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  change_pct SMALLINT UNSIGNED NOT NULL DEFAULT 50,
  mad_tenths SMALLINT UNSIGNED NOT NULL DEFAULT 30,
  refrigerant_milli BIGINT NOT NULL DEFAULT 50000,
  uncertainty_milli INT UNSIGNED NOT NULL DEFAULT 30000,
  updated_at DATETIME NULL,
  updated_by INT UNSIGNED NULL,
  PRIMARY KEY (county_id, year),
  CONSTRAINT board_thresholds_year FOREIGN KEY (county_id, year) REFERENCES inventory_years (county_id, year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The last run of the rules on a county-year; its row is also the lock that serialises two runs.
-- stamp: the county-year's data as the run read it (store_board_stamp: reports, revisions, the
-- newest save, the thresholds), which the page compares with the data now; data_at the newest
-- save it includes; run_no counts the runs (a finding a run did not see again, seen_run older, is
-- closed by it).
CREATE TABLE board_runs (
  county_id TINYINT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  stamp VARCHAR(120) CHARACTER SET ascii NULL,
  data_at DATETIME NULL,
  ran_at DATETIME(3) NULL,
  run_no INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (county_id, year),
  CONSTRAINT board_runs_year FOREIGN KEY (county_id, year) REFERENCES inventory_years (county_id, year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One finding, by its stable identity (rule, agency, item, seq, other agency).  A run updates Δ,
-- detail and sig of those that hold, closes those that no longer do (holds 0, closed_at: kept,
-- the history), opens again one that holds again.  已查核 (checked_*) is kept; a finding is
-- checked while checked_sig = sig, open again (已查核後資料已變更) once the data behind it
-- changed.  rev moves on every change the board could show: a 已查核 POST names the rev its
-- page showed (a stale page is a 409).  agency_rev: the agency's report revision the run read
-- (a report saved since is marked on the page).  No foreign key to agencies or accounts: a finding
-- is history, and must not keep an agency (or account) that is removed from being deleted.
CREATE TABLE board_findings (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  county_id TINYINT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  rule VARCHAR(24) CHARACTER SET ascii NOT NULL,
  agency_id INT UNSIGNED NOT NULL,
  item VARCHAR(24) CHARACTER SET ascii NOT NULL DEFAULT '',
  seq SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  other_agency_id INT UNSIGNED NOT NULL DEFAULT 0,
  delta_milli BIGINT NOT NULL,
  detail VARCHAR(400) NOT NULL,
  sig VARCHAR(64) CHARACTER SET ascii NOT NULL,
  agency_rev INT UNSIGNED NOT NULL DEFAULT 0,
  holds TINYINT(1) NOT NULL DEFAULT 1,
  rev INT UNSIGNED NOT NULL DEFAULT 1,
  seen_run INT UNSIGNED NOT NULL DEFAULT 0,
  first_seen_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  closed_at DATETIME(3) NULL,
  checked_at DATETIME NULL,
  checked_by INT UNSIGNED NULL,
  check_note VARCHAR(500) NULL,
  checked_sig VARCHAR(64) CHARACTER SET ascii NULL,
  UNIQUE KEY board_findings_identity (county_id, year, rule, agency_id, item, seq, other_agency_id),
  KEY board_findings_list (county_id, year, holds, delta_milli),
  CONSTRAINT board_findings_year FOREIGN KEY (county_id, year) REFERENCES inventory_years (county_id, year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every county-year served today starts with the default thresholds (a year added later gets its
-- row from store_board_thresholds_ensure).
INSERT INTO board_thresholds (county_id, year) SELECT county_id, year FROM inventory_years;
