/* SPDX-License-Identifier: MIT */
/* nulldev: a RAM-backed test driver (node "null0") for benchmarks and tests. read/write/llseek
 * work on a 64 KiB RAM buffer; NULLDEV_NOP does nothing and returns 0 (the null call).
 * NULLDEV_UNFILLED returns 0 and writes nothing into its _IOR argument: a driver that leaves
 * an output unwritten, for the test that no byte of an earlier call comes back through it. */
#ifndef NULLDEV_IOCTL_H
#define NULLDEV_IOCTL_H
#include <linux/ioctl.h>

#define NULLDEV_SIZE 65536
#define NULLDEV_NOP  _IO('N', 0)
#define NULLDEV_UNFILLED_SIZE 64
#define NULLDEV_UNFILLED _IOR('N', 1, unsigned char[NULLDEV_UNFILLED_SIZE])
#endif
