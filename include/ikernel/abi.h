/* SPDX-License-Identifier: MIT */
/*
 * iKernel guest <-> host ABI.
 *
 * One self-contained header, used by both sides:
 *   - the guest runtime (freestanding C, CPL3 inside the driver VM), and
 *   - the host: the monitor (one per driver VM) and libikernel (the client stub).
 *
 * Guest addresses are plain integers (ik_gpa_t) on both sides, never pointers: the host must
 * translate every one of them through its single checked translator before touching memory.
 *
 * Field tags:
 *   IN   written by the guest, read by the host        (hostile: read once, validate)
 *   OUT  written by the host, read by the guest
 *   CLI  written by the client (host stub), read by the guest stub
 *   DRV  written by the driver VM (guest stub), read by the client (hostile)
 *
 * Versioning rule (docs/ABI.md): IK_ABI_VERSION changes on any incompatible change of a layout,
 * a constant or a meaning in this file. Compatible additions use reserved fields and announce
 * themselves with a feature bit; a side ignores feature bits it does not know. The guest image
 * carries the version it was built against in an ELF note; the monitor refuses any other.
 */
#ifndef IKERNEL_ABI_H
#define IKERNEL_ABI_H

#include <stdint.h>

#define IK_ABI_VERSION 1u

/* Feature bits (ik_bootinfo.features): what this monitor offers. */
#define IK_FEAT_IRQ      (1ull << 0) /* paravirtual interrupt lines via ik_events */
#define IK_FEAT_DOORBELL (1ull << 1) /* per-channel doorbell (ioeventfd) at IK_GPA_DOORBELL */
#define IK_FEAT_PIO      (1ull << 2) /* port-I/O window at IK_GPA_PIO */
#define IK_FEAT_FAULT    (1ull << 3) /* fault injection words in ik_events (RELIABILITY.md) */
#define IK_FEAT_PORT_GRANTS (1ull << 4) /* ik_bootinfo.port_grant lists the granted ports */
/* Every SQE and CQE carries its sequence number (ik_sqe.seq, ik_cqe.seq, ik_ring_seq()): the
 * entry is its own publication, so a consumer polls the entry's line, not the tail's
 * (docs/ABI.md "Sequence numbers"). Producers of this version always write both the seq and
 * the tail; consumers fall back to the tail on their slow path, so a peer that writes only
 * tails is still served. */
#define IK_FEAT_RING_SEQ (1ull << 5)
/* ik_bootinfo.chan_read/chan_write say which nodes each channel's client may open for reading
 * and writing (the node's owner/group/mode against the client's credentials, checked by the
 * monitor at the hello; docs/ABI.md "Access"). The guest stub refuses any other OPEN with
 * -EACCES. Without the bit a guest allows every open (an old monitor checks nothing). */
#define IK_FEAT_CHAN_ACCESS (1ull << 6)
/* IK_HC_PIO_STRING: ins/outs of up to IK_PIO_STRING_MAX bytes as one request (without it the
 * guest loops over single accesses). */
#define IK_FEAT_PIO_STRING (1ull << 7)
/* Some device granted to the driver checks its DMA against the driver's mappings (grant option
 * dma=strict): the guest reports each dma_map/dma_alloc_coherent and unmap with IK_HC_DMA_MAP
 * before the device may use it (docs/ABI.md "DMA"). Without the bit it reports nothing. */
#define IK_FEAT_DMA_STRICT (1ull << 8)
/* Ports 0xcf8-0xcff are a PCI bus 0 (configuration mechanism #1) holding the functions granted
 * as MODEL@pci; without the bit the guest does not probe them (they are not granted). */
#define IK_FEAT_PCI (1ull << 9)
/* ik_bootinfo.netif names the host interfaces of the driver's first IK_NETIF_MAX net_devices
 * (in registration order): the guest registers a device node of that name for each, read and
 * written by the monitor's host-interface relay in records of include/ikernel/netif.h. */
#define IK_FEAT_NETIF (1ull << 12)
/* IK_HC_PIO_BATCH: posted port writes. The guest may hold writes to its granted ports
 * (port_grant) and send them, in order, as one request before anything could observe them
 * (docs/ABI.md "Posted port writes"); without the bit every write is an access of its own. */
#define IK_FEAT_PIO_BATCH (1ull << 13)
/* ik_bootinfo.mmio_grant lists the device MMIO windows of the driver's grants (at most
 * IK_MAX_MMIO_GRANTS; the monitor still ends the driver on any access outside its windows). */
#define IK_FEAT_MMIO_GRANTS (1ull << 14)
/* IK_HC_IO_BATCH: posted port AND MMIO writes in one ordered queue. The guest may hold writes
 * to its granted ports (port_grant) and to its device MMIO windows (mmio_grant) and send them,
 * in program order, as one request before anything could observe them, with the read that
 * observes them (docs/ABI.md "Posted writes"). It supersedes IK_HC_PIO_BATCH, which the monitor
 * still serves for images that know only that; without either bit every write is an access of
 * its own. */
