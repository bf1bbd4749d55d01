/* Drives the LED board of the parport model. */
#include "bare_guest.h"

int main(void)
{
	bare_port_out(0x378, 1, 0xa5);
	bare_port_out(0x378, 1, 0xa5); /* unchanged: no new log line */
	bare_port_out(0x378, 1, 0x01);
	if (bare_port_in(0x378, 1) != 0x01)
		return 1;
	if (bare_port_in(0x379, 1) != 0x7f)
		return 2;
	bare_port_out(0x37a, 1, 0x04);
	if (bare_port_in(0x37a, 1) != 0x04)
		return 3;
	return 0;
}
