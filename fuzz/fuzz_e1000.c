/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the 82540EM model's registers and descriptor rings (src/devices/dev_e1000.c)
 * behind a fake host whose DMA accessor covers a small guest RAM (FUZZ_RAM bytes at
 * FUZZ_RAM_GPA; everything else is -EFAULT). The card is initialised directly (no timer
 * thread: one thread, deterministic) on a socket wire whose other end is this harness.
 * Input: the first FUZZ_RAM bytes are the RAM (rings, descriptors, buffers), then records
 * [u8 op][u8 -][u16 register / 4][u32 value]:
 *   op 0 MMIO read, 1 MMIO write, 2 a frame of (value % 1519) bytes from the RAM arrives on
 *   the wire, 3 the I/O window (IOADDR/IODATA by the register's bit 0, read or write by bit 1),
 *   4 the device's tick.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "devmodel.h"
#include "netwire.h"

#define FUZZ_RAM     0x2000u
#define FUZZ_RAM_GPA 0x10000ull

extern const struct ik_devmodel ik_dev_e1000;

static uint8_t ram[FUZZ_RAM];

static void no_irq(void *ctx, unsigned line)
{
	(void)ctx;
	(void)line;
}

static void no_log(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
}

static void no_violation(void *ctx, const char *why)
{
	(void)ctx;
	(void)why;
}

static bool not_ended(void *ctx)
{
	(void)ctx;
	return false;
}

static bool in_ram(uint64_t gpa, size_t len)
{
	return gpa >= FUZZ_RAM_GPA && len <= FUZZ_RAM && gpa - FUZZ_RAM_GPA <= FUZZ_RAM - len;
}

static int ram_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	(void)ctx;
	if (!in_ram(gpa, len))
		return -EFAULT;
	memcpy(buf, ram + (gpa - FUZZ_RAM_GPA), len);
	return 0;
}

static int ram_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	(void)ctx;
	if (!in_ram(gpa, len))
		return -EFAULT;
	memcpy(ram + (gpa - FUZZ_RAM_GPA), buf, len);
	return 0;
}

static const struct ik_dev_host host = {
	.raise_irq = no_irq, .log = no_log, .ended = not_ended,
	.dma_read = ram_read, .dma_write = ram_write, .violation = no_violation,
	.ram_base = FUZZ_RAM_GPA, .ram_size = FUZZ_RAM,
};

static struct ik_devset fset; /* the card's registry entry (ik_dev_dma_* find it there) */

static int listen_fd = -1, peer_fd = -1;

/* The harness's end of the socket wire, once: the card connects to it at each init. */
static void wire_listen(char *path, size_t len)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	snprintf(path, len, "/tmp/fuzz-e1000-%d.sock", (int)getpid());
	unlink(path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	listen_fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(listen_fd, 1))
		abort();
}

static void card_up(struct ik_device *dev)
{
	static char path[96];

	if (listen_fd < 0)
		wire_listen(path, sizeof(path));
	memset(dev, 0, sizeof(*dev));
	fset.host = host;
	dev->model = &ik_dev_e1000;
	dev->host = &fset.host;
	snprintf(dev->opts, sizeof(dev->opts), "wire=socket:%s", path);
	if (dev->model->init(dev))
		abort();
	peer_fd = accept(listen_fd, NULL, NULL);
	if (peer_fd < 0)
		abort();
}

static void card_down(struct ik_device *dev)
{
	dev->model->destroy(dev);
	close(peer_fd);
	peer_fd = -1;
}

static void one_record(struct ik_device *dev, const uint8_t *r)
{
	uint32_t off = (uint32_t)(r[2] | r[3] << 8) * 4u, val;
	uint64_t wide;
	size_t len;

	memcpy(&val, r + 4, 4);
	switch (r[0] % 5) {
	case 0: dev->model->mmio_read(dev, off % ik_dev_e1000.mmio_size, 4, &wide); break;
	case 1: dev->model->mmio_write(dev, off % ik_dev_e1000.mmio_size, 4, val); break;
	case 2:
		len = val % (IK_NETWIRE_FRAME_MAX + 1);
		if (len > FUZZ_RAM)
			len = FUZZ_RAM;
		if (send(peer_fd, ram, len, MSG_DONTWAIT) >= 0)
			dev->model->poll_ready(dev);
		break;
	case 3:
		if (r[2] & 2)
			dev->model->pio_write(dev, (uint16_t)((r[2] & 1) * 4), 4, val);
		else
			dev->model->pio_read(dev, (uint16_t)((r[2] & 1) * 4), 4, &val);
		break;
	default: dev->model->tick(dev, 0); break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ik_device *dev = &fset.devices[0];
	size_t n = size < FUZZ_RAM ? size : FUZZ_RAM;

	memset(ram, 0, sizeof(ram));
	memcpy(ram, data, n);
	card_up(dev);
	for (size_t i = FUZZ_RAM; i + 8 <= size; i += 8)
		one_record(dev, data + i);
	card_down(dev);
	return 0;
}
