/* Writes through a NULL pointer: a page fault with CR2 0. */
#include "bare_guest.h"

__attribute__((noipa)) static void crash_ioctl(volatile int *p)
{
	*p = 1;
}

int main(void)
{
	crash_ioctl((volatile int *)0);
	return 0;
}
