/* SPDX-License-Identifier: MIT */
/* Fuzz target: the driver manifest parser (src/super/manifest.c) on arbitrary text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct ik_manifest *m = calloc(1, sizeof(*m));
	char err[IKM_ERR_MAX];

	if (!text || !m)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (ikm_parse_string("fuzz.ini", text, m, err, sizeof(err)) == 0) {
		struct ik_manifest *set[2] = {m, m};
		(void)ikm_check_set(set, 1, err, sizeof(err));
	}
	free(m);
	free(text);
	return 0;
}
