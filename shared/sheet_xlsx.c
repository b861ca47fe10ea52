/* sheet_xlsx.c: the XLSX reader (libzip + expat) of agency lists, bounded against hostile files. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <zip.h>

#include "agency_import.h"
#include "sheet.h"

/*
 * DESIGN: the XLSX reader opens the archive from memory with libzip, finds
 * the first sheet through workbook.xml and its relationships, and reads
 * shared strings and the sheet with expat, streaming each part through the
 * parser in small chunks.  Each part's inflated size (declared and
 * counted), nesting, element count and expat's own memory are bounded, and
 * so are the shared strings kept (the IMPORT_XLSX_ and IMPORT_XML_ bounds
 * of sheet.h), so a zip bomb or a hostile part is refused after a bounded
 * amount of work and memory; any XML error in any part read refuses the
 * file too.
 */

#define XLSX_ROW_MAX 1048576         /* Excel's last row */

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
			sheet_set_cell(x->rows, x->col, v, strlen(v));
	} else if (!strcmp(n, "row")) {
		sheet_add_row(x->rows);
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
int sheet_xlsx_read(struct rows *r, const char *data, size_t len)
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
