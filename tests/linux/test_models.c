/* SPDX-License-Identifier: MIT */
/*
 * Register-level unit tests of the device models behind the Linux drivers (no KVM): the CMOS
 * checksum of a fresh NVRAM and its backing file, 8254 programming and expiry of the WDT501,
 * the DoubleTalk port handshake, the small watchdogs' scattered ports, and grant options.
 * The models run on a minimal VM stand-in: a log, an event page and a kick eventfd.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cmocka.h>

#include "vm_internal.h"

static struct ik_vm *vm;
static char logbuf[1 << 16];

static int vm_setup(void **state)
{
	(void)state;
	vm = calloc(1, sizeof(*vm));
	vm->events = calloc(1, sizeof(*vm->events));
	snprintf(vm->dh.name, sizeof(vm->dh.name), "modeltest");
	memset(logbuf, 0, sizeof(logbuf));
	vm->dh.log = fmemopen(logbuf, sizeof(logbuf) - 1, "w");
	ik_budget_init(&vm->dh.out, NULL); /* the models' lines are charged to it (budget.h) */
	vm->kick_fd = eventfd(0, EFD_NONBLOCK);
	return vm->dh.log && vm->kick_fd >= 0 ? 0 : -1;
}

static int vm_teardown(void **state)
{
	(void)state;
	ik_devices_destroy(vm);
	fclose(vm->dh.log);
	close(vm->kick_fd);
	free(vm->events);
	free(vm);
	return 0;
}

/* Grant `spec` to the stand-in VM; returns the device. */
static struct ik_device *grant(const char *spec)
{
	const char *specs[] = {spec};
	struct ik_vm_config cfg = {.devices = specs, .ndevices = 1};
	char err[256] = "";

	if (ik_devices_init(vm, &cfg, err, sizeof(err)))
		fail_msg("grant %s: %s", spec, err);
	return &vm->devs.devices[0];
}

static uint8_t in8(uint16_t port)
{
	uint8_t v = 0;

	ik_devices_pio(vm, port, 1, false, &v);
	return v;
}

static uint16_t in16(uint16_t port)
{
	uint16_t v = 0;

	ik_devices_pio(vm, port, 2, false, (uint8_t *)&v);
	return v;
}

static void out8(uint16_t port, uint8_t v)
{
	ik_devices_pio(vm, port, 1, true, &v);
}

static uint8_t cmos(uint8_t idx)
{
	out8(0x70, idx);
	return in8(0x71);
}

static void test_cmos_fresh_checksum(void **state)
{
	uint16_t sum = 0;

	(void)state;
	grant("cmos");
	for (unsigned i = 0x10; i <= 0x2d; i++)
		sum = (uint16_t)(sum + cmos((uint8_t)i));
	assert_int_not_equal(sum, 0);
	assert_int_equal((cmos(0x2e) << 8) | cmos(0x2f), sum);
	assert_int_equal(cmos(0x0d), 0x80); /* valid RAM */
	assert_int_equal(cmos(0x0a) & 0x80, 0); /* no update in progress */
	out8(0x70, 0x80 | 0x40); /* NMI mask bit does not change the index */
	out8(0x71, 0xab);
	assert_int_equal(cmos(0x40), 0xab);
	out8(0x70, 0x05); /* clock registers ignore writes */
	out8(0x71, 0x99);
	assert_int_not_equal(cmos(0x05), 0x99);
}

static void test_cmos_file_persists(void **state)
{
	char path[64], spec[96];
	uint8_t file[128];
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/ik-cmos-unit.%d", (int)getpid());
	unlink(path);
	snprintf(spec, sizeof(spec), "cmos@0x70,file=%s", path);
	grant(spec);
	out8(0x70, 0x50);
	out8(0x71, 0x5a);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, file, sizeof(file)), 128);
	close(fd);
	assert_int_equal(file[0x50], 0x5a);
	ik_devices_destroy(vm);
	grant(spec);
	assert_int_equal(cmos(0x50), 0x5a);
	ik_devices_destroy(vm);
	/* a file of the wrong size is refused with a message naming it */
	assert_int_equal(truncate(path, 100), 0);
	{
		const char *specs[] = {spec};
		struct ik_vm_config cfg = {.devices = specs, .ndevices = 1};
		char err[256] = "";

		assert_int_equal(ik_devices_init(vm, &cfg, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "has 100 bytes, expected 128"));
		ik_devices_destroy(vm);
	}
	unlink(path);
}

static void test_wdt501_8254_and_expiry(void **state)
{
	(void)state;
	grant("wdt501@0x240,irq=5,temp=40");
	in8(0x247);          /* disable */
	out8(0x243, 0x36);   /* counter 0, lsb+msb, mode 3 */
	out8(0x243, 0x74);   /* counter 1, lsb+msb, mode 2 */
	out8(0x243, 0xb0);   /* counter 2, lsb+msb, mode 0 */
	out8(0x240, 8948 & 0xff);
	out8(0x240, 8948 >> 8); /* 100 Hz */
	out8(0x241, 10);
	out8(0x241, 0);       /* 10 ticks of 100 Hz: 100 ms */
	out8(0x242, 0xff);
	out8(0x242, 0xff);    /* reset pulse */
	out8(0x247, 0);       /* enable */
	assert_int_equal(in8(0x244) & 0x81, 0x81); /* not fired, no irq */
	out8(0x243, 0x40);    /* latch counter 1 */
	{
		uint16_t lo = in8(0x241), c = (uint16_t)(lo | in8(0x241) << 8); /* lsb first */

		assert_true(c >= 1 && c <= 10);
	}
	assert_int_equal(in8(0x245) * 11 / 15 + 7, 40);
	usleep(150 * 1000); /* the status read below sees the expiry even before a tick */
	assert_int_equal(in8(0x244) & 0x81, 0x00); /* fired, irq pending */
	assert_int_equal(in8(0x244) & 0x80, 0x80); /* reading the status acknowledged the irq */
	assert_true(atomic_load(&vm->dh.irq_pending) & (1ull << 5));
	fflush(vm->dh.log);
	assert_non_null(strstr(logbuf, "BOARD RESET"));
	/* feed: disable, reload, enable: counting again */
	in8(0x247);
	out8(0x243, 0x74);
	out8(0x241, 100);
	out8(0x241, 0);
	out8(0x247, 0);
	assert_int_equal(in8(0x244) & 0x01, 0x01);
}

