/* Jumps into a writable (no-execute) data buffer. */
#include "bare_guest.h"

static uint8_t code[16] = {0xc3}; /* ret */

int main(void)
{
	((void (*)(void))(uintptr_t)code)();
	return 0;
}
