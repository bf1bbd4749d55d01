/* SPDX-License-Identifier: MIT */
/* The public API (ikernel.h): each call turned into one or more ring requests. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "drvstate.h"
#include "engine.h"
#include "handles.h"
#include "ikernel/ikernel.h"
#include "marshal.h"
#include "names.h"
#include "recovery.h"

int ik_open(const char *name, int flags)
{
	return ik_open_in(name, flags, 0);
}

/* recovery: keep the file's recovery record (transparent recovery may reopen it) and tell
 * ENXIO from ENOENT with the supervisor's published states. */
static int open_node(const char *name, int flags, uint32_t domain, bool recovery)
{
	struct ik_conn *c;
	uint16_t node;

	if (!ik_node_name_valid(name))
		return -EINVAL;
	int err = ik_conn_get(name, domain, &c, &node);
	if (err == -ENOENT && recovery) {
		/* No link (or the driver lacks the node): a node a live supervisor declares is only
		 * without its driver right now (ENXIO, as the device file says), else unknown. */
		struct ik_drvstate st;
		ik_drvstate_get(name, true, &st);
		if (st.kind != IK_DS_UNKNOWN)
			err = -ENXIO;
	}
	if (err)
		return err;
	struct ik_call call = {.op = IK_OP_OPEN, .node = node, .arg = (uint32_t)flags};
	int64_t fh = ik_call(c, &call);
	if (fh < 0) {
		ik_conn_put(c);
		return (int)fh;
	}
	/* Every open file keeps its recovery record: the policy may differ on a restarted driver. */
	struct ik_rec *rec = recovery ? ik_rec_new(name, flags) : NULL;
	int h = rec || !recovery ? ik_handle_alloc(c, (uint32_t)fh, flags, rec) : -ENOMEM;
	if (h < 0) {
		struct ik_call rel = {.op = IK_OP_RELEASE, .fh = (uint32_t)fh};
		ik_call(c, &rel);
		ik_conn_put(c);
		ik_rec_put(rec);
	}
	return h;
}

int ik_open_in(const char *name, int flags, uint32_t domain)
{
	return open_node(name, flags, domain, true);
}

int ik_open_plain(const char *name, int flags, uint32_t domain)
{
	return open_node(name, flags, domain, false);
}

int ik_close(int h)
{
	struct ik_handle_ref ref;
	int err = ik_handle_remove(h, &ref);

	if (err)
		return err;
	struct ik_call call = {.op = IK_OP_RELEASE, .fh = ref.fh};
	int64_t r = ik_call(ref.conn, &call);
	/* The file of a dead driver is simply gone (and the handle with it): closing it works. */
	if (r == -EIO && ik_conn_is_dead(ref.conn))
		r = 0;
	ik_handle_ref_put(&ref); /* the handle's references: the last one closes the connection */
	return r < 0 ? (int)r : 0;
}

/* One read or write of at most one data buffer. `positioned`: pread/pwrite, the handle's own
 * position is neither used nor moved. */
static int64_t rw_chunk(int h, struct ik_handle_ref *ref, uint8_t op, void *p, uint32_t n,
			bool positioned)
{
	struct ik_call call = {
		.op = op, .fh = ref->fh, .pos = ref->pos, .len = n, .use_buf = true,
	};
	if (op == IK_OP_WRITE) {
		call.in = p;
		call.in_len = n;
	} else {
		call.out = p;
		call.out_len = n;
		call.out_by_result = true;
	}
	int64_t r = ik_rec_call(h, ref, &call);
	if (r >= 0) {
		ref->pos = call.pos_after;
		if (!positioned)
			ik_handle_set_pos(h, ref, ref->pos);
	}
	return r;
}

/* read/write: split at the data buffer size, stop at the first short count or error. `at`:
 * the position for pread/pwrite, NULL for the handle's own. */
