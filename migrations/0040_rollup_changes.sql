-- 0040_rollup_changes.sql: a save's rollup in one statement (worker/rollup.c).
--
-- The worker moved a save's totals statement by statement, fourteen round trips between it and
-- MariaDB; in a burst of saves most of a job's time went between them, the two cores busy with
-- the pages being asked for (bench/README.md, stop 37).  rollup_changes runs the same statements,
-- in the same order and under the same locks: when the county-year has outbox rows pending, it
-- makes its county_rollups row if missing (outside the transaction), then, in READ COMMITTED,
-- locks that row, claims the pending rows under p_claim, asks for the quality job, and when the
-- claim names agencies whose rollups and ancestors' are all known, moves them by the differences
-- between each named agency's report now and what its rollup counted, sums the county row from
-- the 一級 agencies, and marks the rows done.
--
-- p_tx 1 (the worker): the procedure begins and ends its own transaction; 0 (the tests): it runs
-- inside the caller's and neither commits nor rolls back.  What came of it, in the OUT parameters:
--   o_status 1  done (committed when p_tx); o_rows the changes marked done, o_waited how long
--               the oldest of them waited (ms);
--            0  nothing pending, or another worker took it: nothing written;
--            2  the full recompute is needed (a county-wide row, or an agency or ancestor
--               without its rollup): rolled back when p_tx, else left claimed (o_rows rows);
--            3  the changes could not be moved (a count below zero, a total out of range: rows
--               edited by hand): o_error says why; rolled back when p_tx, else that statement
--               alone undone.
-- o_wrote is 1 when anything was committed or left in the caller's transaction (the write epoch
-- moves: shared/epoch.h), 0 when nothing was written.  Any other error (a lock wait, a deadlock)
-- is raised again as itself (its MYSQL_ERRNO), the transaction rolled back when p_tx.  The statements are those of shared/store_rollup.c, which
-- keeps the full recompute and the several years' path; SQL SECURITY INVOKER: it runs with the
-- caller's privileges, whoever made it.
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
  UPDATE outbox SET claim = p_claim WHERE county_id = p_county AND year = p_year AND done_at IS NULL;
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
              FROM (SELECT DISTINCT agency_id id FROM outbox WHERE claim = p_claim AND done_at IS NULL) c
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
  UPDATE outbox SET done_at = NOW(3) WHERE claim = p_claim AND done_at IS NULL;
  SET o_rows = ROW_COUNT(), o_status = 1, o_wrote = 1;
  IF p_tx THEN
    COMMIT;
  END IF;
END //
DELIMITER ;
