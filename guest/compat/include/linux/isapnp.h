/* SPDX-License-Identifier: MIT */
/* iKernel Linux compat: <linux/isapnp.h>. No ISA Plug and Play bus in a driver VM (CONFIG_PNP is
 * off): isapnp_present() says so, and the PnP calls a driver keeps behind it find nothing. */
#ifndef _IK_LINUX_ISAPNP_H
#define _IK_LINUX_ISAPNP_H

#include <linux/errno.h>
#include <linux/types.h>

struct pnp_dev;

struct isapnp_device_id {
	unsigned short card_vendor, card_device;
	unsigned short vendor, function;
	unsigned long driver_data;
};

#define ISAPNP_ANY_ID 0xffff
/* The EISA-style vendor id the real macros pack: only compared here, never looked up. */
#define ISAPNP_VENDOR(a, b, c) (((((a) - 'A' + 1) & 0x3f) << 2) | ((((b) - 'A' + 1) & 0x18) >> 3) | \
				((((b) - 'A' + 1) & 7) << 13) | ((((c) - 'A' + 1) & 0x1f) << 8))
#define ISAPNP_DEVICE(x) ((((x) & 0xf000) >> 8) | (((x) & 0x0f00) >> 8) | (((x) & 0x00f0) << 8) | \
			  (((x) & 0x000f) << 8))
#define ISAPNP_FUNCTION(x) ISAPNP_DEVICE(x)
#define ISAPNP_CARD_ID(a, b, c, device) ISAPNP_VENDOR(a, b, c), ISAPNP_DEVICE(device)

static inline int isapnp_present(void) { return 0; }
static inline struct pnp_dev *pnp_find_dev(struct pnp_dev *card, unsigned short vendor,
					   unsigned short function, struct pnp_dev *from)
{
	return NULL;
}
static inline int pnp_device_attach(struct pnp_dev *dev) { return -ENODEV; }
static inline void pnp_device_detach(struct pnp_dev *dev) {}
static inline int pnp_activate_dev(struct pnp_dev *dev) { return -ENODEV; }
static inline int pnp_port_valid(struct pnp_dev *dev, unsigned int bar) { return 0; }
static inline int pnp_irq_valid(struct pnp_dev *dev, unsigned int bar) { return 0; }
static inline unsigned long pnp_port_start(struct pnp_dev *dev, unsigned int bar) { return 0; }
static inline int pnp_irq(struct pnp_dev *dev, unsigned int bar) { return -1; }
static inline int pnp_start_dev(struct pnp_dev *dev) { return -ENODEV; }
static inline int pnp_stop_dev(struct pnp_dev *dev) { return -ENODEV; }

#endif
