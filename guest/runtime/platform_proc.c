/* SPDX-License-Identifier: MIT */
/*
 * The `process` platform (platform.h): the runtime, the compat layer and the driver as one
 * static Linux executable, no libc (raw system calls), started and served by the monitor-lite
 * (src/monitor/process/proc*.c) over the descriptors of ikernel/proc_abi.h.
 *
 *   hypercall  a request/response message on IK_PROC_FD_CTL; the guest addresses inside the
 *              args travel as payload bytes, so the monitor-lite never reads our memory
 *   idle wait  ppoll() on the kick eventfd ourselves (no round trip; the writes it carries go
 *              first as an IK_HC_WAIT(0)); interrupt lines are taken from the event page and
 *              other events fetched with IK_HC_WAIT(0), as in the VM (sched.c)
 *   doorbell   write() on the channel's done eventfd
 *   port I/O   the IK_PROC_HC_PIO pseudo hypercall; writes to granted ports posted and sent
 *              as IK_HC_IO_BATCH (pio_post.c)
 *   MMIO       the IK_PROC_HC_MMIO pseudo hypercall (readl/writel of a device window); writes
 *              inside the driver's windows posted with the port writes (pio_post.c)
 *   RAM        the boot memfd's RAM part, MAP_SHARED: the monitor-lite's devices DMA into it
 * The jail is the monitor-lite's, not ours: it installs the seccomp filter (read, write, close,
 * sendmsg, recvmsg, ppoll, munmap, mmap and mprotect without PROT_EXEC, exit) before it execs
 * us, so it binds every instruction of this executable, whether it was built from this runtime
 * or not. Keep the system calls below inside that list (src/monitor/process/proc.c, build_filters()):
 * any other one ends the driver with a violation naming it.
 */
#include "internal.h"
#include "ikernel/proc_abi.h"

const struct ik_bootinfo *ik_plat_bootinfo;
struct ik_events *ik_plat_events;

/* ---- raw system calls ---------------------------------------------------------------------- */

enum {
	SYS_read = 0, SYS_write = 1, SYS_close = 3, SYS_mmap = 9, SYS_mprotect = 10,
	SYS_munmap = 11, SYS_sendmsg = 46, SYS_recvmsg = 47, SYS_exit_group = 231, SYS_ppoll = 271,
};

static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define sys3(nr, a, b, c) sys6((nr), (long)(a), (long)(b), (long)(c), 0, 0, 0)

#ifdef IK_PLATFORM_INPROC
/* In the caller's process (isolation=inproc): back to the caller's thread, which returns
 * normally (a raw exit(2) of a pthread would skip its cleanup). */
static void *inproc_exit[5];

_Noreturn static void die(int code)
{
	(void)code;
	__builtin_longjmp(inproc_exit, 1);
}
#else
_Noreturn static void die(int code)
{
	for (;;)
		sys3(SYS_exit_group, code, 0, 0);
}
#endif

/* The protocol descriptors: fixed in a driver process; given by the caller when in-process. */
static int fd_ctl = IK_PROC_FD_CTL, fd_kick = IK_PROC_FD_KICK, fd_boot = IK_PROC_FD_BOOT;

#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4
#define PROT_NONE  0
#define MAP_SHARED  0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED   0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define POLLIN  0x001
#define POLLHUP 0x010
#define SOL_SOCKET 1
#define SCM_RIGHTS 1
#define MSG_CMSG_CLOEXEC 0x40000000

static void *map(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t off)
{
	long r = sys6(SYS_mmap, (long)addr, (long)len, prot, flags, fd, (long)off);

	return (r < 0 && r > -4096) ? NULL : (void *)r;
}

/* ---- the control socket ---------------------------------------------------------------------- */

struct iovec_ { void *base; uint64_t len; };
struct msghdr_ {
	void *name; uint32_t namelen; struct iovec_ *iov; uint64_t iovlen;
	void *control; uint64_t controllen; int flags;
};
struct cmsghdr_ { uint64_t len; int level; int type; };
struct pollfd_ { int fd; short events; short revents; };
struct timespec_ { long sec, nsec; };

#define MAX_RX_FDS (2 * IK_MAX_CHANNELS)

