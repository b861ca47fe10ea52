/* agency_import.c: the import planner: a county's agency list, read and normalised, against its agencies. */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "agency_import.h"
#include "input.h"
#include "sheet.h"

/*
 * DESIGN: the readers (sheet_csv.c, sheet_xlsx.c) collect raw cells;
 * normalising turns them into codes and names with the same rules as the
 * forms (input_text: UTF-8, NFKC, trimmed).  Planning builds a hash of
 * every code (the county's agencies, then the file's rows over them) and
 * walks each row's parents in the resulting tree, at most as many steps as
 * there are agencies, to find cycles and depths.
 */

/* ---- normalising and planning ---- */

int import_valid_code(const char *c)
{
	size_t n = strlen(c);

	if (n < 4 || n > 20)
		return 0;
	for (; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z')))
			return 0;
	return 1;
}

static const char *upper(struct arena *a, const char *s)
{
	char *u = arena_strdup(a, s);

	for (char *p = u; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return u;
}

/*
 * Normalises one cell as the forms do (input_text); returns its verdict.
 * A cell refused for its length or its characters is kept raw, with the
 * verdict, for import_plan() to report on its row.
 */
static enum input_err norm(struct arena *a, const char **s, size_t max)
{
	const char *out = "";
	enum input_err e = input_text(a, *s, strlen(*s), max, 0, &out);

	if (e == INPUT_OK || e == INPUT_EMPTY)
		*s = out ? out : "";
	return e;
}

int import_read(struct arena *a, const char *data, size_t len, struct import_file *out)
{
	struct rows r = { .a = a, .f = out };
	int i, bad_utf8 = 0;

	memset(out, 0, sizeof(*out));
	if (!len) {
		out->error = "檔案是空的。";
		return -1;
	}
	if (len >= 8 && !memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)) {
		out->error = "不支援舊版 Excel (.xls) 檔案，請另存為 .xlsx 或 CSV UTF-8 後再上傳。";
		return -1;
	}
	out->is_xlsx = len >= 4 && !memcmp(data, "PK\3\4", 4);
	if (out->is_xlsx ? sheet_xlsx_read(&r, data, len) : sheet_csv_read(&r, data, len))
		return -1;
	if (r.too_big) {
		out->error = "檔案內容過大，請分批上傳。";
		return -1;
	}
	if (r.too_many) {
		out->error = arena_printf(a, "資料超過 %d 列，請分批上傳。", IMPORT_MAX_ROWS);
		return -1;
	}
	for (i = 0; i < out->n; i++) {
		struct import_row *row = &out->rows[i];

		row->code_err = norm(a, &row->code, 20);
		row->name_err = norm(a, &row->name, 200);
		row->parent_err = norm(a, &row->parent, 20);
		bad_utf8 |= row->code_err == INPUT_BAD_UTF8 || row->name_err == INPUT_BAD_UTF8 || row->parent_err == INPUT_BAD_UTF8;
		row->code = upper(a, row->code);
		row->parent = upper(a, row->parent);
	}
	if (bad_utf8) {
		out->error = IMPORT_NOT_UTF8;
		return -1;
	}
	/* A heading row. */
	if (out->n && (!strcmp(out->rows[0].code, "機關代碼") || !strcmp(out->rows[0].code, "代碼") ||
		       !strcasecmp(out->rows[0].code, "CODE"))) {
		out->rows++;
		out->n--;
	}
	if (out->n > IMPORT_MAX_ROWS) {
		out->error = arena_printf(a, "資料超過 %d 列，請分批上傳。", IMPORT_MAX_ROWS);
		return -1;
	}
	if (!out->n) {
		out->error = "檔案中沒有任何機關資料列。";
		return -1;
	}
	return 0;
}

/* An open-addressing table from upper-case code to an index. */
struct codes {
	const char **key;
	int *val;
	size_t mask;
};

static size_t hash(const char *s)
{
	size_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s)) * 1099511628211ull;
	return h;
}

static void codes_init(struct arena *a, struct codes *t, int n)
{
	size_t size = 16;

	while (size < (size_t)n * 2 + 2)
		size <<= 1;
	t->key = arena_alloc(a, sizeof(*t->key) * size);
	t->val = arena_alloc(a, sizeof(*t->val) * size);
	memset(t->key, 0, sizeof(*t->key) * size);
	t->mask = size - 1;
}

static int *codes_slot(struct codes *t, const char *k, int create)
{
	size_t i = hash(k) & t->mask;

	while (t->key[i]) {
		if (!strcasecmp(t->key[i], k))
			return &t->val[i];
		i = (i + 1) & t->mask;
	}
	if (!create)
		return NULL;
	t->key[i] = k;
	t->val[i] = -1;
	return &t->val[i];
}

/*
 * Nodes: 0..nex-1 the county's agencies, nex.. the file's new codes.  Each
 * node's final parent is a node index or -1.  Depths come from one pass
 * over the final tree (each node visited once): DEPTH_CYCLE for a node on
 * a cycle, DEPTH_BELOW_CYCLE for one whose ancestors reach a cycle.
 */
