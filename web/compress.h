/* compress.h: gzip for the large pages that are served again unchanged (compress.c). */
#ifndef CITYINV_COMPRESS_H
#define CITYINV_COMPRESS_H

#include <stddef.h>

#include "strbuf.h"

/* Does an Accept-Encoding header (NULL: none) accept gzip?  1 or 0. */
int compress_accepted(const char *accept_encoding);

/*
 * The gzip of buf[0..len): the one kept from before when these bytes were
 * compressed lately, else compressed now (and kept).  Valid until the next
 * call; NULL when zlib fails.
 */
const struct strbuf *compress_body(const char *buf, size_t len);

#endif
