/* job.c: the jobs the web asks of the workers: their kinds, their one text form, and job_push. */
#include <stdio.h>
#include <string.h>

#include "job.h"
#include "util.h"

static const struct {
	const char *name;
	const char *list;
} kinds[JOB__MAX] = {
	[JOB_PING] = { "ping", "jobs" },
	[JOB_ROLLUP] = { "rollup", "jobs" },
	[JOB_EXPORT] = { "export", QUEUE_LIST_EXPORTS },
	[JOB_QUALITY] = { "quality", JOB_LIST_QUALITY },
};

const char *job_name(enum job_kind kind)
{
	return kind >= 0 && kind < JOB__MAX ? kinds[kind].name : "?";
}

const char *job_list(enum job_kind kind)
{
	return kind >= 0 && kind < JOB__MAX ? kinds[kind].list : kinds[JOB_PING].list;
}

static int token_ok(const char *t, size_t n)
{
	if (!n || n > JOB_TOKEN_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = t[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* The form only: whether the data serves the year is the worker's to check (job_rollup). */
static int rollup_ok(long long county, long long year)
{
	return county > 0 && year >= JOB_YEAR_MIN && year <= JOB_YEAR_MAX;
}

size_t job_format(const struct job *j, char *buf, size_t size)
{
	int n = -1;

	switch (j->kind) {
	case JOB_PING:
		if (!token_ok(j->token, strlen(j->token)) || j->delay_ms < 0 || j->delay_ms > JOB_PING_DELAY_MAX)
			return 0;
		n = j->delay_ms ? snprintf(buf, size, "ping %s %ld", j->token, j->delay_ms)
				: snprintf(buf, size, "ping %s", j->token);
		break;
	case JOB_ROLLUP:
		if (!rollup_ok(j->county, j->year))
			return 0;
		n = snprintf(buf, size, "rollup %d %d", j->county, j->year);
		break;
	case JOB_QUALITY:
		if (!rollup_ok(j->county, j->year))
			return 0;
		n = snprintf(buf, size, "quality %d %d", j->county, j->year);
		break;
	case JOB_EXPORT:
		if (j->id <= 0)
			return 0;
		n = snprintf(buf, size, "export %lld", j->id);
		break;
	case JOB__MAX:
		break;
	}
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

/* A decimal number of at most 18 digits from *p (advanced past it); 0 or -1. */
static int number(const char **p, const char *end, long long *v)
{
	const char *s = *p;
	long long x = 0;

	if (s == end || *s < '0' || *s > '9')
		return -1;
	while (s < end && *s >= '0' && *s <= '9') {
		if (s - *p >= 18)
			return -1;
		x = x * 10 + (*s - '0');
		s++;
	}
	*p = s;
	*v = x;
	return 0;
}

/* One space, then a number. */
static int arg(const char **p, const char *end, long long *v)
{
	if (*p == end || **p != ' ')
		return -1;
	(*p)++;
	return number(p, end, v);
}

enum job_parse job_parse(const char *line, size_t len, struct job *j)
{
	const char *end = line + len, *p;
	size_t n = 0;
	long long a = 0, b = 0;
	int k;

	memset(j, 0, sizeof(*j));
	while (n < len && line[n] != ' ')
		n++;
	for (k = 0; k < JOB__MAX; k++)
		if (strlen(kinds[k].name) == n && !memcmp(kinds[k].name, line, n))
			break;
	if (k == JOB__MAX)
		return JOB_UNKNOWN;
	j->kind = (enum job_kind)k;
	p = line + n;
	switch (j->kind) {
	case JOB_PING: {
		const char *t;

		if (p == end || *p != ' ')
			return JOB_BAD_ARGS;
		t = ++p;
		while (p < end && *p != ' ')
			p++;
		if (!token_ok(t, (size_t)(p - t)))
			return JOB_BAD_ARGS;
		memcpy(j->token, t, (size_t)(p - t));
		j->token[p - t] = '\0';
		if (p < end && (arg(&p, end, &a) || a > JOB_PING_DELAY_MAX))
			return JOB_BAD_ARGS;
		j->delay_ms = (long)a;
		break;
	}
	case JOB_ROLLUP:
	case JOB_QUALITY:
		if (arg(&p, end, &a) || arg(&p, end, &b) || a > 2147483647 || !rollup_ok(a, b))
			return JOB_BAD_ARGS;
		j->county = (int)a;
		j->year = (int)b;
		break;
	case JOB_EXPORT:
		if (arg(&p, end, &a) || a <= 0)
			return JOB_BAD_ARGS;
		j->id = a;
		break;
	case JOB__MAX:
		return JOB_UNKNOWN;
	}
	return p == end ? JOB_OK : JOB_BAD_ARGS;
}

int job_push(struct queue *q, const struct job *j)
{
	char line[JOB_LINE_MAX];
	size_t n = job_format(j, line, sizeof(line));

	if (!n)
		return error("job: a %s job with arguments out of range not queued", job_name(j->kind));
	if (queue_push_to(q, job_list(j->kind), line, n)) {
		log_warn("job not queued (the worker's poll will find the work): %s: %s", line, q->errstr);
		return -1;
	}
	return 0;
}

int job_push_rollup(struct queue *q, int county, int year)
{
	struct job j = { .kind = JOB_ROLLUP, .county = county, .year = year };

	return job_push(q, &j);
}

int job_push_export(struct queue *q, long long id)
{
	struct job j = { .kind = JOB_EXPORT, .id = id };

	return job_push(q, &j);
}

int job_push_quality(struct queue *q, int county, int year)
{
	struct job j = { .kind = JOB_QUALITY, .county = county, .year = year };

	return job_push(q, &j);
}
