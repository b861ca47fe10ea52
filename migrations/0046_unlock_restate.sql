-- 0046_unlock_restate.sql: what a year lock held back is applied when the year is unlocked.
--
-- A factor change (or a county's choice of electricity variant) that runs while a county-year
-- is locked or published never overwrites its figures: each report, confirmed or not, and each
-- of the county's non-agency lines gets a 重算值 beside its figures.  Once the year is unlocked,
-- the reports not confirmed and the lines are no longer signed figures, and SPEC-2 §3 wants
-- unconfirmed figures changed in place.  Unlocking therefore queues a run of its own over that
-- county-year (kind 'unlock'), taken by the exporter as any factor change is: each unconfirmed
-- report and each line holding a 重算值 is computed again with the factors in force, written in
-- place with an audit line 係數更新 and a notice, its 重算值 cleared.  A confirmed report keeps its
-- figures and its 重算值 until its owner confirms a new version, as before.
--
-- kind tells the three apart; before it, a change with a county_id was a county's choice.  A
-- platform factor's change has no county, the other two have theirs.
ALTER TABLE factor_changes ADD COLUMN kind ENUM('factor', 'choice', 'unlock') NOT NULL DEFAULT 'factor' AFTER is_new;
UPDATE factor_changes SET kind = 'choice' WHERE county_id IS NOT NULL;
ALTER TABLE factor_changes ADD CONSTRAINT factor_changes_kind CHECK ((kind = 'factor') = (county_id IS NULL));
