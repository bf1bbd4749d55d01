/* SPDX-License-Identifier: MIT */
/*
 * The guest runtime's own API (freestanding, CPL3, single vCPU, cooperative threads).
 * The Linux compat layer (guest/compat/include/linux/...) is written on top of this and only
 * this; drivers never include it directly. Functions return 0 or -errno unless stated.
 *
 * Concurrency model: one vCPU, cooperative threads. A thread runs until it blocks (wait queue,
 * sleep, yield) or finishes; nothing preempts it, so code between two blocking points is atomic
 * with respect to other threads, timers and interrupt handlers (which run from the scheduler,
 * never in the middle of a thread).
 */
#ifndef IK_RT_H
#define IK_RT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ikernel/abi.h"

/* ---- boot info, hypercalls ---------------------------------------------------------------- */

const struct ik_bootinfo *ik_bootinfo(void);

/* Issue hypercall `nr` with `args` (which must live in writable guest memory). */
void ik_hypercall(unsigned nr, void *args);

_Noreturn void ik_exit(int64_t code);
_Noreturn void ik_panic_at(unsigned kind, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- console ------------------------------------------------------------------------------ */

/* Formatted output into a buffer: %d %i %u %x %X %o %p %s %c %% with l/ll/z/h/hh, width,
 * precision, '-', '0', '+', ' ', '#'; %pS is not supported. Returns the would-be length. */
int ik_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ik_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Write to the monitor log (one IK_HC_CONSOLE per line; the monitor prefixes the driver name). */
void ik_console_write(const char *s, size_t len);
int ik_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ik_vprintf(const char *fmt, va_list ap);

/* ---- memory ------------------------------------------------------------------------------- */

void *ik_malloc(size_t size); /* 16-byte aligned; NULL when the heap is exhausted */
void *ik_zalloc(size_t size);
void *ik_realloc(void *p, size_t size);
void ik_free(void *p);
size_t ik_heap_free_bytes(void);

/* freestanding libc subset (the compiler may also emit calls to these) */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);
char *strncpy(char *dst, const char *src, size_t n);
char *strcpy(char *dst, const char *src);
char *strcat(char *dst, const char *src);
unsigned long ik_strtoul(const char *s, char **end, int base);
long ik_strtol(const char *s, char **end, int base);

/* ---- time ---------------------------------------------------------------------------------- */

uint64_t ik_rdtsc(void);
uint64_t ik_now_ns(void);       /* nanoseconds since boot, from the TSC */
void ik_delay_ns(uint64_t ns);  /* busy-wait (udelay/ndelay): does not yield */

/* ---- threads ------------------------------------------------------------------------------- */

struct ik_thread;

/* Start fn(arg) on a new thread (stack from the monitor's stack area). NULL when none free. */
struct ik_thread *ik_thread_spawn(void (*fn)(void *), void *arg, const char *name);
struct ik_thread *ik_current(void);
const char *ik_thread_name(const struct ik_thread *t);
void ik_yield(void); /* let every other runnable thread run once */
/* Tell the monitor's hang detector that this thread makes progress (long busy loops only). */
void ik_heartbeat(void);

/* Per-thread "signal" (request cancelled): makes interruptible sleeps return -EINTR. */
bool ik_signal_pending(void);
void ik_thread_interrupt(struct ik_thread *t); /* set the flag and wake t if it sleeps */

/* Per-thread pointer for the compat layer (e.g. the user-copy window of the current request). */
void *ik_thread_data(void);
void ik_thread_set_data(void *p);

/* ---- wait queues --------------------------------------------------------------------------- */

struct ik_waiter {
	struct ik_thread *thread;
	struct ik_waiter *next, *prev;
	bool woken;
};

struct ik_waitq {
	struct ik_waiter *head, *tail;
};

#define IK_WAITQ_INIT {0, 0}

/*
 * Semantics (runtime): a wake dequeues the waiters it wakes (sets w->woken) and makes their
 * threads runnable. ik_waitq_add may be called again on a waiter that is still queued (it
 * only re-arms it: woken = false), so the usual loop is
 *     for (;;) { ik_waitq_add(q, &w); if (cond) break; ik_sleep_until(...); }
 *     ik_waitq_remove(q, &w);
 * A wake that hits a thread before it sleeps makes its next ik_sleep_until return 0 at once,
 * so no wakeup is lost between the check and the sleep. Waiters need no initialisation.
 */
