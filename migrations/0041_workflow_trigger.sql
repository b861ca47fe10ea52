-- 0041_workflow_trigger.sql: reports_workflow_outbox (0022) runs its INSERT only for a workflow
-- change.  As one INSERT … SELECT … WHERE <the change>, the trigger ran a statement for every
-- row any UPDATE of reports touched, which found nothing for all but the workflow's own: a
-- factor day's 110,000 totals (issue 15's bench) took 1.9-2.8 s with it, 1.2-1.3 s with the
-- statement behind an IF (the same UPDATE, rolled back, three runs each).  The condition and the
-- row it queues are 0022's.
DROP TRIGGER IF EXISTS reports_workflow_outbox;
DELIMITER //
CREATE TRIGGER reports_workflow_outbox AFTER UPDATE ON reports FOR EACH ROW
BEGIN
  IF NOT (NEW.confirmed_version <=> OLD.confirmed_version)
     OR (OLD.filed = 1 AND NEW.filed = 0 AND NEW.returned = 1)
     OR NOT (NEW.correction_at <=> OLD.correction_at)
     OR NOT (BINARY NEW.correction_reason <=> BINARY OLD.correction_reason) THEN
    INSERT INTO outbox (county_id, year, agency_id, created_at)
      SELECT a.county_id, NEW.year, NEW.agency_id, NOW(3) FROM agencies a WHERE a.id = NEW.agency_id;
  END IF;
END //
DELIMITER ;
