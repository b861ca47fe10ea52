/* test_report_status.c: the names of a report's states, and 登錄中（退回）. */
#include "report_status.h"
#include "tap.h"

int main(void)
{
	is_str(report_status_text(REPORT_NONE, 0), "未登錄", "no report: 未登錄");
	is_str(report_status_text(REPORT_DRAFT, 0), "登錄中", "filed = 0: 登錄中");
	is_str(report_status_text(REPORT_DRAFT, 1), "登錄中（退回）", "returned: a flag on 登錄中");
	is_str(report_status_text(REPORT_FILED, 0), "已登錄完成", "filed: 已登錄完成");
	is_str(report_status_text(REPORT_FILED, 1), "已登錄完成", "the flag means nothing outside 登錄中");
	is_str(report_status_text(REPORT_CONFIRMED, 0), "已確認", "confirmed: 已確認");
	is_str(report_status_text(REPORT_STATUS__MAX, 0), "", "out of range: empty, not NULL");
	is_str(report_status_text(-1, 1), "", "negative: empty");
	return tap_done();
}
