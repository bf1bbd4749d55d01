/* SPDX-License-Identifier: MIT */
/*
 * Guest-side fault injection (docs/RELIABILITY.md): the monitor arms a fault by writing its
 * class into the event page (ik_events.fault, abi.h); the hooks here fire it in the context
 * the class needs: at the next driver call (on its worker thread, just before the driver's
 * file operation), at the next allocation, or at the next interrupt. The hooks live in the
 * runtime, so they reach unmodified Linux drivers too. Each fault does what the bug it stands
 * for would do; detection is left to the ordinary mechanisms (exceptions, heap canaries,
 * BUG/panic, the hang watchdog, the client's request deadlines).
 */
#include "internal.h"

static unsigned alloc_failures_left;
static const uint32_t ro_word = 0x600dc0deu; /* .rodata target of write-ro */
static uint8_t data_code[16] = {0xc3};       /* .data target of exec-data ("ret") */

/* Take the armed fault (once): its class, or IK_FAULT_NONE. */
static uint64_t take(uint64_t *arg, bool irq_context)
{
	volatile struct ik_events *ev = IK_EVENTS_PTR;
	uint64_t cls = __atomic_load_n(&ev->fault, __ATOMIC_ACQUIRE);
	bool irq_class = cls == IK_FAULT_IRQ_DROP || cls == IK_FAULT_IRQ_SPURIOUS;

	if (cls == IK_FAULT_NONE || cls >= IK_FAULT__COUNT || irq_class != irq_context)
		return IK_FAULT_NONE;
	*arg = ev->fault_arg;
	__atomic_store_n(&ev->fault, 0, __ATOMIC_RELEASE);
	return cls;
}

static void fault_log(const char *what)
{
	ik_printf("fault injection: %s\n", what);
}

/* Deep enough to run through any 16 KiB stack into its guard page (the limit only keeps the
 * compiler from calling the recursion infinite). */
__attribute__((noinline)) static unsigned recurse(unsigned depth)
{
	volatile uint8_t frame[512];

	frame[0] = (uint8_t)depth;
	if (depth > 1000000)
		return frame[0];
	return recurse(depth + 1) + frame[0]; /* not a tail call: every level keeps its frame */
}

__attribute__((noinline)) static void smash_return_address(uint64_t arg)
{
	/* volatile: a plain store to this frame's own return slot is dead to the compiler (the
	 * frame ends right after it), and gcc -O2 drops it, leaving the fault a no-op. */
	volatile uint64_t *fp = __builtin_frame_address(0);

	fp[1] = 0xdead000000000000ull | (arg & 0xffff); /* the saved return address */
}

/* Flip one bit in the live stack above this frame (the callers' frames and saved registers). */
__attribute__((noinline)) static void flip_stack_bit(uint64_t arg)
{
	uint8_t *fp = __builtin_frame_address(0);
	unsigned off = 16u + (unsigned)(arg % 256u);

	fp[off] ^= (uint8_t)(1u << ((arg >> 8) % 8u));
}

struct node {
	struct node *next, *prev;
};

/* list_del with CONFIG_DEBUG_LIST's checks, on an entry whose neighbour was corrupted. */
static void list_corruption(uint64_t arg)
{
	struct node head, a, b;

	head.next = &a; a.prev = &head; a.next = &b; b.prev = &a; b.next = &head; head.prev = &b;
	b.prev = (struct node *)(uintptr_t)(0xdead4ead00000000ull | (arg & 0xffff));
	if (a.next->prev != &a || a.prev->next != &a)
		ik_panic_at(IK_PANIC_BUG, __FILE__, __LINE__,
			    "list_del corruption: next->prev should be %p, but was %p", (void *)&a,
			    (void *)a.next->prev);
	a.prev->next = a.next;
	a.next->prev = a.prev;
}

static void use_after_free(void)
{
	uint64_t *p = ik_malloc(64);

	if (!p)
		return;
	ik_free(p);
	for (unsigned i = 0; i < 8; i++)
		p[i - 2] = 0x6b6b6b6b6b6b6b6bull; /* the freed block's header and link, as a UAF does */
	ik_free(ik_malloc(64)); /* the heap trips over it */
}

static void double_free(void)
{
	void *p = ik_malloc(32);

	ik_free(p);
	ik_free(p);
}

static void copy_overrun(uint64_t arg)
{
	uint8_t *p = ik_malloc(32), *q = ik_malloc(32);

	if (!p || !q)
		return;
	memset(p, 0xa5, 32 + 16 + (arg % 32)); /* through the next block's header */
	ik_free(q);
	ik_free(p);
}

static void leak(void)
{
	unsigned n = 0;

	while (ik_malloc(4096))
		n++;
	ik_printf("fault injection: leaked %u pages; heap exhausted (%lu bytes free)\n", n,
		  (unsigned long)ik_heap_free_bytes());
}

