-- 0038_claim_row.sql: the row a factor change's claim locks, in the claim's own transaction
-- (store_fd_claim_lock: SELECT ... FOR UPDATE SKIP LOCKED), so that two workers never claim two
-- changes at once.  It replaces the server's named lock (GET_LOCK), which a worker kept outside any
-- transaction when it stopped between GET_LOCK and its BEGIN, or between its COMMIT and
-- RELEASE_LOCK (SIGSTOP, a stalled host): for as long as its connection lived, eight hours by the
-- server's default, with neither the run's lease nor idle_transaction_timeout covering it, and
-- every other worker's claim refused meanwhile.  A row lock goes with its transaction, which the
-- server rolls back once the worker has been idle in it for worker_db_timeout.
CREATE TABLE worker_claims (
  name VARCHAR(40) CHARACTER SET ascii NOT NULL PRIMARY KEY
) ENGINE=InnoDB;
INSERT INTO worker_claims (name) VALUES ('factor-day');
