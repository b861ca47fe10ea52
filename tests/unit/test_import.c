/* test_import.c: reading agency lists from CSV and XLSX, and planning them against a county. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>
#include <zip.h>

#include "agency_import.h"
#include "input.h"
#include "sheet.h"
#include "tap.h"

static struct arena a;

static int read_str(const char *s, struct import_file *f)
{
	return import_read(&a, s, strlen(s), f);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, fp);
	fclose(fp);
	return buf;
}

/* The planned error of the row with code `code` ("" when none). */
static const char *err_of(const struct import_file *f, int line)
{
	for (int i = 0; i < f->n; i++)
		if (f->rows[i].line == line)
			return f->rows[i].error ? f->rows[i].error : "";
	return "(no such row)";
}

static const struct import_row *row_of(const struct import_file *f, int line)
{
	for (int i = 0; i < f->n; i++)
		if (f->rows[i].line == line)
			return &f->rows[i];
	return NULL;
}

/* Row i of f, or an empty row when f has fewer (a failed read leaves none). */
static const struct import_row *row_at(const struct import_file *f, int i)
{
	static const struct import_row none = { .code = "(no row)", .name = "(no row)", .parent = "(no row)", .code_err = 255 };

	return i < f->n ? &f->rows[i] : &none;
}

static int contains(const char *s, const char *sub)
{
	return s && strstr(s, sub) != NULL;
}

