/* Console output and a clean exit; checks the boot info the monitor filled in. */
#include "bare_guest.h"

int main(void)
{
	const struct ik_bootinfo *bi = bare_bootinfo();

	bare_print("hello from the mini guest\n");
	bare_print("two\nlines\x01\n");
	if (bi->magic != IK_BOOTINFO_MAGIC || bi->abi_version != IK_ABI_VERSION)
		return 10;
	if (bi->heap_start < IK_GPA_IMAGE || bi->heap_end <= bi->heap_start || bi->tsc_khz == 0)
		return 11;
	if (bi->stack_count != IK_MAX_THREADS || bi->max_channels != IK_MAX_CHANNELS)
		return 12;
	/* the heap and the stack are writable */
	*(volatile uint64_t *)(uintptr_t)bi->heap_start = 42;
	*(volatile uint64_t *)(uintptr_t)(bi->heap_end - 8) = 42;
	return 0;
}