#define IK_FEAT_IO_BATCH (1ull << 15)
/* Interrupt lines in the event page: once the guest asks for it (IK_WAIT_EVENT_IRQS in any
 * IK_HC_WAIT), the monitor ORs each raised line into ik_events.irqs and sets IK_ATTN_IRQS in
 * `attention`, and the guest takes them with an atomic exchange, no hypercall (docs/ABI.md
 * "Events"). Before that, and for a guest that never asks, lines are fetched with IK_HC_WAIT. */
#define IK_FEAT_EVENT_IRQS (1ull << 16)
/* IK_HC_WAIT carries posted writes (ik_hc_wait.writes/count, the entries and checks of
 * IK_HC_IO_BATCH), applied in order before the wait sleeps: an idle wait with writes or DMA
 * reports held is one request. */
#define IK_FEAT_WAIT_BATCH (1ull << 17)
/* MMIO read shadows (docs/ABI.md "Read shadows"): ik_bootinfo.mmio_shadow lists device
 * registers whose reads the guest may answer from a value the monitor keeps in the event page
 * (IK_SHADOW_READ: side-effect-free reads), and registers whose posted writes may stay held past
 * such a read (IK_SHADOW_LAZY). Only with IK_FEAT_IO_BATCH; without the bit every read is an
 * access of the device. */
#define IK_FEAT_MMIO_SHADOW (1ull << 18)

typedef uint64_t ik_gpa_t; /* a guest-physical (= guest-virtual, identity-mapped) address */

/* ------------------------------------------------------------------------------------------ */
/* Guest physical memory map. Identity mapped: guest virtual == guest physical.               */
/* ------------------------------------------------------------------------------------------ */

#define IK_PAGE_SIZE 0x1000ull

#define IK_GPA_NULL_GUARD 0x0000ull   /* page 0: never mapped (NULL dereference faults) */
#define IK_GPA_GDT        0x1000ull   /* GDT + TSS: supervisor-only, read-only */
#define IK_GPA_BOOTINFO   0x2000ull   /* struct ik_bootinfo: user read-only, no-execute */
#define IK_GPA_EVENTS     0x3000ull   /* struct ik_events: user read-write, no-execute */
#define IK_GPA_PAGETABLES 0x4000ull   /* page tables: not mapped at all */
#define IK_GPA_IMAGE      0x100000ull /* lowest address an image segment may use (1 MiB) */

/* Thread stacks sit at the top of guest RAM, each with an unmapped guard page below it. */
#define IK_STACK_SIZE   0x4000ull /* 16 KiB, like a Linux x86-64 kernel stack */
#define IK_GUARD_SIZE   0x1000ull
#define IK_STACK_STRIDE (IK_STACK_SIZE + IK_GUARD_SIZE)
#define IK_MAX_THREADS  32u /* stack 0 is the boot/scheduler stack */

#define IK_MEM_MIN     0x200000ull   /* 2 MiB */
#define IK_MEM_DEFAULT 0x400000ull   /* 4 MiB */
#define IK_MEM_MAX     0x10000000ull /* 256 MiB: page tables must fit below IK_GPA_IMAGE */

/* Client channels: one 2 MiB region (its own memfd and memslot) per connected client. */
#define IK_GPA_CHAN_BASE  0x40000000ull
#define IK_CHAN_STRIDE    0x200000ull
#define IK_MAX_CHANNELS   16u

/* MMIO: not backed by memory; every access is an exit (or an ioeventfd). */
#define IK_GPA_MMIO_BASE  0x60000000ull
#define IK_GPA_HYPERCALL  0x60000000ull /* 8-byte write of an args GPA to HYPERCALL + 8 * nr */
#define IK_GPA_DOORBELL   0x60001000ull /* 4-byte write to DOORBELL + 8 * channel: wake client */
#define IK_GPA_PIO        0x60010000ull /* port N is PIO + N; 1, 2 or 4 byte accesses */
#define IK_PIO_PORTS      0x10000ull
#define IK_GPA_DEVMMIO    0x61000000ull /* device-model MMIO windows granted to the driver */
#define IK_GPA_MMIO_END   0x62000000ull

/* ------------------------------------------------------------------------------------------ */
/* Image: the ABI note every driver image must carry (section ".note.ikernel").               */
/* ------------------------------------------------------------------------------------------ */

#define IK_NOTE_NAME    "iKernel" /* n_namesz = 8 including the NUL */
#define IK_NOTE_TYPE_ABI 0x494b0001u

struct ik_abi_note_desc {
	uint32_t abi_version; /* IK_ABI_VERSION the image was built against */
	uint32_t reserved;    /* zero */
};

/* ------------------------------------------------------------------------------------------ */
/* Channel ring geometry and layout.                                                           */
/* ------------------------------------------------------------------------------------------ */

