/* quality_pace.c: when the quality worker runs a county-year again (worker/quality_job.c). */
#include "jobs.h"
#include "util.h"

/*
 * A county-year's runs are apart by a gap (from the end of one to the start
 * of the next), so that a burst of saves shares the machine with a few
 * runs, not with back-to-back ones: every run reads all of the
 * county-year's lines and its board, and a county of 5,000 agencies kept
 * one core busy while its agencies saved (bench/README.md, issue 13).  A
 * request that comes sooner stays pending in quality_queue, and the worker
 * runs it when the gap ends (quality_due_ms), not at the next poll.
 *
 * The board is current within 5 s of a save (SPEC-2): a save that just
 * missed a run waits for that run (d), the gap and its own run (d).  So the
 * gap is QUALITY_GAP_MS, less whatever 2 d takes beyond QUALITY_SLACK_MS,
 * and never under QUALITY_GAP_MIN_MS: 4.5 s at most while a run takes up to
 * 2 s (the last run's d stands for the next's; test_quality_pace).  Each worker remembers its own last runs.  The
 * pace is the worker's (a Redis job, the poll): quality_county_year()
 * itself runs when called.
 */
#define QUALITY_GAP_MS 3000
#define QUALITY_GAP_MIN_MS 500
#define QUALITY_SLACK_MS 1500
#define QUALITY_RECENT 64

static struct {
	int county, year;
	long long ended, gap;
	int deferred;   /* found too soon since the last poll: due at ended + gap */
} recent[QUALITY_RECENT];
static int recent_next;

static long long gap_after(long long took)
{
	long long gap = QUALITY_GAP_MS;

	if (2 * took > QUALITY_SLACK_MS)
		gap -= 2 * took - QUALITY_SLACK_MS;
	return gap < QUALITY_GAP_MIN_MS ? QUALITY_GAP_MIN_MS : gap;
}

int quality_too_soon(int county, int year)
{
	long long now = now_ms();

	for (int i = 0; i < QUALITY_RECENT; i++)
		if (recent[i].county == county && recent[i].year == year) {
			if (now - recent[i].ended >= recent[i].gap)
				return 0;
			recent[i].deferred = 1;
			return 1;
		}
	return 0;
}

void quality_ran(int county, int year, long long took)
{
	int i;

	for (i = 0; i < QUALITY_RECENT; i++)
		if (recent[i].county == county && recent[i].year == year)
			break;
	if (i == QUALITY_RECENT) {
		i = recent_next;
		recent_next = (recent_next + 1) % QUALITY_RECENT;
	}
	recent[i].county = county;
	recent[i].year = year;
	recent[i].ended = now_ms();
	recent[i].gap = gap_after(took);
	recent[i].deferred = 0;
}

long long quality_due_ms(void)
{
	long long now = now_ms(), due = -1;

	for (int i = 0; i < QUALITY_RECENT; i++) {
		long long left;

		if (!recent[i].deferred)
			continue;
		left = recent[i].ended + recent[i].gap - now;
		if (left < 0)
			left = 0;
		if (due < 0 || left < due)
			due = left;
	}
	return due;
}

void quality_undefer(void)
{
	for (int i = 0; i < QUALITY_RECENT; i++)
		recent[i].deferred = 0;
}
