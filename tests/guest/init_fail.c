// SPDX-License-Identifier: MIT
/* Two modules in one image; the other one (init_fail_bad.c) fails its init. Its exit must
 * never run (it would BUG), while this module's exit must: it ends the VM with status 0,
 * where the test itself returns 3. */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include "guest_test.h"

int init_fail_bad_init_ran;
static int good_init_ran;

static int __init good_init(void)
{
	good_init_ran = 1;
	return 0;
}

static void __exit good_exit(void)
{
	ik_exit(0);
}

module_exit(good_exit); /* before module_init on purpose: either order works */
module_init(good_init);

int ik_guest_test(void)
{
	GUEST_ASSERT(good_init_ran);
	GUEST_ASSERT(init_fail_bad_init_ran);
	return 3; /* only good_exit turns this into 0 */
}
