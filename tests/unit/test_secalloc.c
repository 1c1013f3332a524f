/*
 * test_secalloc.c - the secure arena: aligned blocks, wiped on free, room
 * given back when the blocks on top are free, sodium_malloc behind it
 * for large blocks and a full arena, and an abort on a damaged header.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "secalloc.h"

static int
setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

static void
test_aligned_and_usable(void **state)
{
	unsigned char *p[5];
	size_t i, sizes[5] = { 1, 7, 16, 33, 4096 };

	(void)state;
	for (i = 0; i < 5; i++) {
		p[i] = sr_secalloc_alloc(sizes[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 64, 0);
		memset(p[i], 0xa5, sizes[i]);
	}
	for (i = 5; i-- > 0;)
		sr_secalloc_free(p[i]);
	sr_secalloc_free(NULL);
}

/* Freed bytes are zero at once, though the block stays mapped. */
static void
test_wiped_on_free(void **state)
{
	unsigned char *keep = sr_secalloc_alloc(32), *p = sr_secalloc_alloc(64);
	size_t i;

	(void)state;
	assert_non_null(keep);
	assert_non_null(p);
	memset(p, 'S', 64);
	sr_secalloc_free(p);
	for (i = 0; i < 64; i++)
		assert_int_equal(p[i], 0);
	sr_secalloc_free(keep);
}

/* The top block's room comes back; a block below it waits for it. */
static void
test_room_comes_back(void **state)
{
	unsigned char *a, *b, *c;

	(void)state;
	a = sr_secalloc_alloc(100);
	b = sr_secalloc_alloc(100);
	sr_secalloc_free(b);
	c = sr_secalloc_alloc(100);
	assert_ptr_equal(c, b);
	sr_secalloc_free(a);	/* below c: stays taken until c goes */
	b = sr_secalloc_alloc(100);
	assert_true(b > c);
	sr_secalloc_free(b);
	sr_secalloc_free(c);	/* now a, c and b are all free */
	b = sr_secalloc_alloc(100);
	assert_ptr_equal(b, a);
	sr_secalloc_free(b);
}

/* Past the block limit, or once the arena is full: sodium_malloc. */
static void
test_falls_back_to_sodium_malloc(void **state)
{
	unsigned char *big, *p[8], *q;
	size_t i;

	(void)state;
	big = sr_secalloc_alloc(65536);
	assert_non_null(big);
	memset(big, 1, 65536);
	for (i = 0; i < 8; i++) {
		p[i] = sr_secalloc_alloc(4000);
		assert_non_null(p[i]);
		memset(p[i], 2, 4000);
	}
	/* 8 x 4000 bytes do not fit in 16K: the later ones are apart, at
	 * least the arena's size from its blocks */
	q = p[7] > p[0] ? p[7] : p[0];
	assert_true((size_t)(q - (p[7] > p[0] ? p[0] : p[7])) > 16384);
	for (i = 8; i-- > 0;)
		sr_secalloc_free(p[i]);
	sr_secalloc_free(big);
	/* all back: the next block is where the first one was */
	q = sr_secalloc_alloc(4000);
	assert_ptr_equal(q, p[0]);
	sr_secalloc_free(q);
}

/* fn run in a child must end it with SIGABRT, as sodium_free does on a
 * bad canary. */
static void
expect_abort(void (*fn)(void))
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit none = { 0, 0 };

		setrlimit(RLIMIT_CORE, &none);	/* no core file left behind */
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

/* 20 bytes past a block: the next one's header and canary */
static void
overrun(void)
{
	unsigned char *a = sr_secalloc_alloc(64), *b = sr_secalloc_alloc(64);

	memset(a, 'x', 64 + 20);
	sr_secalloc_free(b);
}

static void
double_free(void)
{
	unsigned char *a = sr_secalloc_alloc(64), *b = sr_secalloc_alloc(64);

	sr_secalloc_free(a);
	sr_secalloc_free(a);
	sr_secalloc_free(b);
}

static void
not_a_block(void)
{
	unsigned char *a = sr_secalloc_alloc(256);

	sr_secalloc_free(a + 64);
}

static void
test_damage_aborts(void **state)
{
	(void)state;
	expect_abort(overrun);
	expect_abort(double_free);
	expect_abort(not_a_block);
}

static void
test_allocarray_overflow(void **state)
{
	unsigned char *p;

	(void)state;
	assert_null(sr_secalloc_allocarray(SIZE_MAX / 2, 3));
	p = sr_secalloc_allocarray(10, 8);
	assert_non_null(p);
	memset(p, 3, 80);
	sr_secalloc_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aligned_and_usable),
		cmocka_unit_test(test_wiped_on_free),
		cmocka_unit_test(test_room_comes_back),
		cmocka_unit_test(test_falls_back_to_sodium_malloc),
		cmocka_unit_test(test_damage_aborts),
		cmocka_unit_test(test_allocarray_overflow),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
