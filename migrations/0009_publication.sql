-- 0009_publication.sql: the county team publishes a closed year to 公開資訊 and may withdraw it.
-- Only published county-years are ever read by the public pages.
ALTER TABLE inventory_years
  ADD COLUMN published_at DATETIME NULL,
  ADD COLUMN published_by INT UNSIGNED NULL,
  ADD CONSTRAINT inventory_years_published_by FOREIGN KEY (published_by) REFERENCES accounts (id);
