/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/in.h>. NIC drivers include it for history; no IP stack runs in a
 * driver VM (the host's does), so only the protocol numbers. */
#ifndef _IK_LINUX_IN_H
#define _IK_LINUX_IN_H

#define IPPROTO_IP   0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP  6
#define IPPROTO_UDP  17

#endif
