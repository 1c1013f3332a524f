/*
 * bench_audit.c - the audit log's two speed bars of SPEC §5 and §8.
 *
 *   bench_audit DIR N APPENDS
 *
 * Makes DIR/small/audit.jsonl (empty) and DIR/big/audit.jsonl (N records:
 * the first appended for real, the others sealed in-process with the same
 * construction, which is seconds instead of hours of fsyncs), then times
 * APPENDS real sr_audit_append calls on each, alternating one and one so
 * that disk and machine noise hit both alike: SPEC says appending costs
 * the same however long the log is. Then times sr_audit_verify (with the
 * initial key) over the big log. Prints:
 *
 *   bench: audit append at N records: median ... ratio R (bar 1.10)
 *   bench: audit verify (in-process) X records/s ...
 *
 * Exit 0, or 1 when something could not be done (the message says what).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "audit.h"
#include "audit_impl.h"

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int __attribute__((format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("bench_audit: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* A run record as a real run writes it: policy, grants, argv, task. */
static int
append(const char *path)
{
	static const unsigned char phash[32] = { 0x5c, 0x0e };
	static const char *const names[] = { "GITHUB_TOKEN", "NPM_TOKEN" };
	static char *argv[] = { "npm", "publish", "--access", "public", NULL };
	sr_audit_event ev = { 0 };
	sr_err err = SR_ERR_INIT;

	ev.event = "run";
	ev.agent = "release-bot";
	ev.policy_path = "/home/dev/.config/scoperun/policies/release-bot.toml";
	ev.policy_hash = phash;
	ev.decision = "allow";
	ev.reason = "ok";
	ev.secrets = names;
	ev.nsecrets = 2;
	ev.command = "/usr/bin/npm";
	ev.argv = argv;
	ev.task = "JIRA-1234";
	if (sr_audit_append(path, &ev, &err) != 0)
		die("append to %s: %s", path, err.msg);
	return 0;
}

static char *
slurp_line(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (f == NULL || (n = getline(&line, &cap, f)) <= 1)
		die("cannot read %s", path);
	fclose(f);
	*len = (size_t)n - 1;	/* without the newline */
	return line;
}

/*
 * The big log: record 1 appended for real, 2..n built from its text
 * (a new seq and prev), hashed, sealed with K_seq, written in one
 * buffered stream, fsync'ed; then the head written as FORMAT.md says.
 */
