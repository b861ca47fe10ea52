-- 0006_imports.sql: the county team's agency lists (CSV or XLSX), kept from the preview to
-- the confirmation, and the one-time passwords of the accounts an import creates (a workbook
-- the worker writes; the passwords themselves are stored nowhere else).
CREATE TABLE agency_imports (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  county_id TINYINT UNSIGNED NOT NULL,
  account_id INT UNSIGNED NOT NULL,
  filename VARCHAR(200) NOT NULL,
  content MEDIUMBLOB NOT NULL,
  status ENUM('preview', 'applied') NOT NULL DEFAULT 'preview',
  created_at DATETIME(3) NOT NULL,
  applied_at DATETIME(3) NULL,
  created_count INT UNSIGNED NOT NULL DEFAULT 0,
  updated_count INT UNSIGNED NOT NULL DEFAULT 0,
  export_id BIGINT UNSIGNED NULL,
  KEY agency_imports_county (county_id, created_at),
  CONSTRAINT agency_imports_county FOREIGN KEY (county_id) REFERENCES counties (id),
  CONSTRAINT agency_imports_account FOREIGN KEY (account_id) REFERENCES accounts (id),
  CONSTRAINT agency_imports_export FOREIGN KEY (export_id) REFERENCES exports (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The import that created an account: the worker gives those still unused a one-time password.
ALTER TABLE accounts ADD COLUMN import_id BIGINT UNSIGNED NULL,
  ADD CONSTRAINT accounts_import FOREIGN KEY (import_id) REFERENCES agency_imports (id);
ALTER TABLE exports ADD COLUMN import_id BIGINT UNSIGNED NULL,
  ADD CONSTRAINT exports_import FOREIGN KEY (import_id) REFERENCES agency_imports (id);

-- A worker claims an export atomically (queued, or running with a lease older than ten
-- minutes) and renews the lease with each progress update, so two workers never build one.
ALTER TABLE exports ADD COLUMN claimed_at DATETIME(3) NULL;
