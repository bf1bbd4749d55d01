/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/mii.h>. The MII registers, bits and struct mii_ioctl_data are
 * Linux's uapi header (fetched pinned with the driver: `uapi = linux/mii.h@...`); here the
 * SIOC*MII* requests' argument inside a struct ifreq. */
#ifndef _IK_LINUX_MII_H
#define _IK_LINUX_MII_H

#include <linux/if.h>
#include <linux/types.h>
#include <uapi/linux/mii.h>

static inline struct mii_ioctl_data *if_mii(struct ifreq *rq)
{
	return (struct mii_ioctl_data *)&rq->ifr_ifru;
}

#endif
