/* SPDX-License-Identifier: MIT */
/*
 * rt_echo: a driver written directly on the runtime API (no Linux compat), to test the guest
 * stub end to end from a host client. Node "rtecho": one 4 KiB buffer shared by all files.
 *   write   stores at *pos, wakes readers and pollers (emptied when the last file closes)
 *   read    from *pos; with no data it sleeps (interruptibly) until a write arrives
 *   llseek  SEEK_SET / SEEK_CUR / SEEK_END
 *   ioctl   RTECHO_INC (_IOWR('e', 1, uint32_t)): *arg += 1; RTECHO_DOUBLE (_IO('e', 2)):
 *           returns arg * 2; RTECHO_FILES (_IO('e', 3)): files open now
 *   poll    POLLIN when the buffer holds data, POLLOUT always
 */
#include "ik/rt.h"

#define EINVAL 22
#define EFAULT 14
#define ENOMEM 12
#define ENOTTY 25
#define ERESTARTSYS 512

#define RTECHO_INC    0xc0046501u /* _IOWR('e', 1, uint32_t) */
#define RTECHO_DOUBLE 0x00006502u /* _IO('e', 2) */
#define RTECHO_FILES  0x00006503u /* _IO('e', 3) */

#define BUF_SIZE 4096u

static char data[BUF_SIZE];
static uint64_t data_len;
static struct ik_waitq readers = IK_WAITQ_INIT;
static int files_open;

static void *echo_open(void *ctx, uint32_t flags)
{
	int *cookie = ik_malloc(sizeof(int));

	(void)ctx;
	(void)flags;
	if (!cookie)
		return (void *)(intptr_t)-ENOMEM;
	files_open++;
	return cookie;
}

static int echo_release(void *file)
{
	ik_free(file);
	if (--files_open == 0)
		data_len = 0; /* the next client starts from an empty buffer */
	return 0;
}

static int64_t echo_read(void *file, void *user, uint64_t len, uint64_t *pos)
{
	struct ik_waiter w;
	uint64_t n;

	(void)file;
	for (;;) {
		ik_waitq_add(&readers, &w);
		if (data_len)
			break;
		if (ik_sleep_until(IK_WAIT_FOREVER, true) == -4) {
			ik_waitq_remove(&readers, &w);
			return -ERESTARTSYS; /* the stub reports -EINTR */
		}
	}
	ik_waitq_remove(&readers, &w);
	if (*pos >= data_len)
		return 0;
	n = data_len - *pos < len ? data_len - *pos : len;
	if (!ik_user_range_ok(user, n))
		return -EFAULT;
	memcpy(user, data + *pos, n);
	*pos += n;
	return (int64_t)n;
}

static int64_t echo_write(void *file, const void *user, uint64_t len, uint64_t *pos)
{
	(void)file;
	if (*pos >= BUF_SIZE)
		return -EINVAL;
	if (len > BUF_SIZE - *pos)
		len = BUF_SIZE - *pos;
	if (!ik_user_range_ok(user, len))
		return -EFAULT;
	memcpy(data + *pos, user, len);
	*pos += len;
	if (*pos > data_len)
		data_len = *pos;
	ik_waitq_wake(&readers, 0);
	return (int64_t)len;
}

static int64_t echo_llseek(void *file, int64_t off, int whence, uint64_t *pos)
{
	int64_t base = whence == 0 ? 0 : whence == 1 ? (int64_t)*pos : whence == 2 ? (int64_t)data_len : -1;

	(void)file;
	if (base < 0 || base + off < 0)
		return -EINVAL;
	*pos = (uint64_t)(base + off);
	return (int64_t)*pos;
}

static int64_t echo_ioctl(void *file, uint32_t cmd, uint64_t arg)
{
	uint32_t *p = (uint32_t *)(uintptr_t)arg;

	(void)file;
	switch (cmd) {
	case RTECHO_INC:
		if (!ik_user_range_ok(p, sizeof(*p)))
			return -EFAULT;
		(*p)++;
		return 0;
	case RTECHO_DOUBLE:
		return (int64_t)arg * 2;
	case RTECHO_FILES:
		return files_open;
	default:
		return -ENOTTY;
	}
}

static uint32_t echo_poll(void *file, void *pt)
{
	(void)file;
	ik_poll_wait(pt, &readers);
	return 0x4u | (data_len ? 0x1u : 0);
}

static const struct ik_node_ops echo_ops = {
	.open = echo_open,
	.release = echo_release,
	.read = echo_read,
	.write = echo_write,
	.llseek = echo_llseek,
	.ioctl = echo_ioctl,
	.poll = echo_poll,
};

static int echo_init(void)
{
	int node = ik_node_register("rtecho", 0, &echo_ops, NULL);

	return node < 0 ? node : 0;
}

static const struct ik_initcall echo_module IK_REGISTRATION(".ik_initcalls") = { echo_init, NULL, "rt_echo" };
