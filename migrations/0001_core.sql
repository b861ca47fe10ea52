-- 0001_core.sql: counties, the agency tree and the accounts.
-- Every table is InnoDB in utf8mb4; each statement ends with ';' at the end of a line.

CREATE TABLE counties (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  letter CHAR(1) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
  name VARCHAR(16) NOT NULL,
  UNIQUE KEY counties_letter (letter),
  UNIQUE KEY counties_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The 22 counties and cities with their ROC letters (I, L, R, S, Y are no longer in use).
INSERT INTO counties (id, letter, name) VALUES
  (1, 'A', '臺北市'), (2, 'B', '臺中市'), (3, 'C', '基隆市'), (4, 'D', '臺南市'),
  (5, 'E', '高雄市'), (6, 'F', '新北市'), (7, 'G', '宜蘭縣'), (8, 'H', '桃園市'),
  (9, 'I', '嘉義市'), (10, 'J', '新竹縣'), (11, 'K', '苗栗縣'), (12, 'M', '南投縣'),
  (13, 'N', '彰化縣'), (14, 'O', '新竹市'), (15, 'P', '雲林縣'), (16, 'Q', '嘉義縣'),
  (17, 'T', '屏東縣'), (18, 'U', '花蓮縣'), (19, 'V', '臺東縣'), (20, 'W', '金門縣'),
  (21, 'X', '澎湖縣'), (22, 'Z', '連江縣');

-- The agency tree: 一級 (level 1, no parent) -> 二級 -> 三級 -> ... of any depth,
-- always within one county.  Deactivated agencies keep their history.
CREATE TABLE agencies (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  county_id TINYINT UNSIGNED NOT NULL,
  code VARCHAR(20) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
  name VARCHAR(200) NOT NULL,
  level TINYINT UNSIGNED NOT NULL,
  parent_id INT UNSIGNED NULL,
  active TINYINT(1) NOT NULL DEFAULT 1,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  UNIQUE KEY agencies_code (county_id, code),
  KEY agencies_parent (parent_id),
  CONSTRAINT agencies_county FOREIGN KEY (county_id) REFERENCES counties (id),
  CONSTRAINT agencies_parent_fk FOREIGN KEY (parent_id) REFERENCES agencies (id),
  CONSTRAINT agencies_level CHECK (level BETWEEN 1 AND 20),
  CONSTRAINT agencies_root CHECK ((level = 1) = (parent_id IS NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Accounts: one per agency (login = the agency code), the county inventory
-- team's accounts (county set, no agency) and the platform admins (neither).
CREATE TABLE accounts (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind ENUM('agency', 'team', 'admin') NOT NULL,
  county_id TINYINT UNSIGNED NULL,
  agency_id INT UNSIGNED NULL,
  login VARCHAR(40) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
  password_hash VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  must_change_password TINYINT(1) NOT NULL DEFAULT 1,
  active TINYINT(1) NOT NULL DEFAULT 1,
  failed_logins SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  first_failed_at DATETIME NULL,
  locked_until DATETIME NULL,
  password_changed_at DATETIME NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  county_key TINYINT UNSIGNED AS (IFNULL(county_id, 0)) STORED,
  UNIQUE KEY accounts_login (county_key, login),
  UNIQUE KEY accounts_agency (agency_id),
  CONSTRAINT accounts_county FOREIGN KEY (county_id) REFERENCES counties (id),
  CONSTRAINT accounts_agency_fk FOREIGN KEY (agency_id) REFERENCES agencies (id),
  CONSTRAINT accounts_kind CHECK (
    (kind = 'agency' AND county_id IS NOT NULL AND agency_id IS NOT NULL) OR
    (kind = 'team' AND county_id IS NOT NULL AND agency_id IS NULL) OR
    (kind = 'admin' AND county_id IS NULL AND agency_id IS NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
