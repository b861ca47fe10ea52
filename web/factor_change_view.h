/* factor_change_view.h: a factor change as its pages show it (factor_change_view.c). */
#ifndef CITYINV_FACTOR_CHANGE_VIEW_H
#define CITYINV_FACTOR_CHANGE_VIEW_H

#include "request.h"
#include "store_factorday.h"

/* Its state in words: 草稿（已預覽）, 排隊中…, 重新計算中, 已完成, 失敗, 已取消. */
const char *factor_change_status(const struct store_fd_change *c);
/* Its run's progress as a <dt>/<dd> pair (nothing for a draft or a cancelled change). */
void factor_change_progress(struct strbuf *o, const struct store_fd_change *c);
/* Its preview as a table (or that it is being computed) into req->body: 0, or -1 on a database error. */
int factor_change_effects(struct request *req, const struct store_fd_change *c);

/*
 * 年度鎖定's account of the run that unlocking lock_id (the year's newest lock) queued for the
 * session's county and `year` (store_fd_unlock_queue), into req->body: nothing when it queued none
 * (an older unlocking's run is not this one's).  0, or -1 on a database error.
 */
int factor_unlock_section(struct request *req, int year, long long lock_id);

#endif
