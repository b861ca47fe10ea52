-- 0034_rollup_own_state.sql: the state an agency's rollup counted its own report in (issue 14).
--
-- A batch of saves moves the changed agencies' ancestors by the changes themselves (new figures
-- minus those the rollup counted: worker/rollup.c), instead of summing every child of every
-- ancestor again.  Their totals are own_milli and outsourced_milli; their counts need the state
-- the agency was counted in: 0 no report (n_unreported), 1 登錄中 (n_in_progress), 2 已登錄完成
-- (n_complete).  NULL: not known (rows computed before this column); a batch naming such a row
-- takes the full recompute, which fills it, and the worker's startup queues one for every
-- county-year that has such rows.
ALTER TABLE rollups ADD COLUMN own_state TINYINT NULL AFTER outsourced_milli;