/* Sleep forever, not interruptibly: a lock never released, a completion never signalled. */
static void never_return(void)
{
	for (;;)
		ik_sleep_until(IK_WAIT_FOREVER, false);
}

static void jump_to(const void *p)
{
	void (*fn)(void) = (void (*)(void))(uintptr_t)p;

	fn();
}

static void console_flood(void)
{
	for (unsigned i = 0; i < 20000; i++) {
		ik_printf("fault injection: console flood line %u\n", i);
		if (i % 64 == 0)
			ik_yield();
	}
}

static void wild_write(uint64_t arg)
{
	uint64_t mem = ik_bootinfo()->mem_size;
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)((arg >> 3) % mem);

	*p ^= (uint8_t)(1u << (arg % 8u));
}

static void fire_call_fault(uint64_t cls, uint64_t arg)
{
	uint8_t stack_code[16] = {0xc3};
	volatile uint32_t *ro = (volatile uint32_t *)&ro_word;

	switch (cls) {
	case IK_FAULT_PANIC:
		ik_panic_at(IK_PANIC_PANIC, __FILE__, __LINE__, "injected fault: panic");
	case IK_FAULT_BUG:
		ik_panic_at(IK_PANIC_BUG, __FILE__, __LINE__, "injected fault: BUG");
	case IK_FAULT_WARNING:
		ik_printf("WARNING: injected fault at %s:%d\n", __FILE__, __LINE__);
		return;
	case IK_FAULT_EXCEPTION:
		__builtin_trap();
	case IK_FAULT_NULL:
		*(volatile uint64_t *)(uintptr_t)(arg % 64 * 8) = 1;
		return;
	case IK_FAULT_LOOP:
		for (;;)
			__asm__ volatile("pause");
	case IK_FAULT_SOFTLOCKUP:
		ik_delay_ns(60ull * 1000000000ull);
		return;
	case IK_FAULT_STACK_EXHAUST:
		recurse(0);
		return;
	case IK_FAULT_STACK_CORRUPT:
		smash_return_address(arg);
		return;
	case IK_FAULT_STACK_FLIP:
		flip_stack_bit(arg);
		return;
	case IK_FAULT_LIST_CORRUPT:
		list_corruption(arg);
		return;
	case IK_FAULT_UAF:
		use_after_free();
		return;
	case IK_FAULT_DOUBLE_FREE:
		double_free();
		return;
	case IK_FAULT_EXEC_DATA:
		jump_to(data_code);
		return;
	case IK_FAULT_EXEC_STACK:
		jump_to(stack_code);
		return;
	case IK_FAULT_EXEC_HEAP: {
		uint8_t *p = ik_malloc(16);
		if (p) {
			p[0] = 0xc3;
			jump_to(p);
		}
		return;
	}
	case IK_FAULT_WRITE_RO:
		*ro = 0;
		return;
	case IK_FAULT_WRITE_CODE:
		*(volatile uint8_t *)(uintptr_t)&ik_fault_alloc_fails = 0xcc;
		return;
	case IK_FAULT_UNALIGNED: {
		uint8_t buf[16];
		volatile uint32_t *u = (volatile uint32_t *)(uintptr_t)(buf + 1);
		*u = *u + 1; /* x86 without CR0.AM/EFLAGS.AC: no fault, as on Linux */
		return;
	}
	case IK_FAULT_COPY_OVERRUN:
		copy_overrun(arg);
		return;
	case IK_FAULT_ALLOC_FAIL:
		alloc_failures_left = 1 + (unsigned)(arg % 4);
		return;
	case IK_FAULT_LEAK:
		leak();
		return;
	case IK_FAULT_LOCK:
	case IK_FAULT_HANG_REQUEST:
		never_return();
		return;
	case IK_FAULT_CONSOLE_FLOOD:
		console_flood();
		return;
	case IK_FAULT_WILD_WRITE:
		wild_write(arg);
		return;
	default:
		return;
	}
}

void ik_fault_call_hook(void)
{
	uint64_t arg = 0, cls = take(&arg, false);

	if (cls == IK_FAULT_NONE)
		return;
	fault_log("firing an injected fault in this driver call");
	fire_call_fault(cls, arg);
}

bool ik_fault_alloc_fails(void)
{
	if (alloc_failures_left == 0)
		return false;
	alloc_failures_left--;
	return true;
}

uint64_t ik_fault_irq_hook(uint64_t lines)
{
	uint64_t arg = 0, cls = take(&arg, true);

	if (cls == IK_FAULT_IRQ_DROP) {
		fault_log("interrupt lost");
		return 0;
	}
	if (cls == IK_FAULT_IRQ_SPURIOUS) {
		fault_log("spurious interrupts");
		return lines | (arg | 1);
	}
	return lines;
}
