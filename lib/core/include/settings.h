/*
 * settings.h - what the caller's environment means to the library.
 *
 * The library reads no environment variable (tests/lib-noenv.sh fails the
 * build's tests when one does). cmd/ reads the environment once, at the
 * start of main (cmd/settings.c), and hands what it means to the library
 * with sr_settings_use, as doas and OpenSSH do: one place decides which
 * of the caller's variables are honoured, which a system mode must be
 * able to narrow, since there every variable is attacker input. A program
 * that never calls sr_settings_use gets the zero settings: no HOME, no
 * overrides, no syslog copy, no git variables.
 *
 * Strings are borrowed, not copied: they must outlive every library call
 * (the environment's own strings do). Each reader applies its own rules
 * to a value (an empty override is unset, a relative XDG directory is
 * ignored, ...), so the settings carry the variables as they were.
 */
#ifndef SR_SETTINGS_H
#define SR_SETTINGS_H

#include <stdint.h>

/* The git variables that change which repository git sees (lib/repo_git.c),
 * in the order a message names the first one set. */
typedef enum sr_git_var {
	SR_GIT_DIR,
	SR_GIT_WORK_TREE,
	SR_GIT_INDEX_FILE,
	SR_GIT_COMMON_DIR,
	SR_GIT_CEILING_DIRECTORIES,
	SR_GIT_DISCOVERY_ACROSS_FILESYSTEM,
	SR_GIT_OBJECT_DIRECTORY,
	SR_GIT_ALTERNATE_OBJECT_DIRECTORIES,
	SR_GIT_NAMESPACE,
	SR_GIT_VARS
} sr_git_var;

/* The variable's name: "GIT_DIR" for SR_GIT_DIR. */
const char *sr_settings_git_name(sr_git_var v);

typedef struct sr_settings {
	/* paths.h: HOME, the XDG base directories, SCOPERUN_IDENTITY,
	 * SCOPERUN_VAULT, SCOPERUN_AUDIT, SCOPERUN_VAULT_PINS */
	const char *home;
	const char *xdg_config_home, *xdg_data_home, *xdg_state_home;
	const char *xdg_cache_home;	/* the repo guard's cache */
	const char *identity, *vault, *audit, *vault_pins;
	const char *policy_dir;		/* SCOPERUN_POLICY_DIR */
	/* audit.h: the size at which the log rotates (the tests' hook,
	 * SCOPERUN_AUDIT_ROTATE_BYTES); 0 is SR_AUDIT_ROTATE_BYTES */
	uint64_t audit_rotate_bytes;
	int audit_syslog;		/* SCOPERUN_AUDIT_SYSLOG=1 */
	const char *syslog_socket;	/* SCOPERUN_SYSLOG_SOCKET */
	const char *git[SR_GIT_VARS];	/* as set, "" included */
	/* cmd/sandbox_cli.c: TMPDIR (the default writable temp),
	 * SCOPERUN_SANDBOX_HIDE and SCOPERUN_SANDBOX_KEEP, read with the
	 * rest, once */
	const char *tmpdir, *sandbox_hide, *sandbox_keep;
} sr_settings;

/* From now on the library sees *s (copied; its strings borrowed). */
void sr_settings_use(const sr_settings *s);
/* What the library sees: the last sr_settings_use, else all zero. */
const sr_settings *sr_settings_get(void);

#endif