static void
generate(const char *path, unsigned long long n)
{
	struct audit_head h;
	sr_err err = SR_ERR_INIT;
	char *first, *mid, *rec, hp[4200], tmp[4300], hx[65], logid[33];
	size_t len, midlen, pl;
	unsigned long long seq;
	unsigned char mac[32];
	FILE *f, *hf;
	struct stat st;

	append(path);
	first = slurp_line(path, &len);
	if (audit_head_read(&h, path, &err) != 0)
		die("head: %s", err.msg);
	/* first = {"seq":1 MID ,"prev":"<64>" TAIL */
	pl = len - AUDIT_TAIL_LEN - AUDIT_PREV_LEN;
	mid = first + strlen("{\"seq\":1");
	midlen = pl - strlen("{\"seq\":1");
	if ((rec = malloc(len + 64)) == NULL || (f = fopen(path, "a")) == NULL)
		die("out of memory or cannot open %s", path);
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	for (seq = 2; seq <= n; seq++) {
		int k = snprintf(rec, 32, "{\"seq\":%llu", seq);
		size_t r = (size_t)k;

		memcpy(rec + r, mid, midlen);
		r += midlen;
		sodium_bin2hex(hx, sizeof(hx), h.hash, 32);
		r += (size_t)sprintf(rec + r, ",\"prev\":\"%s\"", hx);
		audit_hash(h.hash, rec, r);
		audit_mac(mac, h.key, seq, h.hash);
		audit_evolve(h.key);
		sodium_bin2hex(hx, sizeof(hx), h.hash, 32);
		r += (size_t)sprintf(rec + r, ",\"hash\":\"%s\"", hx);
		sodium_bin2hex(hx, sizeof(hx), mac, 32);
		r += (size_t)sprintf(rec + r, ",\"mac\":\"%s\"}\n", hx);
		if (fwrite(rec, 1, r, f) != r)
			die("write %s: %s", path, strerror(errno));
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fstat(fileno(f), &st))
		die("sync %s: %s", path, strerror(errno));
	fclose(f);
	snprintf(hp, sizeof(hp), "%s.head", path);
	snprintf(tmp, sizeof(tmp), "%s.bench", hp);
	if ((hf = fopen(tmp, "w")) == NULL)
		die("cannot write %s", tmp);
	sodium_bin2hex(logid, sizeof(logid), h.log, 16);
	sodium_bin2hex(hx, sizeof(hx), h.hash, 32);
	fprintf(hf, "%s\nlog %s\nseq %llu\nhash %s\n", AUDIT_HEAD_MAGIC,
	    logid, n, hx);
	sodium_bin2hex(hx, sizeof(hx), h.key, 32);
	fprintf(hf, "key %s\nsize %llu\n", hx, (unsigned long long)st.st_size);
	if (fflush(hf) != 0 || fsync(fileno(hf)) != 0 || fclose(hf) != 0 ||
	    rename(tmp, hp) != 0)
		die("cannot write %s", hp);
	sodium_memzero(&h, sizeof(h));
	free(rec);
	free(first);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double
mean(const double *v, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += v[i];
	return s / (double)n;
}

int
main(int argc, char **argv)
{
	char small[4096], big[4096];
	unsigned long long n;
	unsigned char key[32];
	sr_audit_verdict v;
	sr_err err = SR_ERR_INIT;
	double *ts, *tb, t0, gen, ms, mb;
	size_t m, i;

	if (argc != 4 || (n = strtoull(argv[2], NULL, 10)) < 1 ||
	    (m = strtoul(argv[3], NULL, 10)) < 1)
		die("usage: bench_audit DIR N APPENDS");
	if (sodium_init() < 0)
		die("libsodium");
	umask(077);
	snprintf(small, sizeof(small), "%s/small/audit.jsonl", argv[1]);
	snprintf(big, sizeof(big), "%s/big/audit.jsonl", argv[1]);
	t0 = now_us();
	generate(big, n);
	gen = (now_us() - t0) / 1e6;
	if ((ts = calloc(m, sizeof(*ts))) == NULL ||
	    (tb = calloc(m, sizeof(*tb))) == NULL)
		die("out of memory");
	/* one and one, the order swapped every time */
	for (i = 0; i < m; i++) {
		int j;
		for (j = 0; j < 2; j++) {
			int on_big = (int)((i + (size_t)j) % 2);
			t0 = now_us();
			append(on_big ? big : small);
			(on_big ? tb : ts)[i] = now_us() - t0;
		}
	}
	ms = mean(ts, m);
	mb = mean(tb, m);
	printf("bench: audit append at 0 records: median %.0f us, mean %.0f us "
	    "(%zu appends, fdatasync each)\n", median(ts, m), ms, m);
	printf("bench: audit append at %llu records: median %.0f us, mean %.0f "
	    "us; ratio %.3f (medians; means %.3f; bar 1.10)\n", n,
	    median(tb, m), mb, median(tb, m) / median(ts, m), mb / ms);
	if (sr_audit_key0_load(key, big, &err) != 0)
		die("key0: %s", err.msg);
	t0 = now_us();
	if (sr_audit_verify(&v, big, key, &err) != 0)
		die("the generated log does not verify: record %llu: %s%s",
		    (unsigned long long)v.bad_seq, v.why, err.msg);
	t0 = (now_us() - t0) / 1e6;
	if (v.records != n + m || !v.macs_checked || !v.head_checked)
		die("verify checked %llu records, want %llu",
		    (unsigned long long)v.records, n + m);
	printf("bench: audit verify (in-process) %.0f records/s (%llu records "
	    "in %.2f s, seals checked; log generated in %.1f s)\n",
	    (double)v.records / t0, (unsigned long long)v.records, t0, gen);
	free(ts);
	free(tb);
	return 0;
}
