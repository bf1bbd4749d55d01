/* SPDX-License-Identifier: MIT */
/*
 * A libikernel client built outside the tree with `pkg-config --cflags --libs ikernel` by the
 * install test: it writes a pattern to nulldev's null0 at an offset, reads it back and checks
 * it. Exit 0 when the bytes match.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include <ikernel/ikernel.h>

int main(void)
{
	char out[64], in[64];
	int h = ik_open("null0", O_RDWR);

	if (h < 0) {
		fprintf(stderr, "client: ik_open(null0): %s\n", strerror(-h));
		return 1;
	}
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7 + 3);
	ssize_t w = ik_pwrite(h, out, sizeof(out), 1000);
	ssize_t r = ik_pread(h, in, sizeof(in), 1000);
	int c = ik_close(h);
	if (w != (ssize_t)sizeof(out) || r != (ssize_t)sizeof(in) || c != 0 ||
	    memcmp(in, out, sizeof(in))) {
		fprintf(stderr, "client: write %zd, read %zd, close %d, %s\n", w, r, c,
			memcmp(in, out, sizeof(in)) ? "bytes differ" : "bytes match");
		return 1;
	}
	printf("client: 64 bytes through null0 and back\n");
	return 0;
}
