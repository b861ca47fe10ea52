/* html.h: the only way text reaches a page: one escaping helper per context. */
#ifndef CITYINV_HTML_H
#define CITYINV_HTML_H

#include <stddef.h>

#include "strbuf.h"

/*
 * html()         literal markup written by the program (never user data)
 * html_txt()     element text: & < > " ' escaped
 * html_attr()    a double-quoted attribute value: the same, plus control chars
 * html_url_arg() one query-string value: percent-encoded (RFC 3986 unreserved kept)
 * Invalid UTF-8 and control characters (other than tab and newline) are
 * replaced by U+FFFD, so nothing a user sends can change the page's parse.
 */
void html(struct strbuf *out, const char *markup);
void html_txt(struct strbuf *out, const char *s);
void html_txtn(struct strbuf *out, const char *s, size_t len);
void html_attr(struct strbuf *out, const char *s);
void html_url_arg(struct strbuf *out, const char *s);
void html_int(struct strbuf *out, long long v);
/* A kgCO2e figure kept in thousandths (milli) as "1,234.500". */
void html_milli(struct strbuf *out, long long m);

/* <option value="v"[ selected]>label</option> */
void html_option(struct strbuf *out, const char *value, const char *label, int selected);
/* A hidden input: <input type="hidden" name="n" value="v"> */
void html_hidden(struct strbuf *out, const char *name, const char *value);

#endif
