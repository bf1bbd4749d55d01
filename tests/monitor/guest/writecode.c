/* Writes into its own code. */
#include "bare_guest.h"

int main(void)
{
	*(volatile uint8_t *)(uintptr_t)main = 0xcc;
	return 0;
}
