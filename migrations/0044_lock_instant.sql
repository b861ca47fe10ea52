-- 0044_lock_instant.sql: a lock's instant to the millisecond, as the outbox's.
--
-- The rollup worker keeps a locked (or published) county-year's figures as they were signed:
-- its outbox rows written after the lock (an agency deactivated, moved or created, a factor
-- day's) are set aside without a recompute, those written before it are recomputed as ever
-- (store_rollup_set_aside).  Which is which is outbox.created_at against year_locks.locked_at,
-- so both need the same precision; unlocked_at too, so that an unlock is never before its lock.
-- Unlocking queues the county-year's full recompute.
ALTER TABLE year_locks MODIFY locked_at DATETIME(3) NOT NULL;
ALTER TABLE year_locks MODIFY unlocked_at DATETIME(3) NULL;