/*
 * A channel is a single-producer/single-consumer pair of rings between one client (host stub)
 * and the driver VM (guest stub):
 *   SQ: the client produces ik_sqe entries (advances sq_tail); the guest consumes (sq_head).
 *   CQ: the guest produces ik_cqe entries (advances cq_tail); the client consumes (cq_head).
 * Ownership: an SQE slot belongs to the client until sq_tail is released past it, then to the
 * guest until sq_head is released past it. A CQE slot belongs to the guest until cq_tail is
 * released past it, then to the client until cq_head is released past it. Data buffer i belongs
 * to whoever owns the request that names it (sqe.buf); the client never reuses a buffer before
 * it has consumed the completion of the request that used it.
 * Every index is free-running uint32_t; slot = index & (entries - 1). A consumer clamps the
 * producer's index: (tail - head) > entries is a protocol violation.
 * Publication (IK_FEAT_RING_SEQ): the producer writes the entry, then releases the tail past
 * it, then releases the entry's `seq` = ik_ring_seq(index) (ring.h). An entry is ready when its
 * seq says so, or (slow path) when the validated tail is past it; the tail is never behind a
 * ready seq. A seq that is neither the expected value nor the slot's previous value (one lap
 * earlier, or 0 for a slot never written) is a protocol violation.
 * Geometry is given by offsets (below), decided by the monitor and handed to both sides out of
 * band (boot info, client handshake) -- never read back from the shared region.
 */
struct ik_chan_geometry {
	uint32_t size;        /* bytes of the channel region */
	uint32_t sq_entries;  /* power of two */
	uint32_t cq_entries;  /* power of two, >= sq_entries */
	uint32_t hdr_off;     /* struct ik_ring_hdr */
	uint32_t sqes_off;    /* struct ik_sqe[sq_entries] */
	uint32_t cqes_off;    /* struct ik_cqe[cq_entries] */
	uint32_t data_off;    /* data buffers: buffer i at data_off + i * data_size */
	uint32_t data_count;  /* number of data buffers (== sq_entries) */
	uint32_t data_size;   /* bytes per data buffer */
	uint32_t reserved[7];
};

/* Default geometry (the monitor may choose others; everyone else uses the offsets). */
#define IK_CHAN_SQ_ENTRIES 16u
#define IK_CHAN_CQ_ENTRIES 16u
#define IK_CHAN_DATA_SIZE  0x10000u /* 64 KiB per request buffer */

/* Each index on its own cache line: the two sides write different lines. */
struct ik_ring_hdr {
	_Alignas(64) uint32_t sq_tail;   /* CLI: next SQE the client will fill */
	_Alignas(64) uint32_t sq_head;   /* DRV: next SQE the guest will take */
	_Alignas(64) uint32_t cq_tail;   /* DRV: next CQE the guest will fill */
	_Alignas(64) uint32_t cq_head;   /* CLI: next CQE the client will take */
	_Alignas(64) uint32_t guest_idle; /* DRV: 1 = guest sleeps; kick the VM's eventfd */
	_Alignas(64) uint32_t client_waiting; /* CLI: 1 = client sleeps; ring the doorbell */
	uint32_t reserved[15];
};

enum ik_op {
	IK_OP_NOP = 0,     /* completes with 0; for tests and benchmarks of the bare ring */
	IK_OP_OPEN = 1,    /* node, arg = open flags (O_*)          -> result = fh */
	IK_OP_RELEASE = 2, /* fh                                    -> 0 */
	IK_OP_READ = 3,    /* fh, pos, len, buf                     -> bytes, pos */
	IK_OP_WRITE = 4,   /* fh, pos, len, buf (data in buffer)    -> bytes, pos */
	IK_OP_LLSEEK = 5,  /* fh, pos, off = offset, arg = whence   -> new position, pos */
	IK_OP_IOCTL = 6,   /* fh, arg = cmd, off = raw arg, len, buf (in/out by _IOC_DIR) -> result */
	IK_OP_POLL = 7,    /* fh, arg = requested events, off = timeout ms (-1 = forever) -> revents */
	IK_OP_CANCEL = 8,  /* off = user_data of the request to cancel (its result: -EINTR) */
	IK_OP__COUNT
};

#define IK_BUF_NONE 0xffffffffu

/* 64 bytes. Written by the client (CLI), read by the guest stub. */
struct ik_sqe {
	uint8_t op;         /* CLI: enum ik_op */
	uint8_t flags;      /* CLI: zero */
	uint16_t node;      /* CLI: device node id (IK_OP_OPEN) */
	uint32_t fh;        /* CLI: guest file handle returned by IK_OP_OPEN */
	uint64_t user_data; /* CLI: echoed in the completion */
	uint64_t pos;       /* CLI: the file position before the call */
	uint64_t arg;       /* CLI: open flags, ioctl cmd, whence, poll events */
	uint64_t off;       /* CLI: llseek offset, raw ioctl argument, poll timeout, cancel target */
	uint32_t len;       /* CLI: bytes of the data buffer the request uses (<= data_size) */
	uint32_t buf;       /* CLI: data buffer index, or IK_BUF_NONE */
	uint32_t seq;       /* CLI: ik_ring_seq(index), released last (IK_FEAT_RING_SEQ) */
	uint32_t reserved0;
	uint64_t reserved1;
};

