/* An invalid opcode (what BUG() compiles to in Linux). */
#include "bare_guest.h"

int main(void)
{
	__asm__ volatile("ud2");
	return 0;
}
