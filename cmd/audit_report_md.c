/*
 * audit_report_md.c - `scoperun audit report --format markdown`: the
 * daily summary of SPEC §11, for pasting into a chat or a mail.
 *
 * It prints the document `--format json` prints, so the three formats
 * never disagree. Every name comes from the log or a policy and is
 * printed as inline code with backticks, '|' and control bytes replaced,
 * so a crafted name can neither break the table nor inject markup.
 */
#include <stdio.h>
#include <string.h>

#include "audit_report.h"

static const char *
js(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "-";
}

static long long
ji(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* `s` as inline code, safely. */
static void
code(const char *s)
{
	putchar('`');
	for (; *s != '\0'; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f || *s == '`' ||
		    *s == '|' ? '?' : *s);
	putchar('`');
}

static int
suspended(json_t *ja)
{
	return !json_is_null(json_object_get(json_object_get(ja,
	    "suspensions"), "suspended_since"));
}

static void
summary_table(json_t *agents)
{
	json_t *ja;
	size_t i;

	printf("| Agent | Runs | Refusals | Minted | Suspended | Last run |\n");
	printf("|---|---:|---:|---:|---|---|\n");
	json_array_foreach(agents, i, ja) {
		json_t *p;
		size_t k;
		long long minted = 0;
		json_array_foreach(json_object_get(ja, "providers"), k, p)
			minted += ji(p, "runs");
		printf("| ");
		code(js(ja, "agent"));
		printf(" | %lld | %lld | %lld | %s | %s |\n", ji(ja, "runs"),
		    ji(json_object_get(ja, "denials"), "total"), minted,
		    suspended(ja) ? "**yes**" : "no", js(ja, "last_run"));
	}
}

static void
refusals(json_t *ja)
{
	json_t *d = json_object_get(ja, "denials"), *v;
	const char *k;
	int first = 1;

	printf("- **Refusals:** %lld", ji(d, "total"));
	json_object_foreach(json_object_get(d, "by_reason"), k, v) {
		printf("%s", first ? " — " : ", ");
		code(k);
		printf(" %lld", (long long)json_integer_value(v));
		first = 0;
	}
	printf("\n");
}

static void
uses(json_t *ja)
{
	json_t *v;
	size_t i;

	if (json_array_size(json_object_get(ja, "secrets")) == 0)
		return;
	printf("- **Secrets used:**");
	json_array_foreach(json_object_get(ja, "secrets"), i, v) {
		printf("%s", i ? ", " : " ");
		code(js(v, "name"));
		printf(" (%lld runs)", ji(v, "runs"));
	}
	printf("\n");
	json_array_foreach(json_object_get(ja, "providers"), i, v) {
		printf("- **Minted by** ");
		code(js(v, "name"));
		printf(": %lld runs, %lld from the cache, last expiry %s\n",
		    ji(v, "runs"), ji(v, "cached"), js(v, "last_expires"));
	}
}

static void
lifecycle(json_t *ja)
{
	json_t *su = json_object_get(ja, "suspensions");

	if (ji(su, "count") == 0 && !suspended(ja))
		return;
	printf("- **Suspensions:** %lld, resumed %lld; ", ji(su, "count"),
	    ji(su, "resumes"));
	if (suspended(ja))
		printf("**suspended since %s** — `scoperun agent resume` "
		    "after a look\n", js(su, "suspended_since"));
	else
		printf("not suspended now\n");
}

/* What expires, is stale, is overdue or unused: what a person acts on. */
static void
attention(json_t *ja)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(ja, "expiring"), i, v) {
		printf("- **%s:** %s ", json_is_true(json_object_get(v,
		    "expired")) ? "Expired" : "Expires soon", js(v, "kind"));
		code(js(v, "name"));
		printf(" %s\n", js(v, "expires"));
	}
	json_array_foreach(json_object_get(ja, "ages"), i, v) {
		if (!json_is_true(json_object_get(v, "stale")))
			continue;
		printf("- **Stale:** ");
		code(js(v, "secret"));
		printf(" (as ");
		code(js(v, "grant"));
		printf(") set %lld days ago, max_age %lld days: runs are "
		    "refused until it is rotated\n", ji(v, "age_days"),
		    ji(v, "max_age_days"));
	}
	json_array_foreach(json_object_get(ja, "rotate_overdue"), i, v) {
		printf("- **Rotation overdue:** ");
		code(js(v, "secret"));
		printf(" since %s\n", js(v, "due"));
	}
	json_array_foreach(json_object_get(ja, "orphans"), i, v) {
		printf("- **Unused grant:** ");
		code(js(v, "grant"));
		printf(" (no run in 30 days)\n");
	}
}

void
audit_report_markdown(json_t *doc)
{
	json_t *agents = json_object_get(doc, "agents"), *ja;
	size_t i;

	printf("## scoperun summary");
	if (!json_is_null(json_object_get(doc, "since")))
		printf(" since %s", js(doc, "since"));
	printf("\n\n_%s, %lld records_\n\n", js(doc, "now"),
	    ji(doc, "records"));
	summary_table(agents);
	json_array_foreach(agents, i, ja) {
		printf("\n### ");
		code(js(ja, "agent"));
		printf("\n\n- **Runs:** %lld, last %s\n", ji(ja, "runs"),
		    js(ja, "last_run"));
		refusals(ja);
		uses(ja);
		lifecycle(ja);
		attention(ja);
	}
}
