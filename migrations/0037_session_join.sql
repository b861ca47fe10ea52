-- 0037_session_join.sql: 0036 undone; a request reads its session joined to its account, agency
-- and county again.
--
-- 0036 made the session row carry copies of its account, agency and county, kept by triggers in
-- every writer's transaction, and created sessions from those rows read in share mode.  That saved
-- MariaDB 30-90 us a request (bench/README.md, stop 32) but put logins in the locks of the writers:
--   - a login read the account, then the county, then the agency in share mode; a team renaming
--     the agency locks the county, the agency, then the account: a deadlock, and the login
--     answered 503 (14 logins in 600 racing a rename);
--   - an import's confirmation holds the county row for seconds (5.3 s for 6,000 agencies): every
--     login in the county waited past the 1 s lock wait and answered 503;
--   - in REPEATABLE READ the triggers' DELETE and UPDATE of sessions by agency lock the index's gaps
--     until the writer commits, so a long import would also hold back logins of other agencies.
-- Reading the rows at each request takes no lock and is right whatever a writer does meanwhile.
-- The pages end the sessions of what they deactivate (store_session_delete_*), as before 0036;
-- a session they miss is refused at its next request all the same.

DROP TRIGGER IF EXISTS accounts_sessions_copy;
DROP TRIGGER IF EXISTS accounts_sessions_end;
DROP TRIGGER IF EXISTS agencies_sessions_copy;
DROP TRIGGER IF EXISTS agencies_sessions_end;
DROP TRIGGER IF EXISTS counties_sessions_copy;
DROP TRIGGER IF EXISTS counties_sessions_end;

ALTER TABLE sessions
  DROP INDEX sessions_agency,
  DROP INDEX sessions_county,
  DROP COLUMN kind,
  DROP COLUMN county_id,
  DROP COLUMN agency_id,
  DROP COLUMN login,
  DROP COLUMN must_change_password,
  DROP COLUMN name,
  DROP COLUMN county_name,
  DROP COLUMN has_contact;
