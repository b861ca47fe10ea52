-- 0007_review_stamp.sql: the newest outbox row of a county-year in one index step; with the
-- pending count and the county's computed_at it stamps what 所屬機關填報確認 shows, so each
-- web process can keep the rendered table until the stamp moves (never stale).
ALTER TABLE outbox ADD KEY outbox_seq (county_id, year, id);
