/* SPDX-License-Identifier: MIT */
/*
 * The Linux x86-64 errno numbers the runtime itself returns. Runtime-private: the compat layer
 * has its own <linux/errno.h> with the same values (they reach clients unchanged as -errno).
 */
#ifndef IK_RT_ERRNO_H
#define IK_RT_ERRNO_H

#define IK_ENOENT 2
#define IK_EINTR 4
#define IK_EIO 5
#define IK_EBADF 9
#define IK_EAGAIN 11
#define IK_ENOMEM 12
#define IK_EACCES 13
#define IK_EFAULT 14
#define IK_EBUSY 16
#define IK_ENODEV 19
#define IK_EINVAL 22
#define IK_EMFILE 24
#define IK_ENOTTY 25
#define IK_ENOSPC 28
#define IK_ESPIPE 29
#define IK_ENOSYS 38
#define IK_ETIMEDOUT 110
#define IK_ECANCELED 125

/* Kernel-internal codes a driver may return; never shown to clients. */
#define IK_ERESTARTSYS 512
#define IK_ERESTARTNOINTR 513
#define IK_ERESTARTNOHAND 514
#define IK_ENOIOCTLCMD 515
#define IK_ERESTART_RESTARTBLOCK 516

#endif /* IK_RT_ERRNO_H */