/* 32 bytes. Written by the guest stub (DRV), read by the client: hostile, validate. */
struct ik_cqe {
	uint64_t user_data; /* DRV: the request's user_data */
	int64_t result;     /* DRV: >= 0 or -errno */
	uint64_t pos;       /* DRV: file position after the call */
	uint32_t flags;     /* DRV: zero */
	uint32_t seq;       /* DRV: ik_ring_seq(index), released last (IK_FEAT_RING_SEQ) */
};

/* ------------------------------------------------------------------------------------------ */
/* Boot info (IK_GPA_BOOTINFO, read-only to the guest) and events (IK_GPA_EVENTS).             */
/* ------------------------------------------------------------------------------------------ */

#define IK_BOOTINFO_MAGIC 0x4f4f424bu /* "KBOO" */
#define IK_NAME_MAX       32u
#define IK_PARAMS_MAX     512u
#define IK_MAX_PORT_GRANTS 16u
#define IK_MAX_MMIO_GRANTS 4u
#define IK_NETIF_MAX      2u  /* net_devices a driver may give the host */
#define IK_IFNAME_MAX     16u /* IFNAMSIZ: an interface name and its NUL */
#define IK_MAX_MMIO_SHADOWS 16u /* entries of ik_bootinfo.mmio_shadow */

/* ik_mmio_shadow.kind */
#define IK_SHADOW_READ 1u /* a read of exactly (addr, size) may be answered from its value */
#define IK_SHADOW_LAZY 2u /* a held write of exactly (addr, size) may wait past such a read */
/* a read of exactly (port addr, size) of the port window may be answered from its value: a port
 * of the driver's grant whose reads have no side effect (a guest that does not know this kind
 * ignores the entry); the value is what a read would return now, whatever selects it (a
 * register page), so only while no port write is held */
#define IK_SHADOW_PORT_READ 3u

/* One register of IK_FEAT_MMIO_SHADOW (8 bytes). Entry i's value, for a READ register, is the
 * uint32_t at byte ik_bootinfo.shadow_off + 4 * i of the event page: OUT, written by the
 * monitor with release stores whenever the register changes (from any monitor thread), never
 * read back by it; the guest loads it with acquire. */
struct ik_mmio_shadow {
	uint32_t addr;     /* OUT: guest address, inside one of mmio_grant's windows (a port of
			    * port_grant's for IK_SHADOW_PORT_READ); 0 ends the list */
	uint8_t size;      /* OUT: bytes of the access (1, 2 or 4) */
	uint8_t kind;      /* OUT: IK_SHADOW_READ or IK_SHADOW_LAZY */
	uint16_t reserved; /* OUT: 0 */
};

struct ik_bootinfo {
	uint32_t magic;          /* OUT: IK_BOOTINFO_MAGIC */
	uint32_t abi_version;    /* OUT: IK_ABI_VERSION */
	uint64_t features;       /* OUT: IK_FEAT_* */
	uint64_t mem_size;       /* OUT: bytes of guest RAM from GPA 0 */
	uint64_t heap_start;     /* OUT: user read-write, no-execute */
	uint64_t heap_end;
	uint64_t stack_base;     /* OUT: lowest byte of stack 0 (its guard page is just below) */
	uint32_t stack_count;    /* OUT: stacks, each IK_STACK_STRIDE above the previous */
	uint32_t max_channels;   /* OUT: IK_MAX_CHANNELS */
	uint64_t tsc_khz;        /* OUT: TSC frequency */
	uint64_t spin_ns;        /* OUT: how long the idle guest spins before it sleeps */
	struct ik_chan_geometry chan; /* OUT: the geometry of every channel */
	char name[IK_NAME_MAX];       /* OUT: driver name, NUL-terminated */
	char params[IK_PARAMS_MAX];   /* OUT: "key=value key=value" module parameters */
	/* OUT (IK_FEAT_NETIF; was reserved[0..3]): net_device n's host interface and node name,
	 * NUL-terminated, "" = none */
	char netif[IK_NETIF_MAX][IK_IFNAME_MAX];
	/* OUT (IK_FEAT_MMIO_GRANTS; was reserved[4]): the device MMIO windows of the driver's
	 * grants, so the guest knows which writes it may post (IK_HC_IO_BATCH). Entry: base |
	 * size << 32 (both below 4 GiB: the windows lie in [IK_GPA_DEVMMIO, IK_GPA_MMIO_END));
	 * size 0 ends the list. */
	uint64_t mmio_grant[IK_MAX_MMIO_GRANTS];
	/* OUT (IK_FEAT_PORT_GRANTS): the port ranges the operator granted, so request_region()
	 * can refuse the others as Linux refuses a busy range (the monitor still ends the VM on
	 * any access outside them). Entry: first port | count << 16; count 0 ends the list. */
	uint32_t port_grant[IK_MAX_PORT_GRANTS];
	/* OUT (IK_FEAT_CHAN_ACCESS; was reserved2[8]): bit n = node id n may be opened for reading
	 * / writing on that channel. The monitor writes a channel's pair before it announces the
	 * channel (ik_hc_wait.chan_opened) and never while the channel is open; the guest reads
	 * the pair once when the channel opens. */
	uint16_t chan_read[IK_MAX_CHANNELS];
	uint16_t chan_write[IK_MAX_CHANNELS];
	/* OUT (IK_FEAT_MMIO_SHADOW): the shadowed and lazy registers of the driver's devices, in
	 * grant order; addr 0 ends the list. The guest may trust it only for its own reads: the
	 * monitor never decides anything from the shadow values or this table. */
	struct ik_mmio_shadow mmio_shadow[IK_MAX_MMIO_SHADOWS];
	/* OUT (IK_FEAT_MMIO_SHADOW): byte offset in the event page of the values (uint32_t
	 * [IK_MAX_MMIO_SHADOWS], 4-byte aligned, after struct ik_events) */
	uint32_t shadow_off;
	/* OUT (IK_FEAT_IO_BATCH; was reserved3[0]): entries one IK_HC_IO_BATCH or IK_HC_WAIT may
	 * carry, IK_IO_BATCH_MAX..IK_IO_BATCH_LARGE; 0 (a monitor before it): IK_IO_BATCH_MAX. The
	 * VM offers IK_IO_BATCH_LARGE: a 64 KiB transmit's DMA map and unmap reports (16 each
	 * for a driver that maps 4 KiB pieces) no longer fill the queue, an exit of their own. */
	uint32_t io_batch_max;
	uint32_t reserved3[2]; /* OUT: 0 */
};

