/* SPDX-License-Identifier: MIT */
/* led: user-space interface of the parallel-port LED driver (node "led0"). */
#ifndef LED_IOCTL_H
#define LED_IOCTL_H
#include <linux/ioctl.h>

#define LED_IOC_MAGIC 'L'
#define LED_GET _IOR(LED_IOC_MAGIC, 1, unsigned int) /* current pattern, 0..255 */
#define LED_SET _IOW(LED_IOC_MAGIC, 2, unsigned int) /* set pattern; > 255 is -EINVAL */
#endif
