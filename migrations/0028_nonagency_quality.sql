-- 0028_nonagency_quality.sql: A1-A3 and the activity data's uncertainty of the county team's
-- non-agency lines (issue 13, SPEC-2 §2b, §2c), as the agency lines have them (0023), so that the
-- county's grade and uncertainty (county_quality) cover them.  Units as in 0023: an interval's bound
-- is a magnitude in thousandths of a percent (1.5 % -> 1500), NULL where none is known (未評估).
--
-- What the team typed beside a line (NULL keeps the default, as report_items):
--   a1, a2, a3      活動數據種類, 活動數據可信度, 係數種類;
--   dq_note         數據可信度資訊說明;  dq_keeper  保存單位;
--   ad_*            the activity data's 95 % interval and its basis.
-- What the line's figures use, in force at its save (the typed values, else the defaults, as
-- report_lines keeps them): used_a1..used_a3 (0: a line saved before this migration: in no grade,
-- counted as uncovered until it is saved again; nothing is guessed) and used_ad_*.
-- The interval of each gas's factor at the save, as report_line_gases.ef_* (NULL: 未評估, or the
-- line has not that gas): <gas>_ef_lower_milli, <gas>_ef_upper_milli beside 0024's <gas>_milli.
ALTER TABLE county_activities
  ADD COLUMN a1 TINYINT UNSIGNED NULL,
  ADD COLUMN a2 TINYINT UNSIGNED NULL,
  ADD COLUMN a3 TINYINT UNSIGNED NULL,
  ADD COLUMN dq_note VARCHAR(200) NULL,
  ADD COLUMN dq_keeper VARCHAR(100) NULL,
  ADD COLUMN ad_lower_milli INT UNSIGNED NULL,
  ADD COLUMN ad_upper_milli INT UNSIGNED NULL,
  ADD COLUMN ad_basis VARCHAR(200) NULL,
  ADD COLUMN used_a1 TINYINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN used_a2 TINYINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN used_a3 TINYINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN used_ad_lower_milli INT UNSIGNED NULL,
  ADD COLUMN used_ad_upper_milli INT UNSIGNED NULL,
  ADD COLUMN co2_ef_lower_milli INT UNSIGNED NULL,
  ADD COLUMN co2_ef_upper_milli INT UNSIGNED NULL,
  ADD COLUMN ch4_ef_lower_milli INT UNSIGNED NULL,
  ADD COLUMN ch4_ef_upper_milli INT UNSIGNED NULL,
  ADD COLUMN n2o_ef_lower_milli INT UNSIGNED NULL,
  ADD COLUMN n2o_ef_upper_milli INT UNSIGNED NULL,
  ADD COLUMN hfcs_ef_lower_milli INT UNSIGNED NULL,
  ADD COLUMN hfcs_ef_upper_milli INT UNSIGNED NULL,
  ADD COLUMN pfcs_ef_lower_milli INT UNSIGNED NULL,
  ADD COLUMN pfcs_ef_upper_milli INT UNSIGNED NULL,
  ADD COLUMN sf6_ef_lower_milli INT UNSIGNED NULL,
  ADD COLUMN sf6_ef_upper_milli INT UNSIGNED NULL,
  ADD COLUMN nf3_ef_lower_milli INT UNSIGNED NULL,
  ADD COLUMN nf3_ef_upper_milli INT UNSIGNED NULL,
  ADD CONSTRAINT county_activities_a CHECK ((a1 IS NULL OR a1 BETWEEN 1 AND 3) AND (a2 IS NULL OR a2 BETWEEN 1 AND 3)
                                            AND (a3 IS NULL OR a3 BETWEEN 1 AND 3)),
  ADD CONSTRAINT county_activities_used_a CHECK (used_a1 BETWEEN 0 AND 3 AND used_a2 BETWEEN 0 AND 3 AND used_a3 BETWEEN 0 AND 3);

-- The defaults of the methods that are not an item of the agency form (SPEC-2 §2b, §2c), loaded from
-- migrations/data/nonagency-quality-defaults.csv by `cityinv-admin migrate` (every such method has
-- its row).  Electricity (elec_*) and fuels (fuel_*) have none here: theirs are the agency form's
-- 電力 and the chosen fuel's (item_quality_defaults), the same bills and receipts, so each number
-- has one home.  A table of its own, not rows of item_quality_defaults: that table is one row per
-- item of the agency form, which the form reads as such; a method is the team's form's key.
CREATE TABLE nonagency_quality_defaults (
  method VARCHAR(24) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  a1 TINYINT UNSIGNED NOT NULL,
  a2 TINYINT UNSIGNED NOT NULL,
  a3 TINYINT UNSIGNED NOT NULL,
  dq_note VARCHAR(200) NOT NULL DEFAULT '',
  ad_lower_milli INT UNSIGNED NULL,
  ad_upper_milli INT UNSIGNED NULL,
  ad_basis VARCHAR(200) NOT NULL DEFAULT '',
  source VARCHAR(600) NOT NULL DEFAULT '',
  CONSTRAINT nonagency_quality_defaults_a CHECK (a1 BETWEEN 1 AND 3 AND a2 BETWEEN 1 AND 3 AND a3 BETWEEN 1 AND 3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
