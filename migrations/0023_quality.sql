-- 0023_quality.sql: 類別 beside 範疇, the amount of each gas, the official data-quality grade
-- (清冊表單 表六) and uncertainty (表七) of every line, and their figures up the tree (SPEC-2 §2a-2c,
-- docs/quality.md).
--
-- Units.  Amounts are thousandths of a kgCO2e, as everywhere.  An interval's bound is a
-- magnitude in thousandths of a percent (1.5 % -> 1500; the form's lower bound -3.209 % ->
-- 3209): NULL where no interval is known (未評估).  A1, A2, A3 are 1..3.

-- The interval of each factor, in percent of the factor (95 %): the official form's 附表一,
-- normalised to one unit (its fuel bounds are percents, its electricity bound a fraction),
-- loaded from migrations/data/factor-uncertainty.csv by `cityinv-admin migrate`.
ALTER TABLE factors
  ADD COLUMN ci_lower_milli INT UNSIGNED NULL,
  ADD COLUMN ci_upper_milli INT UNSIGNED NULL,
  ADD COLUMN ci_source VARCHAR(300) NULL;

-- The defaults of each form item (SPEC-2 §2b, §2c): A1-A3 and the activity data's interval
-- with its basis, loaded from migrations/data/quality-defaults.csv.  Data, not code: an agency
-- changes them per line with a note.
CREATE TABLE item_quality_defaults (
  item VARCHAR(24) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  a1 TINYINT UNSIGNED NOT NULL,
  a2 TINYINT UNSIGNED NOT NULL,
  a3 TINYINT UNSIGNED NOT NULL,
  dq_note VARCHAR(200) NOT NULL DEFAULT '',
  ad_lower_milli INT UNSIGNED NULL,
  ad_upper_milli INT UNSIGNED NULL,
  ad_basis VARCHAR(200) NOT NULL DEFAULT '',
  source VARCHAR(600) NOT NULL DEFAULT '',
  CONSTRAINT item_quality_defaults_a CHECK (a1 BETWEEN 1 AND 3 AND a2 BETWEEN 1 AND 3 AND a3 BETWEEN 1 AND 3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What the agency typed beside a quantity: NULL keeps the item's default.
--   a1, a2, a3      活動數據種類, 活動數據可信度, 係數種類;
--   dq_note         數據可信度資訊說明;  dq_keeper  保存單位;
--   ad_*            the activity data's 95 % interval and its basis (meter class, receipt no.).
ALTER TABLE report_items
  ADD COLUMN a1 TINYINT UNSIGNED NULL,
  ADD COLUMN a2 TINYINT UNSIGNED NULL,
  ADD COLUMN a3 TINYINT UNSIGNED NULL,
  ADD COLUMN dq_note VARCHAR(200) NULL,
  ADD COLUMN dq_keeper VARCHAR(100) NULL,
  ADD COLUMN ad_lower_milli INT UNSIGNED NULL,
  ADD COLUMN ad_upper_milli INT UNSIGNED NULL,
  ADD COLUMN ad_basis VARCHAR(200) NULL,
  ADD CONSTRAINT report_items_a CHECK ((a1 IS NULL OR a1 BETWEEN 1 AND 3) AND (a2 IS NULL OR a2 BETWEEN 1 AND 3)
                                       AND (a3 IS NULL OR a3 BETWEEN 1 AND 3));

-- A computed line's 類別 (ISO 14064-1:2018, 1..6) and the values in force at the save (the
-- typed ones, else the item's defaults).  A line saved before this migration has 0s and NULLs
-- until its report is saved again (docs/quality.md says how the figures treat it).
ALTER TABLE report_lines
  ADD COLUMN iso_category TINYINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN a1 TINYINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN a2 TINYINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN a3 TINYINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN dq_note VARCHAR(200) NOT NULL DEFAULT '',
  ADD COLUMN dq_keeper VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN ad_lower_milli INT UNSIGNED NULL,
  ADD COLUMN ad_upper_milli INT UNSIGNED NULL,
  ADD COLUMN ad_basis VARCHAR(200) NOT NULL DEFAULT '';

-- The amount of each gas of a line, kgCO2e thousandths, with the factor's interval for that
-- gas as it was at the save (NULL: 未評估).  The rows of a line add up to its kg_milli (the
-- rounding residue goes to its largest gas, SPEC-2 §2a).  Electricity counts as CO2.
CREATE TABLE report_line_gases (
  report_id INT UNSIGNED NOT NULL,
  part ENUM('own', 'outsourced') NOT NULL,
  item VARCHAR(24) CHARACTER SET ascii NOT NULL,
  seq SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  gas ENUM('CO2', 'CH4', 'N2O', 'HFCs', 'PFCs', 'SF6', 'NF3') NOT NULL,
  kg_milli BIGINT NOT NULL,
  ef_lower_milli INT UNSIGNED NULL,
  ef_upper_milli INT UNSIGNED NULL,
  PRIMARY KEY (report_id, part, item, seq, gas),
  CONSTRAINT report_line_gases_line FOREIGN KEY (report_id, part, item, seq)
    REFERENCES report_lines (report_id, part, item, seq) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The versions (0017) keep all of it, as they keep the rest.
ALTER TABLE report_version_items
  ADD COLUMN a1 TINYINT UNSIGNED NULL,
  ADD COLUMN a2 TINYINT UNSIGNED NULL,
  ADD COLUMN a3 TINYINT UNSIGNED NULL,
  ADD COLUMN dq_note VARCHAR(200) NULL,
  ADD COLUMN dq_keeper VARCHAR(100) NULL,
  ADD COLUMN ad_lower_milli INT UNSIGNED NULL,
  ADD COLUMN ad_upper_milli INT UNSIGNED NULL,
  ADD COLUMN ad_basis VARCHAR(200) NULL;

ALTER TABLE report_version_lines
  ADD COLUMN iso_category TINYINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN a1 TINYINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN a2 TINYINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN a3 TINYINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN dq_note VARCHAR(200) NOT NULL DEFAULT '',
  ADD COLUMN dq_keeper VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN ad_lower_milli INT UNSIGNED NULL,
  ADD COLUMN ad_upper_milli INT UNSIGNED NULL,
  ADD COLUMN ad_basis VARCHAR(200) NOT NULL DEFAULT '';

CREATE TABLE report_version_line_gases (
  report_id INT UNSIGNED NOT NULL,
  version_no SMALLINT UNSIGNED NOT NULL,
  part ENUM('own', 'outsourced') NOT NULL,
  item VARCHAR(24) CHARACTER SET ascii NOT NULL,
  seq SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  gas ENUM('CO2', 'CH4', 'N2O', 'HFCs', 'PFCs', 'SF6', 'NF3') NOT NULL,
  kg_milli BIGINT NOT NULL,
  ef_lower_milli INT UNSIGNED NULL,
  ef_upper_milli INT UNSIGNED NULL,
  PRIMARY KEY (report_id, version_no, part, item, seq, gas),
  CONSTRAINT report_version_line_gases_version FOREIGN KEY (report_id, version_no)
    REFERENCES report_versions (report_id, version_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER report_version_line_gases_no_update BEFORE UPDATE ON report_version_line_gases FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'report_version_line_gases are immutable';
CREATE TRIGGER report_version_line_gases_no_delete BEFORE DELETE ON report_version_line_gases FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'report_version_line_gases are immutable';

-- The grade and the uncertainty of an agency's own report (scope 'own') and of its subtree
-- ('subtree'), and of a county-year, as the quality job last computed them from the lines'
-- own operations (SPEC-2 §2b, §2c).  grade_hundredths: the form's sum of ROUND(ROUND(share, 4)
-- x level, 2), in hundredths (8.46 -> 846); grade 1..3 (第一/二/三級); NULL and 0 when nothing is
-- covered.  unc_*_milli: the combined interval in thousandths of a percent (7.159 % -> 7159),
-- NULL when nothing is assessed; assessed_bp: the share of |E| assessed in hundredths of a
-- percent (71.87 % -> 7187).  data_at: the newest save the figures include.  Figures, recomputed
-- from the lines: an agency that may be deleted (one without reports) takes its rows with it.
CREATE TABLE quality_rollups (
  agency_id INT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  scope ENUM('own', 'subtree') NOT NULL,
  covered_milli BIGINT NOT NULL DEFAULT 0,
  grade_hundredths INT UNSIGNED NULL,
  grade TINYINT UNSIGNED NOT NULL DEFAULT 0,
  unc_lower_milli INT UNSIGNED NULL,
  unc_upper_milli INT UNSIGNED NULL,
  assessed_bp INT UNSIGNED NOT NULL DEFAULT 0,
  data_at DATETIME(3) NULL,
  computed_at DATETIME(3) NOT NULL,
  PRIMARY KEY (agency_id, year, scope),
  CONSTRAINT quality_rollups_agency FOREIGN KEY (agency_id) REFERENCES agencies (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE county_quality (
  county_id TINYINT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  covered_milli BIGINT NOT NULL DEFAULT 0,
  grade_hundredths INT UNSIGNED NULL,
  grade TINYINT UNSIGNED NOT NULL DEFAULT 0,
  unc_lower_milli INT UNSIGNED NULL,
  unc_upper_milli INT UNSIGNED NULL,
  assessed_bp INT UNSIGNED NOT NULL DEFAULT 0,
  data_at DATETIME(3) NULL,
  computed_at DATETIME(3) NOT NULL,
  PRIMARY KEY (county_id, year),
  CONSTRAINT county_quality_county FOREIGN KEY (county_id) REFERENCES counties (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
