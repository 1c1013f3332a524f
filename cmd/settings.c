/*
 * settings.c - the one place scoperun reads its own environment.
 *
 * The library reads none (lib/settings.h); main calls cli_settings_load
 * first, and every variable the library honours is read here, once, and
 * handed over as what it means. A variable that is not listed here does
 * not reach the library. The child's environment is another matter: the
 * policy builds it from the caller's (lib/env.h), in cmd/run.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "settings.h"

/* SCOPERUN_AUDIT_ROTATE_BYTES (the tests' hook to rotate small logs): a
 * decimal without a leading zero, else 0 (the default size). */
static uint64_t
rotate_bytes(const char *s)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s < '1' || *s > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0' ? (uint64_t)v : 0;
}

void
cli_settings_load(void)
{
	sr_settings s = { 0 };
	const char *v;
	sr_git_var g;

	s.home = getenv("HOME");
	s.xdg_config_home = getenv("XDG_CONFIG_HOME");
	s.xdg_data_home = getenv("XDG_DATA_HOME");
	s.xdg_state_home = getenv("XDG_STATE_HOME");
	s.xdg_cache_home = getenv("XDG_CACHE_HOME");
	s.identity = getenv("SCOPERUN_IDENTITY");
	s.vault = getenv("SCOPERUN_VAULT");
	s.audit = getenv("SCOPERUN_AUDIT");
	s.vault_pins = getenv("SCOPERUN_VAULT_PINS");
	s.policy_dir = getenv("SCOPERUN_POLICY_DIR");
	s.audit_rotate_bytes = rotate_bytes(getenv(
	    "SCOPERUN_AUDIT_ROTATE_BYTES"));
	v = getenv("SCOPERUN_AUDIT_SYSLOG");
	s.audit_syslog = v != NULL && strcmp(v, "1") == 0;
	s.syslog_socket = getenv("SCOPERUN_SYSLOG_SOCKET");
	for (g = 0; g < SR_GIT_VARS; g++)
		s.git[g] = getenv(sr_settings_git_name(g));
	s.tmpdir = getenv("TMPDIR");
	s.sandbox_hide = getenv("SCOPERUN_SANDBOX_HIDE");
	s.sandbox_keep = getenv("SCOPERUN_SANDBOX_KEEP");
	sr_settings_use(&s);
}
