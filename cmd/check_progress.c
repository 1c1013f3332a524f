/*
 * check_progress.c - what `scoperun check` says on a terminal while it
 * works, and when it is done: a history of thousands of commits takes
 * seconds, and silence then looks like a hang.
 *
 * Only when stderr is a terminal: one line, rewritten in place at most
 * ten times a second, from half a second in (a quick check shows
 * nothing), cleared before the findings are printed; then one summary
 * line when there was nothing to report. Pipes, hooks and CI logs get
 * neither. SCOPERUN_PROGRESS_AFTER=SECONDS moves the half second (the
 * tests set 0).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "check_cmd.h"

#define FIRST_AFTER 0.5	/* seconds */
#define EVERY 0.1

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
on_progress(void *arg, const sr_check_result *r)
{
	check_progress *p = arg;
	double t = now_s();

	if (t - p->t0 < p->after || (p->shown && t - p->last < EVERY))
		return;
	p->last = t;
	p->shown = 1;
	if (r->commits > 0)
		fprintf(stderr, "\rscoperun: check: %zu commits, %zu blobs, "
		    "%.1f MB...\033[K", r->commits, r->blobs,
		    (double)r->bytes / 1e6);
	else
		fprintf(stderr, "\rscoperun: check: %zu files, %zu blobs, "
		    "%.1f MB...\033[K", r->files, r->blobs,
		    (double)r->bytes / 1e6);
	fflush(stderr);
}

void
check_progress_start(check_progress *p, sr_check_opts *o)
{
	const char *after = getenv("SCOPERUN_PROGRESS_AFTER");

	p->on = isatty(2);
	p->shown = 0;
	p->after = after && after[0] ? strtod(after, NULL) : FIRST_AFTER;
	p->t0 = p->last = now_s();
	if (!p->on)
		return;
	o->progress = on_progress;
	o->progress_arg = p;
}

void
check_progress_end(check_progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = 0;
}

void
check_progress_summary(const check_progress *p, sr_check_mode mode,
    const sr_check_result *r, const sr_scan *s)
{
	if (!p->on || r->n + r->dropped > 0)
		return;
	if (mode == SR_CHECK_HISTORY)
		fprintf(stderr, "scoperun: check: no findings in %zu commit%s, "
		    "%zu blob%s", r->commits, r->commits == 1 ? "" : "s",
		    r->blobs, r->blobs == 1 ? "" : "s");
	else
		fprintf(stderr, "scoperun: check: no findings in %zu file%s, "
		    "%zu blob%s", r->files, r->files == 1 ? "" : "s", r->blobs,
		    r->blobs == 1 ? "" : "s");
	fprintf(stderr, " (%.1f MB, %zu secret%s searched for, %.1f s)\n",
	    (double)r->bytes / 1e6, s ? sr_scan_count(s) : 0,
	    s && sr_scan_count(s) == 1 ? "" : "s", now_s() - p->t0);
}
