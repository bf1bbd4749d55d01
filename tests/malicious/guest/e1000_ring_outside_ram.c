/* SPDX-License-Identifier: MIT */
/* Attack "e1000_ring_outside_ram": an e1000 (e1000@pci, slot 1, its registers at the first
 * MMIO slot) with bus mastering on is given a transmit ring far outside the VM's RAM (as a
 * malicious driver points a NIC at host memory) and told to send: the model's read of the first
 * descriptor must be refused and end the driver. */
#include "mal.h"

#define REG(off) (*(volatile uint32_t *)(uintptr_t)(IK_GPA_DEVMMIO + (off)))

static void config_write16(unsigned reg, uint16_t v)
{
	*(volatile uint32_t *)(uintptr_t)(IK_GPA_PIO + 0xcf8) = 0x80000000u | 1u << 11 | (reg & 0xfcu);
	*(volatile uint16_t *)(uintptr_t)(IK_GPA_PIO + 0xcfc + (reg & 3u)) = v;
}

int main(void)
{
	struct mal_chan c;
	struct ik_sqe s;

	mal_first_read(&c, &s);
	config_write16(0x04, 0x0007); /* I/O, memory, bus master */
	REG(0x3800) = 0x7ff00000u;    /* TDBAL */
	REG(0x3804) = 0;              /* TDBAH */
	REG(0x3808) = 8 * 16;         /* TDLEN: 8 descriptors */
	REG(0x3810) = 0;              /* TDH */
	REG(0x3818) = 0;              /* TDT */
	REG(0x0400) = 0x2;            /* TCTL.EN */
	REG(0x3818) = 1;              /* TDT: one descriptor to send */
	mal_spin_forever_quietly();
	return 0;
}
