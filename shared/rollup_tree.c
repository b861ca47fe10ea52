/* rollup_tree.c: a county-year's rollups summed up its agency tree in memory (the full recompute's arithmetic). */
#include <stdlib.h>

#include "decimal.h"
#include "rollup_tree.h"

/* The index of id among the nodes (sorted by id), or -1. */
static long long find(const struct rollup_node *nodes, size_t n, long long id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (nodes[mid].id == id)
			return (long long)mid;
		if (nodes[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Adds one active agency's figures to s: 0, or -1 beyond BIGINT. */
static int add(struct rollup_sums *s, const struct rollup_sums *own)
{
	return dec_add_i64(s->sub, own->own, &s->sub) || dec_add_i64(s->subo, own->outs, &s->subo) ||
	       dec_add_i64(s->n, 1, &s->n) || dec_add_i64(s->n0, own->state == 0, &s->n0) ||
	       dec_add_i64(s->n1, own->state == 1, &s->n1) || dec_add_i64(s->n2, own->state == 2, &s->n2) ? -1 : 0;
}

/*
 * Each active agency walks up its ancestors, adding itself to each: the
 * closure table's rows, visited in memory (depth x agencies steps, 15,000
 * for the 5,000 agencies of a county of four levels).  The walk is bounded
 * by the number of nodes, so a loop in the parents ends it with an error.
 */
int rollup_tree_sum(struct rollup_node *nodes, size_t n, const char **why)
{
	long long *up;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		struct rollup_sums *s = &nodes[i].now;

		if (i && nodes[i - 1].id >= nodes[i].id) {
			*why = "agencies out of order";
			return -1;
		}
		s->sub = s->subo = s->n = s->n0 = s->n1 = s->n2 = 0;
	}
	if (!n)
		return 0;
	up = malloc(n * sizeof(*up));
	if (!up) {
		*why = "out of memory";
		return -1;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		up[i] = nodes[i].parent ? find(nodes, n, nodes[i].parent) : -2;
		if (up[i] == -1) {
			*why = "a parent of another county or none";
			rc = -1;
		}
	}
	for (size_t i = 0; i < n && !rc; i++) {
		long long j = (long long)i;
		size_t steps = 0;

		if (!nodes[i].active)
			continue;
		for (; j >= 0 && !rc; j = up[j]) {
			if (++steps > n) {
				*why = "a loop in the agency tree";
				rc = -1;
			} else if (add(&nodes[j].now, &nodes[i].now)) {
				*why = "a sum beyond BIGINT";
				rc = -1;
			}
		}
	}
	free(up);
	return rc;
}

int rollup_tree_changed(const struct rollup_node *node)
{
	const struct rollup_sums *a = &node->now, *b = &node->was;

	return !node->had || a->own != b->own || a->outs != b->outs || a->state != b->state || a->sub != b->sub ||
	       a->subo != b->subo || a->n != b->n || a->n0 != b->n0 || a->n1 != b->n1 || a->n2 != b->n2;
}