static struct ik_proc_msg req;
static struct ik_proc_reply rep;
static int done_fds[IK_MAX_CHANNELS];
static int rx_fds[MAX_RX_FDS];
static unsigned rx_nfds;
static uint32_t rep_payload_len; /* bytes of rep.payload the last reply carried */

static void ctl_send(uint32_t len)
{
	if (sys3(SYS_write, fd_ctl, &req, len) != (long)len)
		die(70); /* the monitor-lite is gone */
}

static void ctl_recv(void)
{
	uint64_t cbuf[(sizeof(struct cmsghdr_) + MAX_RX_FDS * sizeof(int)) / 8 + 1];
	struct iovec_ iov = { &rep, sizeof(rep) };
	struct msghdr_ m = { 0 };

	m.iov = &iov;
	m.iovlen = 1;
	m.control = cbuf;
	m.controllen = sizeof(cbuf);
	long n = sys3(SYS_recvmsg, fd_ctl, &m, MSG_CMSG_CLOEXEC);
	const long hdr = (long)__builtin_offsetof(struct ik_proc_reply, payload);

	if (n < hdr || n > (long)sizeof(rep))
		die(70);
	rep_payload_len = (uint32_t)(n - hdr);
	rx_nfds = 0;
	if (m.controllen >= sizeof(struct cmsghdr_)) {
		struct cmsghdr_ *cm = (struct cmsghdr_ *)cbuf;

		if (cm->level == SOL_SOCKET && cm->type == SCM_RIGHTS &&
		    cm->len >= sizeof(*cm) && cm->len <= sizeof(cbuf)) {
			rx_nfds = (unsigned)((cm->len - sizeof(*cm)) / sizeof(int));
			memcpy(rx_fds, (char *)cbuf + sizeof(*cm), rx_nfds * sizeof(int));
		}
	}
}

/* ---- hypercalls ------------------------------------------------------------------------------ */

static uint32_t args_size(unsigned nr)
{
	switch (nr) {
	case IK_HC_CONSOLE: return sizeof(struct ik_hc_console);
	case IK_HC_PANIC: return sizeof(struct ik_hc_panic);
	case IK_HC_EXIT: return sizeof(struct ik_hc_exit);
	case IK_HC_WAIT: return sizeof(struct ik_hc_wait);
	case IK_HC_REGISTER_NODE: return sizeof(struct ik_hc_register_node);
	case IK_HC_READY: return sizeof(struct ik_hc_ready);
	case IK_HC_CHAN_RELEASED: return sizeof(struct ik_hc_chan);
	case IK_HC_PIO_STRING: return sizeof(struct ik_hc_pio_string);
	case IK_HC_DMA_MAP: return sizeof(struct ik_hc_dma_map);
	case IK_HC_PIO_BATCH: return sizeof(struct ik_hc_pio_batch);
	case IK_HC_IO_BATCH: return sizeof(struct ik_hc_io_batch);
	case IK_PROC_HC_PIO: return sizeof(struct ik_proc_pio);
	case IK_PROC_HC_MMIO: return sizeof(struct ik_proc_mmio);
	default: return 0;
	}
}

static uint32_t put_payload(uint32_t at, const char *s, uint64_t len)
{
	if (len > IK_PROC_PAYLOAD_MAX - at)
		len = IK_PROC_PAYLOAD_MAX - at;
	memcpy(req.payload + at, s, len);
	return at + (uint32_t)len;
}

/* An output string's bytes (outs); nothing for an input. */
static uint32_t put_string_out(uint32_t at, const struct ik_hc_pio_string *s)
{
	return s->write ? put_payload(at, (const char *)(uintptr_t)s->buf, (uint64_t)s->count * s->size)
			: at;
}

/* The bytes an input string (ins) read, from the reply's payload into its buffer. */
static void take_string_in(const struct ik_hc_pio_string *s)
{
	uint64_t len = (uint64_t)s->count * s->size;

	if (s->write || !len)
		return;
	if (len != rep_payload_len)
		die(71); /* the monitor-lite answered an input with the wrong length */
	memcpy((void *)(uintptr_t)s->buf, rep.payload, len);
}

