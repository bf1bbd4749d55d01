/* SPDX-License-Identifier: MIT */
/* The monitor's side of the liveness page (heartbeat.h). */
#include "heartbeat.h"

#include <sys/mman.h>
#include <unistd.h>

#include "inherited_fd.h"

static struct ik_heartbeat *page;

void ik_heartbeat_attach(void)
{
	int fd = ik_inherited_fd(IK_HEARTBEAT_ENV);

	if (fd < 0)
		return;
	void *p = mmap(NULL, sizeof(*page), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return;
	page = p;
	page->version = IK_HEARTBEAT_VERSION;
	page->pid = (int32_t)getpid();
	__atomic_store_n(&page->magic, IK_HEARTBEAT_MAGIC, __ATOMIC_RELEASE);
}

void ik_heartbeat_beat(uint64_t now_ns, uint64_t busy_since_ns, uint64_t exits, uint64_t irqs)
{
	struct ik_heartbeat *h = page;

	if (!h)
		return;
	__atomic_store_n(&h->exits, exits, __ATOMIC_RELAXED);
	__atomic_store_n(&h->irqs, irqs, __ATOMIC_RELAXED);
	__atomic_store_n(&h->busy_since_ns, busy_since_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&h->beats, h->beats + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&h->beat_ns, now_ns, __ATOMIC_RELEASE);
}
