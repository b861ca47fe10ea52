-- 0002_worker.sql: what the worker's trivial "ping" job records (proof that the queue path works).
CREATE TABLE worker_pings (
  token VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
  runs INT UNSIGNED NOT NULL,
  worker VARCHAR(128) NOT NULL,
  processed_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
