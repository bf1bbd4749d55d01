/* Deep recursion (deeper than the 16 KiB stack) runs into the guard page below stack 0. */
#include "bare_guest.h"

__attribute__((noinline)) static int recurse(volatile char *prev, unsigned depth)
{
	volatile char frame[512];

	frame[0] = prev ? prev[0] + 1 : 0;
	if (depth == 0)
		return frame[0];
	return recurse(frame, depth - 1) + frame[1];
}

int main(void)
{
	return recurse(0, 1000000);
}
