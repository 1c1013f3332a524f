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

/*
 * 1 when s is key material rather than a path: it holds an identity's
 * prefix (in any case: an upper-cased key is still most of a key), a
 * control byte (a newline: a file's contents, as CI passes secrets), or
 * is too long for a path. Such a value is never echoed.
 */
static int
key_material(const char *s)
{
	static const char prefix[] = "SCOPERUN-SECRET-";
	size_t i, k;

	for (i = 0; s[i] != '\0'; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
		for (k = 0; prefix[k] != '\0' && (s[i + k] == prefix[k] ||
		    (s[i + k] >= 'a' && s[i + k] <= 'z' &&
		    s[i + k] - 'a' + 'A' == prefix[k])); k++)
			;
		if (prefix[k] == '\0')
			return 1;
	}
	return i >= SR_ERR_PATH_MAX;
}

static int
refuse_material(const char *from, sr_err *err)
{
	return sr_err_set(err, SR_ERR_CONFIG, NULL, 0, "%s holds key material, "
	    "not the path of an identity file (not shown): pass the key "
	    "itself in SCOPERUN_IDENTITY_KEY or on a file descriptor with "
	    "--identity-fd N", from);
}

int
sr_path_get(char *buf, size_t size, sr_path_kind kind, const char *option,
    sr_err *err)
{
	const char *v, *home;
	int n;

	if (kind == SR_PATH_IDENTITY && option != NULL && key_material(option))
		return refuse_material("--identity", err);
	if (option == NULL && defaults[kind].override != NULL &&
	    (v = getenv(defaults[kind].override)) != NULL && v[0] != '\0') {
		if (kind == SR_PATH_IDENTITY && key_material(v))
			return refuse_material(defaults[kind].override, err);
		option = v;
	}
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
