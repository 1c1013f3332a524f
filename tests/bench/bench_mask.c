/*
 * bench_mask.c - the matcher alone, in process: what masking adds to a
 * byte stream once the bytes are in scoperun's buffer.
 *
 *   bench_mask FILE VALUE...
 *
 * Reads FILE into memory, then feeds it in 128 KiB reads (scoperun's
 * read size) through a mask of the VALUEs, five times, and prints the
 * best time. The last line is machine-readable:
 *   result bytes=... best_us=... mb_per_s=...
 * Exit 0; 1 when the file cannot be read or the mask not built.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mask.h"

#define CHUNK (128 * 1024)

static size_t written;

static int
count(void *arg, const void *p, size_t n)
{
	(void)arg;
	(void)p;
	written += n;
	return 0;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (buf = malloc((size_t)n + 1)) ==
	    NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	*len = buf != NULL ? (size_t)n : 0;
	if (f != NULL)
		fclose(f);
	return buf;
}

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* One pass over buf; its time in microseconds, -1 on failure. */
static int64_t
one_pass(const sr_mask *m, const char *buf, size_t len)
{
	sr_err err = SR_ERR_INIT;
	sr_mask_stream *s;
	int64_t t0;
	size_t off;

	if (sr_mask_stream_new(&s, m, &err) != 0)
		return -1;
	written = 0;
	t0 = now_us();
	for (off = 0; off < len; off += CHUNK)
		sr_mask_feed(s, buf + off, len - off < CHUNK ? len - off :
		    CHUNK, count, NULL);
	sr_mask_flush(s, count, NULL);
	t0 = now_us() - t0;
	sr_mask_stream_free(s);
	return t0;
}

int
main(int argc, char **argv)
{
	sr_err err = SR_ERR_INIT;
	sr_mask *m = NULL;
	size_t len;
	char *buf;
	int64_t best = -1, t;
	int i;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_mask FILE VALUE...\n");
		return 2;
	}
	if ((buf = slurp(argv[1], &len)) == NULL || sr_mask_new(&m, &err) !=
	    0) {
		fprintf(stderr, "bench_mask: cannot read %s\n", argv[1]);
		return 1;
	}
	for (i = 2; i < argc; i++)
		if (sr_mask_add(m, "V", 1, (const unsigned char *)argv[i],
		    strlen(argv[i]), &err) < 0)
			return 1;
	if (sr_mask_build(m, &err) != 0)
		return 1;
	for (i = 0; i < 5; i++)
		if ((t = one_pass(m, buf, len)) >= 0 && (best < 0 || t < best))
			best = t;
	printf("result bytes=%zu best_us=%lld mb_per_s=%.0f\n", written,
	    (long long)best, best > 0 ? (double)len / (double)best : 0.0);
	sr_mask_free(m);
	free(buf);
	return written == len ? 0 : 1;
}
