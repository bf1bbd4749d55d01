/* SPDX-License-Identifier: MIT */
/*
 * The host-interface relay (both isolation levels): moves Ethernet frames between a TAP
 * interface on the host and a network driver's net_device, through the device node the guest
 * registers for it (include/ikernel/netif.h). The relay is an ordinary libikernel client of its
 * own driver, so the frames travel on the same rings, under the same access rules and the same
 * hostile-driver checks as every client's calls; the monitor needs no network privilege (the
 * supervisor, or `ikernel run`, opened the TAP and hands over the descriptor).
 *
 *   to the driver    a thread reads frames from the TAP and writes them to the node in
 *                    batches (one call per batch); the write waits while the driver's queue is
 *                    stopped, and the TAP's own queue holds the host's frames meanwhile
 *   from the driver  a thread reads records from the node (one call returns many) and writes
 *                    the frames to the TAP; the link record sets the TAP's MAC address and
 *                    carrier (SIOCSIFHWADDR and TUNSETCARRIER on the TAP descriptor, which need
 *                    no capability)
 *
 * Both threads are started with the monitor, before its sandbox (which forbids new threads),
 * and wait until the driver is ready. A driver that breaks the record format is ended as a
 * violation; when the driver ends, the relay's calls fail and its threads end.
 */
#ifndef IKMON_NETIF_RELAY_H
#define IKMON_NETIF_RELAY_H

#include <stddef.h>
#include <stdint.h>

#include "ikernel/abi.h"

struct ik_drvhost;
struct ik_netif_relay;

/* One host interface of a driver: net_device n (registration order) <-> TAP `name`. */
struct ik_netif_cfg {
	char name[IK_IFNAME_MAX]; /* the TAP's name, also the guest's node name */
	int tap_fd;               /* an attached IFF_TAP | IFF_NO_PI descriptor */
};

/* Take `tap_fd` (owned from now on, also on failure) and start the threads for node `name` of
 * the driver `dh`; they wait for ik_netif_relay_go(). 0, or -errno with why in err. */
int ik_netif_relay_start(struct ik_netif_relay **out, struct ik_drvhost *dh, const char *name,
			 int tap_fd, char *err, size_t errlen);
/* The driver is ready and its socket up: open the node and relay. */
void ik_netif_relay_go(struct ik_netif_relay *r);
/* The driver is over: the relay says nothing more and ends with its calls (its last thread
 * frees it and closes the TAP descriptor). NULL is ignored. */
void ik_netif_relay_stop(struct ik_netif_relay *r);

/* Are the n bytes one read of the node returned whole, well-formed records (netif.h: each
 * header inside the read, flags 0, a known type, frames of 14..IK_NETIF_FRAME_MAX bytes, link
 * records of their size, no record past the end)? 0, or -EPROTO with why (naming the byte). */
int ik_netif_records_check(const uint8_t *buf, size_t n, char *why, size_t whylen);

#endif /* IKMON_NETIF_RELAY_H */
