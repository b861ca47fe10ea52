-- 0005_exports.sql: workbooks the worker builds on request (轉出明細: 轉excel), downloaded
-- through nginx (X-Accel-Redirect) after the application checks the right to them.
CREATE TABLE exports (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind VARCHAR(24) CHARACTER SET ascii NOT NULL,
  county_id TINYINT UNSIGNED NOT NULL,
  agency_id INT UNSIGNED NULL,
  year SMALLINT UNSIGNED NOT NULL,
  requested_by INT UNSIGNED NOT NULL,
  status ENUM('queued', 'running', 'done', 'failed') NOT NULL DEFAULT 'queued',
  progress TINYINT UNSIGNED NOT NULL DEFAULT 0,
  error VARCHAR(300) NULL,
  file VARCHAR(200) CHARACTER SET ascii NULL,
  filename VARCHAR(200) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  finished_at DATETIME(3) NULL,
  expires_at DATETIME NULL,
  KEY exports_status (status, created_at),
  CONSTRAINT exports_county FOREIGN KEY (county_id) REFERENCES counties (id),
  CONSTRAINT exports_agency FOREIGN KEY (agency_id) REFERENCES agencies (id),
  CONSTRAINT exports_account FOREIGN KEY (requested_by) REFERENCES accounts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
