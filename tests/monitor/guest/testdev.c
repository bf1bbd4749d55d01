/* Exercises the testdev model: scratch register, write counter, interrupt lines, WAIT. */
#include "bare_guest.h"

#define BASE 0x500

static uint64_t wait_events(uint64_t timeout_ns, struct ik_hc_wait *w)
{
	*w = (struct ik_hc_wait){.timeout_ns = timeout_ns};
	bare_hypercall(IK_HC_WAIT, w);
	return w->irqs;
}

int main(void)
{
	struct ik_hc_wait w;

	bare_port_out(BASE + 2, 4, 0x12345678);
	if (bare_port_in(BASE + 2, 4) != 0x12345678)
		return 1;
	bare_port_out(BASE + 2, 1, 0xab);
	if (bare_port_in(BASE + 2, 2) != 0xab)
		return 2;
	if (bare_port_in(BASE + 1, 4) != 2)
		return 3;
	if (wait_events(0, &w) != 0)
		return 4;
	bare_port_out(BASE + 0, 1, 5);
	bare_port_out(BASE + 0, 1, 63);
	if (!(bare_events()->attention & 1))
		return 5;
	bare_events()->attention = 0;
	if (wait_events(1000000, &w) != ((1ull << 5) | (1ull << 63)))
		return 6;
	if (w.chan_opened || w.chan_closing)
		return 7;
	/* nothing pending: a 1 ms wait times out with no events */
	if (wait_events(1000000, &w) != 0)
		return 8;
	bare_print("testdev ok\n");
	return 0;
}
