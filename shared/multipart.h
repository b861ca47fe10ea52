/* multipart.h: decoding of multipart/form-data bodies (RFC 7578), for file uploads. */
#ifndef CITYINV_MULTIPART_H
#define CITYINV_MULTIPART_H

#include <stddef.h>

#include "arena.h"
#include "query.h"

#define MULTIPART_MAX_PARTS 64
#define MULTIPART_MAX_FILES 4

struct upload {
	const char *field;      /* the form field's name */
	const char *filename;   /* as the browser sent it (path parts removed); may be "" */
	const char *data;       /* the bytes, not NUL-terminated; points into the body */
	size_t len;
};

enum multipart_err {
	MULTIPART_OK = 0,
	MULTIPART_NO_BOUNDARY,   /* Content-Type without a usable boundary */
	MULTIPART_SYNTAX,        /* no opening boundary, a part without headers, no closing boundary */
	MULTIPART_BAD_HEADER,    /* a part without Content-Disposition: form-data; name="..." */
	MULTIPART_TOO_MANY,      /* more parts or files than the limits */
};

/*
 * Decodes body[0..len) sent with Content-Type `ctype`.  Parts without a
 * filename become pairs appended to *fields (values copied into the arena,
 * NUL-terminated); parts with one go to files[0..*nfiles) (at most
 * MULTIPART_MAX_FILES), their data pointing into body.  A part's own
 * headers are limited to 2 KiB.  Returns MULTIPART_OK or the first error;
 * nothing is guaranteed about the outputs after an error.
 */
enum multipart_err multipart_parse(struct arena *a, const char *ctype, const char *body, size_t len,
				   struct params *fields, struct upload *files, int *nfiles);
const char *multipart_strerror(enum multipart_err e);

#endif
