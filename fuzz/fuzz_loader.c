/* SPDX-License-Identifier: MIT */
/* Fuzz target: the guest image loader (src/monitor/vm/loader.c) on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "ikernel/abi.h"
#include "loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *ram;
	const struct ik_ram_desc desc = {IK_MEM_DEFAULT, IK_GPA_IMAGE, IK_MEM_DEFAULT - 0x80000};
	struct ik_image img;
	char err[512];
	uint64_t off;

	if (!ram)
		ram = calloc(IK_MEM_DEFAULT, 1);
	if (ik_image_parse(data, size, "fuzz.img", &desc, &img, err, sizeof(err)) == 0) {
		ik_image_copy(&img, data, ram);
		(void)ik_image_symbolize(&img, img.entry, &off);
		(void)ik_image_symbolize(&img, img.end - 1, &off);
		(void)ik_image_symbol(&img, "main");
		ik_image_free(&img);
	}
	return 0;
}
