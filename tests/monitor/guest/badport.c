/* Reads a port that was not granted (COM2). */
#include "mini.h"

int main(void)
{
	return (int)port_in(0x2f8, 1);
}
