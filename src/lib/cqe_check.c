/* SPDX-License-Identifier: MIT */
/* Completion validation: each rule of THREAT-MODEL.md "Guest -> client", one check each. */
#include "cqe_check.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>

/* Every revents bit a Linux poll() can report; anything else is made up. */
#define IK_POLL_BITS                                                                         \
	(POLLIN | POLLPRI | POLLOUT | POLLERR | POLLHUP | POLLNVAL | POLLRDNORM | POLLRDBAND |  \
	 POLLWRNORM | POLLWRBAND | POLLMSG | POLLRDHUP)

const char *ik_op_name(uint8_t op)
{
	static const char *const names[IK_OP__COUNT] = {
		"nop", "open", "release", "read", "write", "llseek", "ioctl", "poll", "cancel",
	};
	return op < IK_OP__COUNT ? names[op] : "unknown";
}

static int bad_result(const struct ik_req *req, int64_t result, const char *rule, char *why,
		      size_t whylen)
{
	snprintf(why, whylen, "%s completion 0x%" PRIx64 " has result %" PRId64 " (%s)",
		 ik_op_name(req->op), req->user_data, result, rule);
	return -EPROTO;
}

int ik_result_check(const struct ik_req *req, int64_t result, char *why, size_t whylen)
{
	if (result < 0) {
		if (result < -IK_MAX_ERRNO)
			return bad_result(req, result, "negative but not an errno", why, whylen);
		return 0; /* every op may fail with an errno */
	}
	switch (req->op) {
	case IK_OP_READ:
	case IK_OP_WRITE:
		if (result > (int64_t)req->len)
			return bad_result(req, result, "more bytes than requested", why, whylen);
		return 0;
	case IK_OP_OPEN:
		if (result > INT32_MAX)
			return bad_result(req, result, "file handle out of range", why, whylen);
		return 0;
	case IK_OP_POLL:
		if ((uint64_t)result & ~(uint64_t)IK_POLL_BITS)
			return bad_result(req, result, "not poll bits", why, whylen);
		return 0;
	case IK_OP_NOP:
	case IK_OP_RELEASE:
	case IK_OP_CANCEL:
		if (result != 0)
			return bad_result(req, result, "must be 0 or an errno", why, whylen);
		return 0;
	case IK_OP_LLSEEK: /* any position >= 0 */
	case IK_OP_IOCTL:  /* a long: any value */
		return 0;
	default:
		return bad_result(req, result, "request of unknown kind", why, whylen);
	}
}

int ik_cqe_check(const struct ik_req *reqs, uint32_t nreqs, const struct ik_cqe *cqe,
		 uint32_t *slot, char *why, size_t whylen)
{
	uint64_t ud = cqe->user_data;
	uint32_t i = (uint32_t)(ud & IK_UD_SLOT_MASK);

	if (i >= nreqs || reqs[i].user_data != ud || reqs[i].state == IK_REQ_FREE) {
		snprintf(why, whylen, "completion for unknown request 0x%" PRIx64, ud);
		return -EPROTO;
	}
	if (reqs[i].state != IK_REQ_INFLIGHT) {
		snprintf(why, whylen, "second completion for request 0x%" PRIx64, ud);
		return -EPROTO;
	}
	int err = ik_result_check(&reqs[i], cqe->result, why, whylen);
	if (err)
		return err;
	*slot = i;
	return 0;
}
