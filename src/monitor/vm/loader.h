/* SPDX-License-Identifier: MIT */
/*
 * Guest image loader: validates a static ELF64 x86-64 image held in a buffer against a
 * description of guest RAM, and copies its segments into guest RAM. No KVM involved, so the
 * unit tests can feed it hand-made malformed images.
 */
#ifndef IKMON_LOADER_H
#define IKMON_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IK_IMAGE_MAX_SEGMENTS 16u
#define IK_IMAGE_MAX_PHDRS    64u

/* Where an image may live: [image_min, image_limit) of a RAM of mem_size bytes. */
struct ik_ram_desc {
	uint64_t mem_size;    /* bytes of guest RAM from GPA 0 */
	uint64_t image_min;   /* lowest address a segment may use (IK_GPA_IMAGE) */
	uint64_t image_limit; /* first byte a segment may not use (the stack area) */
};

/* Segment permission flags (ELF PF_* values). */
#define IK_SEG_X 1u
#define IK_SEG_W 2u
#define IK_SEG_R 4u

struct ik_segment {
	uint64_t vaddr, memsz; /* guest range [vaddr, vaddr + memsz) */
	uint64_t offset, filesz;
	uint32_t flags; /* IK_SEG_* */
};

struct ik_symbol {
	uint64_t addr, size;
	char *name;
};

struct ik_image {
	uint64_t entry;
	uint64_t end; /* first byte after the highest segment */
	uint32_t abi_version;
	unsigned nsegments;
	struct ik_segment segments[IK_IMAGE_MAX_SEGMENTS];
	struct ik_symbol *symbols; /* FUNC/OBJECT symbols sorted by address */
	size_t nsymbols;
};

/*
 * Validate the image in [buf, buf + len) for a RAM described by `ram`. `name` (the file name)
 * prefixes every message: "image led.img: ...". On error returns -errno (-ENOEXEC for a bad
 * image, -ENOMEM) and writes the message to err.
 */
int ik_image_parse(const void *buf, size_t len, const char *name, const struct ik_ram_desc *ram,
		   struct ik_image *img, char *err, size_t errlen);

/* Copy the segments of a parsed image into guest RAM (`ram` = host address of GPA 0) and zero
 * their bss parts. */
void ik_image_copy(const struct ik_image *img, const void *buf, uint8_t *ram);

void ik_image_free(struct ik_image *img);

/* The symbol containing addr ("" when none) and the offset of addr within it. */
const char *ik_image_symbolize(const struct ik_image *img, uint64_t addr, uint64_t *off);

/* Address of the symbol `name`, 0 when absent. */
uint64_t ik_image_symbol(const struct ik_image *img, const char *name);

#endif /* IKMON_LOADER_H */