#define DEPTH_CYCLE (-1)
#define DEPTH_BELOW_CYCLE (-2)

static void depths(const int *parent, int n, int *depth, int *state, int *stack)
{
	for (int v = 0; v < n; v++) {
		int sp = 0, u = v, d;

		if (state[v] == 2)
			continue;
		while (u >= 0 && state[u] == 0) {
			state[u] = 1;
			stack[sp++] = u;
			u = parent[u];
		}
		if (u < 0) {
			d = 0;
		} else if (state[u] == 1) {
			int k = sp - 1;

			while (stack[k] != u)
				k--;
			for (int j = k; j < sp; j++) {
				depth[stack[j]] = DEPTH_CYCLE;
				state[stack[j]] = 2;
			}
			sp = k;
			d = DEPTH_CYCLE;
		} else {
			d = depth[u];
		}
		while (sp > 0) {
			int w = stack[--sp];

			depth[w] = d < 0 ? DEPTH_BELOW_CYCLE : d + 1;
			d = depth[w];
			state[w] = 2;
		}
	}
}

static const char *cell_error(struct arena *a, const char *what, unsigned e)
{
	if (e == INPUT_TOO_LONG)
		return arena_printf(a, "%s超過長度上限。", what);
	return arena_printf(a, "%s%s", what, input_message((enum input_err)e));
}

/* What planning works on: nodes 0..nex-1 the county's agencies, nex..n-1 the file's new codes. */
struct plan {
	struct arena *a;
	struct import_file *f;
	const struct import_existing *ex;
	int nex;
	int n;              /* nodes so far */
	struct codes t;     /* code -> node */
	struct codes logins;   /* the reserved logins */
	int *parent;        /* node -> its final parent node, or -1 */
	int *row_of;        /* node -> the row that names it, or -1 */
	int *node_of;       /* row -> its node, or -1 when the row is wrong before that */
	int *depth;         /* node -> depth in the final tree, or DEPTH_CYCLE / DEPTH_BELOW_CYCLE */
};

static void plan_init(struct plan *p, struct arena *a, struct import_file *f, const struct import_existing *ex, int nex,
		      const char *const *reserved, int nreserved)
{
	int total = nex + f->n;

	p->a = a;
	p->f = f;
	p->ex = ex;
	p->nex = nex;
	p->n = nex;
	p->parent = arena_alloc(a, sizeof(int) * (size_t)(total + 1));
	p->row_of = arena_alloc(a, sizeof(int) * (size_t)(total + 1));
	p->node_of = arena_alloc(a, sizeof(int) * (size_t)(f->n + 1));
	p->depth = arena_alloc(a, sizeof(int) * (size_t)(total + 1));
	codes_init(a, &p->t, total);
	codes_init(a, &p->logins, nreserved);
	for (int i = 0; i < nreserved; i++)
		*codes_slot(&p->logins, reserved[i], 1) = i;
	for (int i = 0; i < nex; i++) {
		*codes_slot(&p->t, ex[i].code, 1) = i;
		p->row_of[i] = -1;
	}
}

/* Row i's node (a new one for a new code); a bad code or a code twice in the file is wrong first. */
static void plan_node(struct plan *p, int i)
{
	struct import_row *r = &p->f->rows[i];
	int *slot;

	r->error = NULL;
	r->depth = 0;
	r->changes = 0;
	p->node_of[i] = -1;
	if (!*r->code) {
		r->error = "未填機關代碼。";
		return;
	}
	if (r->code_err != INPUT_OK || !import_valid_code(r->code)) {
		r->error = "機關代碼須為 4 至 20 個英文字母或數字。";
		return;
	}
	slot = codes_slot(&p->t, r->code, 1);
	if (*slot >= 0 && p->row_of[*slot] >= 0) {
		struct import_row *first = &p->f->rows[p->row_of[*slot]];

		r->error = arena_printf(p->a, "機關代碼與第 %d 列重複。", first->line);
		if (!first->error)
			first->error = arena_printf(p->a, "機關代碼與第 %d 列重複。", r->line);
		return;
	}
	if (*slot < 0)
		*slot = p->n++;
	p->row_of[*slot] = i;
	p->node_of[i] = *slot;
	if (*slot < p->nex && !p->ex[*slot].active)
		r->error = "此代碼屬於已停用的機關，不能再用。";
	else if (*slot >= p->nex && codes_slot(&p->logins, r->code, 0))
		r->error = "此代碼已是本縣市另一個帳號（例如盤查小組）的登入帳號。";
	else if (r->name_err == INPUT_EMPTY || !*r->name)
		r->error = "未填機關單位名稱。";
	else if (r->name_err != INPUT_OK)
		r->error = cell_error(p->a, "機關單位名稱", r->name_err);
}