/* Copy what the args' guest addresses point to into the payload. */
static uint32_t marshal(unsigned nr, const void *args)
{
	uint32_t n = 0;

	if (nr == IK_HC_CONSOLE) {
		const struct ik_hc_console *c = args;
		n = put_payload(0, (const char *)(uintptr_t)c->buf, c->len);
	} else if (nr == IK_HC_PANIC) {
		const struct ik_hc_panic *p = args;
		n = put_payload(0, (const char *)(uintptr_t)p->msg, p->len > IK_PANIC_MAX ? IK_PANIC_MAX : p->len);
		if (p->file)
			n = put_payload(n, (const char *)(uintptr_t)p->file,
					strnlen((const char *)(uintptr_t)p->file, 255) + 1);
	} else if (nr == IK_HC_PIO_STRING) {
		n = put_string_out(0, args);
	} else if (nr == IK_HC_PIO_BATCH) {
		const struct ik_hc_pio_batch *b = args;
		n = put_payload(0, (const char *)(uintptr_t)b->writes,
				(uint64_t)b->count * sizeof(struct ik_pio_write));
		n = put_string_out(n, &b->then);
	} else if (nr == IK_HC_IO_BATCH) {
		const struct ik_hc_io_batch *b = args;
		n = put_payload(0, (const char *)(uintptr_t)b->writes,
				(uint64_t)b->count * sizeof(struct ik_io_write));
		n = put_string_out(n, &b->then);
	} else if (nr == IK_HC_WAIT) {
		const struct ik_hc_wait *w = args;
		n = put_payload(0, (const char *)(uintptr_t)w->writes,
				(uint64_t)w->count * sizeof(struct ik_io_write));
	} else if (nr == IK_HC_DMA_MAP) {
		const struct ik_hc_dma_map *d = args;
		n = put_payload(0, (const char *)(uintptr_t)d->ranges,
				(uint64_t)d->count * sizeof(struct ik_dma_range));
	} else if (nr == IK_HC_REGISTER_NODE) {
		const struct ik_hc_register_node *r = args;
		const char *name = (const char *)(uintptr_t)r->name;
		n = put_payload(0, name, strnlen(name, IK_NAME_MAX) + 1);
	}
	return n;
}

/* Sleep until the kick eventfd fires or the timeout passes; the events are fetched later. */
static void idle_sleep(uint64_t timeout_ns)
{
	struct pollfd_ fds[2] = { { fd_kick, POLLIN, 0 }, { fd_ctl, 0, 0 } };
	struct timespec_ ts = { (long)(timeout_ns / 1000000000ull), (long)(timeout_ns % 1000000000ull) };
	uint64_t drain;

	sys6(SYS_ppoll, (long)fds, 2, timeout_ns == IK_WAIT_FOREVER ? 0 : (long)&ts, 0, 8, 0);
	if (fds[1].revents & POLLHUP)
		die(70);
	if (fds[0].revents & POLLIN)
		sys3(SYS_read, fd_kick, &drain, sizeof(drain));
}

static uintptr_t chan_base(unsigned ch)
{
	return (uintptr_t)(IK_GPA_CHAN_BASE + (uint64_t)ch * IK_CHAN_STRIDE);
}

/* A driver process owns its address space; in the caller's, never replace a mapping. */
#ifdef IK_PLATFORM_INPROC
#define CHAN_MAP_FIXED MAP_FIXED_NOREPLACE
#else
#define CHAN_MAP_FIXED MAP_FIXED
#endif

/* Map each newly opened channel where the VM would see it; remember its doorbell fd. */
static void attach_channels(uint64_t opened)
{
	unsigned k = 0;

	for (unsigned ch = 0; ch < IK_MAX_CHANNELS; ch++) {
		if (!(opened & (1ull << ch)))
			continue;
		if (k + 2 > rx_nfds)
			die(71);
		if (!map(chan_base(ch), IK_CHAN_STRIDE, PROT_READ | PROT_WRITE, MAP_SHARED | CHAN_MAP_FIXED,
			 rx_fds[k], 0))
			die(72);
		sys3(SYS_close, rx_fds[k], 0, 0);
		if (done_fds[ch] >= 0)
			sys3(SYS_close, done_fds[ch], 0, 0);
		done_fds[ch] = rx_fds[k + 1];
		k += 2;
	}
}

