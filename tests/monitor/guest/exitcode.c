/* Exits with status 7. */
#include "bare_guest.h"

int main(void)
{
	return 7;
}
