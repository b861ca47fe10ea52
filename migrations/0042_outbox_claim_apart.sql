-- 0042_outbox_claim_apart.sql: a claim's statements read only its own outbox rows.
--
-- With thousands of rows pending (a factor day queues a county-wide row for every county-year of
-- every batch: 2,420 at 110,000 agencies), MariaDB read a claim's rows for `UPDATE outbox SET
-- done_at … WHERE claim = ? AND done_at IS NULL` by intersecting outbox_claim with outbox_done's
-- done_at IS NULL (index_merge), locking every pending row on its way: another worker's claimed
-- rows among them.  Two rollup workers recomputing two county-years at once deadlocked at their
-- done step (the job was retried; tests/store/store_rollup_test.c, test_apart).  The move's
-- read of the claimed agencies, inside its UPDATE, locked them the same way.  Each of the three
-- statements now names its index: outbox_pending for the county-year's pending rows, outbox_claim
-- for the claim's (shared/store_rollup.c does the same).  Otherwise rollup_changes is 0040's,
-- which says what it does.
DROP PROCEDURE IF EXISTS rollup_changes;
DELIMITER //
CREATE PROCEDURE rollup_changes(IN p_county INT, IN p_year INT, IN p_claim CHAR(32) CHARACTER SET ascii, IN p_tx INT,
                                OUT o_status INT, OUT o_rows BIGINT, OUT o_waited BIGINT, OUT o_error VARCHAR(512),
                                OUT o_wrote INT)
  MODIFIES SQL DATA SQL SECURITY INVOKER
proc: BEGIN
  DECLARE v_locked, v_wide, v_unknown BIGINT DEFAULT 0;
  DECLARE v_errno INT DEFAULT 0;
  DECLARE v_msg VARCHAR(512) DEFAULT '';
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    GET DIAGNOSTICS CONDITION 1 v_errno = MYSQL_ERRNO, v_msg = MESSAGE_TEXT;
    IF p_tx THEN
      ROLLBACK;
    END IF;
    SIGNAL SQLSTATE 'HY000' SET MYSQL_ERRNO = v_errno, MESSAGE_TEXT = v_msg;
  END;
  SET o_status = 0, o_rows = 0, o_waited = -1, o_error = NULL, o_wrote = 0;
  -- Nothing pending (read first, without a lock): a job pushed once per save finds the work done
  -- when an earlier job claimed its change with others; a change committed after this read
  -- pushes a job of its own.
  IF NOT EXISTS (SELECT 1 FROM outbox WHERE county_id = p_county AND year = p_year AND done_at IS NULL) THEN
    LEAVE proc;
  END IF;
  -- The county-year's first change: its row, outside the transaction (inside one, two workers'
  -- INSERT IGNORE then FOR UPDATE on the same new row could deadlock).
  IF NOT EXISTS (SELECT 1 FROM county_rollups WHERE county_id = p_county AND year = p_year) THEN
    INSERT IGNORE INTO county_rollups (county_id, year) VALUES (p_county, p_year);
    SET o_wrote = ROW_COUNT() > 0;
  END IF;
  IF p_tx THEN
    SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED;
    START TRANSACTION;
  END IF;
  SELECT county_id INTO v_locked FROM county_rollups WHERE county_id = p_county AND year = p_year FOR UPDATE;
  UPDATE outbox FORCE INDEX (outbox_pending) SET claim = p_claim WHERE county_id = p_county AND year = p_year AND done_at IS NULL;
  SET o_rows = ROW_COUNT();
  IF o_rows > 0 AND NOT p_tx THEN
    SET o_wrote = 1;
  END IF;
  IF o_rows = 0 THEN
    IF p_tx THEN
      COMMIT;
    END IF;
    LEAVE proc;
  END IF;
  -- First, before any rollups row (worker/rollup.c says why: the lock order of the web's agency edits).
  INSERT INTO quality_queue (county_id, year, requests, requested_at) VALUES (p_county, p_year, 1, NOW(3))
    ON DUPLICATE KEY UPDATE requests = requests + 1, requested_at = NOW(3);
  SET o_status = 2;
  SELECT IFNULL(SUM(agency_id IS NULL), 0) INTO v_wide FROM outbox WHERE claim = p_claim AND done_at IS NULL;
  IF v_wide > 0 THEN
    IF p_tx THEN
      ROLLBACK;
    END IF;
    LEAVE proc;
  END IF;
  -- The agencies the claim names and every ancestor of theirs, from the claimed set outwards (store_rollup.c's CLAIMED).
  SELECT COUNT(*) INTO v_unknown FROM (SELECT DISTINCT t.ancestor_id id FROM outbox o STRAIGHT_JOIN agency_tree t ON t.descendant_id = o.agency_id
      WHERE o.claim = p_claim AND o.done_at IS NULL) w
    LEFT JOIN rollups r ON r.agency_id = w.id AND r.year = p_year WHERE r.own_state IS NULL;
  IF v_unknown > 0 THEN
    IF p_tx THEN
      ROLLBACK;
    END IF;
    LEAVE proc;
  END IF;
  moved: BEGIN
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
      GET DIAGNOSTICS CONDITION 1 v_errno = MYSQL_ERRNO, v_msg = MESSAGE_TEXT;
      IF v_errno IN (1205, 1213) THEN
        IF p_tx THEN
          ROLLBACK;
        END IF;
        SIGNAL SQLSTATE 'HY000' SET MYSQL_ERRNO = v_errno, MESSAGE_TEXT = v_msg;
      END IF;
      SET o_status = 3, o_error = v_msg;
    END;
    -- x: each agency the claim names, its report now and what its rollup counted (own_state as
    -- 0034_rollup_own_state.sql has it); d: each of their ancestors (themselves at depth 0) with
    -- the sum of the differences it moves by.  An inactive agency's own figures move, not its
    -- ancestors' sums (they count active agencies only); a row whose differences are all zero is
    -- not written.
    UPDATE rollups a JOIN (
        SELECT t.ancestor_id id, SUM(IF(t.depth = 0, x.own - x.o_own, 0)) d_own, SUM(IF(t.depth = 0, x.outs - x.o_outs, 0)) d_outs,
          SUM(IF(t.depth = 0, x.st - x.o_st, 0)) d_st, SUM(IF(x.active, x.own - x.o_own, 0)) d_sub,
          SUM(IF(x.active, x.outs - x.o_outs, 0)) d_subo, SUM(IF(x.active, (x.st = 0) - (x.o_st = 0), 0)) d0,
          SUM(IF(x.active, (x.st = 1) - (x.o_st = 1), 0)) d1, SUM(IF(x.active, (x.st = 2) - (x.o_st = 2), 0)) d2
        FROM (SELECT c.id, g.active, IFNULL(r.own_total_milli, 0) own, IFNULL(r.outsourced_total_milli, 0) outs,
                IF(r.id IS NULL, 0, IF(r.filed = 0, 1, IF(r.filed = 1, 2, 3))) st,
                o.own_milli o_own, o.outsourced_milli o_outs, o.own_state o_st
              FROM (SELECT DISTINCT agency_id id FROM outbox FORCE INDEX (outbox_claim) WHERE claim = p_claim AND done_at IS NULL) c
              STRAIGHT_JOIN agencies g ON g.id = c.id STRAIGHT_JOIN rollups o ON o.agency_id = c.id AND o.year = p_year
              LEFT JOIN reports r ON r.agency_id = c.id AND r.year = p_year) x
        STRAIGHT_JOIN agency_tree t ON t.descendant_id = x.id GROUP BY t.ancestor_id) d ON a.agency_id = d.id AND a.year = p_year
      SET a.own_milli = a.own_milli + d.d_own, a.outsourced_milli = a.outsourced_milli + d.d_outs,
        a.own_state = a.own_state + d.d_st, a.subtree_milli = a.subtree_milli + d.d_sub,
        a.subtree_outsourced_milli = a.subtree_outsourced_milli + d.d_subo, a.n_unreported = a.n_unreported + d.d0,
        a.n_in_progress = a.n_in_progress + d.d1, a.n_complete = a.n_complete + d.d2, a.computed_at = NOW(3)
      WHERE d.d_own <> 0 OR d.d_outs <> 0 OR d.d_st <> 0 OR d.d_sub <> 0 OR d.d_subo <> 0 OR d.d0 <> 0 OR d.d1 <> 0 OR d.d2 <> 0;
  END moved;
  IF o_status = 3 THEN
    IF p_tx THEN
      ROLLBACK;
    END IF;
    LEAVE proc;
  END IF;
  UPDATE county_rollups c JOIN (SELECT IFNULL(SUM(r.subtree_milli), 0) s, IFNULL(SUM(r.subtree_outsourced_milli), 0) o,
        IFNULL(SUM(r.n_agencies), 0) n, IFNULL(SUM(r.n_unreported), 0) n0, IFNULL(SUM(r.n_in_progress), 0) n1,
        IFNULL(SUM(r.n_complete), 0) n2
      FROM agencies a JOIN rollups r ON r.agency_id = a.id AND r.year = p_year WHERE a.county_id = p_county AND a.parent_id IS NULL) t
    SET c.total_milli = t.s, c.outsourced_milli = t.o, c.n_agencies = t.n, c.n_unreported = t.n0,
      c.n_in_progress = t.n1, c.n_complete = t.n2, c.computed_at = NOW(3) WHERE c.county_id = p_county AND c.year = p_year;
  SELECT IFNULL(TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(3)) DIV 1000, -1) INTO o_waited
    FROM outbox WHERE claim = p_claim AND done_at IS NULL;
  UPDATE outbox FORCE INDEX (outbox_claim) SET done_at = NOW(3) WHERE claim = p_claim AND done_at IS NULL;
  SET o_rows = ROW_COUNT(), o_status = 1, o_wrote = 1;
  IF p_tx THEN
    COMMIT;
  END IF;
END //
DELIMITER ;
