-- 0039_activity_restated.sql: a county's non-agency line of a locked or published year keeps its
-- figures through a factor change (it is never overwritten) and gets the 重算值 beside them, as a
-- confirmed report does (0032): the line's kgCO2e at the new factors, the change that computed
-- it, and when.  NULL: none (the figures are what the factors in force give, or the line has been
-- saved again since).
ALTER TABLE county_activities ADD COLUMN restated_kg_milli BIGINT NULL,
  ADD COLUMN restated_change_id INT UNSIGNED NULL,
  ADD COLUMN restated_at DATETIME NULL;
