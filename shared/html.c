/* html.c: the only way text reaches a page: one escaping helper per context. */
#include <stdio.h>
#include <string.h>

#include "decimal.h"
#include "html.h"

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when the
 * bytes there are not one (overlong, surrogate, beyond U+10FFFF, truncated).
 */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0;
		if (c == 0xed && s[1] >= 0xa0)
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)
			return 0;
		if (c == 0xf4 && s[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

static void escape(struct strbuf *out, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, start = 0;

	while (i < len) {
		const char *rep = NULL;
		size_t seq = 1;
		unsigned c = s[i];

		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
				rep = "\xef\xbf\xbd";
			} else if (c >= 0x80) {
				seq = utf8_seq(s + i, len - i);
				if (!seq) {
					rep = "\xef\xbf\xbd";
					seq = 1;
				}
			}
		}
		if (rep) {
			strbuf_add(out, str + start, i - start);
			strbuf_addstr(out, rep);
			start = i + seq;
		}
		i += seq;
	}
	strbuf_add(out, str + start, len - start);
}

void html(struct strbuf *out, const char *markup)
{
	strbuf_addstr(out, markup);
}

void html_txtn(struct strbuf *out, const char *s, size_t len)
{
	escape(out, s, len);
}

void html_txt(struct strbuf *out, const char *s)
{
	if (s)
		escape(out, s, strlen(s));
}

void html_attr(struct strbuf *out, const char *s)
{
	if (s)
		escape(out, s, strlen(s));
}

void html_url_arg(struct strbuf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
			strbuf_addch(out, c);
		} else {
			strbuf_addch(out, '%');
			strbuf_addch(out, hex[c >> 4]);
			strbuf_addch(out, hex[c & 15]);
		}
	}
}

void html_milli(struct strbuf *out, long long m)
{
	char b[64];

	dec_format_grouped(dec_from_scaled_i64(m, 3), b, sizeof(b));
	html_txt(out, b);
}

void html_int(struct strbuf *out, long long v)
{
	strbuf_addf(out, "%lld", v);
}

void html_option(struct strbuf *out, const char *value, const char *label, int selected)
{
	html(out, "<option value=\"");
	html_attr(out, value);
	html(out, selected ? "\" selected>" : "\">");
	html_txt(out, label);
	html(out, "</option>");
}

void html_hidden(struct strbuf *out, const char *name, const char *value)
{
	html(out, "<input type=\"hidden\" name=\"");
	html_attr(out, name);
	html(out, "\" value=\"");
	html_attr(out, value);
	html(out, "\">");
}