static void detach_channel(unsigned ch)
{
	if (ch >= IK_MAX_CHANNELS)
		return;
	sys3(SYS_munmap, chan_base(ch), IK_CHAN_STRIDE, 0);
	if (done_fds[ch] >= 0)
		sys3(SYS_close, done_fds[ch], 0, 0);
	done_fds[ch] = -1;
}

void ik_hypercall(unsigned nr, void *args)
{
	uint32_t asz = args_size(nr);

	if (nr != IK_HC_IO_BATCH)
		ik_posted_send_all(); /* posted writes first, as their own request */
	if (nr == IK_HC_WAIT && ((struct ik_hc_wait *)args)->timeout_ns) {
		struct ik_hc_wait *w = args;
		uint64_t timeout = w->timeout_ns;

		if (w->count) { /* its writes go as a fetch: the sleep is ours, after them */
			w->timeout_ns = 0;
			ik_hypercall(IK_HC_WAIT, w);
			w->timeout_ns = timeout;
			if (w->irqs || w->chan_opened || w->chan_closing)
				return; /* events: no sleep (a line the writes raised also kicked us) */
		}
		idle_sleep(timeout);
		w->irqs = w->chan_opened = w->chan_closing = 0;
		return;
	}
	if (nr == IK_HC_CHAN_RELEASED)
		detach_channel(((struct ik_hc_chan *)args)->chan);
	req.nr = nr;
	req.version = IK_PROC_ABI_VERSION;
	memset(req.args, 0, sizeof(req.args));
	memcpy(req.args, args, asz);
	req.payload_len = marshal(nr, args);
	ctl_send((uint32_t)__builtin_offsetof(struct ik_proc_msg, payload) + req.payload_len);
	ctl_recv();
	if (rep.status)
		die(73);
	memcpy(args, rep.args, asz);
	if (nr == IK_HC_PIO_STRING)
		take_string_in(args);
	else if (nr == IK_HC_PIO_BATCH)
		take_string_in(&((struct ik_hc_pio_batch *)args)->then);
	else if (nr == IK_HC_IO_BATCH)
		take_string_in(&((struct ik_hc_io_batch *)args)->then);
	if (nr == IK_HC_WAIT)
		attach_channels(((struct ik_hc_wait *)args)->chan_opened);
}

void ik_plat_doorbell(unsigned ch)
{
	uint64_t one = 1;

	if (ch < IK_MAX_CHANNELS && done_fds[ch] >= 0)
		sys3(SYS_write, done_fds[ch], &one, sizeof(one));
}

/* ---- port I/O ------------------------------------------------------------------------------- */

/* A write to a granted port is posted (pio_post.c); a read of a port with a read shadow is
 * answered from it while no port write is held; a read goes with the held writes. Any
 * other access is its own request, after them (ik_hypercall sends them first). */
static uint32_t pio(uint16_t port, uint8_t size, bool write, uint32_t value)
{
	struct ik_proc_pio p = { .port = port, .size = size, .write = write, .value = value };
	uint32_t v = 0;

	if (write) {
		ik_dma_before_device_write();
		if (ik_pio_post(port, size, value))
			return 0;
	} else if (ik_port_shadow_read(port, size, &v) || /* no request (mmio_shadow.c) */
		   ik_pio_posted_then(port, size, false, &v, 1)) {
		return v;
	}
	ik_hypercall(IK_PROC_HC_PIO, &p);
	return p.value;
}

uint8_t ik_inb(uint16_t port) { return (uint8_t)pio(port, 1, false, 0); }
uint16_t ik_inw(uint16_t port) { return (uint16_t)pio(port, 2, false, 0); }
uint32_t ik_inl(uint16_t port) { return pio(port, 4, false, 0); }
void ik_outb(uint8_t v, uint16_t port) { pio(port, 1, true, v); }
void ik_outw(uint16_t v, uint16_t port) { pio(port, 2, true, v); }
void ik_outl(uint32_t v, uint16_t port) { pio(port, 4, true, v); }

