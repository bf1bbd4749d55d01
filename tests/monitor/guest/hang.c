/* Spins forever without a heartbeat. */
#include "bare_guest.h"

__attribute__((noinline)) static void spin_forever(void)
{
	for (;;)
		__asm__ volatile("pause");
}

int main(void)
{
	spin_forever();
	return 0;
}
