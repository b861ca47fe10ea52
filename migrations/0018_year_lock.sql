-- 0018_year_lock.sql: 年度鎖定, the county team's lock of a county-year (docs/workflow.md).
-- A locked county-year refuses every change (saves, 確認 / 退回 / 重新開放, the team's
-- non-agency lines) until the team unlocks it with a reason; publishing requires the lock.
--
-- inventory_years.lock_id names the lock in force (NULL: not locked).  year_locks keeps every
-- lock and its unlocking; year_lock_exceptions the agencies not 已確認 when it was locked, each
-- with the team's reason.  confirm_within_days is N of the team's waiting list: 已登錄完成
-- reports waiting for 確認 longer than N days since filed_at.
CREATE TABLE year_locks (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  county_id TINYINT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  locked_at DATETIME NOT NULL,
  locked_by INT UNSIGNED NOT NULL,
  unlocked_at DATETIME NULL,
  unlocked_by INT UNSIGNED NULL,
  unlock_reason VARCHAR(500) NULL,
  PRIMARY KEY (id),
  KEY year_locks_county_year (county_id, year),
  CONSTRAINT year_locks_year FOREIGN KEY (county_id, year) REFERENCES inventory_years (county_id, year),
  CONSTRAINT year_locks_locked_by FOREIGN KEY (locked_by) REFERENCES accounts (id),
  CONSTRAINT year_locks_unlocked_by FOREIGN KEY (unlocked_by) REFERENCES accounts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE year_lock_exceptions (
  lock_id INT UNSIGNED NOT NULL,
  agency_id INT UNSIGNED NOT NULL,
  reason VARCHAR(500) NOT NULL,
  PRIMARY KEY (lock_id, agency_id),
  CONSTRAINT year_lock_exceptions_lock FOREIGN KEY (lock_id) REFERENCES year_locks (id),
  CONSTRAINT year_lock_exceptions_agency FOREIGN KEY (agency_id) REFERENCES agencies (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE inventory_years
  ADD COLUMN lock_id INT UNSIGNED NULL,
  ADD COLUMN confirm_within_days SMALLINT UNSIGNED NOT NULL DEFAULT 14,
  ADD CONSTRAINT inventory_years_lock FOREIGN KEY (lock_id) REFERENCES year_locks (id);
