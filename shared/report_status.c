/* report_status.c: the names of a report's states. */
#include "report_status.h"

const char *const report_status_names[REPORT_STATUS__MAX] = {
	[REPORT_NONE] = "未登錄",
	[REPORT_DRAFT] = "登錄中",
	[REPORT_FILED] = "已登錄完成",
	[REPORT_CONFIRMED] = "已確認",
};

const char *report_status_text(int status, int returned)
{
	if (status < 0 || status >= REPORT_STATUS__MAX)
		return "";
	if (status == REPORT_DRAFT && returned)
		return "登錄中（退回）";
	return report_status_names[status];
}
