-- 0033_elec_variant.sql: the electricity factor each county chooses per year (SPEC-2 §3, issue 15).
--
-- Where a year's 排碳係數 has tariff-class variants (2025: 公用售電業整體 0.467, 產業 0.466,
-- 民生 0.471), every agency of a county, and the county's own non-agency lines, use the one the
-- county chose for that year, until meters carry a tariff class (SPEC-2 §6).  Default: overall.
-- A county's change of it is a factor change of its own (factor_changes.county_id set), previewed
-- and run by factor day's walk over that county-year only; its run writes the choice here.
ALTER TABLE inventory_years ADD COLUMN elec_variant ENUM('overall', 'industry', 'residential') NOT NULL DEFAULT 'overall';

-- A county-year's choice of electricity variant: fkey is 'elec_variant_<letter>_<year>' (so one
-- unfinished change per county-year, by factor_changes_open), value and old_value the variants'
-- keys, first_year = last_year the year.
ALTER TABLE factor_changes ADD COLUMN county_id TINYINT UNSIGNED NULL AFTER is_new,
  ADD CONSTRAINT factor_changes_county FOREIGN KEY (county_id) REFERENCES counties (id);
