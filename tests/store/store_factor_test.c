/* store_factor_test.c: the reference data's store (store_factor) against the test stack's MariaDB, inside a transaction rolled back. */
#include <string.h>

#include "store_factor.h"
#include "store_test.h"

struct seen {
	int n, stop_after;
	int provisional_ok, open_ok;
	char first[64];
};

static int take_factor(void *ctx, const struct store_factor *f)
{
	struct seen *v = ctx;

	v->n++;
	if (!strcmp(f->key, "lhv113_provisional_gasoline_per_L"))
		v->provisional_ok = f->confidence == CONF_PROVISIONAL && f->valid_from == 2024 && f->valid_to == 2024 &&
				    !strcmp(f->value, "7586") && !strncmp(f->source, "PROVISIONAL", 11);
	if (!strcmp(f->key, "store_factor_test_key"))
		v->open_ok = f->valid_from == 0 && f->valid_to == 0 && f->confidence == CONF_DERIVED && !strcmp(f->unit, "公斤");
	return v->stop_after && v->n >= v->stop_after;
}

static int take_era(void *ctx, const struct calc_era *e)
{
	struct seen *v = ctx;

	if (!v->n++)
		snprintf(v->first, sizeof(v->first), "%s", e->set);
	v->open_ok = e->to == 0;    /* the last one read */
	return 0;
}

static int take_refrigerant(void *ctx, const struct calc_refrigerant *r)
{
	struct seen *v = ctx;

	if (!v->n++)
		snprintf(v->first, sizeof(v->first), "%s", r->code);
	if (!strcmp(r->code, "R22"))
		v->provisional_ok = r->counts_zero == 1 && *r->note;
	return v->stop_after && v->n >= v->stop_after;
}

/* What the in-force listing saw: rows, rows with a key, and the test's own row's ten columns. */
struct in_force {
	int n, keyed, stop_after;
	char row[512];
};

static int take_in_force(void *ctx, const struct store_factor_text *f)
{
	struct in_force *v = ctx;

	v->n++;
	v->keyed += f->col[0][0] != '\0';
	if (!strcmp(f->col[0], "store_factor_test_key")) {
		v->row[0] = '\0';
		for (int c = 0; c < 10; c++)
			snprintf(v->row + strlen(v->row), sizeof(v->row) - strlen(v->row), "%s|", f->col[c]);
	}
	return v->stop_after && v->n >= v->stop_after ? 5 : 0;
}

/* The factors in force in a year, as the inventory's workbook lists them (inside main's transaction). */
static void test_in_force(struct db *db)
{
	struct in_force v = { 0 };
	struct db_stmt *st;
	int y = (int)store_test_int(db, "SELECT MIN(year) FROM inventory_years");
	long long want = -1;

	ok(store_factor_each_in_force(db, y, take_in_force, &v) == 0 && v.n == v.keyed, "the factors in force in %d, each with its key", y);
	st = db_prepare(db, "SELECT COUNT(*) FROM factors WHERE IFNULL(valid_from, ?) <= ? AND IFNULL(valid_to, ?) >= ?");
	if (st) {
		for (int i = 0; i < 4; i++)
			db_bind_int(st, i, y);
		if (!db_exec(st) && db_step(st) == 1)
			want = db_col_int(st, 0);
		db_reset(st);
	}
	is_int(v.n, want, "as many as are in force that year (%d)", v.n);
	is_str(v.row, "store_factor_test_key|test|1|CO2|公斤|2.25||2030|DERIVED: a test row|official|",
	       "the test's own row (valid until 2030): its ten columns as text");
	v = (struct in_force){ 0 };
	ok(store_factor_each_in_force(db, 2031, take_in_force, &v) == 0 && !v.row[0], "not in force after its last year");
	v = (struct in_force){ 0 };
	ok(store_factor_each_in_force(db, 1, take_in_force, &v) == 0, "in year 1");
	is_int(v.n, store_test_int(db, "SELECT COUNT(*) FROM factors WHERE valid_from IS NULL"), "only those without a first year");
	v = (struct in_force){ .stop_after = 2 };
	is_int(store_factor_each_in_force(db, y, take_in_force, &v), 5, "a callback that stops: its value");
	is_int(v.n, 2, "after two rows");
}

