/* SPDX-License-Identifier: MIT */
/*
 * drivers/char/nvram.c end to end on the "cmos" model: /dev/nvram's llseek/read/write, the
 * checksum the driver keeps over bytes 0x10-0x2d of the CMOS (offsets 2-31 of the device,
 * stored big-endian at offsets 32/33), -EIO while it is wrong, NVRAM_SETCKS and NVRAM_INIT
 * (CAP_SYS_ADMIN, refused with ikernel.caps=none), exclusive opens, and persistence of the
 * contents in the model's backing file across a restart of the driver VM.
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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ikernel/ikernel.h"
#include "linux_test.h"

#define NVRAM_SIZE   114 /* 128 CMOS bytes - 14 clock registers */
#define CKS_FIRST    2   /* CMOS 0x10 */
#define CKS_LAST     31  /* CMOS 0x2d */
#define CKS_HI       32  /* CMOS 0x2e */
#define NVRAM_INIT   0x7040 /* _IO('p', 0x40) */
#define NVRAM_SETCKS 0x7041 /* _IO('p', 0x41) */

static struct monitor mon;
static char nvfile[128], devopt[160];

static int start(const char *const *params)
{
	return ldrv_start(&mon, devopt, params);
}

static void restart(const char *const *params)
{
	assert_int_equal(stop_monitor(&mon), 0);
	cleanup_monitor(&mon);
	assert_int_equal(start(params), 0);
}

static uint16_t checksum_of(const uint8_t *nv)
{
	uint16_t sum = 0;

	for (int i = CKS_FIRST; i <= CKS_LAST; i++)
		sum = (uint16_t)(sum + nv[i]);
	return sum;
}

static void read_all(int h, uint8_t *nv)
{
	assert_int_equal(ik_lseek(h, 0, SEEK_SET), 0);
	assert_int_equal(ik_read(h, nv, NVRAM_SIZE), NVRAM_SIZE);
}

static void test_fresh_contents_and_llseek(void **state)
{
	uint8_t nv[NVRAM_SIZE + 8];
	int h = ik_open("nvram", O_RDONLY);

	(void)state;
	assert_true(h >= 0);
	assert_int_equal(ik_lseek(h, 0, SEEK_END), NVRAM_SIZE);
	assert_int_equal(ik_lseek(h, -4, SEEK_END), NVRAM_SIZE - 4);
	assert_int_equal(ik_lseek(h, 2, SEEK_CUR), NVRAM_SIZE - 2);
	assert_int_equal(ik_lseek(h, -1, SEEK_SET), -EINVAL);
	assert_int_equal(ik_lseek(h, -NVRAM_SIZE - 1, SEEK_END), -EINVAL);
	/* past the end is allowed (the limit is MAX_LFS_FILESIZE), and reads nothing there */
	assert_int_equal(ik_lseek(h, NVRAM_SIZE + 10, SEEK_SET), NVRAM_SIZE + 10);
	assert_int_equal(ik_read(h, nv, 8), 0);
	/* at the end: nothing more to read */
	assert_int_equal(ik_lseek(h, 0, SEEK_END), NVRAM_SIZE);
	assert_int_equal(ik_read(h, nv, 8), 0);
	/* a fresh NVRAM has contents and a valid checksum */
	memset(nv, 0xee, sizeof(nv));
	assert_int_equal(ik_lseek(h, 0, SEEK_SET), 0);
	assert_int_equal(ik_read(h, nv, sizeof(nv)), NVRAM_SIZE);
	assert_int_equal(ik_lseek(h, 0, SEEK_CUR), NVRAM_SIZE);
	assert_int_equal(nv[2], 0x40); /* CMOS 0x10: 1.44 MB floppy */
	assert_int_equal((nv[CKS_HI] << 8) | nv[CKS_HI + 1], checksum_of(nv));
	assert_int_equal(ik_close(h), 0);
}

static void test_write_read_checksum(void **state)
{
	uint8_t nv[NVRAM_SIZE], back[5];
	int h = ik_open("nvram", O_RDWR);

	(void)state;
	assert_true(h >= 0);
	/* outside the checksummed area */
	assert_int_equal(ik_lseek(h, 60, SEEK_SET), 60);
	assert_int_equal(ik_write(h, "hello", 5), 5);
	assert_int_equal(ik_lseek(h, 0, SEEK_CUR), 65);
	assert_int_equal(ik_pread(h, back, 5, 60), 5);
	assert_memory_equal(back, "hello", 5);
	/* inside it: the driver updates the checksum */
	assert_int_equal(ik_lseek(h, 10, SEEK_SET), 10);
	assert_int_equal(ik_write(h, "\x11\x22\x33", 3), 3);
	read_all(h, nv);
	assert_int_equal(nv[10], 0x11);
	assert_int_equal(nv[12], 0x33);
	assert_int_equal((nv[CKS_HI] << 8) | nv[CKS_HI + 1], checksum_of(nv));
	/* a write running past the end is cut at the end */
	assert_int_equal(ik_lseek(h, NVRAM_SIZE - 2, SEEK_SET), NVRAM_SIZE - 2);
	assert_int_equal(ik_write(h, "wxyz", 4), 2);
	assert_int_equal(ik_close(h), 0);
}

