/* SPDX-License-Identifier: MIT */
/*
 * The client door's channel admission (src/monitor/door.c), both isolation levels' one copy:
 * a full driver refuses with -EBUSY, but while some of its channels only wait for the driver
 * to release them (their clients have left) it answers -EAGAIN, so that the library asks
 * again instead of failing an open that a moment later succeeds (the 16-client test once lost
 * an open that way). Unprivileged users' shares count the same way.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "door.h"
#include "drvhost.h"

#define STRANGER ((uid_t)54321) /* neither root, the monitor's user, nor a node's owner */

static struct ik_drvhost dh;

static int setup(void **state)
{
	(void)state;
	memset(&dh, 0, sizeof(dh));
	ik_door_init(&dh.door);
	return 0;
}

static void take_all(uid_t uid, unsigned n)
{
	for (unsigned ch = 0; ch < n; ch++) {
		assert_int_equal(ik_door_admit(&dh, uid), 0);
		ik_door_chan_taken(&dh, ch, uid);
	}
}

static void full_driver_is_busy(void **state)
{
	(void)state;
	take_all(0, IK_MAX_CHANNELS);
	assert_int_equal(ik_door_admit(&dh, 0), -EBUSY);
	assert_int_equal(ik_door_admit(&dh, STRANGER), -EBUSY);
}

static void draining_channel_says_again(void **state)
{
	(void)state;
	take_all(0, IK_MAX_CHANNELS);
	ik_door_chan_draining(&dh, 5);
	assert_int_equal(ik_door_admit(&dh, 0), -EAGAIN);
	ik_door_chan_freed(&dh, 5);
	assert_int_equal(ik_door_admit(&dh, 0), 0);
	ik_door_chan_taken(&dh, 5, 0); /* reused: no longer draining */
	assert_int_equal(ik_door_admit(&dh, 0), -EBUSY);
}

static void draining_free_channel_is_ignored(void **state)
{
	(void)state;
	take_all(0, IK_MAX_CHANNELS - 1);
	ik_door_chan_draining(&dh, IK_MAX_CHANNELS - 1); /* not taken: nothing to drain */
	ik_door_chan_taken(&dh, IK_MAX_CHANNELS - 1, 0);
	assert_int_equal(ik_door_admit(&dh, 0), -EBUSY);
}

static void unprivileged_share_drains_too(void **state)
{
	(void)state;
	take_all(STRANGER, IK_DOOR_CHANS_PER_UID);
	assert_int_equal(ik_door_admit(&dh, STRANGER), -EBUSY); /* its share is used up */
	assert_int_equal(ik_door_admit(&dh, 0), 0);              /* others still come in */
	ik_door_chan_draining(&dh, 0);
	assert_int_equal(ik_door_admit(&dh, STRANGER), -EAGAIN);
	ik_door_chan_freed(&dh, 0);
	assert_int_equal(ik_door_admit(&dh, STRANGER), 0);
}

static void another_users_draining_is_no_reason(void **state)
{
	(void)state;
	take_all(STRANGER, IK_DOOR_CHANS_PER_UID);
	ik_door_chan_taken(&dh, IK_DOOR_CHANS_PER_UID, 0);
	ik_door_chan_draining(&dh, IK_DOOR_CHANS_PER_UID); /* root's channel, not the stranger's */
	assert_int_equal(ik_door_admit(&dh, STRANGER), -EBUSY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(full_driver_is_busy, setup),
		cmocka_unit_test_setup(draining_channel_says_again, setup),
		cmocka_unit_test_setup(draining_free_channel_is_ignored, setup),
		cmocka_unit_test_setup(unprivileged_share_drains_too, setup),
		cmocka_unit_test_setup(another_users_draining_is_no_reason, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
