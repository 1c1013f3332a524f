#include "secmem.h"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

static struct rlimit saved_core;
static int saved;

int
sr_secmem_begin(sr_err *err)
{
	struct rlimit none = { 0, 0 };

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "cannot disable "
		    "core dumps: %s", strerror(errno));
	if (!saved && getrlimit(RLIMIT_CORE, &saved_core) == 0)
		saved = 1;
	/* lowering the soft limit alone keeps the hard one for the agent */
	none.rlim_max = saved ? saved_core.rlim_max : 0;
	if (setrlimit(RLIMIT_CORE, &none) != 0)
		return sr_err_set(err, SR_ERR_SYSTEM, NULL, 0, "cannot disable "
		    "core dumps: %s", strerror(errno));
	return 0;
}

void
sr_secmem_restore_limits(void)
{
	if (saved)
		setrlimit(RLIMIT_CORE, &saved_core);
}