/*
 * Event page: the monitor sets `attention` (atomic OR) whenever it has something for the guest;
 * the guest clears it (atomic exchange) and then:
 *   IK_ATTN_FETCH  a channel opened or closing, an interrupt line for a guest that has not
 *                  asked for event-page lines, a stop: fetch the details with IK_HC_WAIT
 *                  (timeout 0). A monitor without IK_FEAT_EVENT_IRQS sets only this bit.
 *   IK_ATTN_IRQS   (IK_FEAT_EVENT_IRQS) interrupt lines are in `irqs`: take them with an atomic
 *                  exchange (0) and dispatch them, no hypercall.
 * A raise writes `irqs` before `attention`, then wakes the guest (docs/ABI.md "Events"), so a
 * guest that cleared `attention`, then exchanged `irqs`, and later finds `attention` clear after
 * its sleep fence cannot miss a line. The monitor never reads this page back for a decision:
 * `heartbeat` is only compared for change (hang detection), and the old value of its atomic OR
 * into `irqs` only says whether to count the line as delivered (ik_hc_wait.irqs's count).
 */
#define IK_ATTN_FETCH (1u << 0)
#define IK_ATTN_IRQS  (1u << 1)

struct ik_events {
	_Alignas(64) uint32_t attention; /* OUT (guest clears): IK_ATTN_* */
	uint32_t reserved0;
	/* OUT (IK_FEAT_EVENT_IRQS; was padding): interrupt lines raised and not yet taken (bit n =
	 * line n); the guest takes them with an atomic exchange. On attention's line: one cache
	 * line for what the monitor signals. */
	uint64_t irqs;
	_Alignas(64) uint64_t heartbeat; /* IN: bumped by the guest's scheduler loop */
	uint64_t fault;     /* OUT: an injected fault to trigger (enum ik_fault_class, 0 = none);
			     * the guest clears it when it fires. Never read back by the host. */
	uint64_t fault_arg; /* OUT: its argument (class specific, e.g. a random seed) */
	uint64_t reserved[5];
};

/* Where the monitor puts the shadow values in the event page (ik_bootinfo.shadow_off says so:
 * the guest uses that, not this). */
#define IK_EVENTS_SHADOW_OFF 0x800u

/* Guest-side fault classes (ik_events.fault), fired by the guest runtime's hooks at the next
 * driver call (or allocation, or interrupt): for the faults code patching cannot express. */
