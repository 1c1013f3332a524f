/*
 * fuzz_audit.c - libFuzzer target for the audit log reader.
 *
 * The input is a log, optionally followed by a NUL byte and a head file
 * (a log never holds a NUL). Each run: every line through
 * audit_line_parse; the whole file through sr_audit_verify without a key
 * and with a fixed one (the seed corpus is sealed with it, so the seals
 * are checked past the first record); and, when a head is given, one
 * sr_audit_append, which reads the head and takes in or sets aside what
 * follows the head's size. A log that verified with its head must still
 * verify after an append: anything else traps.
 *
 * The files live in one private directory (on /dev/shm when there is one,
 * so the appends' fsyncs cost nothing), rewritten for every input.
 */
#include "audit.h"
#include "audit_impl.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* K_1 of the seed logs: bytes 1..32. */
static const unsigned char fixed_key[SR_AUDIT_HASH_BYTES] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};

static char dir[64], log_path[128], head_path[160];

static void clean_dir(void);

static void
remove_dir(void)
{
	clean_dir();
	rmdir(dir);
}

static void
setup_dir(void)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	umask(077);
	snprintf(dir, sizeof(dir), "%s/fuzz_audit.XXXXXX", base);
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(log_path, sizeof(log_path), "%s/audit.jsonl", dir);
	snprintf(head_path, sizeof(head_path), "%s.head", log_path);
	atexit(remove_dir);
}

/* Remove what an append left (torn-N, head temporaries, the lock). */
static void
clean_dir(void)
{
	char p[400];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		abort();
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
}

static void
put(const char *path, const uint8_t *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		abort();
	if (n > 0 && write(fd, p, n) != (ssize_t)n)
		abort();
	close(fd);
}

static void
parse_lines(const uint8_t *data, size_t size)
{
	struct audit_line l;
	const char *p = (const char *)data, *end = p + size, *nl;
	volatile uint64_t sink = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		/* a copy of exactly len bytes, so ASan sees any overread */
		char *line = malloc(len ? len : 1);

		if (line == NULL)
			abort();
		memcpy(line, p, len);
		if (audit_line_parse(&l, line, len) == 0) {
			if (l.prefix != line || l.prefix_len >= len ||
			    l.seq == 0)
				__builtin_trap();
			sink += l.seq + l.hash[0] + l.mac[0] + l.prev[0];
		}
		free(line);
		p += len + 1;
	}
	(void)sink;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const uint8_t *nul = memchr(data, 0, size);
	size_t loglen = nul ? (size_t)(nul - data) : size;
	sr_audit_verdict v;
	sr_audit_event ev = { 0 };
	sr_err err = SR_ERR_INIT;
	int before;

	if (!ready) {
		setup_dir();
		ready = 1;
	}
	clean_dir();
	parse_lines(data, loglen);
	put(log_path, data, loglen);
	if (nul != NULL)
		put(head_path, nul + 1, size - loglen - 1);
	sr_audit_verify(&v, log_path, NULL, &err);
	sr_err_clear(&err);
	before = sr_audit_verify(&v, log_path, fixed_key, &err);
	if (before == 0 && v.bad_seq != 0)
		__builtin_trap();
	if (nul == NULL)
		return 0;
	/* an append after whatever a crash or an attacker left */
	ev.event = "run";
	ev.agent = "fuzz";
	ev.reason = "ok";
	sr_err_clear(&err);
	if (sr_audit_append(log_path, &ev, &err) == 0 && before == 0 &&
	    v.head_checked) {
		sr_err_clear(&err);
		if (sr_audit_verify(&v, log_path, fixed_key, &err) != 0)
			__builtin_trap();
	}
	return 0;
}
