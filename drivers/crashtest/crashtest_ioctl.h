/* SPDX-License-Identifier: MIT */
/* crashtest: a driver that misbehaves on request (node "crash0"), for containment tests.
 * Each ioctl performs one fault inside the driver VM; none of them returns normally. */
#ifndef CRASHTEST_IOCTL_H
#define CRASHTEST_IOCTL_H
#include <linux/ioctl.h>

#define CRASH_NULL  _IO('C', 1) /* dereference NULL: #PF, CR2 0 */
#define CRASH_BUG   _IO('C', 2) /* BUG(): panic hypercall with file:line */
#define CRASH_LOOP  _IO('C', 3) /* loop forever: caught by the hang deadline */
#define CRASH_STACK _IO('C', 4) /* unbounded recursion: #PF in the stack guard page */
#define CRASH_WILD  _IO('C', 5) /* write into its own code (read-only): #PF */
#define CRASH_PANIC _IO('C', 6) /* panic("...") with a message */
#endif
