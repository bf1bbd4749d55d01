/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the monitor-lite's decoding of a driver process's requests
 * (include/ikernel/proc_abi.h; src/monitor/process/proc.c ik_proc_serve_msg, the driver-host
 * core's hypercalls, the port requests against granted device models). The monitor-lite is
 * the real one, prepared without a driver process (ik_proc_prepare): its replies go to a
 * socket pair this target drains. Input: a sequence of requests, each
 *   [u16 length][u8 shape][length bytes]
 * where the shape's bits choose whether the version and payload_len fields are made right
 * (so most requests get past the header checks and reach the hypercalls) or left as fuzzed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ikernel/proc_abi.h"
#include "proc_internal.h"

static struct ik_proc *proc;
static int peer_fd = -1;

static void setup(void)
{
	/* a dma=strict testdev (MMIO window 0x61000000) and a PCI one (0x61001000, I/O 0xc000):
	 * IK_PROC_HC_MMIO, IK_HC_DMA_MAP, device DMA into the shared RAM and the PCI host */
	static const char *const devices[] = {"cmos@0x70", "parport@0x378",
					      "testdev@0x500,dma=strict", "testdev@pci"};
	char err[256];
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0)
		abort();
	if (ik_proc_prepare(&(struct ik_proc_config){
				    .exe_path = "fuzz.proc",
				    .log = fopen("/dev/null", "w"),
				    .cpu = -1,
				    .devices = devices,
				    .ndevices = 4,
			    },
			    &proc, err, sizeof(err))) {
		fprintf(stderr, "fuzz_proc: %s\n", err);
		abort();
	}
	proc->ctl_fd = sv[0];
	peer_fd = sv[1];
}

/* Forget how the previous input ended the driver. */
static void reset(void)
{
	pthread_mutex_lock(&proc->lock);
	proc->ended = false;
	memset(&proc->result, 0, sizeof(proc->result));
	pthread_mutex_unlock(&proc->lock);
	proc->dh.ready = false;
	proc->dh.nnodes = 0;
}

/* Throw away the replies (and any descriptors they carry). */
static void drain(void)
{
	char buf[sizeof(struct ik_proc_reply)];
	char cbuf[CMSG_SPACE(2 * IK_MAX_CHANNELS * sizeof(int))];

	for (;;) {
		struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
		struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf)};

		if (recvmsg(peer_fd, &msg, MSG_DONTWAIT) <= 0)
			return;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			int fds[2 * IK_MAX_CHANNELS];
			size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			memcpy(fds, CMSG_DATA(cm), n * sizeof(int));
			for (size_t i = 0; i < n; i++)
				close(fds[i]);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const size_t hdr = offsetof(struct ik_proc_msg, payload);
	static struct ik_proc_msg m;

	if (!proc)
		setup();
	reset();
	while (size >= 3) {
		size_t len = (size_t)(data[0] | data[1] << 8), shape = data[2];

		data += 3, size -= 3;
		if (len > size)
			len = size;
		if (len > sizeof(m))
			len = sizeof(m);
		memset(&m, 0, sizeof(m));
		memcpy(&m, data, len);
		data += len, size -= len;
		if (len >= hdr && !(shape & 1))
			m.payload_len = (uint32_t)(len - hdr);
		if (!(shape & 2))
			m.version = IK_PROC_ABI_VERSION;
		if (!(shape & 4))
			m.reserved = 0;
		ik_proc_serve_msg(proc, &m, len);
		drain();
		if (proc->ended)
			break;
	}
	return 0;
}