/* Device MMIO: the IK_PROC_HC_MMIO request, at the addresses a VM would use. Writes inside the
 * driver's windows are posted (pio_post.c); a read goes in the same request as the held
 * writes. Any other access is its own request, after them. */
uint64_t ik_mmio_read(const volatile void *addr, unsigned size)
{
	struct ik_proc_mmio m = { .addr = (uint64_t)(uintptr_t)addr, .size = (uint8_t)size };
	uint64_t v;

	if (ik_mmio_shadow_read(m.addr, size, &v)) /* no exit */
		return v;
	if (ik_mmio_posted_read(m.addr, size, &v))
		return v;
	ik_hypercall(IK_PROC_HC_MMIO, &m);
	return m.value;
}

void ik_mmio_write(volatile void *addr, unsigned size, uint64_t value)
{
	struct ik_proc_mmio m = { .addr = (uint64_t)(uintptr_t)addr, .value = value,
				  .size = (uint8_t)size, .write = 1 };

	ik_dma_before_device_write();
	if (ik_mmio_post(m.addr, size, value))
		return;
	ik_hypercall(IK_PROC_HC_MMIO, &m);
}

/* ---- start ----------------------------------------------------------------------------------- */

/* Map guest RAM with a guard page under every stack, like the VM's page tables. */
static void map_ram(const struct ik_bootinfo *bi)
{
	/* The boot memfd's RAM part, shared with the monitor-lite: its devices' DMA lands here. */
	if (bi->mem_size < IK_MEM_MIN || bi->mem_size > IK_MEM_MAX ||
	    !map(IK_PROC_RAM_BASE, bi->mem_size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED_NOREPLACE, fd_boot, IK_PROC_RAM_OFFSET))
		die(75);
	for (unsigned i = 0; i < bi->stack_count; i++) {
		uint64_t guard = bi->stack_base - IK_GUARD_SIZE + (uint64_t)i * IK_STACK_STRIDE;

		if (guard < IK_PROC_RAM_BASE || guard + IK_GUARD_SIZE > IK_PROC_RAM_BASE + bi->mem_size)
			die(75);
		sys3(SYS_mprotect, guard, IK_GUARD_SIZE, PROT_NONE);
	}
}

/* Maps guest RAM and the boot info; returns the top of stack 0. */
static uint64_t setup(void)
{
	const struct ik_bootinfo *bi = map(0, IK_PAGE_SIZE, PROT_READ, MAP_SHARED, fd_boot, 0);

	ik_plat_events = map(0, IK_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd_boot,
			     IK_PAGE_SIZE);
	if (!bi || !ik_plat_events)
		die(75);
	ik_plat_bootinfo = bi;
	for (unsigned i = 0; i < IK_MAX_CHANNELS; i++)
		done_fds[i] = -1;
	map_ram(bi);
	sys3(SYS_close, fd_boot, 0, 0);
	return bi->stack_base + IK_STACK_SIZE;
}

#ifndef IK_PLATFORM_INPROC
/* Called by _start (platform_proc_start.S) on the Linux stack, already jailed by the
 * monitor-lite; then the runtime runs on stack 0. */
uint64_t ik_proc_setup(void);
uint64_t ik_proc_setup(void)
{
	return setup();
}
#else
/*
 * isolation=inproc: the same runtime on a thread of the caller (src/monitor/process/proc.c), the
 * baseline without isolation. No jail: a seccomp filter would bind the whole caller. Runs the
 * runtime on stack 0 like everywhere else; returns (through die()) when the monitor-lite
 * closed the socket.
 */
void ik_inproc_main(int ctl, int kick, int boot) __attribute__((noinline));
void ik_inproc_main(int ctl, int kick, int boot)
{
	uint64_t top;

	if (__builtin_setjmp(inproc_exit))
		return;
	fd_ctl = ctl, fd_kick = kick, fd_boot = boot;
	top = setup() & ~15ull;
	__asm__ volatile("movq %0, %%rsp\n\tcall ik_rt_main\n\tud2" : : "r"(top) : "memory");
	__builtin_unreachable();
}
#endif
