-- 0008_nonagency.sql: 填報非機關單位耗用之活動: the county team's lines of non-agency activity
-- for a county-year, each stored with its inputs and the figures computed from them (factor,
-- method, sources, kgCO2e) so the inventory and its workbooks show exactly what was computed.
CREATE TABLE county_activities (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  county_id TINYINT UNSIGNED NOT NULL,
  year SMALLINT UNSIGNED NOT NULL,
  method VARCHAR(24) CHARACTER SET ascii NOT NULL,
  description VARCHAR(200) NOT NULL DEFAULT '',
  note VARCHAR(300) NOT NULL DEFAULT '',
  quantity DECIMAL(18,3) NOT NULL,
  quantity2 DECIMAL(18,6) NULL,
  opt1 VARCHAR(48) CHARACTER SET ascii NULL,
  opt2 VARCHAR(48) CHARACTER SET ascii NULL,
  opt3 VARCHAR(48) CHARACTER SET ascii NULL,
  override_factor DECIMAL(24,9) NULL,
  override_reason VARCHAR(300) NULL,
  kg_milli BIGINT NOT NULL,
  category TINYINT UNSIGNED NOT NULL,
  scope TINYINT UNSIGNED NOT NULL,
  gwp_set VARCHAR(8) CHARACTER SET ascii NOT NULL DEFAULT '',
  factor_text VARCHAR(64) NOT NULL,
  unit_text VARCHAR(32) NOT NULL,
  method_text VARCHAR(600) NOT NULL,
  sources TEXT NOT NULL,
  provisional TINYINT(1) NOT NULL DEFAULT 0,
  version INT UNSIGNED NOT NULL DEFAULT 1,
  created_by INT UNSIGNED NOT NULL,
  updated_by INT UNSIGNED NOT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  KEY county_activities_year (county_id, year),
  CONSTRAINT county_activities_county FOREIGN KEY (county_id) REFERENCES counties (id),
  CONSTRAINT county_activities_category CHECK (category BETWEEN 0 AND 6),
  CONSTRAINT county_activities_scope CHECK (scope IN (1, 2))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- County-level changes (non-agency lines) are audited with their county.
ALTER TABLE audit_log ADD COLUMN county_id TINYINT UNSIGNED NULL,
  ADD KEY audit_county_year (county_id, year, id);
