/* SPDX-License-Identifier: MIT */
/*
 * The `process` isolation level: the protocol between a driver process (the runtime built with
 * platform_proc.c) and its monitor-lite (src/monitor/process/proc*.c). Included by both sides; plain
 * integers only.
 *
 * The monitor-lite starts the driver executable with exactly these descriptors:
 *   IK_PROC_FD_CTL   SOCK_SEQPACKET: hypercall requests (struct ik_proc_msg) and replies
 *                    (struct ik_proc_reply, SCM_RIGHTS for new channels)
 *   IK_PROC_FD_KICK  the driver's kick eventfd (clients write it; the idle wait polls it)
 *   IK_PROC_FD_BOOT  memfd of 2 pages: the boot info (mapped read-only), then the event page
 * Guest RAM (heap and stacks) is anonymous memory the process maps at IK_PROC_RAM_BASE; the
 * boot info's heap/stack addresses point there. Channel c is its memfd mapped at
 * IK_GPA_CHAN_BASE + c * IK_CHAN_STRIDE, exactly as in the VM, so the runtime is unchanged.
 *
 * The monitor-lite treats every request as hostile, like hypercalls from a VM: sizes checked,
 * strings bounded and sanitised, unknown numbers end the driver.
 */
#ifndef IK_PLATFORM_PROC_ABI_H
#define IK_PLATFORM_PROC_ABI_H

#include <stdint.h>

#include "ikernel/abi.h"

#define IK_PROC_FD_CTL  3
#define IK_PROC_FD_KICK 4
#define IK_PROC_FD_BOOT 5

#define IK_PROC_RAM_BASE 0x20000000ull /* below the channels, above any image */

/* Port I/O as a pseudo hypercall (no MMIO window in a process). */
#define IK_PROC_HC_PIO 0x100u

struct ik_proc_pio {
	uint16_t port;
	uint8_t size;  /* 1, 2 or 4 */
	uint8_t write; /* 1 = out */
	uint32_t value; /* out: the value; in: the reply's value */
};

#define IK_PROC_ARGS_MAX    64u
#define IK_PROC_PAYLOAD_MAX (IK_CONSOLE_MAX + 512u)

/*
 * One request. `args` is the hypercall's struct as the VM would pass it; the guest addresses
 * inside it mean nothing to the host, so the bytes they point to travel in `payload`:
 *   IK_HC_CONSOLE        the text (args.len bytes)
 *   IK_HC_PANIC          the message (args.len bytes), then the file name and a NUL (if any)
 *   IK_HC_REGISTER_NODE  the name and a NUL
 * Only the first (offsetof(payload) + payload_len) bytes are sent.
 */
struct ik_proc_msg {
	uint32_t nr;
	uint32_t payload_len;
	uint8_t args[IK_PROC_ARGS_MAX];
	char payload[IK_PROC_PAYLOAD_MAX];
};

/* The reply: OUT fields in args. IK_HC_WAIT (always timeout 0 here: the process sleeps on its
 * kick eventfd by itself) carries, for each channel in chan_opened from the lowest, two fds:
 * the channel memfd and its done eventfd. */
struct ik_proc_reply {
	int32_t status; /* 0, or -errno: the request was refused (the driver is being ended) */
	uint32_t nfds;
	uint8_t args[IK_PROC_ARGS_MAX];
};

#endif /* IK_PLATFORM_PROC_ABI_H */