static void test_exclusive_opens(void **state)
{
	int w1 = ik_open("nvram", O_RDWR), r1, w2;

	(void)state;
	assert_true(w1 >= 0);
	w2 = ik_open("nvram", O_WRONLY);
	assert_int_equal(w2, -EBUSY); /* one writer at a time */
	assert_int_equal(ik_open("nvram", O_RDONLY | O_EXCL), -EBUSY);
	r1 = ik_open("nvram", O_RDONLY);
	assert_true(r1 >= 0);
	assert_int_equal(ik_close(r1), 0);
	assert_int_equal(ik_close(w1), 0);
	w2 = ik_open("nvram", O_WRONLY);
	assert_true(w2 >= 0);
	assert_int_equal(ik_close(w2), 0);
}

/* Corrupt the checksum behind the driver's back (in the backing file, VM stopped). */
static void corrupt_file_checksum(void)
{
	int fd = open(nvfile, O_RDWR);
	uint8_t b;

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &b, 1, 0x2f), 1);
	b ^= 0x5a;
	assert_int_equal(pwrite(fd, &b, 1, 0x2f), 1);
	close(fd);
}

static void test_persistence_and_bad_checksum(void **state)
{
	uint8_t nv[NVRAM_SIZE], back[5];
	int h;

	(void)state;
	restart(NULL);
	h = ik_open("nvram", O_RDWR);
	assert_true(h >= 0);
	assert_int_equal(ik_pread(h, back, 5, 60), 5);
	assert_memory_equal(back, "hello", 5); /* survived the restart */
	assert_int_equal(ik_close(h), 0);

	assert_int_equal(stop_monitor(&mon), 0);
	cleanup_monitor(&mon);
	corrupt_file_checksum();
	assert_int_equal(start(NULL), 0);
	h = ik_open("nvram", O_RDWR);
	assert_true(h >= 0);
	assert_int_equal(ik_pread(h, nv, 4, 0), -EIO);
	assert_int_equal(ik_pwrite(h, "x", 1, 70), -EIO);
	assert_int_equal(ik_ioctl(h, NVRAM_SETCKS, NULL), 0);
	read_all(h, nv);
	assert_memory_equal(nv + 60, "hello", 5); /* SETCKS keeps the contents */
	assert_int_equal((nv[CKS_HI] << 8) | nv[CKS_HI + 1], checksum_of(nv));
	assert_int_equal(ik_ioctl(h, NVRAM_INIT, NULL), 0);
	read_all(h, nv);
	for (int i = 0; i < NVRAM_SIZE; i++)
		if (nv[i] != 0)
			fail_msg("NVRAM_INIT left byte %d = 0x%02x", i, nv[i]);
	assert_int_equal(ik_ioctl(h, 0x7042, NULL), -ENOTTY);
	assert_int_equal(ik_close(h), 0);
}

static void test_capability_policy(void **state)
{
	static const char *const nocaps[] = {"ikernel.caps=none", NULL};
	static const char *const admin[] = {"ikernel.caps=sys_rawio,sys_admin", NULL};
	int h;

	(void)state;
	restart(nocaps);
	h = ik_open("nvram", O_RDWR);
	assert_true(h >= 0);
	assert_int_equal(ik_ioctl(h, NVRAM_INIT, NULL), -EACCES);
	assert_int_equal(ik_ioctl(h, NVRAM_SETCKS, NULL), -EACCES);
	assert_int_equal(ik_close(h), 0);
	restart(admin);
	h = ik_open("nvram", O_RDWR);
	assert_true(h >= 0);
	assert_int_equal(ik_ioctl(h, NVRAM_SETCKS, NULL), 0);
	assert_int_equal(ik_close(h), 0);
}

/* nvram reaches the CMOS through CMOS_READ/CMOS_WRITE without request_region(): started
 * without the cmos grant it serves, and its first read touches port 0x70, which ends its VM
 * with a report naming the port; the client gets EIO, not data. */
static void test_ungranted_port_ends_vm(void **state)
{
	struct monitor bad;
	char buf[8];
	char *log;
	int h;

	(void)state;
	assert_int_equal(start_monitor(&bad, ldrv.image, ldrv.name, "nvram", NULL), 0);
	h = ik_open("nvram", O_RDONLY);
	assert_true(h >= 0);
	assert_int_equal(ik_read(h, buf, sizeof(buf)), -EIO);
	ik_close(h); /* the file died with its VM */
	assert_int_equal(WEXITSTATUS(wait_monitor(&bad, 5000)), 1);
	log = read_log(&bad);
	assert_non_null(strstr(log, "port 0x70 (1-byte write) is not granted to driver 'nvram'"));
	free(log);
	cleanup_monitor(&bad);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_contents_and_llseek),
		cmocka_unit_test(test_write_read_checksum),
		cmocka_unit_test(test_exclusive_opens),
		cmocka_unit_test(test_persistence_and_bad_checksum),
		cmocka_unit_test(test_capability_policy),
	};
	const struct CMUnitTest grant[] = {
		cmocka_unit_test(test_ungranted_port_ends_vm),
	};
	int r;

	ldrv_init(argc, argv);
	test_deadline(120);
	snprintf(nvfile, sizeof(nvfile), "/tmp/ikernel-nvram-test.%d.bin", (int)getpid());
	unlink(nvfile);
	snprintf(devopt, sizeof(devopt), ",file=%s", nvfile);
	if (start(NULL)) {
		fprintf(stderr, "cannot start %s\n", ldrv.name);
		return 1;
	}
	r = cmocka_run_group_tests_name("nvram", tests, NULL, NULL);
	stop_monitor(&mon);
	cleanup_monitor(&mon);
	r |= cmocka_run_group_tests_name("nvram without its grant", grant, NULL, NULL);
	unlink(nvfile);
	return r;
}
