/* SPDX-License-Identifier: MIT */
/* ioctl marshalling: how an ioctl's argument travels, decided from the command number alone. */
#ifndef IKLIB_MARSHAL_H
#define IKLIB_MARSHAL_H

#include <stdbool.h>
#include <stdint.h>

struct ik_ioctl_plan {
	uint32_t cmd;  /* the command as the driver sees it (32 bits, like Linux's unsigned int) */
	uint32_t size; /* bytes carried in the request's data buffer; 0: raw integer argument */
	/* Copy `size` bytes from the caller into the request's data buffer before the call: for
	 * _IOC_WRITE, and for _IOC_READ too. The buffer is reused from call to call, so a driver
	 * that fills only part of an _IOR argument (or none) would otherwise hand back bytes of an
	 * earlier call; filled from the caller, the unwritten bytes come back unchanged, exactly
	 * as with Linux's copy_to_user into the caller's own memory. */
	bool copy_in;
	bool copy_out; /* _IOC_READ: copy `size` bytes back to the caller after the call */
};

/* Decide how `cmd` is marshalled with buffers of `data_size` bytes. Returns 0, or -EINVAL for a
 * command that does not fit in 32 bits or whose argument is larger than a data buffer. */
int ik_ioctl_plan(unsigned long cmd, uint32_t data_size, struct ik_ioctl_plan *plan);

/* The plan of a legacy command (no _IOC size) whose argument the caller sized: `dir` is
 * IK_IOCTL_IN | IK_IOCTL_OUT (ikernel.h). Returns 0, or -EINVAL for a command that encodes a
 * size itself, a bad direction, a size of 0 or one larger than a data buffer. */
int ik_ioctl_plan_sized(unsigned long cmd, uint64_t size, int dir, uint32_t data_size,
			struct ik_ioctl_plan *plan);

#endif
