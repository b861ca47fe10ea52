/* agency_import.c: the county team's list of agencies from a CSV or XLSX file, and its plan. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>
#include <expat.h>
#include <zip.h>

#include "agency_import.h"
#include "input.h"

/*
 * DESIGN: reading collects raw cells (the first three columns of each
 * row); normalising turns them into codes and names with the same rules as
 * the forms (input_text: UTF-8, NFKC, trimmed).  The XLSX reader opens the
 * archive from memory with libzip, finds the first sheet through
 * workbook.xml and its relationships, and reads shared strings and the
 * sheet with expat, streaming each part through the parser in small
 * chunks.  Each part's inflated size (declared and counted), nesting,
 * element count and expat's own memory are bounded, and so are the shared
 * strings kept (the IMPORT_XLSX_ and IMPORT_XML_ bounds of
 * agency_import.h), so a zip bomb or a hostile part is refused after a
 * bounded amount of work and memory; any XML error in any part read
 * refuses the file too.  Planning builds a hash of every code (the
 * county's agencies, then the file's rows over them) and walks each row's
 * parents in the resulting tree, at most as many steps as there are
 * agencies, to find cycles and depths.
 */

#define CELL_MAX 1000                /* bytes kept of one cell (cut at a character boundary) */
#define KEPT_MAX (8u << 20)          /* bytes of cells kept from one file */
#define XLSX_ROW_MAX 1048576         /* Excel's last row */

struct rows {
	struct arena *a;
	struct import_file *f;
	int cap;
	int line;               /* rows seen, blank ones included */
	char *cell[3];
	size_t cell_len[3];
	int col;
	int too_many;
	int too_big;            /* more than KEPT_MAX bytes of cells */
	size_t kept;
	int last_cr;            /* the last row ended with CR */
};

static void add_row(struct rows *r)
{
	struct import_file *f = r->f;
	struct import_row *row;

	r->line++;
	if (!(r->cell[0] || r->cell[1] || r->cell[2]))
		goto out;
	if (f->n > IMPORT_MAX_ROWS) {   /* one more: the first may be a heading */
		r->too_many = 1;
		goto out;
	}
	if (f->n >= r->cap) {
		int ncap = r->cap ? r->cap * 2 : 64;
		struct import_row *v = arena_alloc(r->a, sizeof(*v) * (size_t)ncap);

		if (f->n)
			memcpy(v, f->rows, sizeof(*v) * (size_t)f->n);
		f->rows = v;
		r->cap = ncap;
	}
	row = &f->rows[f->n++];
	memset(row, 0, sizeof(*row));
	row->line = r->line;
	/* Raw for now; import_read() normalises. */
	row->code = r->cell[0] ? r->cell[0] : "";
	row->name = r->cell[1] ? r->cell[1] : "";
	row->parent = r->cell[2] ? r->cell[2] : "";
out:
	r->cell[0] = r->cell[1] = r->cell[2] = NULL;
	r->col = 0;
}

/* Keeps the first value of a column in the current row (a sheet may repeat a cell). */
static void set_cell(struct rows *r, int col, const char *s, size_t len)
{
	if (col < 0 || col > 2 || r->cell[col] || r->too_many || r->too_big)
		return;
	if (len > CELL_MAX) {
		len = CELL_MAX;
		while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;   /* not in the middle of a UTF-8 sequence */
	}
	r->kept += len + 1;
	if (r->kept > KEPT_MAX) {
		r->too_big = 1;
		return;
	}
	r->cell[col] = arena_strndup(r->a, s, len);
	r->cell_len[col] = len;
}

/* ---- CSV (libcsv) ---- */

static void csv_field(void *s, size_t len, void *data)
{
	struct rows *r = data;

	if (len)
		set_cell(r, r->col, s, len);
	r->col++;
}

/*
 * With CSV_REPALL_NL libcsv reports every line end, blank lines included,
 * so line numbers match what a spreadsheet shows; the LF of a CRLF that
 * ended a row is not a row of its own.
 */
