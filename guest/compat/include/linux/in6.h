/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/in6.h>, an IPv6 address (RFC 8200). */
#ifndef _IK_LINUX_IN6_H
#define _IK_LINUX_IN6_H

#include <linux/types.h>

struct in6_addr {
	union {
		__u8 u6_addr8[16];
		__be16 u6_addr16[8];
		__be32 u6_addr32[4];
	} in6_u;
};

#endif