enum ik_fault_class {
	IK_FAULT_NONE = 0,
	IK_FAULT_PANIC,        /* panic() */
	IK_FAULT_BUG,          /* BUG() */
	IK_FAULT_WARNING,      /* WARN(): a message, the call goes on */
	IK_FAULT_EXCEPTION,    /* ud2: invalid opcode */
	IK_FAULT_NULL,         /* NULL pointer dereference */
	IK_FAULT_LOOP,         /* infinite loop, never yielding */
	IK_FAULT_SOFTLOCKUP,   /* busy-wait far beyond the hang deadline */
	IK_FAULT_STACK_EXHAUST, /* unbounded recursion into the guard page */
	IK_FAULT_STACK_CORRUPT, /* overwrite the caller's saved frame */
	IK_FAULT_STACK_FLIP,   /* flip one bit in the live stack above the current frame */
	IK_FAULT_LIST_CORRUPT, /* list_del of a corrupted entry */
	IK_FAULT_UAF,          /* write to freed heap memory */
	IK_FAULT_DOUBLE_FREE,  /* free a block twice */
	IK_FAULT_EXEC_DATA,    /* jump into .data */
	IK_FAULT_EXEC_STACK,   /* jump into the stack */
	IK_FAULT_EXEC_HEAP,    /* jump into the heap */
	IK_FAULT_WRITE_RO,     /* write to .rodata */
	IK_FAULT_WRITE_CODE,   /* write to .text */
	IK_FAULT_UNALIGNED,    /* unaligned load/store (no fault on x86 without AC) */
	IK_FAULT_COPY_OVERRUN, /* copy past the end of a heap block */
	IK_FAULT_ALLOC_FAIL,   /* the next allocations (fault_arg of them, default 1) fail */
	IK_FAULT_LEAK,         /* leak heap blocks until allocations fail */
	IK_FAULT_LOCK,         /* take a spinlock twice (recursion) */
	IK_FAULT_IRQ_DROP,     /* the next interrupt is lost */
	IK_FAULT_IRQ_SPURIOUS, /* a burst of spurious interrupts on every line */
	IK_FAULT_HANG_REQUEST, /* this one request never completes; others go on */
	IK_FAULT_CONSOLE_FLOOD, /* print without end */
	IK_FAULT_WILD_WRITE,   /* write to a random address in guest RAM (pointer corruption) */
	IK_FAULT__COUNT
};

/* ------------------------------------------------------------------------------------------ */
/* Hypercalls: an 8-byte MMIO write of the args struct's GPA to IK_GPA_HYPERCALL + 8 * nr.    */
/* The args struct must lie in guest-writable RAM. Unknown numbers end the VM.               */
/* ------------------------------------------------------------------------------------------ */

enum ik_hypercall {
	IK_HC_CONSOLE = 1,       /* struct ik_hc_console */
	IK_HC_PANIC = 2,         /* struct ik_hc_panic: ends the VM with a report */
	IK_HC_EXIT = 3,          /* struct ik_hc_exit: ends the VM with a status (guest tests) */
	IK_HC_WAIT = 4,          /* struct ik_hc_wait: [posted writes,] sleep until an event or the
				  * timeout */
	IK_HC_REGISTER_NODE = 5, /* struct ik_hc_register_node: announce a device node */
	IK_HC_READY = 6,         /* struct ik_hc_ready: init done, serve clients */
	IK_HC_CHAN_RELEASED = 7, /* struct ik_hc_chan: the guest dropped every file of a channel */
	IK_HC_PIO_STRING = 8,    /* struct ik_hc_pio_string: a string of port accesses (ins/outs) */
	IK_HC_DMA_MAP = 9,       /* struct ik_hc_dma_map: DMA mappings made and dropped (strict) */
	IK_HC_PIO_BATCH = 10,    /* struct ik_hc_pio_batch: posted port writes, then one access */
	IK_HC_IO_BATCH = 11,     /* struct ik_hc_io_batch: posted port and MMIO writes, then a read */
	IK_HC__COUNT
};

#define IK_CONSOLE_MAX 4096u
#define IK_PANIC_MAX   512u
#define IK_MAX_NODES   16u

struct ik_hc_console {
	ik_gpa_t buf; /* IN */
	uint64_t len; /* IN: <= IK_CONSOLE_MAX */
};

struct ik_hc_panic {
	ik_gpa_t msg;  /* IN: message, <= IK_PANIC_MAX bytes */
	uint64_t len;  /* IN */
	ik_gpa_t file; /* IN: source file (NUL-terminated, <= 256 bytes) or 0 */
	uint32_t line; /* IN */
	uint32_t kind; /* IN: enum ik_panic_kind */
};

enum ik_panic_kind {
	IK_PANIC_PANIC = 0,  /* panic() */
	IK_PANIC_BUG = 1,    /* BUG() */
	IK_PANIC_ASSERT = 2, /* GUEST_ASSERT() in a guest test program */
};

struct ik_hc_exit {
	int64_t code; /* IN: 0 = success */
};

#define IK_WAIT_FOREVER UINT64_MAX

/* ik_hc_wait.flags */
#define IK_WAIT_EVENT_IRQS (1u << 0) /* IK_FEAT_EVENT_IRQS: from now on put my lines in
				      * ik_events.irqs (sticky: a later wait cannot undo it) */

