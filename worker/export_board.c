/* export_board.c: 檢核看板 as a workbook (the team's 轉出檢核結果): the open findings in the board's order, and the history. */
#include <stdio.h>

#include <xlsxwriter.h>

#include "board_rules.h"
#include "export.h"
#include "jobs.h"
#include "store_board.h"

/*
 * The same rows as the page, read by the same store function
 * (store_board_each), so the order and every Δ are the page's: Δ is written
 * as a number of kgCO2e with three decimals (the thousandths are exact in a
 * double below 2^53).  Text cells are strings, never formulas.
 */

struct board_sheet {
	lxw_worksheet *ws;
	lxw_format *kg;
	int row, n, history;
};

static int board_row(void *ctx, const struct store_board_row *r)
{
	struct board_sheet *s = ctx;
	lxw_row_t row = (lxw_row_t)s->row++;
	char state[2400];
	lxw_col_t c = 0;

	if (!s->history)
		worksheet_write_number(s->ws, row, c++, ++s->n, NULL);
	else
		s->n++;
	worksheet_write_string(s->ws, row, c++, board_rule_labels[r->rule], NULL);
	worksheet_write_number(s->ws, row, c++, (double)r->agency, NULL);
	worksheet_write_string(s->ws, row, c++, r->agency_name, NULL);
	snprintf(state, sizeof(state), "%s%s%s", r->detail, r->changed_after_check ? "（已查核後資料已變更）" : "",
		 r->report_changed ? "（報告已於檢核後存檔）" : "");
	worksheet_write_string(s->ws, row, c++, state, NULL);
	worksheet_write_number(s->ws, row, c++, (double)r->delta_milli / 1000.0, s->kg);
	if (s->history) {
		if (r->checked_at[0])
			snprintf(state, sizeof(state), "已查核 %s（%s）：%s%s%s", r->checked_at, r->checked_by, r->check_note,
				 r->holds ? "" : "；已不成立 ", r->holds ? "" : r->closed_at);
		else
			snprintf(state, sizeof(state), "已不成立 %s", r->closed_at);
		worksheet_write_string(s->ws, row, c++, state, NULL);
	}
	return 0;
}

static int board_sheet(struct job_ctx *ctx, lxw_workbook *wb, lxw_format *head, lxw_format *kg, int county, int year, int history)
{
	static const char *const open_cols[] = { "順位", "檢核規則", "機關編號", "機關", "說明", "Δ（kgCO2e）" };
	static const char *const hist_cols[] = { "檢核規則", "機關編號", "機關", "說明", "Δ（kgCO2e）", "狀態" };
	const char *const *cols = history ? hist_cols : open_cols;
	struct board_sheet s = { workbook_add_worksheet(wb, history ? "歷史紀錄" : "檢核看板"), kg, 2, 0, history };
	char title[200];

	snprintf(title, sizeof(title), history ? "民國 %d 年（%d）檢核看板：已查核與已不成立之項目" :
		 "民國 %d 年（%d）檢核看板：待查核項目，依 Δ（對全縣總排放量的影響）由大到小", year - 1911, year);
	worksheet_write_string(s.ws, 0, 0, title, head);
	for (int c = 0; c < 6; c++)
		worksheet_write_string(s.ws, 1, (lxw_col_t)c, cols[c], head);
	worksheet_set_column(s.ws, 0, 1, 18, NULL);
	worksheet_set_column(s.ws, 2, 3, 28, NULL);
	worksheet_set_column(s.ws, 4, 4, 60, NULL);
	worksheet_set_column(s.ws, 5, 5, 18, NULL);
	if (store_board_each(ctx->db, county, year, history, board_row, &s))
		return -1;
	if (!s.n)
		worksheet_write_string(s.ws, 2, 0, history ? "尚無紀錄" : "目前沒有待查核的項目", NULL);
	return 0;
}

int build_board(struct job_ctx *ctx, long long id, int county, int year, const char *path, char *err, size_t errlen)
{
	lxw_workbook *wb = export_open(path, 0, err, errlen);
	lxw_format *head, *kg;

	if (!wb)
		return -1;
	head = export_head_format(wb);
	kg = workbook_add_format(wb);
	format_set_num_format(kg, "#,##0.000");
	if (export_progress(ctx, id, 10) || board_sheet(ctx, wb, head, kg, county, year, 0))
		return export_dberr(wb, err, errlen);
	if (export_progress(ctx, id, 60) || board_sheet(ctx, wb, head, kg, county, year, 1))
		return export_dberr(wb, err, errlen);
	return export_close(wb, err, errlen);
}
