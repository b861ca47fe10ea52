-- 0036_session_row.sql: a session is one row (issue 14: one statement a request, and that
-- statement as cheap as MariaDB can answer one).
--
-- Every logged-in request reads its session.  It used to join sessions to accounts, agencies and
-- counties (four tables) to check that the account, its agency and its county are still active
-- and to show their names.  MariaDB plans a prepared statement again at every execution, and each
-- table joined costs that planning 10-25 us of CPU: the four tables cost 86-111 us a request
-- against 50-56 for the sessions row alone and 29-46 for SELECT 1 (bench/README.md, 2026-12-05
-- stop 32, 20,000 executions each).
--
-- So the session row carries what the request needs of its account (kind, county, agency, login,
-- must_change_password), the name shown (the agency's, else the person's), the county's name and
-- whether the agency's contact is complete, and a session exists only while its account, agency
-- and county are active.  The triggers below keep that true for every writer, whatever it is
-- (the pages, cityinv-admin, a repair by hand): in the same transaction as the change,
--   - an account deactivated, locked by the admin, or given another kind, county or agency,
--     an agency deactivated or moved to another county, a county no longer hosted: its
--     sessions are deleted (a later reactivation does not bring them back);
--   - a login, display name, must_change_password, agency name or contact, or county name
--     changed: its sessions' copies are updated.
-- Sessions are created from the account's current rows (store_session_create: an INSERT ...
-- SELECT that reads them in share mode, so a deactivation either comes first and no session is
-- made, or waits and then deletes it).  Each trigger is one statement (db_run_script ends a
-- statement at a ';' at the end of a line).

ALTER TABLE sessions
  ADD COLUMN kind enum('agency','team','admin') NOT NULL DEFAULT 'agency' AFTER account_id,
  ADD COLUMN county_id tinyint(3) unsigned DEFAULT NULL AFTER kind,
  ADD COLUMN agency_id int(10) unsigned DEFAULT NULL AFTER county_id,
  ADD COLUMN login varchar(40) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL DEFAULT '' AFTER agency_id,
  ADD COLUMN must_change_password tinyint(1) NOT NULL DEFAULT 1 AFTER login,
  ADD COLUMN name varchar(200) NOT NULL DEFAULT '' AFTER must_change_password,
  ADD COLUMN county_name varchar(16) NOT NULL DEFAULT '' AFTER name,
  ADD COLUMN has_contact tinyint(1) NOT NULL DEFAULT 0 AFTER county_name,
  ADD INDEX sessions_agency (agency_id),
  ADD INDEX sessions_county (county_id);

-- The sessions of today: copied, and those that the joins refused are ended.
DELETE s FROM sessions s JOIN accounts a ON a.id = s.account_id
  LEFT JOIN agencies g ON g.id = a.agency_id LEFT JOIN counties c ON c.id = a.county_id
  WHERE a.active = 0 OR a.admin_locked = 1 OR g.active = 0 OR c.hosted = 0;
UPDATE sessions s JOIN accounts a ON a.id = s.account_id
  LEFT JOIN agencies g ON g.id = a.agency_id LEFT JOIN counties c ON c.id = a.county_id
  SET s.kind = a.kind, s.county_id = a.county_id, s.agency_id = a.agency_id, s.login = a.login,
      s.must_change_password = a.must_change_password, s.name = IFNULL(g.name, IFNULL(a.display_name, '')),
      s.county_name = IFNULL(c.name, ''),
      s.has_contact = IFNULL(g.contact_name IS NOT NULL AND g.contact_email IS NOT NULL AND g.contact_phone IS NOT NULL, 0);

CREATE TRIGGER accounts_sessions_end AFTER UPDATE ON accounts FOR EACH ROW
  DELETE FROM sessions WHERE account_id = NEW.id
    AND (NEW.active = 0 OR NEW.admin_locked = 1 OR NEW.kind <> OLD.kind
         OR NOT (NEW.county_id <=> OLD.county_id) OR NOT (NEW.agency_id <=> OLD.agency_id));
CREATE TRIGGER accounts_sessions_copy AFTER UPDATE ON accounts FOR EACH ROW FOLLOWS accounts_sessions_end
  UPDATE sessions SET login = NEW.login, must_change_password = NEW.must_change_password,
      name = IF(NEW.agency_id IS NULL, IFNULL(NEW.display_name, ''), name)
    WHERE account_id = NEW.id
      AND (NOT (BINARY NEW.login <=> BINARY OLD.login) OR NEW.must_change_password <> OLD.must_change_password
           OR NOT (BINARY NEW.display_name <=> BINARY OLD.display_name));
CREATE TRIGGER agencies_sessions_end AFTER UPDATE ON agencies FOR EACH ROW
  DELETE FROM sessions WHERE agency_id = NEW.id AND (NEW.active = 0 OR NEW.county_id <> OLD.county_id);
CREATE TRIGGER agencies_sessions_copy AFTER UPDATE ON agencies FOR EACH ROW FOLLOWS agencies_sessions_end
  UPDATE sessions SET name = NEW.name,
      has_contact = NEW.contact_name IS NOT NULL AND NEW.contact_email IS NOT NULL AND NEW.contact_phone IS NOT NULL
    WHERE agency_id = NEW.id
      AND (NOT (BINARY NEW.name <=> BINARY OLD.name)
           OR (NEW.contact_name IS NULL) <> (OLD.contact_name IS NULL)
           OR (NEW.contact_email IS NULL) <> (OLD.contact_email IS NULL)
           OR (NEW.contact_phone IS NULL) <> (OLD.contact_phone IS NULL));
CREATE TRIGGER counties_sessions_end AFTER UPDATE ON counties FOR EACH ROW
  DELETE FROM sessions WHERE county_id = NEW.id AND NEW.hosted = 0;
CREATE TRIGGER counties_sessions_copy AFTER UPDATE ON counties FOR EACH ROW FOLLOWS counties_sessions_end
  UPDATE sessions SET county_name = NEW.name WHERE county_id = NEW.id AND NOT (BINARY NEW.name <=> BINARY OLD.name);