static void csv_row(int c, void *data)
{
	struct rows *r = data;
	int blank = !(r->cell[0] || r->cell[1] || r->cell[2]) && !r->col;

	if (c == '\n' && r->last_cr && blank) {
		r->last_cr = 0;
		return;
	}
	r->last_cr = c == '\r';
	add_row(r);
}

static int read_csv(struct rows *r, const char *data, size_t len)
{
	struct csv_parser p;

	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		data += 3, len -= 3;
	if (csv_init(&p, CSV_REPALL_NL))
		return -1;
	if (csv_parse(&p, data, len, csv_field, csv_row, r) != len) {
		r->f->error = arena_printf(r->a, "CSV 格式錯誤（%s），請確認引號成對。", csv_strerror(csv_error(&p)));
		csv_free(&p);
		return -1;
	}
	csv_fini(&p, csv_field, csv_row, r);
	csv_free(&p);
	return 0;
}

/* ---- XLSX (libzip + expat) ---- */

#define XLSX_CHUNK 65536   /* bytes inflated and parsed at a time */

/* Why an .xlsx is refused. */
enum xlsx_err {
	XLSX_OK,
	XLSX_CORRUPT,       /* not a zip archive, or a part that does not inflate (CRC, bad data) */
	XLSX_NO_SHEET,      /* no first sheet where the workbook says, nor xl/worksheets/sheet1.xml */
	XLSX_PART_BIG,      /* a part inflates to more than IMPORT_XLSX_PART_MAX (declared or counted) */
	XLSX_TOTAL_BIG,     /* the parts read inflate to more than IMPORT_XLSX_TOTAL_MAX together */
	XLSX_XML,           /* a part is not well-formed XML */
	XLSX_DOCTYPE,       /* a DOCTYPE: entity declarations have no place in a workbook */
	XLSX_DEEP,          /* elements nested deeper than IMPORT_XML_DEPTH_MAX */
	XLSX_ELEMENTS,      /* more than IMPORT_XML_ELEMENTS_MAX elements in a part */
	XLSX_XML_MEMORY,    /* expat would need more than IMPORT_XML_MEMORY_MAX for a part */
	XLSX_SST_COUNT,     /* more than IMPORT_XLSX_SST_MAX shared strings */
	XLSX_SST_BYTES,     /* more than IMPORT_XLSX_SST_BYTES_MAX bytes of shared strings */
};

/*
 * expat's memory for the part being parsed, so that no part can make it
 * hold more than IMPORT_XML_MEMORY_MAX bytes: it keeps every distinct
 * element and attribute name for the parser's life and buffers a start tag
 * whole, which neither the depth nor the element count bounds.  Its memory
 * functions get no context, so the count is the thread's (a parser is
 * created, used and freed on one thread, one at a time).
 */
static _Thread_local size_t xml_mem;

union xml_head {
	size_t size;
	max_align_t align;
};

static void *xml_malloc(size_t n)
{
	union xml_head *h;

	if (n > IMPORT_XML_MEMORY_MAX - xml_mem || !(h = malloc(sizeof(*h) + n)))
		return NULL;   /* expat stops with XML_ERROR_NO_MEMORY */
	h->size = n;
	xml_mem += n;
	return h + 1;
}

static void xml_free(void *p)
{
	union xml_head *h = p ? (union xml_head *)p - 1 : NULL;

	if (!h)
		return;
	xml_mem -= h->size;
	free(h);
}

static void *xml_realloc(void *p, size_t n)
{
	union xml_head *h;
	size_t old;

	if (!p)
		return xml_malloc(n);
	h = (union xml_head *)p - 1;
	old = h->size;
	if ((n > old && n - old > IMPORT_XML_MEMORY_MAX - xml_mem) || !(h = realloc(h, sizeof(*h) + n)))
		return NULL;   /* p stays expat's */
	xml_mem = xml_mem - old + n;
	h->size = n;
	return h + 1;
}

/* The local part of an element name ("x:row" -> "row"). */
static const char *local(const char *n)
{
	const char *c = strrchr(n, ':');

	return c ? c + 1 : n;
}

