-- 0017_confirmation.sql: 確認 / 退回 / 重新開放 and the immutable versions of a report
-- (docs/workflow.md, SPEC-2 §1).  A version is written only by 確認 (shared/store_workflow.c),
-- in the transaction that confirms, and never changed after: triggers refuse UPDATE and DELETE
-- on the three version tables, so that does not rest on the code alone.  The version tables'
-- foreign keys have no ON DELETE CASCADE (a cascade would delete them without firing the
-- triggers): a report, agency or account a version names cannot be deleted.

-- The state of a report (docs/workflow.md "States of a report"):
--   confirmed_version  the version in force (已確認), NULL while not confirmed;
--   last_version       the newest version written (0: none), kept when the report is reopened;
--   returned           the 退回 flag (登錄中（退回）), with the parent's comment, cleared by the
--                      agency's next save;
--   filed_at           when filed last became 1 (the wait for 確認 counts from it);
--   correction_*       the agency's 申請更正 on a confirmed report, until the parent acts;
--   reopen_*           why, by whom and when the report was last reopened: the next 確認
--                      copies them into its version and clears them.
ALTER TABLE reports
  ADD COLUMN confirmed_version SMALLINT UNSIGNED NULL,
  ADD COLUMN last_version SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN returned TINYINT(1) NOT NULL DEFAULT 0,
  ADD COLUMN return_comment VARCHAR(500) NULL,
  ADD COLUMN returned_at DATETIME NULL,
  ADD COLUMN returned_by INT UNSIGNED NULL,
  ADD COLUMN filed_at DATETIME NULL,
  ADD COLUMN correction_reason VARCHAR(500) NULL,
  ADD COLUMN correction_at DATETIME NULL,
  ADD COLUMN reopen_reason VARCHAR(500) NULL,
  ADD COLUMN reopened_by INT UNSIGNED NULL,
  ADD COLUMN reopened_at DATETIME NULL,
  ADD CONSTRAINT reports_returned_by FOREIGN KEY (returned_by) REFERENCES accounts (id),
  ADD CONSTRAINT reports_reopened_by FOREIGN KEY (reopened_by) REFERENCES accounts (id);

-- A report filed before this migration has no recorded time: its last save stands for it.
UPDATE reports SET filed_at = updated_at WHERE filed = 1;

-- One confirmed version of a report: the reports row as it was, who confirmed it, and the
-- reopening that preceded it (NULL for version 1).
CREATE TABLE report_versions (
  report_id INT UNSIGNED NOT NULL,
  version_no SMALLINT UNSIGNED NOT NULL,
  agency_id INT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  revision INT UNSIGNED NOT NULL,
  own_total_milli BIGINT NOT NULL,
  outsourced_total_milli BIGINT NOT NULL,
  scope_text VARCHAR(1000) NOT NULL,
  outsourced_scope_text VARCHAR(1000) NOT NULL,
  confirmed_by INT UNSIGNED NOT NULL,
  confirmed_at DATETIME NOT NULL,
  reopen_reason VARCHAR(500) NULL,
  reopened_by INT UNSIGNED NULL,
  reopened_at DATETIME NULL,
  PRIMARY KEY (report_id, version_no),
  KEY report_versions_agency_year (agency_id, year),
  CONSTRAINT report_versions_report FOREIGN KEY (report_id) REFERENCES reports (id),
  CONSTRAINT report_versions_agency FOREIGN KEY (agency_id) REFERENCES agencies (id),
  CONSTRAINT report_versions_confirmed_by FOREIGN KEY (confirmed_by) REFERENCES accounts (id),
  CONSTRAINT report_versions_reopened_by FOREIGN KEY (reopened_by) REFERENCES accounts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- report_items of the version, as they were.
CREATE TABLE report_version_items (
  report_id INT UNSIGNED NOT NULL,
  version_no SMALLINT UNSIGNED NOT NULL,
  part ENUM('own', 'outsourced') NOT NULL,
  item VARCHAR(24) CHARACTER SET ascii NOT NULL,
  seq SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  refrigerant VARCHAR(16) CHARACTER SET ascii NULL,
  name VARCHAR(100) NULL,
  unit VARCHAR(20) NULL,
  quantity_milli BIGINT NULL,
  PRIMARY KEY (report_id, version_no, part, item, seq),
  CONSTRAINT report_version_items_version FOREIGN KEY (report_id, version_no)
    REFERENCES report_versions (report_id, version_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- report_lines of the version, as they were: quantity, kgCO2e, factor, GWP set, method, sources.
CREATE TABLE report_version_lines (
  report_id INT UNSIGNED NOT NULL,
  version_no SMALLINT UNSIGNED NOT NULL,
  part ENUM('own', 'outsourced') NOT NULL,
  item VARCHAR(24) CHARACTER SET ascii NOT NULL,
  seq SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  category ENUM('stationary', 'transport', 'fugitive') NOT NULL,
  scope TINYINT UNSIGNED NOT NULL,
  quantity_milli BIGINT NOT NULL,
  kg_milli BIGINT NOT NULL,
  factor_text VARCHAR(64) CHARACTER SET ascii NOT NULL,
  gwp_set VARCHAR(8) CHARACTER SET ascii NOT NULL,
  method VARCHAR(600) NOT NULL,
  sources VARCHAR(1000) NOT NULL,
  provisional TINYINT(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (report_id, version_no, part, item, seq),
  CONSTRAINT report_version_lines_version FOREIGN KEY (report_id, version_no)
    REFERENCES report_versions (report_id, version_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Immutable: one statement each (db_run_script ends a statement at a ';' at the end of a line).
CREATE TRIGGER report_versions_no_update BEFORE UPDATE ON report_versions FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'report_versions are immutable';
CREATE TRIGGER report_versions_no_delete BEFORE DELETE ON report_versions FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'report_versions are immutable';
CREATE TRIGGER report_version_items_no_update BEFORE UPDATE ON report_version_items FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'report_version_items are immutable';
CREATE TRIGGER report_version_items_no_delete BEFORE DELETE ON report_version_items FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'report_version_items are immutable';
CREATE TRIGGER report_version_lines_no_update BEFORE UPDATE ON report_version_lines FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'report_version_lines are immutable';
CREATE TRIGGER report_version_lines_no_delete BEFORE DELETE ON report_version_lines FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'report_version_lines are immutable';
