/* factors.h: the reference table of the calculation, cached per process. */
#ifndef CITYINV_FACTORS_H
#define CITYINV_FACTORS_H

#include "calc.h"
#include "request.h"

/*
 * The factors, GWP eras and refrigerants as a calc_table.  Read from the
 * database at first use and again whenever the factors table changes (its
 * row count or newest update differ), so a corrected factor is used at once.
 * NULL when the database cannot be read.  `stamp`: the factor table's stamp
 * when the request read it with its session (req->factor_stamp), or NULL to
 * read it here.
 */
#define FACTOR_STAMP_MAX 64
const struct calc_table *factors_table(struct app *app, const char *stamp);
/* The stamp of the table factors_table() last returned ("" before any). */
const char *factors_table_stamp(void);

#endif
