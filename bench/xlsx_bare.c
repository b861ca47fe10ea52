/* xlsx_bare.c: the baseline for the inventory workbooks: a minimal libxlsxwriter program writing
 * the same number of cells (rows of 13 columns, text and numbers alternating, constant-memory
 * mode), printing its time and peak resident memory.   usage: xlsx_bare FILE CELLS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xlsxwriter.h>

static long peak_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = 0;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			kib = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kib;
}

int main(int argc, char **argv)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = NULL };
	lxw_workbook *wb;
	lxw_worksheet *ws;
	struct timespec t0, t1;
	long cells, n = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: xlsx_bare FILE CELLS\n");
		return 2;
	}
	cells = strtol(argv[2], NULL, 10);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	wb = workbook_new_opt(argv[1], &opt);
	ws = workbook_add_worksheet(wb, "data");
	for (lxw_row_t r = 0; n < cells; r++)
		for (lxw_col_t c = 0; c < 13 && n < cells; c++, n++) {
			if (c % 2)
				worksheet_write_number(ws, r, c, (double)n * 1.001, NULL);
			else
				worksheet_write_string(ws, r, c, "機關單位名稱 text", NULL);
		}
	if (workbook_close(wb) != LXW_NO_ERROR)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("bare libxlsxwriter: %ld cells in %ld ms, peak resident %ld KiB\n", cells,
	       (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000), peak_kib());
	return 0;
}
