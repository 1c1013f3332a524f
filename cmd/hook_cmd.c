/*
 * hook_cmd.c - `scoperun hook install [--force] [PATH]`: a plain git
 * pre-commit hook that runs `scoperun check --staged`, for those who do
 * not use the pre-commit framework (which reads .pre-commit-hooks.yaml).
 *
 * The hook goes where git looks for it (core.hooksPath, else the common
 * git dir's hooks/, so every worktree shares it). A hook that is not
 * scoperun's is never overwritten without --force: it may be the only
 * copy of someone's work. The hook names this binary by its absolute
 * path, so a commit from an editor with a short PATH runs it too.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "check.h"
#include "cli.h"
#include "file.h"

#define HOOK_MARK "# scoperun pre-commit hook"
#define HOOK_PEEK 4096

const char cli_usage_hook[] =
    "usage: scoperun hook install [--force] [PATH]\n"
    "a git pre-commit hook running `scoperun check --staged` in the\n"
    "repository holding PATH (default: here)\n"
    "  --force            replace a pre-commit hook that is not scoperun's\n";

/* 1 when the file at path is a hook scoperun wrote, 0 when it is some
 * other file, -1 when there is none. */
static int
ours(const char *path)
{
	char buf[HOOK_PEEK + 1];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return errno == ENOENT ? -1 : 0;
	n = read(fd, buf, HOOK_PEEK);
	close(fd);
	if (n < 0)
		return 0;
	buf[n] = '\0';
	return strstr(buf, "\n" HOOK_MARK) != NULL;
}

static void
put(sr_buf *b, const char *s)
{
	sr_buf_put(b, s, strlen(s));
}

/* The hook's text: this binary's path in single quotes. */
static int
hook_text(sr_buf *b)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *p;

	if (n <= 0)
		n = snprintf(self, sizeof(self), "scoperun");
	self[n] = '\0';
	put(b, "#!/bin/sh\n" HOOK_MARK ", written by `scoperun hook "
	    "install`.\n# Refuses a commit whose staged files hold an env "
	    "file, your identity, or\n# a value from your scoperun vault or "
	    "a vault the repository tracks\n# (`scoperun check --staged`). "
	    "Skip it once with `git commit --no-verify`.\nscoperun='");
	for (p = self; *p != '\0'; p++)
		sr_buf_put(b, *p == '\'' ? "'\\''" : p, *p == '\'' ? 4 : 1);
	put(b, "'\n[ -x \"$scoperun\" ] || scoperun=scoperun\n"
	    "exec \"$scoperun\" check --staged\n");
	return b->failed ? -1 : 0;
}

static int
install(const char *dir, int force, sr_err *err)
{
	char hooks[SR_ERR_PATH_MAX], path[SR_ERR_PATH_MAX + 16];
	sr_buf b = SR_BUF_INIT;
	int rc = -1;

	if (sr_check_hooks_dir(hooks, sizeof(hooks), dir, err) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/pre-commit", hooks);
	if (!force && ours(path) == 0) {
		sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "%s exists and is not "
		    "scoperun's; keep it, or replace it with --force", path);
		goto done;
	}
	if (hook_text(&b) != 0) {
		sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "out of memory");
		goto done;
	}
	if (sr_file_mkdirs(hooks, err) != 0 ||
	    sr_file_replace(path, b.p, b.len, 0755, 0, err) != 0)
		goto done;
	printf("installed the pre-commit hook at %s\n", cli_esc(path));
	rc = 0;
done:
	sr_buf_free(&b);
	return rc;
}

int
cmd_hook(int argc, char **argv)
{
	const char *dir = NULL;
	sr_err err = SR_ERR_INIT;
	int i, force = 0;

	if (argc < 2 || strcmp(argv[1], "install") != 0) {
		cli_usage_error("hook", cli_usage_hook);
		return SR_EXIT_USAGE;
	}
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0)
			force = 1;
		else if (argv[i][0] == '-' || dir != NULL) {
			cli_usage_error("hook", cli_usage_hook);
			return SR_EXIT_USAGE;
		} else
			dir = argv[i];
	}
	if (install(dir, force, &err) != 0) {
		cli_error("hook", &err);
		return SR_EXIT_USAGE;
	}
	return SR_EXIT_OK;
}
