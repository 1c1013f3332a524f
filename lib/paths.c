#include "paths.h"

#include <stdio.h>
#include <stdlib.h>

static const struct {
	const char *override, *xdg, *fallback, *file;
} defaults[] = {
	[SR_PATH_IDENTITY] = { "SCOPERUN_IDENTITY", "XDG_CONFIG_HOME",
	    ".config", "scoperun/identity" },
	[SR_PATH_VAULT] = { "SCOPERUN_VAULT", "XDG_DATA_HOME",
	    ".local/share", "scoperun/vault.sealed" },
	[SR_PATH_AUDIT] = { "SCOPERUN_AUDIT", "XDG_STATE_HOME",
	    ".local/state", "scoperun/audit.jsonl" },
	[SR_PATH_POLICIES] = { NULL, "XDG_CONFIG_HOME", ".config",
	    "scoperun/policies" },
	[SR_PATH_VAULT_PINS] = { "SCOPERUN_VAULT_PINS", "XDG_STATE_HOME",
	    ".local/state", "scoperun/vault-pins" },
};

int
sr_path_get(char *buf, size_t size, sr_path_kind kind, const char *option,
    sr_err *err)
{
	const char *v, *home;
	int n;

	if (option == NULL && defaults[kind].override != NULL &&
	    (v = getenv(defaults[kind].override)) != NULL && v[0] != '\0')
		option = v;
	if (option != NULL) {
		n = snprintf(buf, size, "%s", option);
	} else if ((v = getenv(defaults[kind].xdg)) != NULL && v[0] == '/') {
		n = snprintf(buf, size, "%s/%s", v, defaults[kind].file);
	} else if ((home = getenv("HOME")) != NULL && home[0] == '/') {
		n = snprintf(buf, size, "%s/%s/%s", home,
		    defaults[kind].fallback, defaults[kind].file);
	} else {
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "cannot tell "
		    "where %s is: HOME is not set", defaults[kind].file);
	}
	if (n < 0 || (size_t)n >= size)
		return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "path too long");
	return 0;
}
