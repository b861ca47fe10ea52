-- 0030_outbox_claim.sql: the rows a rollup job claimed, by their claim.  The job reads and marks
-- them by it (how many, the agencies changed, their ancestors level by level, done, the oldest
-- wait); without a key each of those statements read the whole outbox, which keeps its done rows.
ALTER TABLE outbox ADD KEY outbox_claim (claim);
