/* rollup_tree.h: a county-year's rollups summed up its agency tree in memory (the full recompute's arithmetic). */
#ifndef CITYINV_ROLLUP_TREE_H
#define CITYINV_ROLLUP_TREE_H

#include <stddef.h>

/*
 * What a rollups row holds (thousandths of kgCO2e and counts): the agency's
 * own report (own, outs, and the state it is counted in: 0 none, 1 登錄中,
 * 2 已登錄完成, 3 a state the counts do not know), then the sums over the
 * agency and its descendants, active ones only: their figures, how many
 * there are (n) and how many in each of the states 0-2.
 */
struct rollup_sums {
	long long own, outs;
	int state;
	long long sub, subo, n, n0, n1, n2;
};

struct rollup_node {
	long long id;
	long long parent;		/* 0: a 一級 agency */
	int active;
	struct rollup_sums now;		/* own, outs, state given; the rest computed by rollup_tree_sum */
	int had;			/* the row stored before (then was holds it) */
	struct rollup_sums was;
};

/*
 * Fills every node's now.sub .. now.n2 from the nodes' own figures: each
 * active agency is added to itself and to every ancestor, as the closure
 * table's aggregate counts it (an active agency under an inactive one still
 * counts in the ancestors above).  The nodes are sorted by id, strictly
 * ascending.  0, or -1 with *why: a parent that is not among the nodes, a
 * loop in the tree, ids out of order, or a sum beyond BIGINT (every step is
 * checked).
 */
int rollup_tree_sum(struct rollup_node *nodes, size_t n, const char **why);

/* Whether the stored row differs from what was computed (or there is none). */
int rollup_tree_changed(const struct rollup_node *node);

#endif
