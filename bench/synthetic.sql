-- synthetic.sql: 22 counties x 5,000 agencies in 3 levels x 10 years of reports, for
-- the benchmarks only (bench/run.sh loads it into a private stack, never a real database).
-- Per county: 1 county hall (一級) -> 25 bureaus (二級) -> 200 schools under each of the first 24
-- and 174 under the 25th (三級) = 5,000.
-- Codes start with 'B' so they never collide with the demo data.

CREATE TEMPORARY TABLE seq (n INT PRIMARY KEY);
INSERT INTO seq WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 200) SELECT n FROM s;

INSERT INTO agencies (county_id, code, name, level, parent_id, contact_name, contact_phone, contact_email)
  SELECT c.id, CONCAT('B', c.letter, '000000'), CONCAT(c.name, '縣市府(測)'), 1, NULL, '承辦', '02-12345678', 'b@example.gov.tw'
  FROM counties c;
INSERT INTO agencies (county_id, code, name, level, parent_id, contact_name, contact_phone, contact_email)
  SELECT p.county_id, CONCAT('B', c.letter, LPAD(s.n, 2, '0'), '0000'), CONCAT(c.name, '局處', s.n, '(測)'), 2, p.id, '承辦', '02-12345678', 'b@example.gov.tw'
  FROM agencies p JOIN counties c ON c.id = p.county_id JOIN seq s ON s.n <= 25
  WHERE p.code = CONCAT('B', c.letter, '000000');
INSERT INTO agencies (county_id, code, name, level, parent_id, contact_name, contact_phone, contact_email)
  SELECT p.county_id, CONCAT(LEFT(p.code, 4), LPAD(s.n, 4, '0')), CONCAT(p.name, '學校', s.n), 3, p.id, '承辦', '02-12345678', 'b@example.gov.tw'
  FROM agencies p JOIN seq s ON s.n <= IF(SUBSTRING(p.code, 3, 2) = '25', 174, 200) WHERE p.level = 2 AND p.code LIKE 'B%';

INSERT INTO accounts (kind, county_id, agency_id, login, password_hash, must_change_password)
  SELECT 'agency', a.county_id, a.id, a.code, (SELECT password_hash FROM accounts WHERE kind = 'admin' AND login = 'admin'), 0
  FROM agencies a WHERE a.code LIKE 'B%';

-- Ten years of reports: three in four agencies have one, two in three of those ticked 已登錄完成 (filed).
INSERT INTO reports (agency_id, year, revision, filed, scope_text, own_total_milli, outsourced_total_milli, computed_at)
  SELECT a.id, y.year, 1, (a.id + y.year) % 3 <> 0, '測試', 1000000 + (a.id * 7919 + y.year * 104729) % 50000000,
         (a.id * 31 + y.year) % 1000000, NOW()
  FROM agencies a JOIN (SELECT 2016 + n - 1 AS year FROM seq WHERE n <= 10) y
  WHERE a.code LIKE 'B%' AND (a.id + y.year) % 4 <> 0;

-- Form lines for one county-year (臺中市 2020), for the inventory workbooks: eight lines per
-- report whose kgCO2e add up to the report's own total.
INSERT INTO report_lines (report_id, part, item, seq, category, scope, quantity_milli, kg_milli, factor_text, gwp_set, method, sources)
  SELECT r.id, 'own', ELT(s.n, 'electricity', 'natural_gas', 'lpg', 'vehicle_gasoline', 'vehicle_diesel', 'generator_diesel', 'ext_co2', 'refrigerant'),
         s.n, ELT(s.n, 'stationary', 'stationary', 'stationary', 'transport', 'transport', 'stationary', 'fugitive', 'fugitive'),
         IF(s.n = 1, 2, 1), 1000 * s.n,
         IF(s.n = 8, r.own_total_milli - 7 * (r.own_total_milli DIV 8), r.own_total_milli DIV 8),
         '0.509', 'AR4', '合成資料的計算說明', '合成資料（bench/synthetic.sql）'
  FROM reports r JOIN agencies a ON a.id = r.agency_id JOIN counties c ON c.id = a.county_id JOIN seq s ON s.n <= 8
  WHERE c.letter = 'B' AND r.year = 2020;
