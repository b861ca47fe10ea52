-- 0004_rollups.sql: the agency tree as a closure table, the precomputed totals of every
-- subtree and county, and the outbox of pending recalculations.

-- Every (ancestor, descendant) pair of the tree, self pairs at depth 0.  Kept by the
-- trigger below for new agencies and by the application when an agency moves.
CREATE TABLE agency_tree (
  ancestor_id INT UNSIGNED NOT NULL,
  descendant_id INT UNSIGNED NOT NULL,
  depth TINYINT UNSIGNED NOT NULL,
  PRIMARY KEY (ancestor_id, descendant_id),
  KEY agency_tree_descendant (descendant_id, depth),
  CONSTRAINT agency_tree_ancestor FOREIGN KEY (ancestor_id) REFERENCES agencies (id),
  CONSTRAINT agency_tree_descendant_fk FOREIGN KEY (descendant_id) REFERENCES agencies (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO agency_tree (ancestor_id, descendant_id, depth)
  WITH RECURSIVE t (ancestor_id, descendant_id, depth) AS (
    SELECT id, id, 0 FROM agencies
    UNION ALL
    SELECT t.ancestor_id, a.id, t.depth + 1 FROM t JOIN agencies a ON a.parent_id = t.descendant_id)
  SELECT ancestor_id, descendant_id, depth FROM t;

CREATE TRIGGER agencies_tree_insert AFTER INSERT ON agencies FOR EACH ROW
  INSERT INTO agency_tree (ancestor_id, descendant_id, depth)
    SELECT ancestor_id, NEW.id, depth + 1 FROM agency_tree WHERE descendant_id = NEW.parent_id
    UNION ALL SELECT NEW.id, NEW.id, 0;

-- Precomputed totals per agency and year (thousandths of kgCO2e): the agency's own report,
-- and its whole subtree (排放量小計 包含所屬機關), with the status counts of the subtree.
CREATE TABLE rollups (
  agency_id INT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  own_milli BIGINT NOT NULL,
  outsourced_milli BIGINT NOT NULL,
  subtree_milli BIGINT NOT NULL,
  subtree_outsourced_milli BIGINT NOT NULL,
  n_agencies INT UNSIGNED NOT NULL,
  n_unreported INT UNSIGNED NOT NULL,
  n_in_progress INT UNSIGNED NOT NULL,
  n_complete INT UNSIGNED NOT NULL,
  computed_at DATETIME(3) NOT NULL,
  PRIMARY KEY (agency_id, year),
  CONSTRAINT rollups_agency FOREIGN KEY (agency_id) REFERENCES agencies (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The county's totals per year; its row is also the lock that serialises the workers
-- recomputing one county-year.
CREATE TABLE county_rollups (
  county_id TINYINT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  total_milli BIGINT NOT NULL DEFAULT 0,
  outsourced_milli BIGINT NOT NULL DEFAULT 0,
  n_agencies INT UNSIGNED NOT NULL DEFAULT 0,
  n_unreported INT UNSIGNED NOT NULL DEFAULT 0,
  n_in_progress INT UNSIGNED NOT NULL DEFAULT 0,
  n_complete INT UNSIGNED NOT NULL DEFAULT 0,
  computed_at DATETIME(3) NULL,
  PRIMARY KEY (county_id, year),
  CONSTRAINT county_rollups_county FOREIGN KEY (county_id) REFERENCES counties (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Pending work, written in the same transaction as the change it follows (so losing
-- Redis loses nothing).  A worker claims the pending rows of a county-year, recomputes
-- and marks them done, all in one transaction.
CREATE TABLE outbox (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  county_id TINYINT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  agency_id INT UNSIGNED NULL,
  created_at DATETIME(3) NOT NULL,
  claim CHAR(32) CHARACTER SET ascii NULL,
  done_at DATETIME(3) NULL,
  KEY outbox_pending (county_id, year, done_at),
  KEY outbox_agency (agency_id, year, done_at),
  KEY outbox_done (done_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Everything saved before this migration is counted once by the first recalculation.
INSERT INTO outbox (county_id, year, agency_id, created_at)
  SELECT DISTINCT a.county_id, r.year, NULL, NOW(3) FROM reports r JOIN agencies a ON a.id = r.agency_id;
