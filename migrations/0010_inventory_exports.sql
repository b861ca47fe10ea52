-- 0010_inventory_exports.sql: what the data under a workbook looked like when it was asked for,
-- so the same workbook is built again only when that data has changed.
ALTER TABLE exports ADD COLUMN stamp VARCHAR(200) CHARACTER SET ascii NULL,
  ADD KEY exports_reuse (kind, county_id, year, stamp);
