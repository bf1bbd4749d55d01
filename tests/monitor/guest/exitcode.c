/* Exits with status 7. */
#include "mini.h"

int main(void)
{
	return 7;
}
