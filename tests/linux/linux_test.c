/* SPDX-License-Identifier: MIT */
/* Helpers of the Linux-driver end-to-end tests (see linux_test.h). */
#include "linux_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct ldrv ldrv;

/* Split the space-separated `s` into out[max][len]; returns the count. */
static unsigned split_words(const char *s, char *out, unsigned max, size_t len)
{
	unsigned n = 0;

	while (*s) {
		size_t w;

		while (*s == ' ')
			s++;
		w = strcspn(s, " ");
		if (w == 0)
			break;
		if (n == max || w >= len) {
			fprintf(stderr, "linux test: too many or too long words in '%s'\n", s);
			exit(1);
		}
		memcpy(out + n * len, s, w);
		out[n * len + w] = '\0';
		n++;
		s += w;
	}
	return n;
}

void ldrv_init(int argc, char **argv)
{
	if (argc != 8) {
		fprintf(stderr, "usage: %s IKERNEL BUILD_ROOT IMAGE NAME DEVICES PARAMS NODES\n",
			argv[0]);
		exit(2);
	}
	TEST_REQUIRE_KVM();
	harness_init(3, argv);
	ldrv.image = argv[3];
	ldrv.name = argv[4];
	ldrv.ndevices = split_words(argv[5], &ldrv.devices[0][0], 8, sizeof(ldrv.devices[0]));
	ldrv.nparams = split_words(argv[6], &ldrv.params[0][0], 16, sizeof(ldrv.params[0]));
	ldrv.nnodes = split_words(argv[7], &ldrv.nodes[0][0], 4, sizeof(ldrv.nodes[0]));
	if (ldrv.nnodes == 0) {
		fprintf(stderr, "linux test: driver %s has no nodes\n", ldrv.name);
		exit(2);
	}
}

int ldrv_start(struct monitor *m, const char *dev_opt0, const char *const *more_params)
{
	static char dev0[512];
	const char *extra[28];
	unsigned n = 0;

	for (unsigned i = 0; i < ldrv.ndevices && n + 2 < 26; i++) {
		extra[n++] = "--device";
		if (i == 0 && dev_opt0) {
			snprintf(dev0, sizeof(dev0), "%s%s", ldrv.devices[0], dev_opt0);
			extra[n++] = dev0;
		} else {
			extra[n++] = ldrv.devices[i];
		}
	}
	for (unsigned i = 0; i < ldrv.nparams && n + 2 < 26; i++) {
		extra[n++] = "--param";
		extra[n++] = ldrv.params[i];
	}
	for (const char *const *p = more_params; p && *p && n + 2 < 26; p++) {
		extra[n++] = "--param";
		extra[n++] = *p;
	}
	extra[n] = NULL;
	return start_monitor(m, ldrv.image, ldrv.name, ldrv.nodes[0], extra);
}

unsigned log_count(const struct monitor *m, const char *needle)
{
	char *log = read_log(m);
	unsigned n = 0;

	for (const char *p = log; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	free(log);
	return n;
}

bool log_wait(const struct monitor *m, const char *needle, unsigned n, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 20) {
		if (log_count(m, needle) >= n)
			return true;
		sleep_ms(20);
	}
	return false;
}
