/* form.c: field errors and the labelled inputs that show them. */
#include <string.h>

#include "form.h"
#include "html.h"

void form_error(struct form *f, const char *name, const char *msg)
{
	if (f->nerr < FORM_MAX_ERRORS) {
		f->err[f->nerr].name = name;
		f->err[f->nerr].msg = msg;
		f->nerr++;
	}
}

const char *form_error_of(const struct form *f, const char *name)
{
	for (int i = 0; f && i < f->nerr; i++)
		if (!strcmp(f->err[i].name, name))
			return f->err[i].msg;
	return NULL;
}

void form_field(struct request *req, const struct form *f, const struct field *fd)
{
	struct strbuf *o = &req->body;
	const char *err = form_error_of(f, fd->name);

	html(o, "<div class=\"field\"><label for=\"f-");
	html_attr(o, fd->name);
	html(o, "\">");
	html_txt(o, fd->label);
	if (fd->required)
		html(o, " <span class=\"req\" aria-hidden=\"true\">*</span>");
	html(o, "</label><div class=\"control\"><input id=\"f-");
	html_attr(o, fd->name);
	html(o, "\" name=\"");
	html_attr(o, fd->name);
	html(o, "\" type=\"");
	html_attr(o, fd->type ? fd->type : "text");
	html(o, "\"");
	if (fd->type && !strcmp(fd->type, "password")) {
		/* never echo a password */
	} else {
		html(o, " value=\"");
		html_attr(o, fd->value ? fd->value : "");
		html(o, "\"");
	}
	if (fd->maxlength)
		strbuf_addf(o, " maxlength=\"%d\"", fd->maxlength);
	if (fd->required)
		html(o, " required");
	if (fd->readonly)
		html(o, " readonly");
	if (fd->decimal)
		html(o, " inputmode=\"decimal\" class=\"qty\"");
	if (fd->autocomplete) {
		html(o, " autocomplete=\"");
		html_attr(o, fd->autocomplete);
		html(o, "\"");
	}
	if (err) {
		html(o, " aria-invalid=\"true\" aria-describedby=\"e-");
		html_attr(o, fd->name);
		html(o, "\"");
	}
	html(o, ">");
	if (fd->unit) {
		html(o, "<span class=\"unit\">");
		html_txt(o, fd->unit);
		html(o, "</span>");
	}
	if (fd->extra)
		html(o, fd->extra);
	if (err) {
		html(o, "<p class=\"field-error\" id=\"e-");
		html_attr(o, fd->name);
		html(o, "\">");
		html_txt(o, err);
		html(o, "</p>");
	}
	html(o, "</div></div>\n");
}

void form_flash(struct request *req, const char *kind, const char *msg)
{
	html(&req->body, "<p class=\"flash ");
	html_attr(&req->body, kind);
	html(&req->body, "\" role=\"status\">");
	html_txt(&req->body, msg);
	html(&req->body, "</p>\n");
}
