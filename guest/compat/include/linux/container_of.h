/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: container_of (<linux/container_of.h>). */
#ifndef _IK_LINUX_CONTAINER_OF_H
#define _IK_LINUX_CONTAINER_OF_H

#include <linux/stddef.h>

#define container_of(ptr, type, member)                                                            \
	({                                                                                         \
		void *__ik_mptr = (void *)(ptr);                                                   \
		_Static_assert(__same_type(*(ptr), ((type *)0)->member) ||                         \
				       __same_type(*(ptr), void),                                  \
			       "pointer type mismatch in container_of()");                         \
		((type *)((char *)__ik_mptr - offsetof(type, member)));                            \
	})

#endif
