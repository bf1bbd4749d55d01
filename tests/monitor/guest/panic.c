/* panic hypercall with a message, file and line. */
#include "bare_guest.h"

int main(void)
{
	static const char msg[] = "something is very wrong: \x1b[31mred";
	struct ik_hc_panic p = {(uintptr_t)msg, sizeof(msg) - 1, (uintptr_t)__FILE__, 0, IK_PANIC_BUG};

	p.line = 12; /* this line: guest-runner checks panic.c:12 */
	bare_hypercall(IK_HC_PANIC, &p);
	return 1;
}
