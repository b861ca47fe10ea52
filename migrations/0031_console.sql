-- 0031_console.sql: the platform operator's console (SPEC-2 §3, issue 15): which counties the
-- platform hosts, personal team and admin accounts, the admin's lock, and the account a console
-- action was about.
--
-- counties.hosted: the county is on the platform.  Only a hosted county's accounts log in, and
-- their sessions end when the admin stops hosting it (its data is kept).  The counties that have
-- accounts or agencies when this runs are hosted.
ALTER TABLE counties ADD COLUMN hosted TINYINT(1) NOT NULL DEFAULT 0,
  ADD COLUMN hosted_at DATETIME NULL;
UPDATE counties SET hosted = 1, hosted_at = NOW()
  WHERE id IN (SELECT county_id FROM accounts WHERE county_id IS NOT NULL) OR id IN (SELECT county_id FROM agencies);

-- accounts.display_name: the person a team or admin account is for (each member has their own).
-- accounts.admin_locked: locked by the admin until the admin unlocks it (failed logins lock for
-- 30 minutes only: locked_until).  accounts.created_by: the admin who created the account.
ALTER TABLE accounts ADD COLUMN display_name VARCHAR(50) NULL,
  ADD COLUMN admin_locked TINYINT(1) NOT NULL DEFAULT 0,
  ADD COLUMN created_by INT UNSIGNED NULL;

-- audit_log.subject_account_id: the account a console action was about (created, reset, locked…).
ALTER TABLE audit_log ADD COLUMN subject_account_id INT UNSIGNED NULL,
  ADD KEY audit_subject (subject_account_id, id);
