// SPDX-License-Identifier: MIT
/* The failing module of init_fail.c. */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>

extern int init_fail_bad_init_ran;

static int __init bad_init(void)
{
	init_fail_bad_init_ran = 1;
	return -ENODEV;
}

static void __exit bad_exit(void)
{
	BUG(); /* the exit of a module whose init failed must not run */
}

module_init(bad_init);
module_exit(bad_exit);
