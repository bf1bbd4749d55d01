/* An unknown hypercall number, then a hypercall whose arguments are not writable. */
#include "bare_guest.h"

static const struct ik_hc_exit ro_args = {0};

int main(void)
{
	if (bare_bootinfo()->params[0] == 'r')
		bare_hypercall(IK_HC_EXIT, (void *)&ro_args);
	else
		bare_hypercall(99, 0);
	return 0;
}