static void test_dtlk_handshake(void **state)
{
	uint8_t reply[64];
	unsigned n = 0;

	(void)state;
	grant("dtlk");
	assert_int_equal(in16(0x25e) & 0xfbff, 0x107f); /* the driver's probe */
	/* a byte makes RDY drop once */
	out8(0x25f, 'A');
	assert_int_equal(in8(0x25f) & 0x10, 0);
	assert_int_equal(in8(0x25f) & 0x10, 0x10);
	out8(0x25f, '\r');
	fflush(vm->dh.log);
	assert_non_null(strstr(logbuf, "says: \"A\""));
	/* interrogation: each byte READABLE|byte until acknowledged, READABLE clear in between */
	out8(0x25f, 0x18);
	out8(0x25f, 0x01);
	out8(0x25f, '?');
	for (int tries = 0; tries < 200 && n < sizeof(reply); tries++) {
		uint8_t s = in8(0x25f);

		if (!(s & 0x80))
			continue;
		reply[n++] = s & 0x7f;
		out8(0x25f, s & 0x7f);
		assert_int_equal(in8(0x25f) & 0x80, 0);
		if (reply[n - 1] == 0x7f && n > 2)
			break;
	}
	assert_true(n > 20 && n < sizeof(reply));
	assert_memory_equal(reply + 2, "iKernel DT 1.0\r", 15);
	/* index markers on the LPC port */
	assert_int_equal(in8(0x25e), 0x7f);
	out8(0x25f, 0x01);
	out8(0x25f, '4');
	out8(0x25f, 'I');
	out8(0x25f, 0x01);
	out8(0x25f, '5');
	out8(0x25f, 'I');
	assert_int_equal(in8(0x25e), 4);
	out8(0x25e, 0xff);             /* acknowledge: 0x7f once, then the next marker */
	assert_int_equal(in8(0x25e), 0x7f);
	assert_int_equal(in8(0x25e), 5);
	out8(0x25e, 0xff);
	assert_int_equal(in8(0x25e), 0x7f);
	assert_int_equal(in8(0x25e), 0x7f);
}

static void test_scattered_ports(void **state)
{
	(void)state;
	grant("sbc7240");
	out8(0x443, 1);  /* 1 s */
	in8(0x443);      /* enable */
	usleep(1200 * 1000); /* the device's timer thread ticks every 20 ms */
	fflush(vm->dh.log);
	assert_non_null(strstr(logbuf, "sbc7240@0x443: watchdog expired"));
	in8(0x043);      /* the disable port, 0x400 below */
	ik_devices_destroy(vm);
	grant("wafer5823");
	assert_int_equal(vm->devs.devices[0].port, 0x443);
	in8(0x843);      /* the stop port, 0x400 above: granted */
	assert_false(atomic_load(&vm->ended));
}

static void test_grant_options(void **state)
{
	struct ik_device devs[IK_MAX_DEVICES];
	char err[256];
	const char *bad1[] = {"wdt501@0x240,bogus=1"};
	const char *bad2[] = {"cmos,file"};
	const char *bad3[] = {"wdt501,irq=1,irq=2"};
	const char *ovl[] = {"sbc7240", "wafer5823"};

	(void)state;
	memset(devs, 0, sizeof(devs));
	assert_int_equal(ik_devices_parse(bad1, 1, devs, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown option 'bogus' in device 'wdt501@0x240,bogus=1' (wdt501 options: irq, temp, dma)"));
	assert_int_equal(ik_devices_parse(bad2, 1, devs, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "expected KEY=VALUE"));
	assert_int_equal(ik_devices_parse(bad3, 1, devs, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "option 'irq' given twice"));
	assert_int_equal(ik_devices_parse(ovl, 2, devs, err, sizeof(err)), -EBUSY);
	assert_non_null(strstr(err, "overlaps device 'sbc7240' at port 0x443"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cmos_fresh_checksum, vm_setup, vm_teardown),
		cmocka_unit_test_setup_teardown(test_cmos_file_persists, vm_setup, vm_teardown),
		cmocka_unit_test_setup_teardown(test_wdt501_8254_and_expiry, vm_setup, vm_teardown),
		cmocka_unit_test_setup_teardown(test_dtlk_handshake, vm_setup, vm_teardown),
		cmocka_unit_test_setup_teardown(test_scattered_ports, vm_setup, vm_teardown),
		cmocka_unit_test(test_grant_options),
	};
	return cmocka_run_group_tests_name("linux-models", tests, NULL, NULL);
}
