/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/if.h>: struct ifreq, the argument of a device ioctl, and the
 * MII requests (sockios). Written from the socket ioctl ABI: the name, then a 24-byte union. */
#ifndef _IK_LINUX_IF_H
#define _IK_LINUX_IF_H

#include <linux/types.h>

#define IFNAMSIZ 16

struct ifreq {
	char ifr_name[IFNAMSIZ];
	union {
		short ifru_flags;
		int ifru_ivalue;
		int ifru_mtu;
		char ifru_slave[IFNAMSIZ];
		char ifru_newname[IFNAMSIZ];
		void *ifru_data;
		unsigned char ifru_pad[24];
	} ifr_ifru;
};

#define SIOCGMIIPHY 0x8947
#define SIOCGMIIREG 0x8948
#define SIOCSMIIREG 0x8949

#endif
