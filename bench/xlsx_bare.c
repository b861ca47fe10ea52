/* xlsx_bare.c: the baseline for the inventory workbooks: a minimal libxlsxwriter program writing
 * the same cells as the workbook it is compared with (constant-memory mode, no formats, no
 * database), printing its time and peak resident memory.  The cells come from a file of one cell
 * a line, read into memory before the clock starts: "sheet<TAB>row<TAB>col<TAB>s|n<TAB>value",
 * by sheet and row, with \t, \n and \\ escaped in the value (bench/run.sh writes it from the
 * workbook itself).
 *   usage: xlsx_bare OUT.xlsx CELLS.tsv */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xlsxwriter.h>

struct cell {
	int sheet;
	lxw_row_t row;
	lxw_col_t col;
	int num;
	double v;
	char *s;
};

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

/* Undoes the escapes of a value in place. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*o++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* The cells of path into *out; their number, or -1. */
static long load(const char *path, struct cell **out)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *p[5];
	size_t cap = 0, alloc = 0;
	long n = 0;
	struct cell *c = NULL;

	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		int k = 0;

		line[strcspn(line, "\n")] = '\0';
		p[k++] = line;
		for (char *q = line; *q && k < 5; q++)
			if (*q == '\t') {
				*q = '\0';
				p[k++] = q + 1;
			}
		if (k != 5)
			continue;
		if ((size_t)n == alloc) {
			alloc = alloc ? alloc * 2 : 65536;
			c = realloc(c, alloc * sizeof(*c));
			if (!c)
				return -1;
		}
		c[n].sheet = atoi(p[0]);
		c[n].row = (lxw_row_t)strtoul(p[1], NULL, 10);
		c[n].col = (lxw_col_t)strtoul(p[2], NULL, 10);
		c[n].num = p[3][0] == 'n';
		c[n].v = c[n].num ? strtod(p[4], NULL) : 0;
		c[n].s = NULL;
		if (!c[n].num) {
			unescape(p[4]);
			c[n].s = strdup(p[4]);
		}
		n++;
	}
	free(line);
	fclose(f);
	*out = c;
	return n;
}

int main(int argc, char **argv)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = NULL };
	lxw_workbook *wb;
	lxw_worksheet *ws = NULL;
	struct timespec t0, t1;
	struct cell *c;
	long n;
	int sheet = -1;

	if (argc != 3) {
		fprintf(stderr, "usage: xlsx_bare OUT.xlsx CELLS.tsv\n");
		return 2;
	}
	n = load(argv[2], &c);
	if (n < 0) {
		perror(argv[2]);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	wb = workbook_new_opt(argv[1], &opt);
	for (long i = 0; i < n; i++) {
		if (c[i].sheet != sheet) {
			char name[32];

			sheet = c[i].sheet;
			snprintf(name, sizeof(name), "s%d", sheet);
			ws = workbook_add_worksheet(wb, name);
		}
		if (c[i].num)
			worksheet_write_number(ws, c[i].row, c[i].col, c[i].v, NULL);
		else
			worksheet_write_string(ws, c[i].row, c[i].col, c[i].s, NULL);
	}
	if (workbook_close(wb) != LXW_NO_ERROR)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("bare libxlsxwriter: %ld cells in %ld ms, peak resident %ld KiB\n", n,
	       (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000), peak_kib());
	return 0;
}
