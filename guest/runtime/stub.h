/* SPDX-License-Identifier: MIT */
/* Guest stub internals shared by stub.c (rings, channels), stub_ops.c (requests), node.c. */
#ifndef IK_STUB_H
#define IK_STUB_H

#include "internal.h"

#define IK_FILES_PER_CHAN 64u
#define IK_FH_INDEX_BITS  8u

enum file_state { F_FREE, F_OPENING, F_OPEN, F_RELEASING };

/* An open file of a channel. fh = gen << 8 | index: a stale handle of a freed slot fails. */
struct ik_file {
	enum file_state state;
	uint32_t gen;
	const struct ik_node_ops *ops;
	void *cookie;      /* what ops->open returned */
	unsigned users;    /* requests running on this file (RELEASE waits for 0) */
	struct ik_waitq unused; /* woken when users drops to 0 */
};

struct ik_chan {
	bool active;       /* set up after chan_opened, until IK_HC_CHAN_RELEASED */
	bool closing;      /* client gone: no new requests, release files */
	bool closer_running;
	bool broken;       /* the client broke the ring protocol: stop reading its SQ */
	unsigned id;
	uint16_t may_read, may_write; /* node ids its client may open so (the monitor's grant) */
	struct ik_ring_hdr *hdr;
	struct ik_sqe *sqes;
	struct ik_cqe *cqes;
	uintptr_t data;    /* guest address of data buffer 0 */
	uint32_t sq_head;  /* our copies of the indices we own */
	uint32_t cq_tail;
	uint32_t cq_head_seen; /* the client's cq_head when last read (it only moves forward) */
	uint32_t sq_tail_seen; /* the client's sq_tail when last read (validated; stub.c) */
	unsigned polls_since_tail; /* empty polls since then */
	bool sq_tail_only; /* the client published by its tail alone last time: poll the tail */
	unsigned inflight; /* taken from the SQ, completion not yet written */
	struct ik_waitq drained; /* woken when inflight drops to 0 */
	struct ik_file files[IK_FILES_PER_CHAN];
};

/* A request taken from a ring and running on a worker thread. */
struct ik_req {
	bool used;
	struct ik_chan *ch;
	struct ik_sqe sqe;     /* our copy: the client owns the ring slot again */
	struct ik_file *file;  /* pinned file (users++) for requests on an fh */
	struct ik_thread *thread;
};

extern struct ik_chan ik_chans[IK_MAX_CHANNELS];
extern struct ik_chan_geometry ik_geom;

/* node.c */
const struct ik_node_ops *ik_node_ops_of(unsigned node, void **ctx);

/* stub.c */
void ik_stub_complete(struct ik_chan *ch, uint64_t user_data, int64_t result, uint64_t pos);
void ik_file_put(struct ik_file *f);

/* stub_ops.c: run on the worker thread; returns the result, updates *pos. */
int64_t ik_req_execute(struct ik_req *r, uint64_t *pos);
/* Release an open file (called by RELEASE and by channel close). */
int ik_file_release(struct ik_chan *ch, struct ik_file *f);

#endif /* IK_STUB_H */
