/* SPDX-License-Identifier: MIT */
/*
 * JSON output through jansson (libjansson-dev): `ikernel status --json` and `ikernel bench
 * --json`. jansson escapes what JSON needs escaped (quotes, backslashes, every control
 * character) and refuses strings that are not UTF-8; ikj_string() makes any bytes one: a
 * driver's name, a crash report or a path is shown with each byte that is not part of valid
 * UTF-8 replaced by U+FFFD, so the output is always valid JSON.
 */
#ifndef IKSUPER_IKJSON_H
#define IKSUPER_IKJSON_H

#include <jansson.h>

/* A JSON string holding s (NULL: null). */
json_t *ikj_string(const char *s);
/* A number rounded to `decimals` places (printed without binary noise); NaN or infinite:
 * null. */
json_t *ikj_real(double v, int decimals);
/* obj[key] = value, taking the reference (value may be NULL after a failed allocation). */
void ikj_set(json_t *obj, const char *key, json_t *value);
/* The text of v followed by a newline (free() it), or NULL. Keys stay in insertion order,
 * "key": value, items separated by ", " -- the layout of the hand-written output before. */
char *ikj_dump(const json_t *v);

#endif
