/* SPDX-License-Identifier: MIT */
/* ioctl marshalling by the Linux _IOC encoding (see ring.h and the brief's ioctl rule). */
#include "marshal.h"

#include <errno.h>

#include "ikernel/ikernel.h"
#include "ikernel/ring.h"

int ik_ioctl_plan(unsigned long cmd, uint32_t data_size, struct ik_ioctl_plan *plan)
{
	/* Linux passes the command to unlocked_ioctl as an unsigned int: a wider one cannot
	 * name any driver command, so refuse it rather than silently truncate it. */
	if (cmd > UINT32_MAX)
		return -EINVAL;
	uint32_t c = (uint32_t)cmd;
	uint32_t dir = ik_ioc_dir(c);
	uint32_t size = ik_ioc_size(c);

	*plan = (struct ik_ioctl_plan){.cmd = c};
	if (dir == 0 || size == 0)
		return 0; /* the argument is an integer, passed as is */
	if (size > data_size)
		return -EINVAL;
	plan->size = size;
	plan->copy_out = (dir & IK_IOC_READ) != 0;
	plan->copy_in = (dir & IK_IOC_WRITE) != 0 || plan->copy_out; /* see marshal.h */
	return 0;
}

int ik_ioctl_plan_sized(unsigned long cmd, uint64_t size, int dir, uint32_t data_size,
			struct ik_ioctl_plan *plan)
{
	int err = ik_ioctl_plan(cmd, data_size, plan);

	if (err)
		return err;
	if (plan->size) /* the number says how it travels: ik_ioctl() is the call */
		return -EINVAL;
	if ((dir & ~(IK_IOCTL_IN | IK_IOCTL_OUT)) || !dir || size == 0 || size > data_size)
		return -EINVAL;
	plan->size = (uint32_t)size;
	plan->copy_out = (dir & IK_IOCTL_OUT) != 0;
	plan->copy_in = (dir & IK_IOCTL_IN) != 0 || plan->copy_out; /* see marshal.h */
	return 0;
}
