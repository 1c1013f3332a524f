/*
 * check_cmd.h - what `scoperun check` shares between its files.
 */
#ifndef SR_CHECK_CMD_H
#define SR_CHECK_CMD_H

#include "check.h"
#include "identity.h"
#include "scan.h"
#include "vault.h"

/* Every value of v (unlocked) into s, each named prefix:NAME (or NAME
 * when prefix is NULL); sodium memory, wiped as soon as its forms are
 * made. */
int check_vault_values(sr_scan *s, const sr_vault *v, const char *prefix,
    sr_err *err);

/* The values of every vault the repository holding dir tracks that the
 * identity at identity_path opens, but mine (your own vault's path, or
 * NULL), into s; how many opened in *opened (check_vaults.c). */
int check_team_vaults(size_t *opened, sr_scan *s, const char *dir,
    const char *mine, const char *identity_path, sr_err *err);

/* Progress and a final summary on a terminal (check_progress.c). */
typedef struct check_progress {
	int on, shown;
	double t0, last, after;
} check_progress;

void check_progress_start(check_progress *p, sr_check_opts *o);
/* Clear the progress line, before anything else is printed. */
void check_progress_end(check_progress *p);
/* "no findings in N commits, M blobs", when there were none. */
void check_progress_summary(const check_progress *p, sr_check_mode mode,
    const sr_check_result *r, const sr_scan *s);

#endif