void ik_waitq_init(struct ik_waitq *q);
void ik_waitq_add(struct ik_waitq *q, struct ik_waiter *w);    /* w->thread = current */
void ik_waitq_remove(struct ik_waitq *q, struct ik_waiter *w); /* no-op if not queued */
/* Wake up to n waiters (n = 0: all). Returns how many were woken. Safe from timers and irqs. */
int ik_waitq_wake(struct ik_waitq *q, int n);

/*
 * Block the current thread until woken (ik_waitq_wake / ik_thread_interrupt when
 * interruptible) or until the absolute deadline ik_now_ns() >= deadline_ns
 * (IK_WAIT_FOREVER: none). Returns 0 when woken, -ETIMEDOUT at the deadline, -EINTR when
 * interruptible and a signal is pending. The caller re-checks its condition.
 */
int ik_sleep_until(uint64_t deadline_ns, bool interruptible);

/* Sleep for ns nanoseconds (yields). Returns 0, or -EINTR if interruptible and interrupted. */
int ik_sleep_ns(uint64_t ns, bool interruptible);

/* ---- timers (callbacks run on the scheduler thread, never inside another thread) ----------- */

struct ik_timer {
	uint64_t expires_ns; /* absolute, ik_now_ns() clock */
	void (*fn)(struct ik_timer *t);
	struct ik_timer *next;
	bool pending;
};

void ik_timer_arm(struct ik_timer *t, uint64_t expires_ns); /* re-arms if pending */
bool ik_timer_cancel(struct ik_timer *t);                    /* true if it was pending */

/* ---- port I/O (through the monitor's port window: an MMIO exit per access) ----------------- */

uint8_t ik_inb(uint16_t port);
uint16_t ik_inw(uint16_t port);
uint32_t ik_inl(uint16_t port);
void ik_outb(uint8_t v, uint16_t port);
void ik_outw(uint16_t v, uint16_t port);
void ik_outl(uint32_t v, uint16_t port);
/* `count` accesses of `size` (1, 2, 4) bytes to one port, values from/into buf in order (x86
 * `rep outs`/`rep ins`): one request per IK_PIO_STRING_MAX bytes (IK_FEAT_PIO_STRING). */
void ik_pio_string(uint16_t port, unsigned size, bool write, void *buf, unsigned long count);
/* Writes to granted ports and device MMIO windows are posted (IK_FEAT_IO_BATCH): held and sent
 * in order as one request before anything could observe them (reads, strings, hypercalls,
 * delays, cpu_relax, barriers, a thread switch, a completion; guest/runtime/pio_post.c has the
 * list). Send them now: for a wait the runtime does not know of. */
void ik_pio_flush(void);
/* The same, except that writes all to lazy registers (IK_FEAT_MMIO_SHADOW: the device model
 * says delaying them only makes the device act later) stay held until the scheduler's next
 * pass or the next flush point of the list: for ordering points that do not wait on the
 * device (dma_rmb). */
void ik_pio_flush_unless_lazy_writes(void);

/* ---- device MMIO and DMA ------------------------------------------------------------------- */

/* One access of `size` (1, 2, 4, 8) bytes at addr in the device MMIO hole (IK_GPA_DEVMMIO..):
 * an exit into the monitor's model in a VM, an IK_PROC_HC_MMIO request in a process. A write
 * of at most 4 bytes inside a granted window is posted (ik_pio_flush above). */
uint64_t ik_mmio_read(const volatile void *addr, unsigned size);
void ik_mmio_write(volatile void *addr, unsigned size, uint64_t value);
/* A DMA mapping made (map) or dropped, for a dma=strict device (IK_FEAT_DMA_STRICT; nothing
 * otherwise): queued, sent before the next device write (or ik_dma_flush()); with posted
 * writes (IK_FEAT_IO_BATCH), held in their queue in order instead (ik_pio_flush()). */
void ik_dma_report(uint64_t addr, uint64_t len, bool map);
void ik_dma_flush(void);

/* ---- interrupts ---------------------------------------------------------------------------- */

/* Handler for paravirtual line `line` (< 64); runs on the scheduler thread when the monitor
 * raised the line. Returns -EBUSY if the line has a handler already. */
int ik_irq_register(unsigned line, int (*handler)(unsigned line, void *ctx), void *ctx);
void ik_irq_unregister(unsigned line);

/* ---- device nodes and the guest stub -------------------------------------------------------- */

