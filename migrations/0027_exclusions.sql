-- 0027_exclusions.sql: exclusions, the NE / IE notation keys and the de minimis 沿用 (SPEC-2 §2d,
-- issue 13 item 4).
--   report_exclusions   the sources an agency excludes from its report, each with its reason
--                       (at most 20 a report: the form's bound, web/report.h REPORT_EXCLUSIONS);
--   report_items        notation: NE (not estimated: notation_text is the reason) or IE (included
--                       elsewhere: notation_text names where), a line with no quantity; an empty
--                       quantity without a notation stays NO (does not occur), as before;
--                       carried_from: the quantity is the last real one of that year, reused under
--                       the de minimis rule (MOENV 2025-12-19, 環部氣字第1149114687號): at most two
--                       consecutive years (web/report.c checks it at the save, with the thresholds).
-- The versions (0017) keep all of it: report_version_exclusions is immutable like the others.

CREATE TABLE report_exclusions (
  report_id INT UNSIGNED NOT NULL,
  seq SMALLINT UNSIGNED NOT NULL,
  name VARCHAR(100) NOT NULL,
  reason VARCHAR(300) NOT NULL,
  PRIMARY KEY (report_id, seq),
  CONSTRAINT report_exclusions_report FOREIGN KEY (report_id) REFERENCES reports (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE report_items
  ADD COLUMN notation ENUM('NE', 'IE') NULL,
  ADD COLUMN notation_text VARCHAR(300) NULL,
  ADD COLUMN carried_from SMALLINT UNSIGNED NULL,
  ADD CONSTRAINT report_items_notation CHECK (notation IS NULL OR (quantity_milli IS NULL AND notation_text IS NOT NULL
                                              AND carried_from IS NULL)),
  ADD CONSTRAINT report_items_carried CHECK (carried_from IS NULL OR quantity_milli IS NOT NULL);

ALTER TABLE report_version_items
  ADD COLUMN notation ENUM('NE', 'IE') NULL,
  ADD COLUMN notation_text VARCHAR(300) NULL,
  ADD COLUMN carried_from SMALLINT UNSIGNED NULL;

CREATE TABLE report_version_exclusions (
  report_id INT UNSIGNED NOT NULL,
  version_no SMALLINT UNSIGNED NOT NULL,
  seq SMALLINT UNSIGNED NOT NULL,
  name VARCHAR(100) NOT NULL,
  reason VARCHAR(300) NOT NULL,
  PRIMARY KEY (report_id, version_no, seq),
  CONSTRAINT report_version_exclusions_version FOREIGN KEY (report_id, version_no)
    REFERENCES report_versions (report_id, version_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER report_version_exclusions_no_update BEFORE UPDATE ON report_version_exclusions FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'report_version_exclusions are immutable';
CREATE TRIGGER report_version_exclusions_no_delete BEFORE DELETE ON report_version_exclusions FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'report_version_exclusions are immutable';
