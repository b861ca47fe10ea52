/* test_rollup_tree.c: the full recompute's sums up the agency tree, against a closure counted the slow way. */
#include <limits.h>
#include <stdlib.h>

#include "rollup_tree.h"
#include "tap.h"

#define N_RANDOM 400

static struct rollup_node node(long long id, long long parent, int active, long long own, long long outs, int state)
{
	struct rollup_node x = { .id = id, .parent = parent, .active = active };

	x.now.own = own;
	x.now.outs = outs;
	x.now.state = state;
	return x;
}

/* Whether a is d or one of d's ancestors (parents by walking the array: ids are 1..n at index id - 1). */
static int is_ancestor(const struct rollup_node *nodes, long long a, long long d)
{
	for (long long j = d; j; j = nodes[j - 1].parent)
		if (j == a)
			return 1;
	return 0;
}

int main(void)
{
	const char *why = NULL;

	/* 1 ─ 2 (inactive) ─ 3; 1 ─ 4 (登錄中); 5 a second root with an unknown state. */
	struct rollup_node t[] = {
		node(1, 0, 1, 1000, 10, 2), node(2, 1, 0, 500, 0, 2), node(3, 2, 1, 250, 5, 0),
		node(4, 1, 1, 125, 0, 1), node(5, 0, 1, 7, 0, 3),
	};
	ok(rollup_tree_sum(t, 5, &why) == 0, "a small tree sums");
	is_int(t[0].now.sub, 1000 + 250 + 125, "the root: itself and its active descendants (the inactive one's own left out)");
	is_int(t[0].now.subo, 15, "outsourced likewise");
	is_int(t[0].now.n, 3, "three active agencies under the root");
	is_int(t[0].now.n0 * 100 + t[0].now.n1 * 10 + t[0].now.n2, 111, "one unreported, one 登錄中, one complete");
	is_int(t[1].now.sub, 250, "the inactive agency: its active child only");
	is_int(t[1].now.n, 1, "and counts one");
	is_int(t[1].now.own, 500, "its own figure stays as given");
	is_int(t[4].now.n, 1, "a state the counts do not know counts as an agency");
	is_int(t[4].now.n0 + t[4].now.n1 + t[4].now.n2, 0, "in none of the states");
	t[0].had = 1;
	t[0].was = t[0].now;
	ok(!rollup_tree_changed(&t[0]), "a row as computed is not changed");
	t[0].was.n1 = 0;
	ok(rollup_tree_changed(&t[0]), "one count off is");
	ok(rollup_tree_changed(&t[1]), "no row stored is");

	/* Sums again from scratch: the computed columns are reset first. */
	ok(rollup_tree_sum(t, 5, &why) == 0 && t[0].now.sub == 1375, "summed twice, the same");

	struct rollup_node orphan[] = { node(1, 0, 1, 1, 0, 0), node(2, 9, 1, 1, 0, 0) };
	ok(rollup_tree_sum(orphan, 2, &why) < 0, "a parent not among the agencies is refused");
	is_str(why, "a parent of another county or none", "and named");
	struct rollup_node loop[] = { node(1, 2, 1, 1, 0, 0), node(2, 1, 1, 1, 0, 0) };
	ok(rollup_tree_sum(loop, 2, &why) < 0, "a loop ends the walk");
	is_str(why, "a loop in the agency tree", "and is named");
	struct rollup_node order[] = { node(2, 0, 1, 1, 0, 0), node(1, 0, 1, 1, 0, 0) };
	ok(rollup_tree_sum(order, 2, &why) < 0, "ids out of order are refused");
	struct rollup_node big[] = { node(1, 0, 1, LLONG_MAX, 0, 0), node(2, 1, 1, 1, 0, 0) };
	ok(rollup_tree_sum(big, 2, &why) < 0, "a sum beyond BIGINT is refused");
	is_str(why, "a sum beyond BIGINT", "and named");
	ok(rollup_tree_sum(big, 0, &why) == 0, "no agencies, nothing to sum");

	/* A random forest of N_RANDOM agencies, each under an earlier one or a root, against the closure counted pair by pair. */
	static struct rollup_node r[N_RANDOM];
	srand(14);
	for (long long i = 1; i <= N_RANDOM; i++)
		r[i - 1] = node(i, i > 1 && rand() % 8 ? 1 + rand() % (i - 1) : 0, rand() % 5 != 0, rand() % 1000000, rand() % 1000,
				rand() % 4);
	ok(rollup_tree_sum(r, N_RANDOM, &why) == 0, "a random forest of %d agencies sums", N_RANDOM);
	int bad = 0;
	for (long long a = 1; a <= N_RANDOM; a++) {
		struct rollup_sums s = { 0 };

		for (long long d = 1; d <= N_RANDOM; d++) {
			const struct rollup_node *x = &r[d - 1];

			if (!x->active || !is_ancestor(r, a, d))
				continue;
			s.sub += x->now.own;
			s.subo += x->now.outs;
			s.n++;
			s.n0 += x->now.state == 0;
			s.n1 += x->now.state == 1;
			s.n2 += x->now.state == 2;
		}
		const struct rollup_sums *g = &r[a - 1].now;
		bad += g->sub != s.sub || g->subo != s.subo || g->n != s.n || g->n0 != s.n0 || g->n1 != s.n1 || g->n2 != s.n2;
	}
	is_int(bad, 0, "every agency equals its closure counted pair by pair");
	return tap_done();
}
