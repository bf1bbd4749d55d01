/* SPDX-License-Identifier: MIT */
/*
 * Opening a TAP interface (IFF_TAP | IFF_NO_PI: raw Ethernet frames, one per read or write):
 * for a card's wire (netwire.c) and a driver's host interface (the supervisor, `ikernel run
 * --netdev`).
 */
#ifndef IKDEV_TAP_H
#define IKDEV_TAP_H

#include <stddef.h>

/* Is `name` a usable interface name: 1 to IFNAMSIZ - 1 bytes of [A-Za-z0-9_.-], not "." or
 * "..", as Linux's dev_valid_name and our node names (include/ikernel/names.h) both allow. */
int ik_tap_name_valid(const char *name);

/* ik_tap_open flags */
#define IK_TAP_VNET_HDR 0x1u /* frames carry a virtio_net_hdr (a host interface: offloads) */

/*
 * The TAP interface `name`: created when it does not exist (which needs CAP_NET_ADMIN), else
 * attached (its owner may, or CAP_NET_ADMIN). netns: a network namespace to create or find it
 * in, as a path (/run/netns/NAME, /proc/PID/ns/net) or a name under /run/netns; NULL or "" =
 * the caller's. The descriptor is close-on-exec and blocking. Returns it, or -errno with why in
 * err (naming the interface and the namespace). flags: IK_TAP_VNET_HDR or 0.
 */
int ik_tap_open(const char *name, const char *netns, unsigned flags, char *err, size_t errlen);

#endif /* IKDEV_TAP_H */