static const char *attr(const char **atts, const char *name)
{
	for (; atts && *atts; atts += 2)
		if (!strcmp(local(atts[0]), name))
			return atts[1];
	return NULL;
}

struct xml {
	struct arena *a;
	/* workbook.xml and its relationships */
	char *sheet_rid;
	char *sheet_target;
	/* shared strings */
	const char **sst;
	int nsst, capsst;
	size_t sst_bytes;
	int in_si, in_t, in_rph;
	/* the sheet */
	struct rows *rows;
	int row_no;             /* the current <row r=...> */
	int col;                /* the current cell's column (0 = A) */
	char ctype[16];
	int in_v, in_is;
	/* text being collected */
	char *text;
	size_t tlen, tcap;
	int overflow;           /* the current text passed CELL_MAX * 4 bytes: the rest is dropped */
	/* the part being read */
	const char *part;
	XML_Parser parser;
	XML_StartElementHandler start;
	XML_EndElementHandler end;
	XML_CharacterDataHandler on_text;
	int depth;
	long elements;
	int done;               /* the rows are full: the rest of the sheet is not read */
	enum xlsx_err err;      /* why reading stopped */
	unsigned long line;     /* where, for XLSX_XML */
	size_t inflated;        /* bytes inflated from every part so far */
	char *chunk;            /* XLSX_CHUNK bytes */
};

/* Stops the parser: the part is refused for e. */
static void halt(struct xml *x, enum xlsx_err e)
{
	if (!x->err)
		x->err = e;
	XML_StopParser(x->parser, XML_FALSE);
}

static void text_reset(struct xml *x)
{
	x->tlen = 0;
	x->overflow = 0;
	if (x->text)
		x->text[0] = '\0';
}

/* Appends what fits of s (expat's text: whole UTF-8 characters) up to CELL_MAX * 4 bytes. */
static void text_add(struct xml *x, const char *s, int len)
{
	if (len <= 0 || x->overflow)
		return;
	if (x->tlen + (size_t)len > CELL_MAX * 4) {
		len = (int)(CELL_MAX * 4 - x->tlen);
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;   /* not in the middle of a character */
		x->overflow = 1;
		if (len <= 0)
			return;
	}
	if (x->tlen + (size_t)len + 1 > x->tcap) {
		size_t ncap = (x->tlen + (size_t)len + 1) * 2;
		char *t = arena_alloc(x->a, ncap);

		if (x->tlen)
			memcpy(t, x->text, x->tlen);
		x->text = t;
		x->tcap = ncap;
	}
	memcpy(x->text + x->tlen, s, (size_t)len);
	x->tlen += (size_t)len;
	x->text[x->tlen] = '\0';
}

/* Every part's handlers run behind these, which bound depth and element count. */
static void XMLCALL guard_start(void *data, const char *el, const char **atts)
{
	struct xml *x = data;

	if (x->err || x->done)
		return;
	if (++x->depth > IMPORT_XML_DEPTH_MAX) {
		halt(x, XLSX_DEEP);
	} else if (++x->elements > IMPORT_XML_ELEMENTS_MAX) {
		halt(x, XLSX_ELEMENTS);
	} else if (x->rows->too_many || x->rows->too_big) {
		x->done = 1;   /* import_read() says why */
		XML_StopParser(x->parser, XML_FALSE);
	} else if (x->start) {
		x->start(data, el, atts);
	}
}

static void XMLCALL guard_end(void *data, const char *el)
{
	struct xml *x = data;

	x->depth--;
	if (!x->err && !x->done && x->end)
		x->end(data, el);
}

static void XMLCALL guard_text(void *data, const char *s, int len)
{
	struct xml *x = data;

	if (!x->err && !x->done && x->on_text)
		x->on_text(data, s, len);
}

static void XMLCALL doctype(void *data, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
			    int has_internal_subset)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	halt(data, XLSX_DOCTYPE);   /* before the internal subset: no entity is ever declared */
}

