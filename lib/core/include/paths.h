/*
 * paths.h - where scoperun keeps its files by default (SPEC §2).
 *
 *   identity  $SCOPERUN_IDENTITY, else $XDG_CONFIG_HOME/scoperun/identity
 *   vault     $SCOPERUN_VAULT, else $XDG_DATA_HOME/scoperun/vault.sealed
 *   audit     $SCOPERUN_AUDIT, else $XDG_STATE_HOME/scoperun/audit.jsonl
 *   pins      $SCOPERUN_VAULT_PINS, else $XDG_STATE_HOME/scoperun/vault-pins
 *             (a directory: the newest state of each vault seen here)
 *
 * An explicit option (--vault, --identity) beats the variable. The XDG
 * variables fall back to ~/.config, ~/.local/share and ~/.local/state, and
 * are ignored when relative, as the XDG spec says. The variables come
 * from the settings cmd/ read (settings.h), not from the environment.
 */
#ifndef SR_PATHS_H
#define SR_PATHS_H

#include <stddef.h>

#include "err.h"

typedef enum sr_path_kind {
	SR_PATH_IDENTITY,
	SR_PATH_VAULT,
	SR_PATH_AUDIT,
	SR_PATH_POLICIES,
	SR_PATH_VAULT_PINS
} sr_path_kind;

/* The path of kind into buf; option (may be NULL) wins. An identity
 * "path" that is key material (a key pasted where its file's path goes)
 * is refused with a message that does not show it. */
int sr_path_get(char *buf, size_t size, sr_path_kind kind,
    const char *option, sr_err *err);

#endif