/*
 * A device node served to clients. The compat layer fills one in for every misc device or
 * char device it registers, and routes the calls to the driver's file_operations.
 * `open` returns a per-file cookie (the compat layer's struct file *) or an ERR_PTR-style
 * negative errno cast to a pointer (ik_is_err()).
 * The stub guarantees: calls on one file never come after its release; `user` is the buffer
 * of the request (for read/write/ioctl) and user copies are bounded to [user, user + len).
 */
struct ik_node_ops {
	void *(*open)(void *node_ctx, uint32_t flags);
	int (*release)(void *file);
	int64_t (*read)(void *file, void *user, uint64_t len, uint64_t *pos);
	int64_t (*write)(void *file, const void *user, uint64_t len, uint64_t *pos);
	int64_t (*llseek)(void *file, int64_t off, int whence, uint64_t *pos);
	int64_t (*ioctl)(void *file, uint32_t cmd, uint64_t arg);
	/* Return the ready mask now; register on wait queues through `pt` (see ik_poll_wait). */
	uint32_t (*poll)(void *file, void *pt);
};

/* Register node `name` (sent to the monitor with IK_HC_REGISTER_NODE). Returns the node id, or
 * -EINVAL for a name outside include/ikernel/names.h's rule, -EBUSY for a name taken or once
 * the driver is ready (its nodes are the ones it announced by then; the monitor ends a driver
 * that registers one later), -ENOSPC. */
int ik_node_register(const char *name, uint32_t minor, const struct ik_node_ops *ops, void *ctx);
void ik_node_unregister(int node);

/* Used by the compat poll_wait(): put the polling thread on `q` until the poll completes. */
void ik_poll_wait(void *pt, struct ik_waitq *q);

/* The user-copy window of the current request: [base, base + len). Outside: -EFAULT. */
struct ik_user_window {
	uintptr_t base;
	uint64_t len;
};
const struct ik_user_window *ik_user_window(void);

/* true if [p, p + n) lies in the current request's user window */
bool ik_user_range_ok(const void *p, uint64_t n);

/* ---- module support ------------------------------------------------------------------------ */

/* Module init/exit tables, filled by the compat layer's module_init/module_exit through the
 * ".ik_initcalls" / ".ik_exitcalls" sections (entries of struct ik_initcall). The runtime runs
 * every init in link order, and at shutdown the exits of those whose init returned 0. */
struct ik_initcall {
	int (*init)(void);
	void (*exit)(void);
	const char *name;
};

/*
 * Place a registration entry in one of the tables: `static const struct ik_initcall x
 * IK_REGISTRATION(".ik_initcalls") = {...};`. The explicit alignment matters: gcc otherwise
 * aligns objects of 16 bytes or more to 16, leaving holes that break the table walk. The
 * linker script provides __start_ik_initcalls/__stop_ik_initcalls (and _ik_exitcalls,
 * _ik_params). An entry in .ik_exitcalls ({NULL, exit, name}) is run at shutdown unless the
 * .ik_initcalls entry with the same name failed; an init that fails is logged
 * "module NAME: init failed: -ERR".
 */
#define IK_REGISTRATION(sec) __attribute__((used, section(sec), aligned(sizeof(void *))))

/* Module parameters from the boot info, "key=value" words. Returns the value (NUL-terminated
 * in a static buffer) or NULL when absent. */
const char *ik_param(const char *key);

/* The compat layer defines this (weak): called once before the first module init, e.g. to
 * apply module parameters from the boot info. */
void ik_compat_init(void) __attribute__((weak));

/* The compat layer may define this (weak): called once at an orderly shutdown, before the module
 * exits run (e.g. to call reboot notifiers with SYS_HALT, as Linux does at power-off). */
void ik_compat_shutdown(void) __attribute__((weak));

/* Guest test programs define this; the runtime calls it (on its own thread) after module init
 * and exits the VM with its return value. */
int ik_guest_test(void) __attribute__((weak));

#define GUEST_ASSERT(cond)                                                                      \
	do {                                                                                    \
		if (!(cond))                                                                    \
			ik_panic_at(IK_PANIC_ASSERT, __FILE__, __LINE__, "assertion failed: %s",  \
				    #cond);                                                     \
	} while (0)

static inline bool ik_is_err(const void *p)
{
	return (uintptr_t)p >= (uintptr_t)-4095;
}

#endif /* IK_RT_H */