static void XMLCALL wb_start(void *data, const char *el, const char **atts)
{
	struct xml *x = data;
	const char *n = local(el);

	if (!strcmp(n, "sheet") && !x->sheet_rid) {
		const char *id = attr(atts, "id");   /* r:id */
		if (id)
			x->sheet_rid = arena_strdup(x->a, id);
	}
}

static void XMLCALL rels_start(void *data, const char *el, const char **atts)
{
	struct xml *x = data;
	const char *id, *target;

	if (strcmp(local(el), "Relationship") || x->sheet_target)
		return;
	id = attr(atts, "Id");
	target = attr(atts, "Target");
	if (id && target && x->sheet_rid && !strcmp(id, x->sheet_rid))
		x->sheet_target = arena_strdup(x->a, target);
}

static void XMLCALL sst_start(void *data, const char *el, const char **atts)
{
	struct xml *x = data;
	const char *n = local(el);

	(void)atts;
	if (!strcmp(n, "si")) {
		x->in_si = 1;
		text_reset(x);
	} else if (!strcmp(n, "rPh")) {
		x->in_rph = 1;
	} else if (!strcmp(n, "t") && x->in_si && !x->in_rph) {
		x->in_t = 1;
	}
}

static void XMLCALL sst_end(void *data, const char *el)
{
	struct xml *x = data;
	const char *n = local(el);

	if (!strcmp(n, "t")) {
		x->in_t = 0;
	} else if (!strcmp(n, "rPh")) {
		x->in_rph = 0;
	} else if (!strcmp(n, "si")) {
		if (x->nsst >= IMPORT_XLSX_SST_MAX) {
			halt(x, XLSX_SST_COUNT);
			return;
		}
		x->sst_bytes += x->tlen;
		if (x->sst_bytes > IMPORT_XLSX_SST_BYTES_MAX) {
			halt(x, XLSX_SST_BYTES);
			return;
		}
		if (x->nsst >= x->capsst) {
			int ncap = x->capsst ? x->capsst * 2 : 256;
			const char **v = arena_alloc(x->a, sizeof(*v) * (size_t)ncap);

			if (x->nsst)
				memcpy(v, x->sst, sizeof(*v) * (size_t)x->nsst);
			x->sst = v;
			x->capsst = ncap;
		}
		x->sst[x->nsst++] = x->tlen ? arena_strndup(x->a, x->text, x->tlen) : "";
		x->in_si = 0;
		text_reset(x);
	}
}

static void XMLCALL sst_text(void *data, const char *s, int len)
{
	struct xml *x = data;

	if (x->in_t)
		text_add(x, s, len);
}

/* "BC12" -> column 54 (0-based); -1 when there are no letters. */
static int column_of(const char *ref)
{
	int c = 0, n = 0;

	for (; *ref >= 'A' && *ref <= 'Z' && n < 4; ref++, n++)
		c = c * 26 + (*ref - 'A' + 1);
	return n ? c - 1 : -1;
}

static void XMLCALL sheet_start(void *data, const char *el, const char **atts)
{
	struct xml *x = data;
	const char *n = local(el);

	if (!strcmp(n, "row")) {
		const char *r = attr(atts, "r");
		char *end;
		long no = r ? strtol(r, &end, 10) : 0;

		if (!r || *end || no <= x->row_no || no > XLSX_ROW_MAX)
			no = x->row_no + 1;
		/* Rows the sheet skips are blank rows: count them for the line numbers. */
		x->rows->line += (int)(no - x->row_no - 1);
		x->row_no = (int)no;
		x->col = -1;
	} else if (!strcmp(n, "c")) {
		const char *r = attr(atts, "r"), *t = attr(atts, "t");

		x->col = r ? column_of(r) : x->col + 1;
		snprintf(x->ctype, sizeof(x->ctype), "%s", t ? t : "n");
		text_reset(x);
	} else if (!strcmp(n, "v")) {
		x->in_v = 1;
	} else if (!strcmp(n, "is")) {
		x->in_is = 1;
	} else if (!strcmp(n, "rPh")) {
		x->in_rph = 1;
	} else if (!strcmp(n, "t") && x->in_is && !x->in_rph) {
		x->in_t = 1;
	}
}

