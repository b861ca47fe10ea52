-- 0003_reports.sql: sessions, contact data, inventory years, the yearly report and its
-- computed lines, the audit trail, and the reference data of the calculation.

-- 帳號維護: the agency's full name and its contact person (required before data entry).
ALTER TABLE agencies
  ADD COLUMN full_name VARCHAR(200) NULL AFTER name,
  ADD COLUMN contact_name VARCHAR(50) NULL,
  ADD COLUMN contact_phone VARCHAR(30) NULL,
  ADD COLUMN contact_fax VARCHAR(30) NULL,
  ADD COLUMN contact_email VARCHAR(254) NULL,
  ADD COLUMN contact_updated_at DATETIME NULL;

-- Server-side sessions.  The cookie holds a 256-bit random token; only its SHA-256 is stored.
CREATE TABLE sessions (
  token_hash BINARY(32) NOT NULL PRIMARY KEY,
  account_id INT UNSIGNED NOT NULL,
  csrf CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created_at DATETIME NOT NULL,
  last_seen_at DATETIME NOT NULL,
  expires_at DATETIME NOT NULL,
  client_addr VARCHAR(45) CHARACTER SET ascii NOT NULL DEFAULT '',
  KEY sessions_account (account_id),
  CONSTRAINT sessions_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Inventory years per county (CE years; the pages show 民國 = CE - 1911).
CREATE TABLE inventory_years (
  county_id TINYINT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  is_open TINYINT(1) NOT NULL DEFAULT 1,
  deadline DATE NULL,
  PRIMARY KEY (county_id, year),
  CONSTRAINT inventory_years_county FOREIGN KEY (county_id) REFERENCES counties (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO inventory_years (county_id, year)
  SELECT c.id, y.year FROM counties c
  JOIN (SELECT 2013 AS year UNION ALL SELECT 2014 UNION ALL SELECT 2015 UNION ALL SELECT 2016
        UNION ALL SELECT 2017 UNION ALL SELECT 2018 UNION ALL SELECT 2019 UNION ALL SELECT 2020
        UNION ALL SELECT 2021 UNION ALL SELECT 2022 UNION ALL SELECT 2023 UNION ALL SELECT 2024
        UNION ALL SELECT 2025) y;

-- One report per agency and year.  version counts saves: a save based on an
-- older version is refused.  Totals are sums of the rounded lines, in
-- thousandths of a kgCO2e (exact integers).
CREATE TABLE reports (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  agency_id INT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  version INT UNSIGNED NOT NULL DEFAULT 1,
  confirmed TINYINT(1) NOT NULL DEFAULT 0,
  scope_text VARCHAR(1000) NOT NULL DEFAULT '',
  outsourced_scope_text VARCHAR(1000) NOT NULL DEFAULT '',
  own_total_milli BIGINT NOT NULL DEFAULT 0,
  outsourced_total_milli BIGINT NOT NULL DEFAULT 0,
  computed_at DATETIME NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_by INT UNSIGNED NULL,
  UNIQUE KEY reports_agency_year (agency_id, year),
  CONSTRAINT reports_agency FOREIGN KEY (agency_id) REFERENCES agencies (id),
  CONSTRAINT reports_updated_by FOREIGN KEY (updated_by) REFERENCES accounts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What the agency typed: one row per filled field.  item names the form item
-- (electricity, natural_gas, lpg, vehicle_gasoline, vehicle_diesel,
-- generator_diesel, ext_co2, ext_bc, ext_kbc, refrigerant, other); seq
-- numbers repeated rows (refrigerants, other energy).  Quantities are exact:
-- thousandths of the unit.
CREATE TABLE report_items (
  report_id INT UNSIGNED NOT NULL,
  part ENUM('own', 'outsourced') NOT NULL,
  item VARCHAR(24) CHARACTER SET ascii NOT NULL,
  seq SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  refrigerant VARCHAR(16) CHARACTER SET ascii NULL,
  name VARCHAR(100) NULL,
  unit VARCHAR(20) NULL,
  quantity_milli BIGINT NULL,
  PRIMARY KEY (report_id, part, item, seq),
  CONSTRAINT report_items_report FOREIGN KEY (report_id) REFERENCES reports (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The computed lines as stored at the last save: each with its factor, GWP set and source.
CREATE TABLE report_lines (
  report_id INT UNSIGNED NOT NULL,
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
  PRIMARY KEY (report_id, part, item, seq),
  CONSTRAINT report_lines_report FOREIGN KEY (report_id) REFERENCES reports (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every saved change: who, when, which agency and year, field, old -> new, from where.
CREATE TABLE audit_log (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at DATETIME(3) NOT NULL,
  account_id INT UNSIGNED NULL,
  agency_id INT UNSIGNED NULL,
  year SMALLINT UNSIGNED NULL,
  field VARCHAR(64) NOT NULL,
  old_value VARCHAR(1000) NULL,
  new_value VARCHAR(1000) NULL,
  client_addr VARCHAR(45) CHARACTER SET ascii NOT NULL DEFAULT '',
  KEY audit_agency_year (agency_id, year, id),
  CONSTRAINT audit_account FOREIGN KEY (account_id) REFERENCES accounts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Emission factors, heat values and GWPs, loaded by `cityinv-admin migrate` from
-- migrations/data/emission-factors.csv (a copy of the reference table with its sources).
-- value is kept as the exact decimal text of the table.
CREATE TABLE factors (
  fkey VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  category VARCHAR(40) CHARACTER SET ascii NOT NULL,
  scope VARCHAR(4) CHARACTER SET ascii NOT NULL DEFAULT '',
  gas VARCHAR(16) CHARACTER SET ascii NOT NULL DEFAULT '',
  unit VARCHAR(40) NOT NULL,
  value VARCHAR(40) CHARACTER SET ascii NOT NULL,
  valid_from SMALLINT UNSIGNED NULL,
  valid_to SMALLINT UNSIGNED NULL,
  source VARCHAR(600) NOT NULL,
  confidence ENUM('official', 'secondary', 'derived', 'provisional') NOT NULL,
  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  KEY factors_category (category)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Which GWP set applies to a data year (SPEC 4): SAR to 2015, AR4 2016-2022, AR5 from 2023.
CREATE TABLE gwp_eras (
  gwp_set VARCHAR(8) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  from_year SMALLINT UNSIGNED NOT NULL,
  to_year SMALLINT UNSIGNED NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO gwp_eras VALUES ('SAR', 1990, 2015), ('AR4', 2016, 2022), ('AR5', 2023, NULL);

-- Refrigerant types offered on the form, with the gas their GWP is looked up by
-- (gwp_<SET>_<gas>, or gwp_TW_<gas> when Taiwan's registry counts it as 0).
CREATE TABLE refrigerants (
  code VARCHAR(16) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  label VARCHAR(40) NOT NULL,
  gas VARCHAR(16) CHARACTER SET ascii NOT NULL,
  counts_zero TINYINT(1) NOT NULL DEFAULT 0,
  note VARCHAR(200) NOT NULL DEFAULT '',
  sort SMALLINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO refrigerants (code, label, gas, counts_zero, note, sort) VALUES
  ('R134a', 'R134a (HFC-134a)', 'HFC-134a', 0, '', 1),
  ('R410a', 'R410a (R-410A)', 'R-410A', 0, '', 2),
  ('R22', 'R22 (HCFC-22)', 'HCFC-22', 1, '停用冷媒，非氣候法定義之溫室氣體，以 0 計', 3),
  ('R32', 'R32 (HFC-32)', 'HFC-32', 0, '', 4),
  ('R404A', 'R404A (R-404A)', 'R-404A', 0, '', 5),
  ('R407C', 'R407C (R-407C)', 'R-407C', 0, '', 6),
  ('R507A', 'R507A (R-507A)', 'R-507A', 0, '', 7),
  ('R600a', 'R600a (異丁烷)', 'R-600a', 1, '非氣候法定義之溫室氣體，以 0 計', 8),
  ('R1234yf', 'R1234yf (HFO-1234yf)', 'HFC-1234yf', 1, 'GWP <1，僅需定性說明，以 0 計', 9);
