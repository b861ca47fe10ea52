-- 0022_workflow_outbox.sql: a report's 確認, 退回, 重新開放 and 申請更正 queue an outbox row for
-- its agency, whoever writes them (docs/workflow.md).  The outbox is what moves a county-year's
-- review stamp (web/page_review.c's DESIGN: each web process keeps the rendered 所屬機關填報確認
-- until the stamp moves), so a transition shows at once on every process's page; and the worker's
-- rollup of the agency, which the row asks for, is what any per-state count kept with the totals
-- is recomputed by.  The changes: confirmed_version set (確認) or cleared (重新開放); filed 1 -> 0
-- with the 退回 flag (退回; times would not do, two could fall in one second); the correction
-- asked for, replaced or cleared (BINARY: a reason changed only in letter case or trailing
-- spaces is changed).  A save queues its own row (web/report_save.c).  One statement
-- (db_run_script ends a statement at a ';' at the end of a line).
CREATE TRIGGER reports_workflow_outbox AFTER UPDATE ON reports FOR EACH ROW
  INSERT INTO outbox (county_id, year, agency_id, created_at)
  SELECT a.county_id, NEW.year, NEW.agency_id, NOW(3) FROM agencies a
  WHERE a.id = NEW.agency_id
    AND (NOT (NEW.confirmed_version <=> OLD.confirmed_version)
         OR (OLD.filed = 1 AND NEW.filed = 0 AND NEW.returned = 1)
         OR NOT (NEW.correction_at <=> OLD.correction_at)
         OR NOT (BINARY NEW.correction_reason <=> BINARY OLD.correction_reason));