/* Final parents: the file's word over the database's. */
static void plan_parents(struct plan *p)
{
	int i;

	for (i = 0; i < p->nex; i++) {
		int *q = *p->ex[i].parent ? codes_slot(&p->t, p->ex[i].parent, 0) : NULL;
		p->parent[i] = q ? *q : -1;
	}
	for (i = 0; i < p->f->n; i++) {
		struct import_row *r = &p->f->rows[i];
		int *q;

		if (p->node_of[i] < 0)
			continue;
		p->parent[p->node_of[i]] = -1;
		if (!*r->parent)
			continue;
		if (!strcasecmp(r->parent, r->code)) {
			if (!r->error)
				r->error = "上級機關不可是自己。";
			continue;
		}
		q = codes_slot(&p->t, r->parent, 0);
		if (!q || *q < 0 || r->parent_err != INPUT_OK) {
			if (!r->error)
				r->error = arena_printf(p->a, "找不到上級機關代碼 %s（須為本縣市啟用中的機關，或列在本檔案中）。", r->parent);
			continue;
		}
		if (*q < p->nex && !p->ex[*q].active) {
			if (!r->error)
				r->error = "上級機關已停用。";
			continue;
		}
		p->parent[p->node_of[i]] = *q;
	}
}

/* Row i's place in the final tree (its depth, its agency and parent) and what it changes. */
static void plan_outcome(struct plan *p, int i)
{
	struct import_row *r = &p->f->rows[i];
	const struct import_existing *ex = p->ex;
	int x = p->node_of[i], nex = p->nex;

	if (x < 0)
		return;
	if (p->depth[x] == DEPTH_CYCLE) {
		if (!r->error)
			r->error = "上級關係形成循環（某機關成為自己的所屬機關）。";
		return;
	}
	if (p->depth[x] == DEPTH_BELOW_CYCLE) {
		if (!r->error)
			r->error = "上級機關的上級關係形成循環，請先修正該列。";
		return;
	}
	if (p->depth[x] > IMPORT_MAX_DEPTH && !r->error)
		r->error = arena_printf(p->a, "層級超過 %d 級。", IMPORT_MAX_DEPTH);
	r->depth = p->depth[x];
	r->existing = x < nex ? x : -1;
	r->parent_existing = p->parent[x] >= 0 && p->parent[x] < nex ? p->parent[x] : -1;
	r->parent_row = p->parent[x] >= nex ? p->row_of[p->parent[x]] : -1;
	if (x < nex) {
		int rename = strcmp(ex[x].name, r->name) != 0;
		int move = strcasecmp(ex[x].parent, r->parent) != 0;

		r->old_name = ex[x].name;
		r->old_parent = ex[x].parent;
		r->changes = (rename ? IMPORT_RENAME : 0) | (move ? IMPORT_MOVE : 0);
		r->action = r->changes ? IMPORT_UPDATE : IMPORT_SAME;
	} else {
		r->action = IMPORT_CREATE;
	}
}

/*
 * Agencies not in the file move with their ancestors: one that would end
 * deeper than allowed blames the nearest row above it that moved.
 */
static void plan_blame_deep(struct plan *p)
{
	struct import_row *rows = p->f->rows;

	for (int i = 0; i < p->nex; i++) {
		int u = i, steps = 0;

		if (p->row_of[i] >= 0 || !p->ex[i].active || p->depth[i] <= IMPORT_MAX_DEPTH)
			continue;
		while (u >= 0 && steps++ <= IMPORT_MAX_DEPTH * 2 && !(p->row_of[u] >= 0 && (rows[p->row_of[u]].changes & IMPORT_MOVE)))
			u = p->parent[u];
		if (u >= 0 && p->row_of[u] >= 0 && !rows[p->row_of[u]].error)
			rows[p->row_of[u]].error = arena_printf(p->a, "移動後，其所屬機關 %s 的層級會超過 %d 級。", p->ex[i].code,
							       IMPORT_MAX_DEPTH);
	}
}

/* The county's bound on agencies: the new ones beyond it say so. */
static void plan_bound(struct plan *p)
{
	for (int i = 0, n = p->nex; i < p->f->n; i++) {
		struct import_row *r = &p->f->rows[i];

		if (r->error || p->node_of[i] < p->nex || r->action != IMPORT_CREATE)
			continue;
		if (++n > AGENCY_MAX_PER_COUNTY)
			r->error = arena_printf(p->a, "本縣市的機關（含已停用）將超過上限 %d 個，不能再新增。", AGENCY_MAX_PER_COUNTY);
	}
}

int import_plan(struct arena *a, struct import_file *f, const struct import_existing *ex, int nex,
		const char *const *reserved, int nreserved)
{
	struct plan p;
	int *state = arena_alloc(a, sizeof(int) * (size_t)(nex + f->n + 1));
	int *stack = arena_alloc(a, sizeof(int) * (size_t)(nex + f->n + 1));
	int i, nerr = 0;

	plan_init(&p, a, f, ex, nex, reserved, nreserved);
	for (i = 0; i < f->n; i++)
		plan_node(&p, i);
	plan_parents(&p);
	memset(state, 0, sizeof(int) * (size_t)p.n);
	depths(p.parent, p.n, p.depth, state, stack);
	for (i = 0; i < f->n; i++)
		plan_outcome(&p, i);
	plan_blame_deep(&p);
	plan_bound(&p);
	for (i = 0; i < f->n; i++)
		if (f->rows[i].error)
			nerr++;
	return nerr;
}
