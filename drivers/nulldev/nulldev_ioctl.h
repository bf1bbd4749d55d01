/* SPDX-License-Identifier: MIT */
/* nulldev: a RAM-backed test driver (node "null0") for benchmarks and tests. read/write/llseek
 * work on a 64 KiB RAM buffer; NULLDEV_NOP does nothing and returns 0 (the null call). */
#ifndef NULLDEV_IOCTL_H
#define NULLDEV_IOCTL_H
#include <linux/ioctl.h>

#define NULLDEV_SIZE 65536
#define NULLDEV_NOP  _IO('N', 0)
#endif
