-- 0035_county_reads.sql: two indexes for the reads of a whole county (issue 14: the detail
-- workbook's summary and chunks, measured in bench/README.md, 2026-12-05 stop 31).
--
-- agencies (county_id, active): a county's active agencies in id order straight from the index
-- (InnoDB's secondary entries end with the primary key).  The detail workbook's chunk bounds
-- scanned the clustered rows from an id upwards instead: 15 statements, 44 ms in all, now 4.
--
-- reports (agency_id, year, own_total_milli): a county's trend over the years served reads its
-- reports' totals from the index alone.  Through reports_agency_year every one of a county's
-- 37,500 reports (the synthetic data) was a lookup of the clustered row: 42-46 ms, now 14.
-- The cost: an UPDATE of 110,000 reports' totals (factor day, its raw baseline alike) takes
-- about 0.3 s more (1.05-1.09 s, now 1.34-1.48 s).
ALTER TABLE agencies ADD INDEX agencies_county_active (county_id, active);
ALTER TABLE reports ADD INDEX reports_agency_total (agency_id, year, own_total_milli);
