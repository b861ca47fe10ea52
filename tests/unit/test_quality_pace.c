/* test_quality_pace.c: the gap between a county-year's quality runs, and when a run put off is due. */
#include <time.h>

#include "jobs.h"
#include "tap.h"

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The gap after a run that took took_ms, as the next request sees it. */
static long long gap_seen(int county, long long took_ms)
{
	quality_undefer();
	quality_ran(county, 2025, took_ms);
	if (!quality_too_soon(county, 2025))
		return -1;
	return quality_due_ms();
}

int main(void)
{
	long long due, worst = 0;

	ok(quality_due_ms() == -1, "nothing put off: no due time");
	ok(!quality_too_soon(10, 2025), "a county-year that never ran is not too soon");
	ok(quality_due_ms() == -1, "and is not put off");

	quality_ran(10, 2025, 100);
	ok(quality_too_soon(10, 2025), "right after a run, the next is too soon");
	due = quality_due_ms();
	ok(due > 2900 && due <= 3000, "a short run (100 ms): due in the 3 s gap (%lld ms)", due);
	ok(!quality_too_soon(11, 2025) && !quality_too_soon(10, 2024), "another county or year is not held back");
	quality_undefer();
	ok(quality_due_ms() == -1, "undefer forgets what was put off (the poll finds it again)");
	ok(quality_too_soon(10, 2025), "but the gap still holds");

	due = gap_seen(10, 1000);
	ok(due > 2400 && due <= 2500, "a 1 s run: the gap shrinks by what 2 runs take beyond 1.5 s (%lld ms)", due);
	due = gap_seen(10, 2500);
	ok(due > 400 && due <= 500, "a 2.5 s run: the gap is never under 0.5 s (%lld ms)", due);
	sleep_ms(550);
	ok(!quality_too_soon(10, 2025), "after the gap, a run may start");
	ok(quality_due_ms() == 0, "and what was put off is due now");
	quality_ran(10, 2025, 0);
	ok(quality_too_soon(10, 2025) && quality_due_ms() > 2900, "a run clears it and starts the next gap");

	/* A save that just missed a run waits for it, the gap and its own run: 4.5 s while a run takes ≤ 1.5 s. */
	for (long long took = 0; took <= 2000; took += 50) {
		long long g = gap_seen(12, took);

		if (took + g + took > worst)
			worst = took + g + took;
	}
	ok(worst <= 4500 && worst > 4400, "a run of up to 2 s: the board is current within 4.5 s (%lld ms)", worst);

	for (int c = 100; c < 100 + 64; c++)
		quality_ran(c, 2025, 0);
	ok(!quality_too_soon(12, 2025), "64 newer county-years push out the oldest (it runs at once)");
	return tap_done();
}
