/* form.h: declared input read into typed values, field errors, and the labelled inputs that show them. */
#ifndef CITYINV_FORM_H
#define CITYINV_FORM_H

#include "decimal.h"
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

/*
 * DESIGN: declared input.  A route that takes input names its fields in a
 * table of struct form_key, indexed by the page's own enum that ends in
 * __MAX (kcgi's keys[KEY__MAX]).  The route table points the route at the
 * table (struct form_decl), and the dispatcher validates every field into a
 * typed value before the handler runs: the handler finds them in req->in,
 * indexed by that enum, and never parses text.  A bad field leaves its
 * Traditional Chinese message in req->in_err under the field's name, and
 * its text as sent in .raw, so the page shows the form again with both.
 * Whether a field is bad does not depend on the others; rules across
 * fields (a password typed twice) stay with the handler.
 */
enum form_kind {
	FORM_YEAR,      /* an inventory year the platform serves (years.h) */
	FORM_ID,        /* a row id: digits only, 1 to 2^53 */
	FORM_INT,       /* an integer in [min, max] */
	FORM_QUANTITY,  /* an exact decimal >= 0 with <= 3 places and <= max whole units (input_quantity) */
	FORM_TEXT,      /* at most max characters, NFKC (input_text); FORM_MULTILINE keeps newlines */
	FORM_ENUM,      /* one of choices[] (NULL-terminated); .i is its index */
	FORM_DATE,      /* YYYY-MM-DD whose year is in [min, max] (input_date) */
	FORM_FLAG,      /* a checkbox: .i is 1 when sent (whatever its value), 0 when not */
	FORM_EMAIL,     /* input_email */
	FORM_PHONE,     /* at most max characters (input_phone) */
	FORM_TOKEN,     /* 64 lower-case hex characters (random_hex(.., 32)) */
	FORM__MAX
};

#define FORM_REQUIRED 1    /* absent or blank is an error (else it is simply not .set) */
#define FORM_MULTILINE 2   /* FORM_TEXT: keep newlines */

struct form_key {
	const char *name;
	enum form_kind kind;
	unsigned flags;
	long long min, max;          /* INT, DATE (years): the range; QUANTITY, TEXT, PHONE: max */
	const char *const *choices;  /* ENUM */
	const char *unit;            /* QUANTITY: named in the too-large message */
	const char *msg;             /* the message for any bad value; NULL: the kind's own */
};

/* One field's value: .raw as sent; the typed value is meaningful only when .set. */
struct form_val {
	const char *raw;   /* NULL when the field was not sent */
	int set;           /* sent, not blank, and valid */
	long long i;       /* YEAR, ID, INT, ENUM, FLAG */
	dec_t q;           /* QUANTITY */
	const char *s;     /* TEXT, DATE, EMAIL, PHONE, TOKEN, QUANTITY: the normalised text */
};

struct form_decl {
	const struct form_key *keys;
	int n;
};
#define FORM_DECL(keys) { (keys), (int)(sizeof(keys) / sizeof((keys)[0])) }

/*
 * Validates the fields keys[0..n) of req (query string and form body, as
 * req_arg) into out[0..n) (zeroed first), adding one message per bad field
 * to f.  Returns the number of bad fields, or -1 when the years could not be
 * read (the database: the caller answers 503).  All memory is the
 * request's arena.
 */
int form_read(struct request *req, const struct form_key *keys, int n, struct form_val *out, struct form *f);
/* The same for one field. */
int form_read_one(struct request *req, const struct form_key *key, struct form_val *out, struct form *f);

/* A flash message box (class ok or error). */
void form_flash(struct request *req, const char *kind, const char *msg);

#endif
