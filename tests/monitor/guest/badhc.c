/* An unknown hypercall number, then a hypercall whose arguments are not writable. */
#include "mini.h"

static const struct ik_hc_exit ro_args = {0};

int main(void)
{
	if (bootinfo()->params[0] == 'r')
		hypercall(IK_HC_EXIT, (void *)&ro_args);
	else
		hypercall(99, 0);
	return 0;
}
