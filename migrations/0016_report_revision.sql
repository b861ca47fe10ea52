-- 0016_report_revision.sql: the words "version" and "confirmed" are kept for what SPEC-2 §1
-- means by them (a version is the snapshot taken when a parent confirms, 已確認), so the two
-- columns of reports that meant something else are renamed:
--   version   -> revision: the save counter (each save increments it; a save based on an older
--                revision is refused);
--   confirmed -> filed:    the agency's 已登錄完成 tick (0 登錄中, 1 已登錄完成).
-- Neither column is in an index or a constraint; no other table copies them (rollups count
-- them as n_in_progress / n_complete; the audit trail names the tick by its label).
-- site_content.version and county_activities.version are those entities' own save counters.
ALTER TABLE reports RENAME COLUMN version TO revision, RENAME COLUMN confirmed TO filed;
