/*
 * bench_exec.c - time two command lines side by side.
 *
 *   bench_exec [-n N] [-w W] [-q] CMD_A... ::: CMD_B...
 *
 * Runs W warm-up rounds, then N rounds; each round spawns A then B (the
 * order swaps every round), waits for each, and times it with
 * CLOCK_MONOTONIC. Alternating within one run is the point: a noisy
 * neighbour or a frequency change hits both commands alike, so the ratio
 * of medians stays meaningful on a busy machine.
 *
 * Prints, per command, the median, p10 and p90 in microseconds, then the
 * ratio of medians b/a. The last line is machine-readable:
 *   result a_median_us=... b_median_us=... ratio=...
 * Exit 0; 1 if a command could not run or exited non-zero (which one is
 * reported); 2 on a usage error. Commands are given as paths (no PATH
 * search) and run with the caller's environment.
 */
#include <errno.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

typedef struct bench_cmd {
	const char *label;
	char **argv;
	int64_t *ns;
} bench_cmd;

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Spawn, wait, return the elapsed nanoseconds; -1 on any failure. */
static int64_t
run_once(const bench_cmd *c)
{
	pid_t pid;
	int status, err;
	int64_t t0, t1;

	t0 = now_ns();
	err = posix_spawn(&pid, c->argv[0], NULL, NULL, c->argv, environ);
	if (err != 0) {
		fprintf(stderr, "bench_exec: %s: cannot run %s: %s\n",
		    c->label, c->argv[0], strerror(err));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "bench_exec: %s: waitpid: %s\n",
			    c->label, strerror(errno));
			return -1;
		}
	}
	t1 = now_ns();
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return t1 - t0;
	if (WIFEXITED(status))
		fprintf(stderr, "bench_exec: %s: %s exited with status %d\n",
		    c->label, c->argv[0], WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(stderr, "bench_exec: %s: %s killed by signal %d\n",
		    c->label, c->argv[0], WTERMSIG(status));
	else
		fprintf(stderr, "bench_exec: %s: %s stopped abnormally\n",
		    c->label, c->argv[0]);
	return -1;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array, in microseconds. */
static double
pct_us(const int64_t *sorted, long n, int pct)
{
	long i = (long)((double)pct / 100.0 * (double)(n - 1) + 0.5);

	return (double)sorted[i] / 1000.0;
}

static double
report(const bench_cmd *c, long n)
{
	double med;

	qsort(c->ns, (size_t)n, sizeof(c->ns[0]), cmp_i64);
	med = pct_us(c->ns, n, 50);
	printf("%s: median %.1f us  p10 %.1f us  p90 %.1f us  (n=%ld)  %s\n",
	    c->label, med, pct_us(c->ns, n, 10), pct_us(c->ns, n, 90), n,
	    c->argv[0]);
	return med;
}

static int
parse_count(long *out, const char *s, long min)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min ||
	    v > 10000000)
		return -1;
	*out = v;
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench_exec [-n N] [-w WARMUP] "
	    "CMD_A [ARG...] ::: CMD_B [ARG...]\n");
	exit(2);
}

/* Split argv at ":::" into a and b; options come first. */
static void
parse_args(bench_cmd *a, bench_cmd *b, long *n, long *warm, int argc,
    char **argv)
{
	int i, sep = -1;

	for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "-n") == 0) {
			if (parse_count(n, argv[i + 1], 1) < 0)
				usage();
		} else if (strcmp(argv[i], "-w") == 0) {
			if (parse_count(warm, argv[i + 1], 0) < 0)
				usage();
		} else {
			usage();
		}
	}
	a->argv = argv + i;
	for (; i < argc; i++) {
		if (strcmp(argv[i], ":::") == 0) {
			sep = i;
			break;
		}
	}
	if (sep < 0 || a->argv == argv + sep || sep + 1 >= argc)
		usage();
	argv[sep] = NULL;	/* terminates a's argv */
	b->argv = argv + sep + 1;
}

int
main(int argc, char **argv)
{
	bench_cmd a = { "a", NULL, NULL }, b = { "b", NULL, NULL };
	bench_cmd *order[2];
	long n = 2000, warm = 50, i;
	int64_t t;
	double ma, mb;
	int k;

	parse_args(&a, &b, &n, &warm, argc, argv);
	a.ns = calloc((size_t)n, sizeof(*a.ns));
	b.ns = calloc((size_t)n, sizeof(*b.ns));
	if (a.ns == NULL || b.ns == NULL) {
		fprintf(stderr, "bench_exec: out of memory\n");
		return 1;
	}
	for (i = -warm; i < n; i++) {
		/* Swap the order each round so neither always runs first. */
		order[0] = (i & 1) ? &b : &a;
		order[1] = (i & 1) ? &a : &b;
		for (k = 0; k < 2; k++) {
			if ((t = run_once(order[k])) < 0)
				return 1;
			if (i >= 0)
				order[k]->ns[i] = t;
		}
	}
	ma = report(&a, n);
	mb = report(&b, n);
	printf("ratio of medians b/a: %.3f\n", mb / ma);
	printf("result a_median_us=%.1f b_median_us=%.1f ratio=%.3f\n", ma, mb,
	    mb / ma);
	free(a.ns);
	free(b.ns);
	return 0;
}
