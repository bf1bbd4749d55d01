/* SPDX-License-Identifier: MIT */
/* JSON output through jansson (ikjson.h). */
#include "ikjson.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The length of the valid UTF-8 sequence at s (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF), or 0. Reads no byte past a NUL. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

json_t *ikj_string(const char *s)
{
	if (!s)
		return json_null();
	json_t *j = json_string(s); /* NULL when s is not UTF-8 (or no memory) */
	if (j)
		return j;
	size_t len = strlen(s);
	char *clean = malloc(len * 3 + 1); /* each bad byte becomes U+FFFD, 3 bytes */
	if (!clean)
		return NULL;
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_seq(p);
		if (n) {
			memcpy(clean + o, p, n);
			o += n;
			p += n;
		} else {
			memcpy(clean + o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
		}
	}
	clean[o] = '\0';
	j = json_string(clean);
	free(clean);
	return j;
}

json_t *ikj_real(double v, int decimals)
{
	double scale = pow(10, decimals);

	if (!isfinite(v))
		return json_null();
	double r = round(v * scale) / scale;
	return json_real(isfinite(r) ? r : v);
}

void ikj_set(json_t *obj, const char *key, json_t *value)
{
	json_object_set_new(obj, key, value);
}

char *ikj_dump(const json_t *v)
{
	/* 15 significant digits: a rounded value prints as written (0.1, not 0.1000000000000000055). */
	char *text = json_dumps(v, JSON_REAL_PRECISION(15));
	if (!text)
		return NULL;
	size_t n = strlen(text);
	char *line = realloc(text, n + 2);
	if (!line) {
		free(text);
		return NULL;
	}
	memcpy(line + n, "\n", 2);
	return line;
}
