/* test_html.c: the escaping helpers, one per context. */
#include <string.h>

#include "html.h"
#include "tap.h"

static struct strbuf sb = STRBUF_INIT;

static const char *txt(const char *s)
{
	strbuf_reset(&sb);
	html_txt(&sb, s);
	return sb.buf;
}

static const char *txtn(const char *s, size_t n)
{
	strbuf_reset(&sb);
	html_txtn(&sb, s, n);
	return sb.buf;
}

static const char *attr(const char *s)
{
	strbuf_reset(&sb);
	html_attr(&sb, s);
	return sb.buf;
}

static const char *url(const char *s)
{
	strbuf_reset(&sb);
	html_url_arg(&sb, s);
	return sb.buf;
}

int main(void)
{
	is_str(txt("plain"), "plain", "plain text unchanged");
	is_str(txt(""), "", "empty string");
	is_str(txt("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;", "script tag escaped");
	is_str(txt("a & b"), "a &amp; b", "ampersand");
	is_str(txt("\"x\" 'y'"), "&quot;x&quot; &#39;y&#39;", "quotes");
	is_str(txt("&amp;"), "&amp;amp;", "already-escaped text is escaped again");
	is_str(txt("連江縣介壽國中小"), "連江縣介壽國中小", "Chinese text unchanged");
	is_str(txt("CO₂ 排放"), "CO₂ 排放", "subscript two unchanged");
	is_str(txt("emoji 🌱"), "emoji 🌱", "four-byte UTF-8 unchanged");
	is_str(txt("a\tb\nc"), "a\tb\nc", "tab and newline kept");
	is_str(txt("a\x01" "b"), "a\xef\xbf\xbd" "b", "control character replaced");
	is_str(txt("a\x7f" "b"), "a\xef\xbf\xbd" "b", "DEL replaced");
	is_str(txt("bad \xff byte"), "bad \xef\xbf\xbd byte", "invalid byte replaced");
	is_str(txt("\xc0\xbc"), "\xef\xbf\xbd\xef\xbf\xbd", "overlong '<' replaced, not decoded");
	is_str(txt("\xe0\x80\xbc"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "overlong 3-byte replaced");
	is_str(txt("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "UTF-16 surrogate replaced");
	is_str(txt("\xf4\x90\x80\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "beyond U+10FFFF replaced");
	is_str(txt("\xe6\x9d"), "\xef\xbf\xbd\xef\xbf\xbd", "truncated sequence replaced");
	is_str(txtn("a\0<b", 4), "a\xef\xbf\xbd&lt;b", "embedded NUL replaced");
	is_str(attr("\" onmouseover=\"x"), "&quot; onmouseover=&quot;x", "attribute breakout escaped");
	is_str(attr("javascript:alert(1)"), "javascript:alert(1)", "attr helper does not judge URLs");
	is_str(url("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9", "query value percent-encoded");
	is_str(url("AZaz09-_.~"), "AZaz09-_.~", "unreserved characters kept");
	is_str(url("\"><script>"), "%22%3E%3Cscript%3E", "markup in a URL argument encoded");

	strbuf_reset(&sb);
	html_option(&sb, "Z", "連江縣 <z>", 1);
	is_str(sb.buf, "<option value=\"Z\" selected>連江縣 &lt;z&gt;</option>", "option selected, label escaped");
	strbuf_reset(&sb);
	html_option(&sb, "\"", "x", 0);
	is_str(sb.buf, "<option value=\"&quot;\">x</option>", "option value escaped");
	strbuf_reset(&sb);
	html_hidden(&sb, "csrf", "ab\"c");
	is_str(sb.buf, "<input type=\"hidden\" name=\"csrf\" value=\"ab&quot;c\">", "hidden input escaped");
	strbuf_reset(&sb);
	html_int(&sb, -1234567890123LL);
	is_str(sb.buf, "-1234567890123", "integer");
	strbuf_reset(&sb);
	html_txt(&sb, NULL);
	is_str(sb.buf, "", "NULL text writes nothing");

	strbuf_release(&sb);
	return tap_done();
}
