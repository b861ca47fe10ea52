/* export.h: what every workbook builder of the worker shares. */
#ifndef CITYINV_EXPORT_H
#define CITYINV_EXPORT_H

#include <stddef.h>

#include <xlsxwriter.h>

/* What a builder returns besides 0 (done) and -1 (failed: err says why). */
#define EXPORT_DBERR   -2      /* the database failed: release the claim, try again later */
#define EXPORT_STOPPED -3      /* the worker is stopping: release the claim, not counted */

/* A new workbook at path (constant-memory mode when asked); NULL with err set. */
lxw_workbook *export_open(const char *path, int constant_memory, char *err, size_t errlen);
/* The heading format of every sheet: bold, shaded, bordered, wrapped. */
lxw_format *export_head_format(lxw_workbook *wb);
/* Closes wb: 0, or -1 with err set (a full disk says so here). */
int export_close(lxw_workbook *wb, char *err, size_t errlen);
/*
 * The version an agency's figures come from, as every workbook that lists
 * agencies states it (docs/workflow.md): 第 n 版 while 已確認 (a confirmed
 * report cannot change, so its figures are version n's); 未確認 otherwise,
 * 未確認（前次第 n 版） for one reopened after version n (its figures are the
 * live ones); 無填報資料 for 未登錄.  status is an enum report_status.
 * Written into buf[size]; returns buf.
 */
const char *export_version_text(char *buf, size_t size, int status, int confirmed_version, int last_version);
/* Closes wb after a database failure: -2 (try again later) with err set. */
int export_dberr(lxw_workbook *wb, char *err, size_t errlen);

#endif