static void test_csv(void)
{
	struct import_file f;

	is_int(read_str("\xEF\xBB\xBF機關代碼,機關單位名稱,上級機關代碼\r\n371000000a,　連江縣政府　,\r\n\r\n"
			"３７１０３００００Ａ,\"教育處, 含逗號\",371000000A\r\n", &f), 0, "CSV with a BOM, a heading and a blank row");
	is_int(f.n, 2, "two agencies (heading and blank row skipped)");
	is_str(f.rows[0].code, "371000000A", "codes upper-cased");
	is_str(f.rows[0].name, "連江縣政府", "names trimmed of ideographic spaces");
	is_int(f.rows[0].line, 2, "line numbers count the heading");
	is_str(f.rows[1].code, "371030000A", "full-width code normalised (NFKC)");
	is_str(f.rows[1].name, "教育處, 含逗號", "a quoted comma");
	is_int(f.rows[1].line, 4, "and the blank row");
	is_int(f.is_xlsx, 0, "not an xlsx");

	is_int(read_str("371000000A,x\n", &f), 0, "no heading, two columns");
	is_str(f.rows[0].parent, "", "a missing column is empty");

	ok(read_str("", &f) && contains(f.error, "空的"), "an empty file");
	ok(read_str("機關代碼,機關單位名稱\n", &f) && contains(f.error, "沒有任何機關資料列"), "a heading only");
	ok(read_str("\xBE\xF7\xC3\xF6,A\n", &f) && contains(f.error, "UTF-8"), "Big5 is refused with advice");
	ok(import_read(&a, "Z\0Z\0A\0,\0n\0\n\0", 12, &f) && contains(f.error, "UTF-8"), "UTF-16 without its BOM: refused as not UTF-8");
	ok(import_read(&a, "ZZA00005,\xe5\x90\x8d\0<b>x</b>,371000000A\n", 33, &f) && contains(f.error, "UTF-8"),
	   "a NUL inside a cell: the file refused, not the cell cut at it");
	ok(read_str("ZZA00006,x,\nZZA00007,\"\xe5\x90\x8d,371000000A\nZZA00008,x,\n", &f) && contains(f.error, "第 2 列起") && contains(f.error, "引號成對"),
	   "a quote opened and never closed: refused, not the rest of the file in one cell");
	ok(import_read(&a, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1xxxx", 12, &f) && contains(f.error, ".xls"), "an old .xls");
	ok(import_read(&a, "PK\x03\x04garbage", 11, &f) && contains(f.error, ".xlsx"), "a broken zip");
	{
		/* Too many rows. */
		size_t cap = (IMPORT_MAX_ROWS + 2) * 20, n = 0;
		char *big = malloc(cap);

		for (int i = 0; i <= IMPORT_MAX_ROWS; i++)
			n += (size_t)snprintf(big + n, cap - n, "C%08d,n,\n", i);
		ok(import_read(&a, big, n, &f) && contains(f.error, "分批"), "more than IMPORT_MAX_ROWS rows");
		free(big);
	}
}

static void test_xlsx_openpyxl(void)
{
	struct import_file f;
	size_t len;
	char *data = slurp("tests/unit/data/agencies.xlsx", &len);

	ok(data != NULL, "the openpyxl fixture (inline strings, two sheets) is there");
	if (!data)
		return;
	is_int(import_read(&a, data, len, &f), 0, "read");
	is_int(f.is_xlsx, 1, "as xlsx");
	is_int(f.n, 3, "three rows from the first sheet only (heading, a blank row and one with a cell beyond C skipped)");
	is_str(f.rows[0].code, "371000000A", "row 2 code");
	is_str(f.rows[0].name, "連江縣政府", "row 2 name");
	is_int(f.rows[1].line, 4, "row 4 after a blank row 3");
	is_str(f.rows[1].code, "371030000A", "upper-cased");
	is_str(f.rows[1].name, "連江縣政府教育處", "trimmed");
	is_str(f.rows[1].parent, "371000000A", "parent");
	is_str(f.rows[2].code, "371099001", "a number cell as its digits");
	free(data);
}

static void test_xlsx_libxlsxwriter(void)
{
	char path[96];

	/* One file per process: two runs of the suite on one machine must not share it. */
	snprintf(path, sizeof(path), "/tmp/cityinv-test-import-%d.xlsx", (int)getpid());
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "機關");
	struct import_file f;
	size_t len;
	char *data;

	worksheet_write_string(ws, 0, 0, "機關代碼", NULL);
	worksheet_write_string(ws, 0, 1, "機關單位名稱", NULL);
	worksheet_write_string(ws, 0, 2, "上級機關代碼", NULL);
	worksheet_write_string(ws, 1, 0, "371000000A", NULL);
	worksheet_write_string(ws, 1, 1, "連江縣政府", NULL);
	worksheet_write_string(ws, 2, 0, "371040000A", NULL);
	worksheet_write_string(ws, 2, 1, "環境資源局", NULL);
	worksheet_write_string(ws, 2, 2, "371000000A", NULL);
	worksheet_write_string(ws, 3, 0, "371040000A", NULL);   /* a repeated shared string */
	worksheet_write_number(ws, 3, 1, 12.5, NULL);
	ok(workbook_close(wb) == LXW_NO_ERROR, "libxlsxwriter wrote a workbook (shared strings)");
	data = slurp(path, &len);
	is_int(import_read(&a, data, len, &f), 0, "read");
	is_int(f.n, 3, "three rows");
	is_str(f.rows[1].name, "環境資源局", "a shared string");
	is_str(f.rows[2].code, "371040000A", "a repeated shared string");
	is_str(f.rows[2].name, "12.5", "a number as text");
	free(data);
	unlink(path);
}

/*
 * A workbook of our own parts (name, content pairs; NULL ends them), deflated
 * with libzip, for what no spreadsheet program writes.  Freed by the caller.
 */
static char *zip_parts(const char *const *parts, size_t *len)
{
	char path[96];

	snprintf(path, sizeof(path), "/tmp/cityinv-test-handmade-%d.xlsx", (int)getpid());
	zip_t *z;
	int err;
	char *data;

	unlink(path);
	z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	if (!z)
		return NULL;
	for (; parts[0]; parts += 2)
		zip_file_add(z, parts[0], zip_source_buffer(z, parts[1], strlen(parts[1]), 0), ZIP_FL_OVERWRITE);
	if (zip_close(z))
		return NULL;
	data = slurp(path, len);
	unlink(path);
	return data;
}

static char *handmade(const char *sheet, size_t *len)
{
	const char *parts[] = { "xl/worksheets/sheet1.xml", sheet, NULL };

	return zip_parts(parts, len);
}

#define WORKBOOK "<workbook xmlns:r=\"r\"><sheets><sheet name=\"機關\" sheetId=\"1\" r:id=\"rId7\"/></sheets></workbook>"
#define RELS "<Relationships><Relationship Id=\"rId7\" Target=\"worksheets/data.xml\"/></Relationships>"
#define SHEET "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"inlineStr\"><is><t>甲</t></is></c></row></sheetData></worksheet>"
#define SST "<sst><si><t>ABCD0001</t></si></sst>"

/* A complete workbook (workbook, its relationships, shared strings, the sheet they name), one part replaced. */
static char *workbook_with(const char *name, const char *content, size_t *len)
{
	const char *parts[] = {
		"xl/workbook.xml", WORKBOOK,
		"xl/_rels/workbook.xml.rels", RELS,
		"xl/sharedStrings.xml", SST,
		"xl/worksheets/data.xml", SHEET,
		NULL, NULL,
	};

	for (int i = 0; parts[i]; i += 2)
		if (!strcmp(parts[i], name))
			parts[i + 1] = content;
	return zip_parts(parts, len);
}

/* Reads data[0..*len) (then frees it); the error, or "" when the file was read. */
static const char *read_zip(char *data, const size_t *len, struct import_file *f)
{
	int r;

	if (!data)
		return "(could not write the test workbook)";
	r = import_read(&a, data, *len, f);
	free(data);
	return r ? (f->error ? f->error : "(no error)") : "";
}

/* s then n copies of unit then e, in a malloc'd string. */
static char *repeat(const char *s, const char *unit, size_t n, const char *e)
{
	size_t ls = strlen(s), lu = strlen(unit), le = strlen(e);
	char *buf = malloc(ls + lu * n + le + 1), *p = buf;

	memcpy(p, s, ls);
	p += ls;
	for (size_t i = 0; i < n; i++, p += lu)
		memcpy(p, unit, lu);
	memcpy(p, e, le + 1);
	return buf;
}

static void put32(char *p, unsigned v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (char)(v >> (8 * i));
}

/* A one-part archive whose headers say the part inflates to `declared` bytes. */
static char *lying(const char *name, const char *content, unsigned declared, size_t *len)
{
	const char *parts[] = { name, content, NULL };
	char *data = zip_parts(parts, len);
	unsigned cd;

	if (!data || *len < 22)
		return data;
	cd = (unsigned char)data[*len - 6] | (unsigned char)data[*len - 5] << 8 | (unsigned char)data[*len - 4] << 16 |
	     (unsigned)(unsigned char)data[*len - 3] << 24;   /* the end record's central directory offset */
	put32(data + 22, declared);        /* the local header's uncompressed size */
	put32(data + cd + 24, declared);   /* the central directory's */
	return data;
}

static void test_xlsx_hostile(void)
{
	struct import_file f;
	size_t len;
	char *data, *big;
	const char *e;

	is_str(read_zip(workbook_with("", "", &len), &len, &f), "", "the complete handmade workbook reads");
	is_str(row_at(&f, 0)->code, "ABCD0001", "its sheet found through workbook.xml and the relationships");

	e = read_zip(handmade("<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>"
			      "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&b;</t></is></c></row></sheetData></worksheet>", &len), &len, &f);
	ok(contains(e, "xl/worksheets/sheet1.xml 含有 DOCTYPE"), "a DOCTYPE (entity expansion) in the sheet is refused: %s", e);
	e = read_zip(workbook_with("xl/workbook.xml", "<!DOCTYPE w [<!ENTITY a \"a\">]><workbook/>", &len), &len, &f);
	ok(contains(e, "xl/workbook.xml 含有 DOCTYPE"), "and in workbook.xml");
	e = read_zip(workbook_with("xl/sharedStrings.xml", "<!DOCTYPE s><sst/>", &len), &len, &f);
	ok(contains(e, "xl/sharedStrings.xml 含有 DOCTYPE"), "and in the shared strings (even without entities)");
	e = read_zip(handmade("<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&undeclared;</t></is></c></row></sheetData></worksheet>", &len), &len, &f);
	ok(contains(e, "不是正確的 XML"), "an entity never declared is an XML error");

	/* Malformed XML in every part read refuses the file, with the part and line. */
	{
		static const char *const names[] = { "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/worksheets/data.xml" };
		char want[200];

		for (int i = 0; i < 4; i++) {
			e = read_zip(workbook_with(names[i], "<x>\n<y></x>", &len), &len, &f);
			snprintf(want, sizeof(want), "%s 第 2 行不是正確的 XML", names[i]);
			ok(contains(e, want), "malformed %s refused: %s", names[i], e);
		}
		e = read_zip(workbook_with("xl/workbook.xml", "<workbook><sheets><sheet r:id=\"rId7\"/></sheets></workbook><workbook/>", &len), &len, &f);
		ok(contains(e, "xl/workbook.xml 第 1 行不是正確的 XML"), "junk after workbook.xml's root element too");
		e = read_zip(workbook_with("xl/worksheets/data.xml", "<worksheet><sheetData>", &len), &len, &f);
		ok(contains(e, "不是正確的 XML"), "a sheet cut short");
	}

	/* Depth. */
	big = repeat("<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>ABCD0001</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData><extLst>",
		     "<x>", IMPORT_XML_DEPTH_MAX - 2, "");
	{
		char *doc = repeat(big, "</x>", IMPORT_XML_DEPTH_MAX - 2, "</extLst></worksheet>");

		is_str(read_zip(handmade(doc, &len), &len, &f), "", "elements nested IMPORT_XML_DEPTH_MAX deep are read");
		free(doc);
	}
	free(big);
	big = repeat("<worksheet><extLst>", "<x>", IMPORT_XML_DEPTH_MAX - 1, "");
	e = read_zip(handmade(big, &len), &len, &f);
	ok(contains(e, "xl/worksheets/sheet1.xml 的 XML 巢狀超過 64 層"), "one deeper is refused: %s", e);
	free(big);
	big = repeat("<workbook>", "<a>", 5200000, "");   /* the 16 KB workbook of the report */
	e = read_zip(workbook_with("xl/workbook.xml", big, &len), &len, &f);
	ok(contains(e, "xl/workbook.xml 的 XML 巢狀超過"), "5.2 million elements nested in workbook.xml are refused");
	free(big);

	/* Elements. */
	big = repeat("<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>ABCD0001</t></is></c><c><v>1</v></c></row></sheetData>",
		     "<x/>", IMPORT_XML_ELEMENTS_MAX - 9, "</worksheet>");
	is_str(read_zip(handmade(big, &len), &len, &f), "", "IMPORT_XML_ELEMENTS_MAX elements in a part are read");
	free(big);
	big = repeat("<worksheet>", "<x/>", IMPORT_XML_ELEMENTS_MAX, "</worksheet>");
	e = read_zip(handmade(big, &len), &len, &f);
	ok(contains(e, "含有超過 1000000 個 XML 元素"), "one more is refused: %s", e);
	free(big);

	/* Shared strings. */
	big = repeat("<sst><si><t>ABCD0001</t></si>", "<si/>", IMPORT_XLSX_SST_MAX - 1, "</sst>");
	is_str(read_zip(workbook_with("xl/sharedStrings.xml", big, &len), &len, &f), "", "IMPORT_XLSX_SST_MAX shared strings are read");
	free(big);
	big = repeat("<sst>", "<si/>", 3100000, "</sst>");   /* the 24 KB file of the report */
	e = read_zip(workbook_with("xl/sharedStrings.xml", big, &len), &len, &f);
	ok(contains(e, "共用字串超過 200000 個"), "3.1 million are refused: %s", e);
	free(big);
	{
		char si[4100];

		memcpy(si, "<si><t>", 7);
		memset(si + 7, 'x', 4000);
		memcpy(si + 4007, "</t></si>", 10);
		big = repeat("<sst><si><t>ABCD0001</t></si>", si, (IMPORT_XLSX_SST_BYTES_MAX / 4000) + 1, "</sst>");
		e = read_zip(workbook_with("xl/sharedStrings.xml", big, &len), &len, &f);
		ok(contains(e, "共用字串超過 8 MB"), "more than IMPORT_XLSX_SST_BYTES_MAX bytes of them are refused: %s", e);
		free(big);
	}

	/* expat's memory: distinct names, a huge start tag. */
	{
		size_t cap = 8u << 20, n = 0;

		big = malloc(cap);
		n += (size_t)snprintf(big, cap, "<worksheet>");
		for (int i = 0; n + 40 < cap; i++)
			n += (size_t)snprintf(big + n, cap - n, "<n%d/>", i);
		snprintf(big + n, cap - n, "</worksheet>");
		e = read_zip(handmade(big, &len), &len, &f);
		ok(contains(e, "XML 結構過於複雜"), "a million distinct element names are refused: %s", e);
		free(big);
	}
	big = repeat("<worksheet><sheetData><row><c r=\"", "A", 6u << 20, "\"/></row></sheetData></worksheet>");
	e = read_zip(handmade(big, &len), &len, &f);
	ok(contains(e, "XML 結構過於複雜"), "a 6 MB attribute is refused: %s", e);
	free(big);

	/* Inflated size: declared honestly, declared falsely, several parts together. */
	big = repeat("<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>", "x", IMPORT_XLSX_PART_MAX, "</t></is></c></row></sheetData></worksheet>");
	e = read_zip(handmade(big, &len), &len, &f);
	ok(contains(e, "xl/worksheets/sheet1.xml 解壓縮後超過 64 MB"), "a part over IMPORT_XLSX_PART_MAX is refused: %s", e);
	e = read_zip(lying("xl/worksheets/sheet1.xml", big, 1000, &len), &len, &f);
	ok(contains(e, "xl/worksheets/sheet1.xml 解壓縮後超過 64 MB"), "and when its headers say 1000 bytes (the bytes are counted): %s", e);
	free(big);
	{
		/* 60 + 40 MB: each part within IMPORT_XLSX_PART_MAX, together over IMPORT_XLSX_TOTAL_MAX. */
		char *sst = repeat("<sst><si><t>ABCD0001", "y", 60u << 20, "</t></si></sst>");
		char *sheet = repeat("<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>", "x", 40u << 20,
				     "</t></is></c><c t=\"inlineStr\"><is><t>乙</t></is></c></row></sheetData></worksheet>");
		const char *parts[] = { "xl/sharedStrings.xml", sst, "xl/worksheets/sheet1.xml", sheet, NULL };

		e = read_zip(workbook_with("xl/sharedStrings.xml", sst, &len), &len, &f);
		ok(!*e, "a 60 MB shared string is read (cut): %s", e);
		is_int(f.n, 1, "one row");
		is_int(row_at(&f, 0)->code_err, INPUT_TOO_LONG, "its code, cut, is too long");
		is_str(row_at(&f, 0)->name, "甲", "its name kept");
		e = read_zip(handmade(sheet, &len), &len, &f);
		ok(!*e, "a 40 MB cell is read (cut): %s", e);
		is_str(row_at(&f, 0)->name, "乙", "and the cell after it");
		e = read_zip(zip_parts(parts, &len), &len, &f);
		ok(contains(e, "解壓縮後超過 96 MB"), "both in one workbook are refused: %s", e);
		free(sst);
		free(sheet);
	}
	{
		/* A wrong CRC. */
		const char *parts[] = { "xl/worksheets/sheet1.xml", SHEET, NULL };
		char *d = zip_parts(parts, &len);

		if (d)
			d[14] ^= 1;   /* the local header's CRC-32 (libzip checks the central directory's, so both) */
		if (d) {
			unsigned cd = (unsigned char)d[len - 6] | (unsigned char)d[len - 5] << 8 | (unsigned char)d[len - 4] << 16 |
				      (unsigned)(unsigned char)d[len - 3] << 24;
			d[cd + 16] ^= 1;
		}
		e = read_zip(d, &len, &f);
		ok(contains(e, "檔案損毀"), "a part whose CRC does not match is refused: %s", e);
	}

	/* A long text no longer empties the texts after it. */
	big = repeat("<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>", "長", 5000,
		     "</t></is></c><c t=\"inlineStr\"><is><t>名稱</t></is></c></row>"
		     "<row><c t=\"inlineStr\"><is><t>ABCD0002</t></is></c><c t=\"inlineStr\"><is><t>乙</t></is></c></row></sheetData></worksheet>");
	is_str(read_zip(handmade(big, &len), &len, &f), "", "a sheet with a 15,000-byte cell");
	free(big);
	is_int(f.n, 2, "both rows");
	is_int(row_at(&f, 0)->code_err, INPUT_TOO_LONG, "the long cell cut, kept as too long");
	is_str(row_at(&f, 0)->name, "名稱", "the cell after it kept");
	is_str(row_at(&f, 1)->code, "ABCD0002", "and the next row");

	data = handmade("<worksheet><sheetData><row r=\"2147483647\"><c r=\"A1\" t=\"inlineStr\"><is><t>ABCD0001</t></is></c>"
			"<c r=\"B1\" t=\"inlineStr\"><is><t>x</t></is></c></row><row><c r=\"A2\" t=\"inlineStr\"><is><t>ABCD0002</t></is></c></row>"
			"<row r=\"-5\"/></sheetData></worksheet>", &len);
	is_int(data ? import_read(&a, data, len, &f) : -1, 0, "row numbers out of range are taken as the next row (no overflow)");
	is_int(f.n, 2, "both rows");
	is_int(row_at(&f, 1)->line, 2, "numbered in order");
	free(data);
	/* The same cell 300,000 times (900,000 elements) keeps one copy (memory stays small). */
	big = repeat("<worksheet><sheetData><row r=\"1\">", "<c r=\"B1\" t=\"inlineStr\"><is><t>xxxxxxxxxxxxxxxxxxxx</t></is></c>", 300000,
		     "<c r=\"A1\" t=\"inlineStr\"><is><t>ABCD0001</t></is></c></row></sheetData></worksheet>");
	is_str(read_zip(handmade(big, &len), &len, &f), "", "the same cell 300,000 times (20 MB)");
	is_str(row_at(&f, 0)->name, "xxxxxxxxxxxxxxxxxxxx", "its first value kept");
	free(big);
	arena_reset(&a);
}

/* 10,000 agencies and a heading are read; one more is refused. */
static void test_rows(void)
{
	struct import_file f;
	size_t cap = (IMPORT_MAX_ROWS + 3) * 24, n = 0;
	char *csv = malloc(cap);

	n += (size_t)snprintf(csv, cap, "機關代碼,機關單位名稱,上級機關代碼\n");
	for (int i = 0; i < IMPORT_MAX_ROWS; i++)
		n += (size_t)snprintf(csv + n, cap - n, "C%08d,n,\n", i);
	is_int(import_read(&a, csv, n, &f), 0, "IMPORT_MAX_ROWS agencies after a heading are read");
	is_int(f.n, IMPORT_MAX_ROWS, "all of them");
	snprintf(csv + n, cap - n, "C%08d,n,\n", IMPORT_MAX_ROWS);
	ok(import_read(&a, csv, strlen(csv), &f) && contains(f.error, "資料超過 10000 列"), "one more is refused");
	free(csv);
	arena_reset(&a);
}

static void test_plan(void)
{
	/* The county: H (一級) -> E (二級) -> S1, S2 (三級); O inactive. */
	static const struct import_existing ex[] = {
		{ "H0000001", "縣政府", "", 1 },
		{ "E0000001", "教育處", "H0000001", 1 },
		{ "S0000001", "甲國小", "E0000001", 1 },
		{ "S0000002", "乙國小", "E0000001", 1 },
		{ "O0000001", "舊機關", "", 0 },
	};
	static const char *const reserved[] = { "TEAM" };
	struct import_file f;

	is_int(read_str("N0000001,新局,H0000001\n"        /* 1 create under H */
			"N0000002,新局一科,N0000001\n"    /* 2 create under a new one */
			"S0000001,甲國小,E0000001\n"      /* 3 same */
			"S0000002,乙國小（改）,N0000001\n" /* 4 rename and move */
			"E0000001,教育處,\n", &f), 0, "a good file");   /* 5 move to 一級 */
	is_int(import_plan(&a, &f, ex, 5, reserved, 1), 0, "plans without errors");
	is_int(row_of(&f, 1)->action, IMPORT_CREATE, "new code: create");
	is_int(row_of(&f, 1)->depth, 2, "under 一級: 二級");
	is_int(row_of(&f, 2)->depth, 3, "under a new 二級: 三級");
	is_int(row_of(&f, 3)->action, IMPORT_SAME, "unchanged: same");
	is_int(row_of(&f, 4)->action, IMPORT_UPDATE, "renamed and moved: update");
	is_int(row_of(&f, 4)->changes, IMPORT_RENAME | IMPORT_MOVE, "both changes");
	is_str(row_of(&f, 4)->old_name, "乙國小", "with the old name");
	is_int(row_of(&f, 5)->changes, IMPORT_MOVE, "a move to the top");
	is_int(row_of(&f, 5)->depth, 1, "is 一級");
	is_int(row_of(&f, 3)->depth, 2, "and its school follows (depth from the final tree)");
	/* Where each row's agency and parent are, for applying without looking codes up again. */
	is_int(row_of(&f, 1)->existing, -1, "a new agency is not in the county");
	is_int(row_of(&f, 1)->parent_existing, 0, "its parent is the county's agency 0 (H)");
	is_int(row_of(&f, 2)->parent_row, 0, "a parent created by the file: the row index that creates it");
	is_int(row_of(&f, 2)->parent_existing, -1, "and not an existing agency");
	is_int(row_of(&f, 4)->existing, 3, "an update names its agency (S0000002, index 3)");
	is_int(row_of(&f, 4)->parent_row, 0, "moved under the new agency of row index 0");
	is_int(row_of(&f, 5)->parent_existing, -1, "一級: no parent");
	is_int(row_of(&f, 5)->parent_row, -1, "一級: no parent row");

	is_int(read_str("ab,短,\n"                         /* 1 bad code */
			"X0000001,甲,NOPE0001\n"           /* 2 unknown parent */
			"X0000002,乙,H0000001\n"           /* 3 duplicate */
			"x0000002,乙二,H0000001\n"         /* 4 duplicate (case-insensitive) */
			"X0000003,丙,X0000004\n"           /* 5 cycle */
			"X0000004,丁,X0000003\n"           /* 6 cycle */
			"H0000001,縣政府,S0000001\n"       /* 7 cycle through the database's tree */
			"O0000001,舊機關復活,\n"           /* 8 a deactivated code */
			"X0000005,戊,O0000001\n"           /* 9 a deactivated parent */
			"X0000006,,H0000001\n"             /* 10 no name */
			"X0000007,自己,X0000007\n"         /* 11 its own parent */
			"X0000008,己,E0000001\n"           /* 12 fine except that E is under H, now in a cycle */
			"X000000 9,空白,\n"               /* 13 bad code with a space */
			"team,盤查小組的代碼,\n"           /* 14 a code that is the team's login */
			"X0000010,\xE2\x80\xAE反轉文字,\n"  /* 15 a bidi override (the form refuses it) */
			"X0000011,\xC2\x85" "C1控制字元,\n", &f), 0, "a bad file reads");   /* 16 a C1 control */
	is_int(import_plan(&a, &f, ex, 5, reserved, 1), 16, "every row is wrong");
	ok(contains(err_of(&f, 1), "4 至 20"), "bad code");
	ok(contains(err_of(&f, 2), "找不到上級機關代碼 NOPE0001"), "unknown parent");
	ok(contains(err_of(&f, 3), "第 4 列重複"), "duplicate: the first names the second");
	ok(contains(err_of(&f, 4), "第 3 列重複"), "duplicate: the second names the first");
	ok(contains(err_of(&f, 5), "循環"), "cycle in the file");
	ok(contains(err_of(&f, 6), "循環"), "cycle in the file (other row)");
	ok(contains(err_of(&f, 7), "循環"), "cycle with the database's tree");
	ok(contains(err_of(&f, 8), "已停用"), "deactivated code");
	ok(contains(err_of(&f, 9), "已停用"), "deactivated parent");
	ok(contains(err_of(&f, 10), "未填機關單位名稱"), "no name");
	ok(contains(err_of(&f, 11), "自己"), "own parent");
	ok(contains(err_of(&f, 12), "上級機關的上級關係形成循環"), "parent inside a cycle");
	ok(contains(err_of(&f, 13), "4 至 20"), "code with a space");
	ok(contains(err_of(&f, 14), "登入帳號"), "a reserved login, case-insensitively");
	ok(contains(err_of(&f, 15), "控制字元"), "a bidi override in a name");
	ok(contains(err_of(&f, 16), "控制字元"), "a C1 control in a name");

	/* Moving H under a new chain of 18 pushes S1 and S2 (not in the file) to level 21. */
	{
		char buf[4096];
		size_t n = 0;

		for (int i = 1; i <= 18; i++)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, i == 1 ? "C%07d,c,\n" : "C%07d,c,C%07d\n", i, i - 1);
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "H0000001,縣政府,C0000018\n");
		is_int(read_str(buf, &f), 0, "a chain above the county hall reads");
		is_int(import_plan(&a, &f, ex, 5, reserved, 1), 1, "one row is wrong");
		ok(contains(f.rows[18].error, "S000000") && contains(f.rows[18].error, "超過 20 級"),
		   "the row that moved the hall names the agency pushed too deep");
	}
	/* A long name is cut at a character boundary, then refused for its length (not as bad UTF-8). */
	{
		char buf[2048] = "AAAA0001,";
		for (int i = 0; i < 400; i++)
			strcat(buf, "機");
		strcat(buf, ",\n");
		is_int(read_str(buf, &f), 0, "a 1,200-byte name reads");
		is_int(import_plan(&a, &f, ex, 5, reserved, 1), 1, "and is wrong");
		ok(contains(f.rows[0].error, "超過"), "for its length");
	}

	{
		/* Depth limit: a chain of IMPORT_MAX_DEPTH + 1. */
		char buf[4096];
		size_t n = 0;

		for (int i = 0; i <= IMPORT_MAX_DEPTH; i++)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, i ? "D%07d,d,D%07d\n" : "D%07d,d,\n", i, i - 1);
		is_int(read_str(buf, &f), 0, "a deep chain reads");
		is_int(import_plan(&a, &f, ex, 5, reserved, 1), 1, "only the deepest row is wrong");
		ok(contains(f.rows[IMPORT_MAX_DEPTH].error, "層級超過"), "too deep");
	}
	{
		/* A large county plans in one pass. */
		int nex = 5000;
		struct import_existing *big = malloc(sizeof(*big) * (size_t)nex);
		char (*codes)[16] = malloc(16 * (size_t)nex);
		size_t cap = 5000 * 40, n = 0;
		char *csv = malloc(cap);

		for (int i = 0; i < nex; i++) {
			snprintf(codes[i], 16, "B%08d", i % 100000000);
			big[i].code = codes[i];
			big[i].name = "機關";
			big[i].parent = i ? codes[(i - 1) / 10] : "";
			big[i].active = 1;
		}
		for (int i = 0; i < 5000; i++)
			n += (size_t)snprintf(csv + n, cap - n, "B%08d,機關,%s\n", i, i ? codes[i / 3] : "");
		is_int(import_read(&a, csv, n, &f), 0, "5,000 rows read");
		is_int(import_plan(&a, &f, big, nex, NULL, 0), 0, "and plan (reshaping the whole tree) without errors");
		is_int(f.rows[4999].depth, 9, "depth of the last row in the new tree");
		free(csv);
		free(codes);
		free(big);
	}
	{
		/*
		 * The county's bound (AGENCY_MAX_PER_COUNTY, inactive ones counted):
		 * with one place left, the first new row fits and the next is refused;
		 * renaming an existing agency still works.
		 */
		int nex = AGENCY_MAX_PER_COUNTY - 1;
		struct import_existing *big = malloc(sizeof(*big) * (size_t)nex);
		char (*codes)[16] = malloc(16 * (size_t)nex);

		for (int i = 0; i < nex; i++) {
			snprintf(codes[i], 16, "C%08d", i);
			big[i].code = codes[i];
			big[i].name = "機關";
			big[i].parent = "";
			big[i].active = i % 2;   /* half of them deactivated: they count too */
		}
		is_int(read_str("N0000001,新局,\nN0000002,新局二,\nC00000001,改名,\n", &f), 0, "two new agencies and a rename");
		is_int(import_plan(&a, &f, big, nex, NULL, 0), 1, "one row is wrong");
		ok(!row_of(&f, 1)->error, "the first new agency takes the last place");
		ok(contains(err_of(&f, 2), "上限 20000"), "the second is beyond the county's bound: %s", err_of(&f, 2));
		ok(!row_of(&f, 3)->error && row_of(&f, 3)->action == IMPORT_UPDATE, "a rename needs no place");
		free(codes);
		free(big);
	}
}

int main(void)
{
	arena_init(&a, 1 << 16);
	test_csv();
	test_xlsx_openpyxl();
	test_xlsx_libxlsxwriter();
	test_xlsx_hostile();
	test_rows();
	test_plan();
	arena_release(&a);
	return tap_done();
}
