-- 0043_agencies_roots.sql: a county's 一級 agencies in one index step.
--
-- The county's row of county_rollups is summed from its 一級 agencies (`agencies WHERE county_id =
-- ? AND parent_id IS NULL`, read inside an UPDATE: shared/store_rollup.c and rollup_changes).
-- Neither agencies_code nor agencies_county_active has parent_id after county_id, so with a county
-- of more agencies than there are 一級 agencies in all (the bench: 5,000 against 24) MariaDB read
-- every county's 一級 agencies through agencies_parent, locking each on its way: another county's
-- agency edit or import held up this county's rollups (tests/store/store_rollup_test.c,
-- test_roots_apart).  With (county_id, parent_id) the read is the county's own 一級 agencies.
ALTER TABLE agencies ADD KEY agencies_roots (county_id, parent_id);
