-- 0044_lock_instant.sql: a lock's instants to the millisecond, as the outbox's.
--
-- The rollup worker keeps a locked (or published) county-year's figures as they were signed:
-- a year is locked only with no outbox row pending, and the rows written after (an agency
-- moved or created, a factor day's) are set aside without a recompute (store_rollup_set_aside).
-- The lock's instant is kept to the millisecond, as outbox.created_at is, so the two can be
-- compared when a lock's history is read beside the outbox; unlocked_at too, so that an unlock
-- is never before its lock.  Unlocking queues the county-year's full recompute.
ALTER TABLE year_locks MODIFY locked_at DATETIME(3) NOT NULL;
ALTER TABLE year_locks MODIFY unlocked_at DATETIME(3) NULL;