int main(void)
{
	struct db db;
	struct seen v = { 0 };
	char stamp[64], again[64];
	struct store_factor_load row = {
		.key = "store_factor_test_key", .category = "test", .scope = "1", .gas = "CO2", .unit = "公斤",
		.value = "1.5", .valid_from = "", .valid_to = "", .source = "DERIVED: a test row", .confidence = CONF_DERIVED,
	};

	store_test_open(&db);
	ok(db_begin(&db) == 0, "a transaction");

	ok(store_factor_stamp(&db, stamp, sizeof(stamp)) == 0, "the stamp (%s)", stamp);
	is_int(atoll(stamp), store_test_int(&db, "SELECT COUNT(*) FROM factors"), "it starts with the number of factors");
	ok(db_exec_sql(&db, "UPDATE factors SET updated_at = updated_at + INTERVAL 1 DAY ORDER BY updated_at DESC LIMIT 1") == 0,
	   "the newest factor changed");
	ok(store_factor_stamp(&db, again, sizeof(again)) == 0 && strcmp(stamp, again), "the stamp moves (%s)", again);

	ok(store_factor_each(&db, take_factor, &v) == 0, "every factor read");
	is_int(v.n, store_test_int(&db, "SELECT COUNT(*) FROM factors"), "as many as the table has");
	ok(v.provisional_ok, "a provisional row: its value text, years, source and confidence");
	v = (struct seen){ .stop_after = 3 };
	ok(store_factor_each(&db, take_factor, &v) == 0 && v.n == 3, "a non-zero return stops the list");

	ok(store_factor_upsert(&db, &row) == 0, "a new factor upserted");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM factors WHERE fkey = 'store_factor_test_key' AND value = '1.5'"
				   " AND valid_from IS NULL AND valid_to IS NULL AND confidence = 'derived' AND category = 'test'"), 1,
	       "read back: empty years are NULL, the confidence its ENUM value");
	v = (struct seen){ 0 };
	ok(store_factor_each(&db, take_factor, &v) == 0 && v.open_ok, "and read by the store: open years 0, derived");
	row.value = "2.25";
	row.valid_to = "2030";
	row.confidence = CONF_OFFICIAL;
	ok(store_factor_upsert(&db, &row) == 0, "the same key again");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM factors WHERE fkey = 'store_factor_test_key' AND value = '2.25'"
				   " AND valid_to = 2030 AND confidence = 'official'"), 1, "updates the row");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM factors WHERE fkey = 'store_factor_test_key'"), 1, "still one row");
	row.value = "1234567890123456789012345678901234567890x";
	ok(store_factor_upsert(&db, &row) == -1, "a value longer than its column is refused (%s)", db.errstr);
	test_in_force(&db);

	v = (struct seen){ 0 };
	ok(store_factor_eras(&db, take_era, &v) == 0, "the GWP eras");
	is_int(v.n, store_test_int(&db, "SELECT COUNT(*) FROM gwp_eras"), "every one");
	is_str(v.first, "SAR", "by from_year: SAR first");
	ok(v.open_ok, "the last one open-ended (to 0)");

	v = (struct seen){ 0 };
	ok(store_factor_refrigerants(&db, take_refrigerant, &v) == 0, "the refrigerants");
	is_int(v.n, store_test_int(&db, "SELECT COUNT(*) FROM refrigerants"), "every one");
	is_str(v.first, "R134a", "in the form's order");
	ok(v.provisional_ok, "R22 counted as 0, with its note");
	v = (struct seen){ .stop_after = 1 };
	ok(store_factor_refrigerants(&db, take_refrigerant, &v) == 0 && v.n == 1, "a non-zero return stops the list");

	ok(db_rollback(&db) == 0, "rolled back");
	is_int(store_test_int(&db, "SELECT COUNT(*) FROM factors WHERE fkey = 'store_factor_test_key'"), 0, "nothing of it is left");
	db_release(&db);
	return tap_done();
}