static ssize_t rw(int h, uint8_t op, void *buf, size_t len, const off_t *at)
{
	struct ik_handle_ref ref;
	int err = at && *at < 0 ? -EINVAL : ik_handle_get(h, &ref);

	if (err)
		return err;
	if (at)
		ref.pos = (uint64_t)*at;
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	if (buf == NULL && len > 0) {
		ik_handle_ref_put(&ref);
		return -EFAULT;
	}
	uint32_t max = ref.conn->ch.geo.data_size;
	size_t done = 0;
	int64_t r = 0;
	do {
		uint32_t n = len - done < max ? (uint32_t)(len - done) : max;
		r = rw_chunk(h, &ref, op, (uint8_t *)buf + done, n, at != NULL);
		if (r < 0)
			break;
		done += (size_t)r;
		if ((uint32_t)r < n)
			break;
	} while (done < len);
	ik_handle_ref_put(&ref);
	if (r < 0 && done == 0)
		return (ssize_t)r;
	return (ssize_t)done;
}

ssize_t ik_read(int h, void *buf, size_t len)
{
	return rw(h, IK_OP_READ, buf, len, NULL);
}

ssize_t ik_write(int h, const void *buf, size_t len)
{
	return rw(h, IK_OP_WRITE, (void *)buf, len, NULL);
}

ssize_t ik_pread(int h, void *buf, size_t len, off_t pos)
{
	return rw(h, IK_OP_READ, buf, len, &pos);
}

ssize_t ik_pwrite(int h, const void *buf, size_t len, off_t pos)
{
	return rw(h, IK_OP_WRITE, (void *)buf, len, &pos);
}

off_t ik_lseek(int h, off_t off, int whence)
{
	struct ik_handle_ref ref;
	int err = ik_handle_get(h, &ref);

	if (err)
		return err;
	struct ik_call call = {.op = IK_OP_LLSEEK, .fh = ref.fh, .pos = ref.pos,
			       .off = (uint64_t)off, .arg = (uint32_t)whence};
	int64_t r = ik_rec_call(h, &ref, &call);
	if (r >= 0)
		ik_handle_set_pos(h, &ref, (uint64_t)r);
	ik_handle_ref_put(&ref);
	return (off_t)r;
}

/* Issue an ioctl whose marshalling `plan` is decided (by the _IOC bits or by the caller). */
static long ioctl_planned(int h, const struct ik_ioctl_plan *plan, void *arg)
{
	struct ik_handle_ref ref;
	int err = ik_handle_get(h, &ref);

	if (err)
		return err;
	if (plan->size > ref.conn->ch.geo.data_size)
		err = -EINVAL;
	else if (plan->size && arg == NULL)
		err = -EFAULT;
	if (err) {
		ik_handle_ref_put(&ref);
		return err;
	}
	struct ik_call call = {
		.op = IK_OP_IOCTL, .fh = ref.fh, .pos = ref.pos, .arg = plan->cmd,
		.off = plan->size ? 0 : (uint64_t)(uintptr_t)arg,
		.len = plan->size, .use_buf = plan->size > 0,
		.in = plan->copy_in ? arg : NULL, .in_len = plan->copy_in ? plan->size : 0,
		.out = plan->copy_out ? arg : NULL, .out_len = plan->copy_out ? plan->size : 0,
	};
	int64_t r = ik_rec_call(h, &ref, &call);
	ik_handle_ref_put(&ref);
	return (long)r;
}

long ik_ioctl(int h, unsigned long cmd, void *arg)
{
	struct ik_ioctl_plan plan;
	/* every data buffer has the default size; ioctl_planned() checks the connection's own */
	int err = ik_ioctl_plan(cmd, IK_CHAN_DATA_SIZE, &plan);

	return err ? err : ioctl_planned(h, &plan, arg);
}

long ik_ioctl_sized(int h, unsigned long cmd, void *arg, size_t size, int dir)
{
	struct ik_ioctl_plan plan;
	int err = ik_ioctl_plan_sized(cmd, size, dir, IK_CHAN_DATA_SIZE, &plan);

	return err ? err : ioctl_planned(h, &plan, arg);
}

int ik_poll(int h, short events, int timeout_ms)
{
	struct ik_handle_ref ref;
	int err = ik_handle_get(h, &ref);

	if (err)
		return err;
	struct ik_call call = {.op = IK_OP_POLL, .fh = ref.fh, .pos = ref.pos,
			       .arg = (uint16_t)events, .off = (uint64_t)(int64_t)timeout_ms};
	int64_t r = ik_rec_call(h, &ref, &call);
	ik_handle_ref_put(&ref);
	return (int)r;
}
