/* SPDX-License-Identifier: MIT */
/*
 * Boot: validate the boot info, bring up heap, time and threads, then hand over to the
 * scheduler loop on stack 0. Module init runs on its own thread ("init") so that a driver may
 * sleep in its init (msleep, waiting for an interrupt) while the scheduler keeps timers and
 * interrupts going.
 */
#include "internal.h"

extern const struct ik_initcall __start_ik_initcalls[], __stop_ik_initcalls[];
extern const struct ik_initcall __start_ik_exitcalls[], __stop_ik_exitcalls[];

#define MAX_INITCALLS 256u
static int init_result[MAX_INITCALLS]; /* per .ik_initcalls entry, for shutdown */

static size_t table_len(const struct ik_initcall *start, const struct ik_initcall *stop, const char *sec)
{
	size_t bytes = (size_t)((const char *)stop - (const char *)start);

	/* Entries placed without aligned(8) get padded to 16 bytes by gcc and the table can no
	 * longer be walked: say so instead of calling garbage. */
	if (bytes % sizeof(struct ik_initcall))
		ik_panic_at(IK_PANIC_BUG, __FILE__, __LINE__,
			    "%s: %zu bytes is not a whole number of entries (place them with IK_REGISTRATION)",
			    sec, bytes);
	return bytes / sizeof(struct ik_initcall);
}

static const char *module_name(const struct ik_initcall *c)
{
	return c->name ? c->name : "?";
}

static void run_initcalls(void)
{
	size_t n = table_len(__start_ik_initcalls, __stop_ik_initcalls, ".ik_initcalls");

	if (n > MAX_INITCALLS)
		ik_panic_at(IK_PANIC_BUG, __FILE__, __LINE__, "%zu module inits, at most %u", n, MAX_INITCALLS);
	for (size_t i = 0; i < n; i++) {
		const struct ik_initcall *c = &__start_ik_initcalls[i];
		int r = c->init ? c->init() : 0;

		init_result[i] = r;
		if (r)
			ik_printf("module %s: init failed: %d\n", module_name(c), r);
	}
}

/* Did the module called `name` fail its init? (exit entries come without the init) */
static bool init_failed(const char *name)
{
	size_t n = table_len(__start_ik_initcalls, __stop_ik_initcalls, ".ik_initcalls");

	for (size_t i = 0; i < n && i < MAX_INITCALLS; i++) {
		const char *iname = __start_ik_initcalls[i].name;

		if (init_result[i] && iname && name && strcmp(iname, name) == 0)
			return true;
	}
	return false;
}

/* Shutdown: exits in reverse order, only for modules whose init succeeded. */
static void run_exitcalls(void)
{
	size_t n = table_len(__start_ik_exitcalls, __stop_ik_exitcalls, ".ik_exitcalls");
	size_t ni = table_len(__start_ik_initcalls, __stop_ik_initcalls, ".ik_initcalls");

	while (n--) {
		const struct ik_initcall *c = &__start_ik_exitcalls[n];

		if (c->exit && !init_failed(c->name))
			c->exit();
	}
	while (ni--) {
		const struct ik_initcall *c = &__start_ik_initcalls[ni];

		if (c->exit && ni < MAX_INITCALLS && init_result[ni] == 0)
			c->exit();
	}
}

static void init_thread(void *arg)
{
	struct ik_hc_ready ready = { 0 };
	int code;

	(void)arg;
	if (ik_compat_init)
		ik_compat_init();
	run_initcalls();
	ready.nodes = ik_stub_nodes_announce();
	ik_hypercall(IK_HC_READY, &ready);
	if (!ik_guest_test)
		return; /* a driver: from now on the scheduler serves the rings */
	code = ik_guest_test();
	if (ik_compat_shutdown)
		ik_compat_shutdown();
	run_exitcalls();
	ik_exit(code);
}

static void check_bootinfo(const struct ik_bootinfo *bi)
{
	if (bi->magic != IK_BOOTINFO_MAGIC || bi->abi_version != IK_ABI_VERSION)
		ik_panic_at(IK_PANIC_PANIC, __FILE__, __LINE__,
			    "boot info: magic %#x abi %u, this image expects magic %#x abi %u",
			    bi->magic, bi->abi_version, IK_BOOTINFO_MAGIC, IK_ABI_VERSION);
	if (bi->tsc_khz == 0 || bi->tsc_khz > 100000000ull)
		ik_panic_at(IK_PANIC_PANIC, __FILE__, __LINE__, "boot info: bad tsc_khz %lu",
			    (unsigned long)bi->tsc_khz);
	if (bi->heap_end < bi->heap_start)
		ik_panic_at(IK_PANIC_PANIC, __FILE__, __LINE__, "boot info: heap [%#lx, %#lx)",
			    (unsigned long)bi->heap_start, (unsigned long)bi->heap_end);
}

_Noreturn void ik_rt_main(void)
{
	const struct ik_bootinfo *bi = ik_bootinfo();

	check_bootinfo(bi);
	ik_time_init(bi->tsc_khz);
	ik_heap_init(bi->heap_start, bi->heap_end);
	ik_threads_init(bi);
	ik_stub_init(bi);
	if (!ik_thread_spawn(init_thread, NULL, "init"))
		ik_panic_at(IK_PANIC_PANIC, __FILE__, __LINE__, "no stack for the init thread");
	ik_sched_loop();
}
