/* test_job.c: the job codec: every kind's line written and read back, and the lines refused. */
#include <string.h>

#include "job.h"
#include "tap.h"

static enum job_parse parse(const char *line, struct job *j)
{
	return job_parse(line, strlen(line), j);
}

/* A job written and read back is the same job. */
static void round_trip(const struct job *in, const char *want)
{
	char buf[JOB_LINE_MAX];
	struct job out;
	size_t n = job_format(in, buf, sizeof(buf));

	ok(n == strlen(want) && !strcmp(buf, want), "%s is written as \"%s\" (got \"%s\")", job_name(in->kind), want, n ? buf : "");
	ok(job_parse(buf, n, &out) == JOB_OK && out.kind == in->kind && out.county == in->county && out.year == in->year &&
	   out.id == in->id && !strcmp(out.token, in->token) && out.delay_ms == in->delay_ms, "\"%s\" reads back as the same job", want);
}

int main(void)
{
	struct job j;
	char buf[JOB_LINE_MAX];

	round_trip(&(struct job){ .kind = JOB_ROLLUP, .county = 22, .year = 2020 }, "rollup 22 2020");
	round_trip(&(struct job){ .kind = JOB_ROLLUP, .county = 1, .year = 2013 }, "rollup 1 2013");
	round_trip(&(struct job){ .kind = JOB_ROLLUP, .county = 2147483647, .year = 2025 }, "rollup 2147483647 2025");
	round_trip(&(struct job){ .kind = JOB_EXPORT, .id = 123456789012LL }, "export 123456789012");
	round_trip(&(struct job){ .kind = JOB_PING, .token = "a1-b_2" }, "ping a1-b_2");
	round_trip(&(struct job){ .kind = JOB_PING, .token = "t", .delay_ms = 10000 }, "ping t 10000");

	is_str(job_list(JOB_ROLLUP), "jobs", "rollups go to <prefix>:jobs");
	is_str(job_list(JOB_PING), "jobs", "pings too");
	is_str(job_list(JOB_EXPORT), QUEUE_LIST_EXPORTS, "exports to the exporters' list");
	round_trip(&(struct job){ .kind = JOB_QUALITY, .county = 3, .year = 2024 }, "quality 3 2024");
	is_str(job_list(JOB_QUALITY), "quality", "quality runs to their own list, never behind a rollup");
	ok(!job_format(&(struct job){ .kind = JOB_QUALITY, .county = 0, .year = 2024 }, buf, sizeof(buf)), "quality for county 0 not written");
	is_int(parse("quality 3", &j), JOB_BAD_ARGS, "quality without its year");
	is_int(parse("quality 3 2024 1", &j), JOB_BAD_ARGS, "quality with more after it");

	/* Out of range: nothing is written. */
	ok(!job_format(&(struct job){ .kind = JOB_ROLLUP, .county = 0, .year = 2020 }, buf, sizeof(buf)), "county 0 not written");
	ok(!job_format(&(struct job){ .kind = JOB_ROLLUP, .county = 5, .year = JOB_YEAR_MIN - 1 }, buf, sizeof(buf)), "year 0 not written");
	ok(!job_format(&(struct job){ .kind = JOB_ROLLUP, .county = 5, .year = JOB_YEAR_MAX + 1 }, buf, sizeof(buf)),
	   "a year beyond the year columns not written");
	ok(!job_format(&(struct job){ .kind = JOB_EXPORT, .id = 0 }, buf, sizeof(buf)), "export 0 not written");
	ok(!job_format(&(struct job){ .kind = JOB_PING, .token = "a b" }, buf, sizeof(buf)), "a token with a space not written");
	ok(!job_format(&(struct job){ .kind = JOB_PING, .token = "t", .delay_ms = 10001 }, buf, sizeof(buf)), "a delay over 10 s not written");
	ok(!job_format(&(struct job){ .kind = JOB_ROLLUP, .county = 1, .year = 2020 }, buf, 8), "a buffer too small: nothing");

	/* Lines the worker must drop rather than run. */
	is_int(parse("rollup 22 2020", &j), JOB_OK, "a rollup line");
	is_int(j.county, 22, "its county");
	is_int(j.year, 2020, "its year");
	is_int(parse("export 7", &j), JOB_OK, "an export line");
	is_int((int)j.id, 7, "its id");
	is_int(parse("ping abc 2000", &j), JOB_OK, "a ping with a delay");
	is_int((int)j.delay_ms, 2000, "its delay");
	is_int(parse("reboot 1", &j), JOB_UNKNOWN, "an unknown kind");
	is_int(parse("", &j), JOB_UNKNOWN, "an empty line");
	is_int(parse("rollupx 22 2020", &j), JOB_UNKNOWN, "a kind's name with more after it");
	is_int(parse("rollup", &j), JOB_BAD_ARGS, "rollup without arguments");
	is_int(parse("rollup 22", &j), JOB_BAD_ARGS, "rollup without its year");
	is_int(parse("rollup 22 2020 9", &j), JOB_BAD_ARGS, "rollup with more after it");
	is_int(parse("rollup 22 2020 ", &j), JOB_BAD_ARGS, "rollup with a trailing space");
	is_int(parse("rollup  22 2020", &j), JOB_BAD_ARGS, "two spaces");
	is_int(parse("rollup -1 2020", &j), JOB_BAD_ARGS, "a negative county");
	is_int(parse("rollup 0 2020", &j), JOB_BAD_ARGS, "county 0");
	is_int(parse("rollup 2147483648 2020", &j), JOB_BAD_ARGS, "a county beyond int");
	/* Whether the data serves a year is the worker's to check (job_rollup): the line only needs a sane one. */
	is_int(parse("rollup 22 1990", &j), JOB_OK, "a year of any inventory is a rollup line");
	is_int(parse("rollup 22 65535", &j), JOB_OK, "the largest year the columns hold");
	is_int(parse("rollup 22 65536", &j), JOB_BAD_ARGS, "one beyond it");
	is_int(parse("rollup 22 0", &j), JOB_BAD_ARGS, "year 0");
	is_int(parse("rollup 22 4294969316", &j), JOB_BAD_ARGS, "a year beyond int is not cut to 2^32 less (2020)");
	is_int(parse("rollup 22 20x0", &j), JOB_BAD_ARGS, "a year with a letter");
	is_int(parse("rollup 22 99999999999999999999", &j), JOB_BAD_ARGS, "a number too long");
	is_int(parse("export 0", &j), JOB_BAD_ARGS, "export 0");
	is_int(parse("export", &j), JOB_BAD_ARGS, "export without its id");
	is_int(parse("export 1e3", &j), JOB_BAD_ARGS, "export 1e3");
	is_int(parse("ping", &j), JOB_BAD_ARGS, "ping without its token");
	is_int(parse("ping ", &j), JOB_BAD_ARGS, "ping with an empty token");
	is_int(parse("ping a;b", &j), JOB_BAD_ARGS, "a token with punctuation");
	is_int(parse("ping abc 10001", &j), JOB_BAD_ARGS, "a delay over 10 s");
	{
		char longtok[80];

		memset(longtok, 'a', sizeof(longtok));
		memcpy(longtok, "ping ", 5);
		longtok[5 + JOB_TOKEN_MAX] = '\0';
		is_int(parse(longtok, &j), JOB_OK, "a token of the largest length");
		longtok[5 + JOB_TOKEN_MAX] = 'a';
		longtok[6 + JOB_TOKEN_MAX] = '\0';
		is_int(parse(longtok, &j), JOB_BAD_ARGS, "a token one byte longer");
	}
	/* Not NUL-terminated: only len bytes are read. */
	is_int(job_parse("export 12345", 8, &j), JOB_OK, "a line read by its length");
	is_int((int)j.id, 1, "only its bytes");
	return tap_done();
}
