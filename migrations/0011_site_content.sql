-- 0011_site_content.sql: the public site's content kept by the platform admin: 公告欄 news,
-- 國際資訊, 專用名詞 (Chinese-English glossary), 案例分享, 資訊下載 (files) and 常見問題.
-- Bodies are Markdown, rendered by cmark in its safe mode (raw HTML and script URLs dropped).
CREATE TABLE site_content (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind ENUM('news', 'intl', 'glossary', 'case', 'download', 'faq') NOT NULL,
  title VARCHAR(200) NOT NULL,
  title_en VARCHAR(200) NOT NULL DEFAULT '',
  body_md TEXT NOT NULL,
  posted_on DATE NOT NULL,
  file VARCHAR(200) CHARACTER SET ascii NULL,
  file_name VARCHAR(200) NULL,
  file_size INT UNSIGNED NULL,
  version INT UNSIGNED NOT NULL DEFAULT 1,
  updated_by INT UNSIGNED NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  KEY site_content_kind (kind, posted_on),
  CONSTRAINT site_content_account FOREIGN KEY (updated_by) REFERENCES accounts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
