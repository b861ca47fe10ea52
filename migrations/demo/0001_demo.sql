-- demo/0001_demo.sql: the demo agencies and accounts (make run and make test only; never production).
-- Idempotent: loading it twice changes nothing.  Every demo password is cityinv-demo;
-- the hash below is its argon2id hash (printf 'cityinv-demo\n' | cityinv-admin hash-password).

-- 連江縣 (Z): 連江縣政府 -> 教育處 -> 介壽國中小, 中正國中小; 環境資源局 under the county hall.
INSERT IGNORE INTO agencies (county_id, code, name, level, parent_id)
  SELECT id, '371000000A', '連江縣政府', 1, NULL FROM counties WHERE letter = 'Z';
INSERT IGNORE INTO agencies (county_id, code, name, level, parent_id)
  SELECT p.county_id, v.code, v.name, 2, p.id
  FROM agencies p JOIN counties c ON c.id = p.county_id
  JOIN (SELECT '371030000A' AS code, '連江縣政府教育處' AS name
        UNION ALL SELECT '371040000A', '連江縣環境資源局') v
  WHERE c.letter = 'Z' AND p.code = '371000000A';
INSERT IGNORE INTO agencies (county_id, code, name, level, parent_id)
  SELECT p.county_id, v.code, v.name, 3, p.id
  FROM agencies p JOIN counties c ON c.id = p.county_id
  JOIN (SELECT '371036500X' AS code, '連江縣介壽國中小' AS name
        UNION ALL SELECT '371036600X', '連江縣中正國中小') v
  WHERE c.letter = 'Z' AND p.code = '371030000A';

-- 金門縣 (W): 金門縣政府 -> 環境保護局.
INSERT IGNORE INTO agencies (county_id, code, name, level, parent_id)
  SELECT id, '397020000A', '金門縣政府', 1, NULL FROM counties WHERE letter = 'W';
INSERT IGNORE INTO agencies (county_id, code, name, level, parent_id)
  SELECT p.county_id, '397030000A', '金門縣環境保護局', 2, p.id
  FROM agencies p JOIN counties c ON c.id = p.county_id
  WHERE c.letter = 'W' AND p.code = '397020000A';

-- An account for every demo agency, TEAM in each of the two counties, and the platform admin.
INSERT IGNORE INTO accounts (kind, county_id, agency_id, login, password_hash, must_change_password)
  SELECT 'agency', a.county_id, a.id, a.code, '$argon2id$v=19$m=19456,t=2,p=1$y2XFpkLS6xs/OdaCTN6S4Q$ny/alcjw79qY2mXUfFyIMOC1dKAtjh3KPix7/fHiTOI', 0
  FROM agencies a JOIN counties c ON c.id = a.county_id WHERE c.letter IN ('Z', 'W');
INSERT IGNORE INTO accounts (kind, county_id, agency_id, login, password_hash, must_change_password)
  SELECT 'team', id, NULL, 'TEAM', '$argon2id$v=19$m=19456,t=2,p=1$y2XFpkLS6xs/OdaCTN6S4Q$ny/alcjw79qY2mXUfFyIMOC1dKAtjh3KPix7/fHiTOI', 0 FROM counties WHERE letter IN ('Z', 'W');
INSERT IGNORE INTO accounts (kind, county_id, agency_id, login, password_hash, must_change_password)
  VALUES ('admin', NULL, NULL, 'admin', '$argon2id$v=19$m=19456,t=2,p=1$y2XFpkLS6xs/OdaCTN6S4Q$ny/alcjw79qY2mXUfFyIMOC1dKAtjh3KPix7/fHiTOI', 0);

-- The two demo counties are hosted (once: an admin who stops hosting one is not overruled).
UPDATE counties SET hosted = 1, hosted_at = NOW() WHERE letter IN ('Z', 'W') AND hosted_at IS NULL;
