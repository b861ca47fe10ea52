/*
 * fuzz_import.c: libFuzzer target for import_read() and import_plan() (shared/agency_import.c):
 * the county team's agency list, as CSV or as an .xlsx workbook (a zip archive).
 * Input: the uploaded file's bytes.
 *
 * Invariants checked (abort() when violated):
 *   - import_read() fails only with f.error set;
 *   - import_plan() returns the number of rows with an error;
 *   - no row is error-free with a depth below 1 or above IMPORT_MAX_DEPTH.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agency_import.h"
#include "arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The county: a 3-level tree (ROOT > A001 > A002), another 一級 agency, one deactivated agency. */
static const struct import_existing existing[] = {
	{ "ROOT", "縣政府", "", 1 },
	{ "A001", "民政處", "ROOT", 1 },
	{ "A002", "民政處一科", "A001", 1 },
	{ "B001", "教育處", "", 1 },
	{ "OLD1", "已停用機關", "ROOT", 0 },
};
#define NEXISTING ((int)(sizeof(existing) / sizeof(existing[0])))

static const char *const reserved[] = { "TEAM" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct import_file f;

	arena_init(&a, 16384);
	if (import_read(&a, (const char *)data, size, &f) == 0) {
		int nerr, count = 0;

		if (f.n < 1 || f.n > IMPORT_MAX_ROWS || f.error)
			abort();
		nerr = import_plan(&a, &f, existing, NEXISTING, reserved, 1);
		for (int i = 0; i < f.n; i++) {
			const struct import_row *r = &f.rows[i];

			(void)strlen(r->code);
			(void)strlen(r->name);
			(void)strlen(r->parent);
			if (r->error) {
				(void)strlen(r->error);
				count++;
			} else if (r->depth < 1 || r->depth > IMPORT_MAX_DEPTH) {
				fprintf(stderr, "fuzz_import: row %d (line %d, code %s) has no error but depth %d\n",
					i, r->line, r->code, r->depth);
				abort();
			}
		}
		if (nerr != count) {
			fprintf(stderr, "fuzz_import: import_plan() returned %d, %d rows have an error\n", nerr, count);
			abort();
		}
	} else if (!f.error) {
		fprintf(stderr, "fuzz_import: import_read() failed without a reason\n");
		abort();
	}
	arena_release(&a);
	return 0;
}
