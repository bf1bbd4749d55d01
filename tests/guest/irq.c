// SPDX-License-Identifier: MIT
/* request_irq: handlers run when the testdev model raises their line (write v to port 0x500
 * raises line v); shared lines run every handler; free_irq stops delivery. Needs
 * --device testdev@0x500. */
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/wait.h>

#include "guest_test.h"

#define TESTDEV_RAISE 0x500

static DECLARE_WAIT_QUEUE_HEAD(irq_wq);

struct probe {
	int hits;
	int irq;
};

static irqreturn_t probe_handler(int irq, void *dev_id)
{
	struct probe *p = dev_id;

	p->hits++;
	p->irq = irq;
	wake_up(&irq_wq);
	return IRQ_HANDLED;
}

static void test_single(void)
{
	struct probe p = {0}, other = {0};
	const void *name;

	GUEST_ASSERT_EQ(request_irq(5, probe_handler, 0, "probe", &p), 0);
	GUEST_ASSERT_EQ(request_irq(5, probe_handler, 0, "other", &other), -EBUSY);
	outb(5, TESTDEV_RAISE);
	GUEST_ASSERT(wait_event_timeout(irq_wq, p.hits == 1, HZ) > 0);
	GUEST_ASSERT_EQ(p.irq, 5);
	GUEST_ASSERT_EQ(other.hits, 0);
	outb(5, TESTDEV_RAISE);
	GUEST_ASSERT(wait_event_timeout(irq_wq, p.hits == 2, HZ) > 0);

	name = free_irq(5, &p);
	GUEST_ASSERT(name != NULL);
	GUEST_ASSERT_STR((const char *)name, "probe");
	outb(5, TESTDEV_RAISE);
	msleep(20);
	GUEST_ASSERT_EQ(p.hits, 2);
}

static void test_shared(void)
{
	struct probe a = {0}, b = {0};

	GUEST_ASSERT_EQ(request_irq(6, probe_handler, IRQF_SHARED, "a", &a), 0);
	GUEST_ASSERT_EQ(request_irq(6, probe_handler, IRQF_SHARED, "b", &b), 0);
	GUEST_ASSERT_EQ(request_irq(6, probe_handler, 0, "c", &b), -EBUSY);
	outb(6, TESTDEV_RAISE);
	GUEST_ASSERT(wait_event_timeout(irq_wq, a.hits == 1 && b.hits == 1, HZ) > 0);
	free_irq(6, &a);
	outb(6, TESTDEV_RAISE);
	GUEST_ASSERT(wait_event_timeout(irq_wq, b.hits == 2, HZ) > 0);
	GUEST_ASSERT_EQ(a.hits, 1);
	free_irq(6, &b);
}

int ik_guest_test(void)
{
	test_single();
	test_shared();
	return 0;
}
