-- 0024_nonagency_gases.sql: 類別 and the amount of each gas of the county team's non-agency lines
-- (SPEC-2 §2a).  iso_category: ISO 14064-1:2018 類別 (1 direct, 2 electricity; 0 not computed).
-- *_milli: the line's kgCO2e thousandths of that gas, NULL where the line has not that gas; the
-- present ones add up to kg_milli (the rounding residue goes to the largest, nonagency.h).
ALTER TABLE county_activities
  ADD COLUMN iso_category TINYINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN co2_milli BIGINT NULL,
  ADD COLUMN ch4_milli BIGINT NULL,
  ADD COLUMN n2o_milli BIGINT NULL,
  ADD COLUMN hfcs_milli BIGINT NULL,
  ADD COLUMN pfcs_milli BIGINT NULL,
  ADD COLUMN sf6_milli BIGINT NULL,
  ADD COLUMN nf3_milli BIGINT NULL,
  ADD CONSTRAINT county_activities_iso CHECK (iso_category BETWEEN 0 AND 6);

-- Lines saved before: their 類別 follows their 範疇, and the one-gas methods (and every line on the
-- team's own factor) are one gas as nonagency.c counts them.  Fuels, compost and incineration are
-- split when they are saved again (their gases stay NULL, shown as not yet split).
UPDATE county_activities SET iso_category = scope;
UPDATE county_activities SET ch4_milli = kg_milli
  WHERE method IN ('rice', 'enteric', 'manure', 'landfill', 'septic', 'wastewater')
     OR (method = 'compost' AND override_factor IS NOT NULL);
UPDATE county_activities SET co2_milli = kg_milli
  WHERE method IN ('elec_street', 'elec_water', 'elec_waste', 'process', 'landuse')
     OR (method IN ('fuel_stationary', 'fuel_mobile', 'incineration') AND override_factor IS NOT NULL);
