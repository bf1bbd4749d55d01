/* SPDX-License-Identifier: MIT */
/* Helpers shared by the guest test programs (each program defines ik_guest_test()). */
#ifndef IK_GUEST_TEST_H
#define IK_GUEST_TEST_H

#include <ik/rt.h>

/* The runtime's setter of a thread's user window (guest/runtime/internal.h). The guest stub
 * sets it to the request's data buffer; tests call it to play the stub. */
void ik_thread_set_window(struct ik_thread *t, uintptr_t base, uint64_t len);

static inline void test_set_user_window(const void *base, uint64_t len)
{
	ik_thread_set_window(ik_current(), (uintptr_t)base, len);
}

/* GUEST_ASSERT for integers, reporting both values. */
#define GUEST_ASSERT_EQ(a, b)                                                                      \
	do {                                                                                       \
		long long __ga = (long long)(a), __gb = (long long)(b);                            \
		if (__ga != __gb)                                                                  \
			ik_panic_at(IK_PANIC_ASSERT, __FILE__, __LINE__, "%s == %s: %lld != %lld", \
				    #a, #b, __ga, __gb);                                           \
	} while (0)

#define GUEST_ASSERT_STR(a, b)                                                                     \
	do {                                                                                       \
		const char *__sa = (a), *__sb = (b);                                               \
		if (strcmp(__sa, __sb) != 0)                                                       \
			ik_panic_at(IK_PANIC_ASSERT, __FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", \
				    #a, #b, __sa, __sb);                                           \
	} while (0)

#define NS_PER_MS 1000000ull

#endif