struct ik_hc_wait {
	uint64_t timeout_ns;   /* IN: 0 = just fetch events; IK_WAIT_FOREVER = no deadline */
	uint64_t irqs;         /* OUT: interrupt lines raised since the last fetch (bit n = line n);
				* after IK_WAIT_EVENT_IRQS only a line raised while the switch was
				* made (the rest are in ik_events.irqs) */
	uint64_t chan_opened;  /* OUT: channels a client attached since the last fetch */
	uint64_t chan_closing; /* OUT: channels whose client left: release their files */
	/* IN (IK_FEAT_WAIT_BATCH; was reserved[0..1]): posted writes applied, in order, before the
	 * wait looks at its events or sleeps: struct ik_io_write[count], count <= io_batch_max,
	 * each entry checked and served exactly as in IK_HC_IO_BATCH (the first refusal ends the
	 * driver). count 0: none. */
	ik_gpa_t writes;
	uint32_t count;
	uint32_t flags;        /* IN: IK_WAIT_* (any other bit ends the driver) */
};

struct ik_hc_register_node {
	ik_gpa_t name;    /* IN: NUL-terminated, [A-Za-z0-9_.-], < IK_NAME_MAX */
	uint32_t node;    /* IN: the guest's node id (used in ik_sqe.node), < IK_MAX_NODES */
	uint32_t minor;   /* IN: informational */
};

struct ik_hc_ready {
	uint32_t nodes;    /* IN: nodes registered */
	uint32_t reserved;
};

struct ik_hc_chan {
	uint32_t chan;     /* IN */
	uint32_t reserved;
};

/* `count` accesses of `size` bytes to one port, as x86 `rep ins`/`rep outs` do: outs takes the
 * values from buf in order, ins stores them there. The port must lie in the driver's grant as
 * for a single access; count * size <= IK_PIO_STRING_MAX; count 0 does nothing. */
#define IK_PIO_STRING_MAX 4096u

struct ik_hc_pio_string {
	uint16_t port;   /* IN */
	uint8_t size;    /* IN: 1, 2 or 4 */
	uint8_t write;   /* IN: 1 = outs (buf is read), 0 = ins (buf is written) */
	uint32_t count;  /* IN: accesses */
	ik_gpa_t buf;    /* IN: count * size bytes (guest-writable for ins) */
};

/* The DMA mappings the driver made (map = 1) or dropped (map = 0) since its last report, in
 * order (IK_FEAT_DMA_STRICT). A DMA address is guest-physical (at isolation=process: the
 * driver's own address of its RAM); every range must lie in the driver's RAM. A page is
 * mapped while more maps than unmaps cover it. */
#define IK_DMA_MAP_MAX 128u

struct ik_dma_range {
	uint64_t addr; /* IN: DMA address */
	uint32_t len;  /* IN: bytes, > 0 */
	uint32_t map;  /* IN: 1 = mapped, 0 = unmapped */
};

struct ik_hc_dma_map {
	ik_gpa_t ranges;   /* IN: struct ik_dma_range[count] */
	uint32_t count;    /* IN: <= IK_DMA_MAP_MAX */
	uint32_t reserved; /* IN: 0 */
};

/* Posted port writes (IK_FEAT_PIO_BATCH; superseded by IK_HC_IO_BATCH below, still served, as
 * the same port writes of that, for images that know only this): `count` single writes done in
 * order, each routed and
 * checked exactly as a single access (the first refusal ends the driver), then `then`: one
 * string or single access (a read is a string of count 1) as IK_HC_PIO_STRING, or nothing
 * when `then` is all zero. The guest sends one before any point where the writes could be
 * observed: a port read or string, MMIO, any other hypercall, a delay, a thread switch, a
 * completion, a full buffer. */
#define IK_PIO_BATCH_MAX 32u

struct ik_pio_write {
	uint16_t port;     /* IN */
	uint8_t size;      /* IN: 1, 2 or 4 */
	uint8_t reserved;  /* IN: 0 */
	uint32_t value;    /* IN: the low `size` bytes are written */
};

struct ik_hc_pio_batch {
	ik_gpa_t writes;   /* IN: struct ik_pio_write[count] */
	uint32_t count;    /* IN: <= IK_PIO_BATCH_MAX */
	uint32_t reserved; /* IN: 0 */
	struct ik_hc_pio_string then; /* IN: after the writes; all zero = nothing */
};

/* Posted writes (IK_FEAT_IO_BATCH), ports and MMIO in one ordered queue: `count` writes done
 * in order, each routed and checked exactly as the single access it stands for (the first
 * refusal ends the driver, with the message that access gets; a DMA report as an IK_HC_DMA_MAP
 * range), then at most one of: `then`, a
 * port string or single port access as IK_HC_PIO_STRING, or `read`, an MMIO read whose value
 * comes back in read.value. On PCI, memory writes are posted and a read of the device flushes
 * them; the guest sends the queue before anything could observe a write (the list is in
 * docs/ABI.md "Posted writes"), so a device model sees the same accesses in the same order. */
#define IK_IO_BATCH_MAX 32u
/* The most entries a monitor may offer for one IK_HC_IO_BATCH or IK_HC_WAIT
 * (ik_bootinfo.io_batch_max); a guest that does not read it sends at most IK_IO_BATCH_MAX. */
#define IK_IO_BATCH_LARGE 128u

