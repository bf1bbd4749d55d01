// SPDX-License-Identifier: MIT
/* module_param values come from --param before the module's init runs; unknown or invalid
 * values leave the defaults. Run with: count=42 name=hello verbose ports=0x10,0x20,30 bad=300 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include "guest_test.h"

static int count = 1;
module_param(count, int, 0444);
static char *name = "default";
module_param(name, charp, 0444);
static bool verbose;
module_param(verbose, bool, 0644);
static unsigned int ports[4];
static unsigned int nports;
module_param_array(ports, uint, &nports, 0444);
static int untouched = 7;
module_param(untouched, int, 0444);
static unsigned char bad = 3;
module_param(bad, byte, 0444);
static unsigned long io = 0x378;
module_param_hw_named(io_base, io, ulong, ioport, 0444);

static int count_seen_by_init;

static int __init params_init(void)
{
	count_seen_by_init = count;
	return 0;
}
module_init(params_init);

int ik_guest_test(void)
{
	GUEST_ASSERT_EQ(count_seen_by_init, 42);
	GUEST_ASSERT_EQ(count, 42);
	GUEST_ASSERT_STR(name, "hello");
	GUEST_ASSERT(verbose);
	GUEST_ASSERT_EQ(nports, 3);
	GUEST_ASSERT_EQ(ports[0], 0x10);
	GUEST_ASSERT_EQ(ports[1], 0x20);
	GUEST_ASSERT_EQ(ports[2], 30);
	GUEST_ASSERT_EQ(untouched, 7);
	GUEST_ASSERT_EQ(bad, 3);
	GUEST_ASSERT_EQ(io, 0x278);
	return 0;
}