static void XMLCALL sheet_end(void *data, const char *el)
{
	struct xml *x = data;
	const char *n = local(el);

	if (!strcmp(n, "v")) {
		x->in_v = 0;
	} else if (!strcmp(n, "t")) {
		x->in_t = 0;
	} else if (!strcmp(n, "rPh")) {
		x->in_rph = 0;
	} else if (!strcmp(n, "is")) {
		x->in_is = 0;
	} else if (!strcmp(n, "c")) {
		const char *v = x->tlen ? x->text : "";

		if (!strcmp(x->ctype, "s")) {
			char *end;
			long i = strtol(v, &end, 10);

			v = (*v && !*end && i >= 0 && i < x->nsst) ? x->sst[i] : "";
		}
		if (*v)
			set_cell(x->rows, x->col, v, strlen(v));
	} else if (!strcmp(n, "row")) {
		add_row(x->rows);
	}
}

static void XMLCALL sheet_text(void *data, const char *s, int len)
{
	struct xml *x = data;

	if (x->in_v || x->in_t)
		text_add(x, s, len);
}

/*
 * Streams the part `name` through expat, XLSX_CHUNK inflated bytes at a
 * time, with start/end/text behind the guards.  0 when it was read (or the
 * rows filled up on the way), 1 when the archive has no such part, -1 with
 * x->err set when it is refused.  Nothing of it is kept but what the
 * handlers keep.
 */
static int parse_part(struct xml *x, zip_t *z, const char *name, XML_StartElementHandler start,
		      XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	static const XML_Memory_Handling_Suite mem = { xml_malloc, xml_realloc, xml_free };
	zip_stat_t st;
	zip_file_t *zf = NULL;
	XML_Parser p = NULL;
	size_t part = 0;
	int rc = -1, final = 0;

	x->part = name;
	if (zip_stat(z, name, ZIP_FL_NOCASE, &st))
		return 1;
	/* The declared size refuses an honest bomb before inflating; a lying one is counted below. */
	if ((st.valid & ZIP_STAT_SIZE) && st.size > IMPORT_XLSX_PART_MAX) {
		x->err = XLSX_PART_BIG;
		goto out;
	}
	if ((st.valid & ZIP_STAT_SIZE) && st.size > IMPORT_XLSX_TOTAL_MAX - x->inflated) {
		x->err = XLSX_TOTAL_BIG;
		goto out;
	}
	if (!(zf = zip_fopen_index(z, st.index, 0))) {
		x->err = XLSX_CORRUPT;
		goto out;
	}
	xml_mem = 0;   /* the last parser freed all it had */
	if (!(p = XML_ParserCreate_MM("UTF-8", &mem, NULL))) {
		x->err = XLSX_XML_MEMORY;
		goto out;
	}
	x->parser = p;
	x->start = start;
	x->end = end;
	x->on_text = text;
	x->depth = 0;
	x->elements = 0;
	XML_SetUserData(p, x);
	XML_SetStartDoctypeDeclHandler(p, doctype);
	XML_SetElementHandler(p, guard_start, guard_end);
	XML_SetCharacterDataHandler(p, guard_text);
	while (!final) {
		zip_int64_t got = zip_fread(zf, x->chunk, XLSX_CHUNK);

		if (got < 0) {   /* bad deflate data, a CRC that does not match */
			x->err = XLSX_CORRUPT;
			goto out;
		}
		final = got == 0;
		part += (size_t)got;
		x->inflated += (size_t)got;
		if (part > IMPORT_XLSX_PART_MAX) {
			x->err = XLSX_PART_BIG;
			goto out;
		}
		if (x->inflated > IMPORT_XLSX_TOTAL_MAX) {
			x->err = XLSX_TOTAL_BIG;
			goto out;
		}
		if (XML_Parse(p, x->chunk, (int)got, final) != XML_STATUS_OK) {
			if (x->done && !x->err)
				break;
			if (!x->err) {
				x->err = XML_GetErrorCode(p) == XML_ERROR_NO_MEMORY ? XLSX_XML_MEMORY : XLSX_XML;
				x->line = XML_GetCurrentLineNumber(p);
			}
			goto out;
		}
	}
	rc = 0;
out:
	if (p)
		XML_ParserFree(p);
	x->parser = NULL;
	if (zf)
		zip_fclose(zf);
	return rc;
}

