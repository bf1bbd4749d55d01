/* Reads a port that was not granted (COM2). */
#include "bare_guest.h"

int main(void)
{
	return (int)bare_port_in(0x2f8, 1);
}
