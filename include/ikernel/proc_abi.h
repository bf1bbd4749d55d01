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
 *   IK_PROC_FD_BOOT  memfd: the boot info page (mapped read-only), the event page, then guest
 *                    RAM (boot info mem_size bytes from offset IK_PROC_RAM_OFFSET)
 * Guest RAM (heap and stacks) is that memfd's part mapped MAP_SHARED at IK_PROC_RAM_BASE; the
 * boot info's heap/stack addresses point there. The monitor-lite maps it too: the only way its
 * device models reach the driver's memory (DMA, at the driver's own addresses, checked against
 * [IK_PROC_RAM_BASE, + mem_size)); it never reads it otherwise. Channel c is its memfd mapped at
 * IK_GPA_CHAN_BASE + c * IK_CHAN_STRIDE, exactly as in the VM, so the runtime is unchanged.
 *
 * The monitor-lite treats every request as hostile, like hypercalls from a VM: sizes checked,
 * strings bounded and sanitised, unknown numbers end the driver.
 *
 * Versioning (docs/ABI.md): IK_PROC_ABI_VERSION changes on any incompatible change of the
 * messages or descriptors here; every request carries the version its sender was built with,
 * and a request of another version ends the driver with both versions named. Compatible
 * additions take a reserved field (which a sender sets to 0 and a receiver checks is 0 until
 * it means something) and, when the driver may rely on them, a feature bit the monitor-lite
 * announces in every reply (IK_PROC_F_*). IN: driver -> monitor-lite; OUT: the other way.
 */
#ifndef IK_PLATFORM_PROC_ABI_H
#define IK_PLATFORM_PROC_ABI_H

#include <stdint.h>

#include "ikernel/abi.h"

/* 2: replies may carry a payload (IK_HC_PIO_STRING); 3: IK_PROC_HC_MMIO, guest RAM is the boot
 * memfd's (shared with the monitor-lite for device DMA) */
#define IK_PROC_ABI_VERSION 3u

/* Feature bits of ik_proc_reply.features: none defined yet. */
#define IK_PROC_FEATURES 0u

#define IK_PROC_FD_CTL  3
#define IK_PROC_FD_KICK 4
#define IK_PROC_FD_BOOT 5

#define IK_PROC_RAM_BASE   0x20000000ull /* below the channels, above any image */
#define IK_PROC_RAM_OFFSET (2 * IK_PAGE_SIZE) /* of guest RAM in the IK_PROC_FD_BOOT memfd */

/* Port I/O as a pseudo hypercall (no MMIO window in a process). */
#define IK_PROC_HC_PIO 0x100u

struct ik_proc_pio {
	uint16_t port;  /* IN */
	uint8_t size;   /* IN: 1, 2 or 4 */
	uint8_t write;  /* IN: 1 = out */
	uint32_t value; /* IN for out: the value; OUT for in: the port's value */
};

/* Device MMIO as a pseudo hypercall: an access of the device MMIO hole (IK_GPA_DEVMMIO..
 * IK_GPA_MMIO_END), at the addresses a VM would use (the process maps nothing there). */
#define IK_PROC_HC_MMIO 0x101u

struct ik_proc_mmio {
	uint64_t addr;  /* IN: guest address in the device MMIO hole */
	uint64_t value; /* IN for a write: the value; OUT for a read */
	uint8_t size;   /* IN: 1, 2, 4 or 8 */
	uint8_t write;  /* IN: 1 = write */
	uint8_t reserved[6]; /* IN: 0 */
};

#define IK_PROC_ARGS_MAX    64u
#define IK_PROC_PAYLOAD_MAX (IK_CONSOLE_MAX + 512u)

/*
 * One request. `args` is the hypercall's struct as the VM would pass it; the guest addresses
 * inside it mean nothing to the host, so the bytes they point to travel in `payload`:
 *   IK_HC_CONSOLE        the text (args.len bytes)
 *   IK_HC_PANIC          the message (args.len bytes), then the file name and a NUL (if any)
 *   IK_HC_REGISTER_NODE  the name and a NUL
 *   IK_HC_PIO_STRING     for an output (outs): the count * size bytes to write
 *   IK_HC_PIO_BATCH      the writes (count of them), then its `then`'s bytes as PIO_STRING's
 *   IK_HC_IO_BATCH       the same with struct ik_io_write entries (an MMIO read: nothing)
 *   IK_HC_WAIT           its posted writes (count struct ik_io_write entries, IK_FEAT_WAIT_BATCH)
 * Only the first (offsetof(payload) + payload_len) bytes are sent.
 */
struct ik_proc_msg {
	uint32_t nr;          /* IN: IK_HC_* or IK_PROC_HC_PIO */
	uint32_t payload_len; /* IN: bytes of payload that follow (the message's length checks it) */
	uint32_t version;     /* IN: IK_PROC_ABI_VERSION */
	uint32_t reserved;    /* IN: 0 */
	uint8_t args[IK_PROC_ARGS_MAX];     /* IN: the hypercall's argument struct */
	char payload[IK_PROC_PAYLOAD_MAX]; /* IN: the buffers the arguments point to */
};

/* The reply: OUT fields in args. IK_HC_WAIT (always timeout 0 here: the process sleeps on its
 * kick eventfd by itself) carries, for each channel in chan_opened from the lowest, two fds:
 * the channel memfd and its done eventfd. */
struct ik_proc_reply {
	int32_t status;    /* OUT: 0, or -errno: the request was refused (the driver is being ended) */
	uint32_t nfds;     /* OUT: descriptors attached (SCM_RIGHTS) */
	uint32_t version;  /* OUT: IK_PROC_ABI_VERSION */
	uint32_t features; /* OUT: IK_PROC_F_* the monitor-lite offers */
	uint8_t args[IK_PROC_ARGS_MAX]; /* OUT: the argument struct with its OUT fields */
	/* OUT: the bytes an IK_HC_PIO_STRING input (ins) read, count * size of them; every other
	 * reply ends before it (the message's length says how much came) */
	uint8_t payload[IK_PIO_STRING_MAX];
};

_Static_assert(__builtin_offsetof(struct ik_proc_msg, args) == 16, "request header");
_Static_assert(__builtin_offsetof(struct ik_proc_msg, payload) == 16 + IK_PROC_ARGS_MAX, "payload");
_Static_assert(__builtin_offsetof(struct ik_proc_reply, payload) == 16 + IK_PROC_ARGS_MAX, "reply");
_Static_assert(sizeof(struct ik_proc_pio) == 8, "port request");
_Static_assert(sizeof(struct ik_proc_pio) <= IK_PROC_ARGS_MAX, "port request fits the arguments");
_Static_assert(sizeof(struct ik_proc_mmio) == 24, "mmio request");
_Static_assert(sizeof(struct ik_hc_io_batch) <= IK_PROC_ARGS_MAX, "io batch fits the arguments");
_Static_assert(IK_IO_BATCH_MAX * sizeof(struct ik_io_write) + IK_PIO_STRING_MAX <= IK_PROC_PAYLOAD_MAX,
	       "a full io batch and its output string fit the payload");

#endif /* IK_PLATFORM_PROC_ABI_H */