static const char *xlsx_message(struct arena *a, const struct xml *x)
{
	static const char again[] = "請用 Excel 另存為 .xlsx 或 CSV UTF-8 後再上傳。";

	switch (x->err) {
	case XLSX_OK:
		break;
	case XLSX_CORRUPT:
		return arena_printf(a, "無法讀取此 .xlsx 檔案（檔案損毀或不是 Excel 活頁簿）。%s", again);
	case XLSX_NO_SHEET:
		return arena_printf(a, "無法讀取此 .xlsx 檔案：找不到第一個工作表。%s", again);
	case XLSX_PART_BIG:
		return arena_printf(a, "此 .xlsx 檔案中的 %s 解壓縮後超過 %u MB，不是機關清單的大小。請只保留機關清單的工作表與欄位，或另存為 CSV UTF-8 後再上傳。",
				    x->part, IMPORT_XLSX_PART_MAX >> 20);
	case XLSX_TOTAL_BIG:
		return arena_printf(a, "此 .xlsx 檔案解壓縮後超過 %u MB，不是機關清單的大小。請只保留機關清單的工作表與欄位，或另存為 CSV UTF-8 後再上傳。",
				    IMPORT_XLSX_TOTAL_MAX >> 20);
	case XLSX_XML:
		return arena_printf(a, "此 .xlsx 檔案中的 %s 第 %lu 行不是正確的 XML，檔案可能已損毀。%s", x->part, x->line, again);
	case XLSX_DOCTYPE:
		return arena_printf(a, "此 .xlsx 檔案中的 %s 含有 DOCTYPE 宣告（Excel 活頁簿不會有），為安全起見不予讀取。%s", x->part, again);
	case XLSX_DEEP:
		return arena_printf(a, "此 .xlsx 檔案中的 %s 的 XML 巢狀超過 %d 層，不是一般的 Excel 活頁簿，不予讀取。%s",
				    x->part, IMPORT_XML_DEPTH_MAX, again);
	case XLSX_ELEMENTS:
		return arena_printf(a, "此 .xlsx 檔案中的 %s 含有超過 %d 個 XML 元素，不是機關清單的大小。%s",
				    x->part, IMPORT_XML_ELEMENTS_MAX, again);
	case XLSX_XML_MEMORY:
		return arena_printf(a, "此 .xlsx 檔案中的 %s 的 XML 結構過於複雜（名稱、屬性或標籤過多過長），不是一般的 Excel 活頁簿，不予讀取。%s",
				    x->part, again);
	case XLSX_SST_COUNT:
		return arena_printf(a, "此 .xlsx 檔案的共用字串超過 %d 個，不是機關清單的大小。%s", IMPORT_XLSX_SST_MAX, again);
	case XLSX_SST_BYTES:
		return arena_printf(a, "此 .xlsx 檔案的共用字串超過 %u MB，不是機關清單的大小。%s", IMPORT_XLSX_SST_BYTES_MAX >> 20, again);
	}
	return NULL;
}

/*
 * The first sheet's rows into r: the sheet named first in workbook.xml
 * (through its relationships), else xl/worksheets/sheet1.xml.  Every part
 * read must be well-formed and within the bounds; 0, or -1 with
 * r->f->error set.
 */
