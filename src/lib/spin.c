/* SPDX-License-Identifier: MIT */
/* The client's spin budget: ik_set_spin_ns(), else $IKERNEL_SPIN_NS, else 20 us. */
#include <stdlib.h>

#include "engine.h"
#include "ikernel/ikernel.h"

#define IK_SPIN_NS_DEFAULT 20000ull
#define IK_SPIN_UNSET      UINT64_MAX

static uint64_t spin_ns = IK_SPIN_UNSET;

static uint64_t spin_from_env(void)
{
	const char *s = getenv("IKERNEL_SPIN_NS");
	char *end;

	if (s == NULL || *s == '\0')
		return IK_SPIN_NS_DEFAULT;
	unsigned long long v = strtoull(s, &end, 0);
	if (*end != '\0' || v == IK_SPIN_UNSET)
		return IK_SPIN_NS_DEFAULT;
	return v;
}

uint64_t ik_spin_ns(void)
{
	uint64_t v = __atomic_load_n(&spin_ns, __ATOMIC_RELAXED);

	if (v != IK_SPIN_UNSET)
		return v;
	uint64_t expected = IK_SPIN_UNSET;
	v = spin_from_env();
	/* Only the first reader sets it: a concurrent ik_set_spin_ns() wins. */
	if (!__atomic_compare_exchange_n(&spin_ns, &expected, v, false, __ATOMIC_RELAXED,
					 __ATOMIC_RELAXED))
		v = expected;
	return v;
}

void ik_set_spin_ns(uint64_t ns)
{
	if (ns == IK_SPIN_UNSET)
		ns--;
	__atomic_store_n(&spin_ns, ns, __ATOMIC_RELAXED);
}
