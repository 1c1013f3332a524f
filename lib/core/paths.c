#include "paths.h"

#include <stdio.h>

#include "settings.h"

static const struct {
	const char *override, *fallback, *file;
} defaults[] = {
	[SR_PATH_IDENTITY] = { "SCOPERUN_IDENTITY", ".config",
	    "scoperun/identity" },
	[SR_PATH_VAULT] = { "SCOPERUN_VAULT", ".local/share",
	    "scoperun/vault.sealed" },
	[SR_PATH_AUDIT] = { "SCOPERUN_AUDIT", ".local/state",
	    "scoperun/audit.jsonl" },
	[SR_PATH_POLICIES] = { NULL, ".config", "scoperun/policies" },
	[SR_PATH_VAULT_PINS] = { "SCOPERUN_VAULT_PINS", ".local/state",
	    "scoperun/vault-pins" },
};

/* The override variable of kind, as cmd/ read it (settings.h), or NULL. */
static const char *
override(sr_path_kind kind, const sr_settings *s)
{
	switch (kind) {
	case SR_PATH_IDENTITY:
		return s->identity;
	case SR_PATH_VAULT:
		return s->vault;
	case SR_PATH_AUDIT:
		return s->audit;
	case SR_PATH_VAULT_PINS:
		return s->vault_pins;
	default:
		return NULL;
	}
}

/* The XDG base directory kind lives under, as cmd/ read it, or NULL. */
static const char *
xdg(sr_path_kind kind, const sr_settings *s)
{
	switch (kind) {
	case SR_PATH_VAULT:
		return s->xdg_data_home;
	case SR_PATH_AUDIT:
	case SR_PATH_VAULT_PINS:
		return s->xdg_state_home;
	default:
		return s->xdg_config_home;
	}
}

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
	const sr_settings *set = sr_settings_get();
	const char *v, *home;
	int n;

	if (kind == SR_PATH_IDENTITY && option != NULL && key_material(option))
		return refuse_material("--identity", err);
	if (option == NULL && (v = override(kind, set)) != NULL &&
	    v[0] != '\0') {
		if (kind == SR_PATH_IDENTITY && key_material(v))
			return refuse_material(defaults[kind].override, err);
		option = v;
	}
	if (option != NULL) {
		n = snprintf(buf, size, "%s", option);
	} else if ((v = xdg(kind, set)) != NULL && v[0] == '/') {
		n = snprintf(buf, size, "%s/%s", v, defaults[kind].file);
	} else if ((home = set->home) != NULL && home[0] == '/') {
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
