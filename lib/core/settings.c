#include "settings.h"

#include <stddef.h>

static sr_settings current;

static const char *const git_names[SR_GIT_VARS] = {
	[SR_GIT_DIR] = "GIT_DIR",
	[SR_GIT_WORK_TREE] = "GIT_WORK_TREE",
	[SR_GIT_INDEX_FILE] = "GIT_INDEX_FILE",
	[SR_GIT_COMMON_DIR] = "GIT_COMMON_DIR",
	[SR_GIT_CEILING_DIRECTORIES] = "GIT_CEILING_DIRECTORIES",
	[SR_GIT_DISCOVERY_ACROSS_FILESYSTEM] =
	    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
	[SR_GIT_OBJECT_DIRECTORY] = "GIT_OBJECT_DIRECTORY",
	[SR_GIT_ALTERNATE_OBJECT_DIRECTORIES] =
	    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
	[SR_GIT_NAMESPACE] = "GIT_NAMESPACE",
};

const char *
sr_settings_git_name(sr_git_var v)
{
	return v < SR_GIT_VARS ? git_names[v] : NULL;
}

void
sr_settings_use(const sr_settings *s)
{
	current = *s;
}

const sr_settings *
sr_settings_get(void)
{
	return &current;
}
