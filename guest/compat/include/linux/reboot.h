/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/reboot.h>. The chain is stored; the driver VM runs it with
 * SYS_HALT when it shuts down (ik_compat_reboot_notify). */
#ifndef _IK_LINUX_REBOOT_H
#define _IK_LINUX_REBOOT_H

#include <linux/notifier.h>

#define SYS_DOWN 0x0001
#define SYS_RESTART SYS_DOWN
#define SYS_HALT 0x0002
#define SYS_POWER_OFF 0x0003

int register_reboot_notifier(struct notifier_block *nb);
int unregister_reboot_notifier(struct notifier_block *nb);
/* Run the reboot chain (the runtime's shutdown path may call this). */
int ik_compat_reboot_notify(unsigned long action);

#endif
