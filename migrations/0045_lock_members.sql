-- 0045_lock_members.sql: the agencies a county-year was signed with.
--
-- The agencies are one tree for every year: a created, moved, deactivated or imported agency
-- changes it for all of them.  A locked (and perhaps published) county-year keeps the tree it
-- was locked with: each agency active at the lock, with its parent and level then.  Its
-- inventory (the counts of agencies by state, the figures by level, the lists of the
-- workbooks) reads these rows instead of the agencies' current ones (store_inventory*.c), so
-- that nothing done to the agencies after the lock moves what was signed.  Unlocking ends the
-- lock; the next lock takes the tree as it is then.  The platform deletes neither locks nor
-- agencies (it deactivates); the cascades are for whoever does by hand (the tests' clean-ups).
CREATE TABLE year_lock_agencies (
  lock_id INT UNSIGNED NOT NULL,
  agency_id INT UNSIGNED NOT NULL,
  parent_id INT UNSIGNED NULL,
  level TINYINT UNSIGNED NOT NULL,
  PRIMARY KEY (lock_id, agency_id),
  CONSTRAINT year_lock_agencies_lock FOREIGN KEY (lock_id) REFERENCES year_locks (id) ON DELETE CASCADE,
  CONSTRAINT year_lock_agencies_agency FOREIGN KEY (agency_id) REFERENCES agencies (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- The locks in force before this migration: the tree as it is now (the best there is).
INSERT INTO year_lock_agencies (lock_id, agency_id, parent_id, level)
SELECT y.lock_id, a.id, a.parent_id, a.level FROM inventory_years y
JOIN agencies a ON a.county_id = y.county_id AND a.active = 1 WHERE y.lock_id IS NOT NULL;
