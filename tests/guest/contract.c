// SPDX-License-Identifier: MIT
/*
 * The driver-visible contract of the driver-host core (src/monitor/drvhost.c), one program
 * built for both isolation levels (contract.img for a VM, contract.proc for a process) and run
 * with the same expectations at both (meson.build: contract_tests, run_contract.sh). It asks
 * what a driver may ask, right or wrong, with raw hypercalls where the runtime would refuse
 * first. --param case=NAME picks what it does:
 *   before READY (its module init)   node_bad_char, node_dot, node_dash, node_long, node_clash,
 *                                    node_id, ready_count
 *   after READY (ik_guest_test)      ready_twice, node_late, node_late_rt, chan_free,
 *                                    chan_range, console_long, unknown, panic, flood, params,
 *                                    outflood (--param flood_ms=N: N ms of '\n'-only console
 *                                    writes and LED toggles on a parport at 0x378)
 *   default (node_ok)                registers node "contract0"; --param hold_ms=N keeps it
 *                                    served N ms before it exits 0
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include "guest_test.h"

#define NAME_FULL "abcdefghijklmnopqrstuvwxyzABCDEF" /* IK_NAME_MAX bytes, no NUL in them */

static char big[8192]; /* a console buffer longer than IK_CONSOLE_MAX */

static bool is_case(const char *name)
{
	const char *c = ik_param("case");

	return c && strcmp(c, name) == 0;
}

/* IK_HC_REGISTER_NODE as a driver may make it, past the runtime's own checks. */
static void raw_register(const char *name, uint32_t id)
{
	struct ik_hc_register_node hc = {.name = (uintptr_t)name, .node = id};

	ik_hypercall(IK_HC_REGISTER_NODE, &hc);
}

static void *c_open(void *ctx, uint32_t flags)
{
	(void)flags;
	return ctx;
}

static const struct ik_node_ops contract_ops = {.open = c_open};

static int contract_init(void)
{
	static char name_full[IK_NAME_MAX + 8] = NAME_FULL "xyz";

	if (is_case("node_bad_char")) {
		raw_register("../../etc/evil", 0);
	} else if (is_case("node_dot")) {
		raw_register(".hidden", 0);
	} else if (is_case("node_dash")) {
		raw_register("-rf", 0);
	} else if (is_case("node_long")) {
		raw_register(name_full, 0);
	} else if (is_case("node_clash")) {
		raw_register("twin", 0);
		raw_register("twin", 1);
	} else if (is_case("node_id")) {
		raw_register("far", IK_MAX_NODES);
	} else if (is_case("ready_count")) {
		raw_register("unannounced", 3); /* the runtime does not count it: READY says 0 */
	} else if (ik_node_register("contract0", 0, &contract_ops, NULL) < 0) {
		return -1;
	}
	return 0;
}
module_init(contract_init);

static void flood(void)
{
	char line[1025];

	memset(line, 'f', sizeof(line) - 2);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	/* 3 MiB at once: past the 1 MiB burst, far past 64 KiB/s */
	for (int i = 0; i < 3 * 1024; i++)
		ik_console_write(line, sizeof(line) - 1);
}

/* Everything a driver can make its host write, as fast as it can, for flood_ms: console
 * writes of newlines only (each a line of the host's) and LED board changes (each a line of
 * the parport model's). The host's output budget must bound what reaches its log. */
static void outflood(void)
{
	const char *p = ik_param("flood_ms");
	uint64_t ms = 0, end;

	for (; p && *p >= '0' && *p <= '9'; p++)
		ms = ms * 10 + (uint64_t)(*p - '0');
	struct ik_hc_console hc = {.buf = (uintptr_t)big, .len = IK_CONSOLE_MAX};

	memset(big, '\n', IK_CONSOLE_MAX);
	end = ik_now_ns() + ms * NS_PER_MS;
	for (unsigned i = 0; ik_now_ns() < end; i++) {
		ik_hypercall(IK_HC_CONSOLE, &hc); /* raw: the runtime sends no empty lines */
		for (unsigned j = 0; j < 64; j++) {
			ik_outb((uint8_t)(i * 64 + j), 0x378);
			ik_delay_ns(NS_PER_MS / 20); /* LED changes a person could see, not all at once */
		}
		ik_sleep_ns(NS_PER_MS / 4, false); /* a scheduler pass: busy, not hung */
	}
}

int ik_guest_test(void)
{
	const char *h = ik_param("hold_ms"); /* ik_param's buffer is reused: count it now */
	uint64_t hold_ms = 0;

	for (; h && *h >= '0' && *h <= '9'; h++)
		hold_ms = hold_ms * 10 + (uint64_t)(*h - '0');
	if (is_case("ready_twice")) {
		struct ik_hc_ready hc = {.nodes = 1};
		ik_hypercall(IK_HC_READY, &hc);
	} else if (is_case("node_late")) {
		raw_register("late0", 1);
	} else if (is_case("node_late_rt")) {
		/* the runtime refuses it itself: the driver goes on */
		GUEST_ASSERT_EQ(ik_node_register("late0", 1, &contract_ops, NULL), -EBUSY);
	} else if (is_case("chan_free")) {
		struct ik_hc_chan hc = {.chan = 3};
		ik_hypercall(IK_HC_CHAN_RELEASED, &hc);
	} else if (is_case("chan_range")) {
		struct ik_hc_chan hc = {.chan = IK_MAX_CHANNELS + 3};
		ik_hypercall(IK_HC_CHAN_RELEASED, &hc);
	} else if (is_case("console_long")) {
		struct ik_hc_console hc = {.buf = (uintptr_t)big, .len = IK_CONSOLE_MAX + 1};
		ik_hypercall(IK_HC_CONSOLE, &hc);
	} else if (is_case("unknown")) {
		struct ik_hc_exit hc = {.code = 0};
		ik_hypercall(42, &hc);
	} else if (is_case("panic")) {
		ik_panic_at(IK_PANIC_BUG, "contract.c", 77, "the contract's %s", "panic");
	} else if (is_case("flood")) {
		flood();
	} else if (is_case("outflood")) {
		outflood();
	} else if (is_case("params")) {
		/* the boot info's parameters, as given, whole (ik_dh_bootinfo) */
		GUEST_ASSERT_STR(ik_param("word"), "x1234567890");
		GUEST_ASSERT_STR(ik_bootinfo()->name, "contract");
	}
	if (hold_ms)
		ik_sleep_ns(hold_ms * NS_PER_MS, false);
	return 0;
}
