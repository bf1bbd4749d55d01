/* Drives the LED board of the parport model. */
#include "mini.h"

int main(void)
{
	port_out(0x378, 1, 0xa5);
	port_out(0x378, 1, 0xa5); /* unchanged: no new log line */
	port_out(0x378, 1, 0x01);
	if (port_in(0x378, 1) != 0x01)
		return 1;
	if (port_in(0x379, 1) != 0x7f)
		return 2;
	port_out(0x37a, 1, 0x04);
	if (port_in(0x37a, 1) != 0x04)
		return 3;
	return 0;
}