enum ik_io_space {
	IK_IO_PORT = 0, /* addr is a port (< IK_PIO_PORTS) */
	IK_IO_MMIO = 1, /* addr is a guest address in the device MMIO hole (a granted window) */
	/* IK_FEAT_DMA_STRICT: a DMA mapping made / dropped, in order with the writes that tell a
	 * device to use it (as one IK_HC_DMA_MAP range): addr its DMA address, value its length
	 * (> 0), size 0 */
	IK_IO_DMA_MAP = 2,
	IK_IO_DMA_UNMAP = 3,
};

struct ik_io_write {
	uint64_t addr;     /* IN: port, MMIO or DMA address (see space) */
	uint32_t value;    /* IN: the low `size` bytes are written; a DMA report's length */
	uint8_t size;      /* IN: 1, 2 or 4 (an 8-byte MMIO write is never posted); 0 for DMA */
	uint8_t space;     /* IN: enum ik_io_space */
	uint16_t reserved; /* IN: 0 */
};

struct ik_io_read {
	uint64_t addr;       /* IN: guest address in the device MMIO hole; 0 = no read */
	uint64_t value;      /* OUT: what the read returned (zero-extended) */
	uint8_t size;        /* IN: 1, 2, 4 or 8 */
	uint8_t reserved[7]; /* IN: 0 */
};

struct ik_hc_io_batch {
	ik_gpa_t writes;   /* IN: struct ik_io_write[count] */
	uint32_t count;    /* IN: <= ik_bootinfo.io_batch_max (0 there: IK_IO_BATCH_MAX) */
	uint32_t reserved; /* IN: 0 */
	struct ik_hc_pio_string then; /* IN: a port access after the writes; all zero = none */
	struct ik_io_read read;       /* IN/OUT: an MMIO read after the writes (not with `then`) */
};

/* ------------------------------------------------------------------------------------------ */
/* Layout checks: any change here is an ABI change.                                            */
/* ------------------------------------------------------------------------------------------ */

_Static_assert(sizeof(struct ik_abi_note_desc) == 8, "note desc");
_Static_assert(sizeof(struct ik_chan_geometry) == 64, "geometry");
_Static_assert(sizeof(struct ik_ring_hdr) == 384, "ring header");
_Static_assert(sizeof(struct ik_sqe) == 64, "sqe");
_Static_assert(sizeof(struct ik_cqe) == 32, "cqe");
_Static_assert(sizeof(struct ik_bootinfo) <= IK_PAGE_SIZE, "bootinfo fits its page");
_Static_assert(sizeof(struct ik_bootinfo) == 1016, "bootinfo");
_Static_assert(sizeof(struct ik_mmio_shadow) == 8, "mmio shadow");
_Static_assert(IK_EVENTS_SHADOW_OFF >= sizeof(struct ik_events) && IK_EVENTS_SHADOW_OFF % 64 == 0 &&
	       IK_EVENTS_SHADOW_OFF + 4 * IK_MAX_MMIO_SHADOWS <= IK_PAGE_SIZE, "shadow values fit the event page");
_Static_assert(sizeof(struct ik_events) == 128, "events");
_Static_assert(sizeof(struct ik_hc_console) == 16, "hc console");
_Static_assert(sizeof(struct ik_hc_panic) == 32, "hc panic");
_Static_assert(sizeof(struct ik_hc_exit) == 8, "hc exit");
_Static_assert(sizeof(struct ik_hc_wait) == 48, "hc wait");
_Static_assert(sizeof(struct ik_hc_register_node) == 16, "hc register node");
_Static_assert(sizeof(struct ik_hc_ready) == 8, "hc ready");
_Static_assert(sizeof(struct ik_hc_chan) == 8, "hc chan");
_Static_assert(sizeof(struct ik_hc_pio_string) == 16, "hc pio string");
_Static_assert(sizeof(struct ik_dma_range) == 16, "dma range");
_Static_assert(sizeof(struct ik_hc_dma_map) == 16, "hc dma map");
_Static_assert(sizeof(struct ik_pio_write) == 8, "pio write");
_Static_assert(sizeof(struct ik_hc_pio_batch) == 32, "hc pio batch");
_Static_assert(sizeof(struct ik_io_write) == 16, "io write");
_Static_assert(sizeof(struct ik_io_read) == 24, "io read");
_Static_assert(sizeof(struct ik_hc_io_batch) == 56, "hc io batch");
_Static_assert(IK_GPA_MMIO_END <= 0x100000000ull, "mmio_grant bases fit 32 bits");
_Static_assert(IK_MAX_CHANNELS * IK_CHAN_STRIDE <= IK_GPA_MMIO_BASE - IK_GPA_CHAN_BASE, "channels");
_Static_assert(IK_MAX_CHANNELS <= 64 && IK_MAX_NODES <= 64, "event masks are 64 bits");
_Static_assert(IK_MAX_NODES <= 16, "chan_read/chan_write are 16-bit node masks");
_Static_assert(1 + 8 * IK_MAX_CHANNELS <= 0x1000, "doorbells fit their page");

#endif /* IKERNEL_ABI_H */