static int read_xlsx(struct rows *r, const char *data, size_t len)
{
	struct xml x = { .a = r->a, .rows = r };
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z = NULL;
	char path[300];
	int got;

	x.chunk = arena_alloc(r->a, XLSX_CHUNK);
	zip_error_init(&ze);
	src = zip_source_buffer_create(data, len, 0, &ze);
	if (!src || !(z = zip_open_from_source(src, ZIP_RDONLY, &ze))) {
		if (src)
			zip_source_free(src);
		x.err = XLSX_CORRUPT;
		goto out;
	}
	got = parse_part(&x, z, "xl/workbook.xml", wb_start, NULL, NULL);
	if (got < 0 || (!got && x.sheet_rid && parse_part(&x, z, "xl/_rels/workbook.xml.rels", rels_start, NULL, NULL) < 0))
		goto out;
	if (x.sheet_target && x.sheet_target[0] == '/')
		snprintf(path, sizeof(path), "%s", x.sheet_target + 1);
	else if (x.sheet_target)
		snprintf(path, sizeof(path), "xl/%s", x.sheet_target);
	else
		snprintf(path, sizeof(path), "xl/worksheets/sheet1.xml");
	if (parse_part(&x, z, "xl/sharedStrings.xml", sst_start, sst_end, sst_text) < 0)
		goto out;
	got = parse_part(&x, z, arena_strdup(r->a, path), sheet_start, sheet_end, sheet_text);
	if (got > 0)
		x.err = XLSX_NO_SHEET;
out:
	if (z)
		zip_discard(z);
	zip_error_fini(&ze);
	if (!x.err)
		return 0;
	r->f->error = xlsx_message(r->a, &x);
	return -1;
}

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
	if (out->is_xlsx ? read_xlsx(&r, data, len) : read_csv(&r, data, len))
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
		out->error = "檔案不是 UTF-8 編碼。請在 Excel 選「另存新檔」→「CSV UTF-8（逗號分隔）」，或直接上傳 .xlsx。";
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

