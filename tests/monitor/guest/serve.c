/*
 * A tiny "driver" for the server tests: registers node "mon-node", announces READY, then
 * answers on every channel: when the client stores v != 0 at offset 0x1000 of its channel,
 * it stores v + 1 at 0x1004 and rings the channel's doorbell. Releases channels whose client
 * left; with params "x" it exits 0 after the first release.
 */
#include "bare_guest.h"

static uint64_t active, answered;

static volatile uint32_t *chan_word(unsigned ch, uint64_t off)
{
	return (volatile uint32_t *)(uintptr_t)(IK_GPA_CHAN_BASE + ch * IK_CHAN_STRIDE + off);
}

static void answer(unsigned ch)
{
	uint32_t v = *chan_word(ch, 0x1000);

	if (!v || (answered & (1ull << ch)))
		return;
	*chan_word(ch, 0x1004) = v + 1;
	answered |= 1ull << ch;
	*(volatile uint32_t *)(uintptr_t)(IK_GPA_DOORBELL + 8ull * ch) = 1;
}

static void release(unsigned ch)
{
	struct ik_hc_chan c = {ch, 0};

	active &= ~(1ull << ch);
	answered &= ~(1ull << ch);
	bare_hypercall(IK_HC_CHAN_RELEASED, &c);
	if (bare_bootinfo()->params[0] == 'x')
		bare_exit(0);
}

int main(void)
{
	static const char node_name[] = "mon-node";
	struct ik_hc_register_node reg = {(uintptr_t)node_name, 0, 7};
	struct ik_hc_ready ready = {1, 0};
	struct ik_hc_wait w;

	bare_hypercall(IK_HC_REGISTER_NODE, &reg);
	bare_hypercall(IK_HC_READY, &ready);
	for (;;) {
		bare_events()->heartbeat++;
		w = (struct ik_hc_wait){.timeout_ns = 1000000};
		bare_hypercall(IK_HC_WAIT, &w);
		active |= w.chan_opened;
		for (unsigned ch = 0; ch < IK_MAX_CHANNELS; ch++) {
			if (active & (1ull << ch))
				answer(ch);
			if (w.chan_closing & (1ull << ch))
				release(ch);
		}
	}
}
