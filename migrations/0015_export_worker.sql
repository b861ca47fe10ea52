-- 0015_export_worker.sql: exports built once per request by a worker of their own, and the
-- one-time passwords of a workbook taking effect only together with the finished file.
--
-- attempts: how many times a worker has claimed the export (an export interrupted that often
-- is failed instead of being taken up again).  claim: the current claim's token; only its
-- holder records progress, renews the lease (claimed_at) or finishes the export.
-- superseded_by: a password workbook whose passwords a newer workbook of the same import
-- replaced; it is no longer offered.
ALTER TABLE exports ADD COLUMN attempts TINYINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN claim VARCHAR(64) CHARACTER SET ascii NULL,
  ADD COLUMN superseded_by BIGINT UNSIGNED NULL,
  ADD CONSTRAINT exports_superseded FOREIGN KEY (superseded_by) REFERENCES exports (id);

-- The same workbook (kind and subject, for the same account) asked for again while one is
-- queued or running is that one: the key is set only while the export is pending, and is
-- unique.  Duplicates already pending are failed first (the earliest of each is kept).
UPDATE exports e JOIN (SELECT kind, county_id, IFNULL(agency_id, 0) a, year, IFNULL(import_id, 0) i, requested_by,
    IFNULL(stamp, '') s, MIN(id) keep FROM exports WHERE status IN ('queued', 'running')
    GROUP BY kind, county_id, IFNULL(agency_id, 0), year, IFNULL(import_id, 0), requested_by, IFNULL(stamp, '')
    HAVING COUNT(*) > 1) d
  ON d.kind = e.kind AND d.county_id = e.county_id AND d.a = IFNULL(e.agency_id, 0) AND d.year = e.year
    AND d.i = IFNULL(e.import_id, 0) AND d.requested_by = e.requested_by AND d.s = IFNULL(e.stamp, '')
  SET e.status = 'failed', e.error = '已與同一檔案較早的要求合併', e.finished_at = NOW(3)
  WHERE e.status IN ('queued', 'running') AND e.id <> d.keep;
ALTER TABLE exports ADD COLUMN pending_key VARCHAR(400) CHARACTER SET ascii
    AS (IF(status IN ('queued', 'running'), CONCAT_WS(':', kind, county_id, IFNULL(agency_id, 0), year,
      IFNULL(import_id, 0), requested_by, IFNULL(stamp, '')), NULL)) STORED,
  ADD UNIQUE KEY exports_pending (pending_key);

-- The new one-time passwords of a workbook being built: the hash each account had when it was
-- read (old_hash) and its new one.  They replace the accounts' hashes in the transaction that
-- records the finished workbook, and only if no account changed meanwhile; an interrupted
-- build's rows are deleted by the next attempt.
CREATE TABLE export_passwords (
  export_id BIGINT UNSIGNED NOT NULL,
  account_id INT UNSIGNED NOT NULL,
  old_hash VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  new_hash VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  PRIMARY KEY (export_id, account_id),
  KEY export_passwords_account (account_id),
  CONSTRAINT export_passwords_export FOREIGN KEY (export_id) REFERENCES exports (id) ON DELETE CASCADE,
  CONSTRAINT export_passwords_account FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