int import_plan(struct arena *a, struct import_file *f, const struct import_existing *ex, int nex,
		const char *const *reserved, int nreserved)
{
	struct codes t, logins;
	int total = nex + f->n, i, nerr = 0;
	int *parent = arena_alloc(a, sizeof(int) * (size_t)(total + 1));
	int *row_of = arena_alloc(a, sizeof(int) * (size_t)(total + 1));   /* node -> row, or -1 */
	int *node_of = arena_alloc(a, sizeof(int) * (size_t)(f->n + 1));
	int *depth = arena_alloc(a, sizeof(int) * (size_t)(total + 1));
	int *state = arena_alloc(a, sizeof(int) * (size_t)(total + 1));
	int *stack = arena_alloc(a, sizeof(int) * (size_t)(total + 1));
	int n = nex;

	codes_init(a, &t, total);
	codes_init(a, &logins, nreserved);
	for (i = 0; i < nreserved; i++)
		*codes_slot(&logins, reserved[i], 1) = i;
	for (i = 0; i < nex; i++) {
		*codes_slot(&t, ex[i].code, 1) = i;
		row_of[i] = -1;
	}
	/* Every row's node; duplicates and bad codes first. */
	for (i = 0; i < f->n; i++) {
		struct import_row *r = &f->rows[i];
		int *slot;

		r->error = NULL;
		r->depth = 0;
		r->changes = 0;
		node_of[i] = -1;
		if (!*r->code) {
			r->error = "未填機關代碼。";
			continue;
		}
		if (r->code_err != INPUT_OK || !import_valid_code(r->code)) {
			r->error = "機關代碼須為 4 至 20 個英文字母或數字。";
			continue;
		}
		slot = codes_slot(&t, r->code, 1);
		if (*slot >= 0 && row_of[*slot] >= 0) {
			struct import_row *first = &f->rows[row_of[*slot]];

			r->error = arena_printf(a, "機關代碼與第 %d 列重複。", first->line);
			if (!first->error)
				first->error = arena_printf(a, "機關代碼與第 %d 列重複。", r->line);
			continue;
		}
		if (*slot < 0)
			*slot = n++;
		row_of[*slot] = i;
		node_of[i] = *slot;
		if (*slot < nex && !ex[*slot].active)
			r->error = "此代碼屬於已停用的機關，不能再用。";
		else if (*slot >= nex && codes_slot(&logins, r->code, 0))
			r->error = "此代碼已是本縣市另一個帳號（例如盤查小組）的登入帳號。";
		else if (r->name_err == INPUT_EMPTY || !*r->name)
			r->error = "未填機關單位名稱。";
		else if (r->name_err != INPUT_OK)
			r->error = cell_error(a, "機關單位名稱", r->name_err);
	}
	/* Final parents: the file's word over the database's. */
	for (i = 0; i < nex; i++) {
		int *p = *ex[i].parent ? codes_slot(&t, ex[i].parent, 0) : NULL;
		parent[i] = p ? *p : -1;
	}
	for (i = 0; i < f->n; i++) {
		struct import_row *r = &f->rows[i];
		int *p;

		if (node_of[i] < 0)
			continue;
		parent[node_of[i]] = -1;
		if (!*r->parent)
			continue;
		if (!strcasecmp(r->parent, r->code)) {
			if (!r->error)
				r->error = "上級機關不可是自己。";
			continue;
		}
		p = codes_slot(&t, r->parent, 0);
		if (!p || *p < 0 || r->parent_err != INPUT_OK) {
			if (!r->error)
				r->error = arena_printf(a, "找不到上級機關代碼 %s（須為本縣市啟用中的機關，或列在本檔案中）。", r->parent);
			continue;
		}
		if (*p < nex && !ex[*p].active) {
			if (!r->error)
				r->error = "上級機關已停用。";
			continue;
		}
		parent[node_of[i]] = *p;
	}
	memset(state, 0, sizeof(int) * (size_t)n);
	depths(parent, n, depth, state, stack);
	for (i = 0; i < f->n; i++) {
		struct import_row *r = &f->rows[i];
		int x = node_of[i];

		if (x < 0)
			continue;
		if (depth[x] == DEPTH_CYCLE) {
			if (!r->error)
				r->error = "上級關係形成循環（某機關成為自己的所屬機關）。";
			continue;
		}
		if (depth[x] == DEPTH_BELOW_CYCLE) {
			if (!r->error)
				r->error = "上級機關的上級關係形成循環，請先修正該列。";
			continue;
		}
		if (depth[x] > IMPORT_MAX_DEPTH && !r->error)
			r->error = arena_printf(a, "層級超過 %d 級。", IMPORT_MAX_DEPTH);
		r->depth = depth[x];
		r->existing = x < nex ? x : -1;
		r->parent_existing = parent[x] >= 0 && parent[x] < nex ? parent[x] : -1;
		r->parent_row = parent[x] >= nex ? row_of[parent[x]] : -1;
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
	for (i = 0; i < nex; i++) {
		int u = i, steps = 0;

		if (row_of[i] >= 0 || !ex[i].active || depth[i] <= IMPORT_MAX_DEPTH)
			continue;
		while (u >= 0 && steps++ <= IMPORT_MAX_DEPTH * 2 && !(row_of[u] >= 0 && (f->rows[row_of[u]].changes & IMPORT_MOVE)))
			u = parent[u];
		if (u >= 0 && row_of[u] >= 0 && !f->rows[row_of[u]].error)
			f->rows[row_of[u]].error = arena_printf(a, "移動後，其所屬機關 %s 的層級會超過 %d 級。", ex[i].code, IMPORT_MAX_DEPTH);
	}
	/* The county's bound on agencies: the new ones beyond it say so. */
	for (i = 0, n = nex; i < f->n; i++) {
		struct import_row *r = &f->rows[i];

		if (r->error || node_of[i] < nex || r->action != IMPORT_CREATE)
			continue;
		if (++n > AGENCY_MAX_PER_COUNTY)
			r->error = arena_printf(a, "本縣市的機關（含已停用）將超過上限 %d 個，不能再新增。", AGENCY_MAX_PER_COUNTY);
	}
	for (i = 0; i < f->n; i++)
		if (f->rows[i].error)
			nerr++;
	return nerr;
}
