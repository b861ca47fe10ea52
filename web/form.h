/* form.h: field errors and the labelled inputs that show them. */
#ifndef CITYINV_FORM_H
#define CITYINV_FORM_H

#include "request.h"

#define FORM_MAX_ERRORS 128

/* The errors of one submitted form, by field name (arena strings). */
struct form {
	struct {
		const char *name;
		const char *msg;
	} err[FORM_MAX_ERRORS];
	int nerr;
};

void form_error(struct form *f, const char *name, const char *msg);
const char *form_error_of(const struct form *f, const char *name);

/*
 * <div class="field"><label for=name>label</label><input id=name name=name
 * value=value aria-invalid aria-describedby>unit<p class=field-error>…</p></div>
 * type: "text", "email", "tel", "password"; inputmode decimal for quantities.
 */
struct field {
	const char *name;
	const char *label;
	const char *value;
	const char *type;       /* NULL: text */
	int maxlength;
	int required;
	int decimal;            /* a quantity: inputmode=decimal */
	const char *unit;
	const char *extra;      /* trusted markup after the input (hints), or NULL */
	const char *autocomplete;
	int readonly;
};
void form_field(struct request *req, const struct form *f, const struct field *fd);

/* A flash message box (class ok or error). */
void form_flash(struct request *req, const char *kind, const char *msg);

#endif
