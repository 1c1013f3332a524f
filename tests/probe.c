/*
 * probe.c - one #include, the header SR_PROBE_HEADER names, compiled
 * against one library's view of lib/ (tests/CMakeLists.txt, boundary.*):
 * it compiles only where that header is visible.
 */
#include SR_PROBE_HEADER

int sr_probe(void);

int
sr_probe(void)
{
	return 0;
}
