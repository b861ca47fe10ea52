-- 0012_save_token.sql: each save of a report writes a random token in its transaction, so when
-- the connection is lost at COMMIT (a database restart) the application can ask whether the
-- save was committed instead of telling the user a saved report was not saved.
ALTER TABLE reports ADD COLUMN save_token CHAR(32) CHARACTER SET ascii NULL;
