/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <net/pkt_sched.h>, includable: a driver VM has no queueing disciplines
 * (the host side queues frames). */
#ifndef _IK_NET_PKT_SCHED_H
#define _IK_NET_PKT_SCHED_H

#include <linux/netdevice.h>

#endif
