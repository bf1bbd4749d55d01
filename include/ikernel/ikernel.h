/* SPDX-License-Identifier: MIT */
/*
 * libikernel: the host stub. A program uses an isolated driver's device node through these
 * calls exactly as it would use the device file. Every function returns -errno on failure
 * (never sets errno). The errors:
 *   -ENOENT   ik_open: no such node (no driver registered it; without a supervisor, also a
 *             node whose driver is not running: nothing tells the two apart)
 *   -ENXIO    ik_open: the node's driver is not running right now -- stopped, crashed, failed,
 *             restarting, or ending: the supervisor declares the node (drivers.state, below),
 *             its link is left behind, or its monitor refused the connection because the VM
 *             was ending or not ready yet. A restarting driver is back within milliseconds
 *             to seconds: retry, or wait with `ikernel status`.
 *   -EIO      the driver VM died or misbehaved (Connections and Recovery below)
 *   -EBADF    an unknown handle
 *   -EINVAL   bad arguments: a node name that is not one path component, a negative position,
 *             an ioctl command wider than 32 bits or bigger than a data buffer
 *   -EFAULT   a NULL buffer where bytes must be copied
 *   -EINTR    the call was cancelled (ik_cancel, below)
 *   -EBUSY    ik_open: the driver VM has no free channel (16 client processes are connected);
 *             a channel whose client has just left is waited for (up to 2 s) while the driver
 *             releases it, so a close followed by an open does not fail
 *   -ETIMEDOUT, -EPROTO, -EPROTONOSUPPORT   ik_open: the driver's monitor did not answer the
 *             handshake within 5 s, broke the protocol, or speaks another ABI version
 *   -EACCES, -ELOOP, -ENAMETOOLONG, -EMFILE, -ENFILE, -ENOMEM, -ENOBUFS   ik_open: the
 *             runtime directory or the driver's socket is closed to this user or broken, a path
 *             is too long, resources ran out (-EMFILE also: 65536 handles are open here)
 *   anything else: the driver's own answer (its open, read, write, llseek, ioctl, poll or
 *             release returned it).
 *
 * A node named N is reached through $IKERNEL_RUNTIME_DIR/nodes/N (default /run/ikernel).
 * Thread-safe: several threads may have calls in flight on the same or different handles.
 *
 * Connections: the process keeps one connection (one channel of the driver VM) per driver,
 * shared by all handles on that driver's nodes; it is closed with the last handle on it (the
 * guest then releases the channel). When the driver VM dies or breaks the ring ABI, every call
 * in flight and every later call on its handles fails with -EIO (ik_poll too; ik_close
 * succeeds: the file is gone); a later ik_open connects afresh (a restarted driver works again).
 *
 * Recovery: a driver whose manifest says `recovery = transparent` has its open files reopened
 * on the restarted driver and their state replayed (ikernel(1), RECOVERY): a call on a file of
 * a dead driver then waits for the restart, at most `recovery_wait` (default 10 s) once per
 * down episode -- counted from when this process first failed to reach the driver again, and
 * shared by all the driver's files, so later calls (on that file or another one) fail with
 * -EIO at once; each still makes one attempt to reach the driver, and recovers the file as
 * soon as it is back. A driver the supervisor reports stopped, crashed or failed is not waited
 * for at all: -EIO at once. The supervisor publishes those states in
 * $IKERNEL_RUNTIME_DIR/drivers.state; libikernel reads it only after it failed to reach a
 * driver (never on a normal call, never against a driver it can reach), and ignores it when
 * the supervisor that wrote it is gone.
 *
 * File position: kept here per handle and sent with every call, like the kernel's f_pos.
 * read/write larger than a ring data buffer (64 KiB by default) are split into several calls,
 * stopping at the first short count.
 */
#ifndef IKERNEL_H
#define IKERNEL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Open device node `name` (e.g. "led0") with O_* flags. Returns a handle >= 0. */
int ik_open(const char *name, int flags);
int ik_close(int h);
ssize_t ik_read(int h, void *buf, size_t len);
ssize_t ik_write(int h, const void *buf, size_t len);
off_t ik_lseek(int h, off_t off, int whence);
/* `arg` points to _IOC_SIZE(cmd) bytes copied in and/or out by _IOC_DIR(cmd); for a command
 * with no size (or no direction) it is passed to the driver as an integer. Returns the
 * driver's result; -EINVAL when cmd does not fit 32 bits or its size exceeds a data buffer. */
long ik_ioctl(int h, unsigned long cmd, void *arg);
/* For a legacy command whose number encodes no size (e.g. DoubleTalk's DTLK_INTERROGATE,
 * 0xa390): `arg` points to `size` bytes, copied in when `dir` has IK_IOCTL_IN and back out when
 * it has IK_IOCTL_OUT; the driver sees the address of that buffer, as Linux would the user
 * pointer. Commands with an _IOC size must use ik_ioctl() (-EINVAL here). */
#define IK_IOCTL_IN  1
#define IK_IOCTL_OUT 2
long ik_ioctl_sized(int h, unsigned long cmd, void *arg, size_t size, int dir);
/* Wait up to timeout_ms (-1: forever, 0: don't wait) for POLL* `events`; returns revents, or
 * -errno: -EIO for a file of a dead driver (which the device file reports as POLLERR|POLLHUP). */
int ik_poll(int h, short events, int timeout_ms);

/* Positioned read/write: at `pos`, without using or moving the handle's file position (for
 * servers whose own clients keep the position, like the device-file front end). */
ssize_t ik_pread(int h, void *buf, size_t len, off_t pos);
ssize_t ik_pwrite(int h, const void *buf, size_t len, off_t pos);

/*
 * Cancellation, for servers that forward calls on behalf of others (e.g. a FUSE front end that
 * must answer an interrupted request). A token armed on a thread makes that thread's calls
 * cancellable: ik_cancel(token), from any other thread, ends the armed thread's call in
 * progress with -EINTR -- the driver VM gets IK_OP_CANCEL for it, so a driver sleeping
 * interruptibly wakes up and the call completes with -EINTR; a driver that does not sleep just
 * finishes the call -- and every later call on that thread fails with -EINTR at once until
 * another token is armed. Tokens are not shared between threads that make calls.
 *
 * Answer deadlines (a driver that never answers must not hang its clients): a poll with a
 * finite timeout must be answered within timeout + 2 s, a cancel within 2 s, and a cancelled
 * call must end within 2 s ($IKERNEL_ANSWER_GRACE_MS overrides the 2 s); a driver whose manifest
 * sets request_timeout must answer every other call within it. Otherwise the connection fails
 * with -EIO and the monitor ends the driver VM, naming the request.
 */
struct ik_cancel_token;
struct ik_cancel_token *ik_cancel_token_new(void); /* NULL when out of memory */
void ik_cancel_token_free(struct ik_cancel_token *t); /* disarm it first */
void ik_cancel_arm(struct ik_cancel_token *t);      /* for the calling thread; NULL disarms */
void ik_cancel(struct ik_cancel_token *t);          /* may block briefly: sends the cancel */

/* Notification tuning: how long a caller spins on the completion ring before it sleeps
 * (default 20000 ns, or $IKERNEL_SPIN_NS). 0 = always sleep. */
void ik_set_spin_ns(uint64_t ns);

#ifdef __cplusplus
}
#endif

#endif /* IKERNEL_H */
