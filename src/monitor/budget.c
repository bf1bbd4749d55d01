/* SPDX-License-Identifier: MIT */
/* One driver's output budget (budget.h): its parser and its token bucket. */
#include "budget.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor.h" /* ik_parse_size */

struct ik_budget_cfg ik_budget_default(void)
{
	return (struct ik_budget_cfg){IK_BUDGET_RATE_DEFAULT, IK_BUDGET_LINES_DEFAULT,
				      IK_BUDGET_BURST_DEFAULT};
}

/* A count of digits only (no sign, no spaces), at most max, then `suffix` or nothing. */
static int parse_count(const char *s, const char *suffix, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > max)
			return -EINVAL;
	}
	if (i == 0 || (s[i] && strcmp(s + i, suffix)) || v == 0)
		return -EINVAL;
	*out = v;
	return 0;
}

int ik_budget_parse(const char *s, struct ik_budget_cfg *out, char *err, size_t errlen)
{
	char buf[64], *lines, *burst;
	struct ik_budget_cfg cfg;
	int bad = strlen(s) >= sizeof(buf);

	if (!bad) {
		snprintf(buf, sizeof(buf), "%s", s);
		lines = strchr(buf, ',');
		burst = lines ? strchr(lines + 1, ',') : NULL;
		bad = !burst;
	}
	if (!bad) {
		*lines++ = '\0';
		*burst++ = '\0';
		bad = buf[0] < '0' || buf[0] > '9' || ik_parse_size(buf, &cfg.rate) ||
		      cfg.rate < IK_BUDGET_RATE_MIN || cfg.rate > IK_BUDGET_RATE_MAX ||
		      parse_count(lines, "", IK_BUDGET_LINES_MAX, &cfg.lines) ||
		      parse_count(burst, "s", IK_BUDGET_BURST_MAX, &cfg.burst);
	}
	if (bad) {
		snprintf(err, errlen,
			 "bad log budget '%.64s': RATE,LINES,BURST (bytes a second 1K..64M, lines a "
			 "second 1..%u, burst in seconds 1..%u; e.g. 16K,200,16s)",
			 s, IK_BUDGET_LINES_MAX, IK_BUDGET_BURST_MAX);
		return -EINVAL;
	}
	*out = cfg;
	return 0;
}

void ik_budget_describe(const struct ik_budget_cfg *cfg, char *out, size_t outlen)
{
	if (cfg->rate % 1024 == 0)
		snprintf(out, outlen, "%llu KiB and %llu lines a second, burst %llu s",
			 (unsigned long long)(cfg->rate / 1024), (unsigned long long)cfg->lines,
			 (unsigned long long)cfg->burst);
	else
		snprintf(out, outlen, "%llu bytes and %llu lines a second, burst %llu s",
			 (unsigned long long)cfg->rate, (unsigned long long)cfg->lines,
			 (unsigned long long)cfg->burst);
}

void ik_budget_init(struct ik_budget *b, const struct ik_budget_cfg *cfg)
{
	memset(b, 0, sizeof(*b));
	pthread_mutex_init(&b->lock, NULL);
	b->cfg = cfg && cfg->rate ? *cfg : ik_budget_default();
}

/* Tokens earned since the bucket's clock, up to its cap. The clock advances by the time the
 * whole tokens took, so that the remainder counts next time: a driver writing every few
 * microseconds still earns its lines (a line is 1/200 s at the default). */
static void refill_bucket(struct ik_bucket *k, uint64_t rate, uint64_t cap, uint64_t now)
{
	if (now <= k->t_ns)
		return;
	uint64_t dt = now - k->t_ns;
	if (dt >= 3600ull * 1000000000ull || k->tokens >= cap) { /* long idle, or full */
		k->tokens = cap;
		k->t_ns = now;
		return;
	}
	uint64_t add = dt * rate / 1000000000ull; /* dt < 2^42 ns, rate < 2^27: no overflow */
	if (add == 0)
		return;
	if (k->tokens + add >= cap) {
		k->tokens = cap;
		k->t_ns = now;
	} else {
		k->tokens += add;
		k->t_ns += add * 1000000000ull / rate;
	}
}

static void refill(struct ik_budget *b, uint64_t now)
{
	if (!b->started) { /* the first line: a full burst */
		b->bytes = (struct ik_bucket){b->cfg.rate * b->cfg.burst, now};
		b->lines = (struct ik_bucket){b->cfg.lines * b->cfg.burst, now};
		b->started = true;
		return;
	}
	refill_bucket(&b->bytes, b->cfg.rate, b->cfg.rate * b->cfg.burst, now);
	refill_bucket(&b->lines, b->cfg.lines, b->cfg.lines * b->cfg.burst, now);
}

bool ik_budget_admit(struct ik_budget *b, size_t len, uint64_t now, enum ik_budget_say *say,
		     uint64_t *flood)
{
	bool ok;

	pthread_mutex_lock(&b->lock);
	refill(b, now);
	/* Hysteresis: once dropping, stay quiet until a second's worth has come back, so that a
	 * steady flood does not turn into a stream of "dropping"/"over" lines of our own. */
	bool dropping = b->flood_lines &&
			(b->bytes.tokens < b->cfg.rate || b->lines.tokens < b->cfg.lines);
	*say = IK_BUDGET_SAY_NOTHING;
	*flood = b->flood_lines;
	ok = !dropping && len <= b->bytes.tokens && b->lines.tokens >= 1;
	if (ok) {
		b->bytes.tokens -= len;
		b->lines.tokens--;
		if (b->flood_lines) {
			*say = IK_BUDGET_SAY_OVER;
			b->flood_lines = 0;
		}
	} else {
		b->dropped_lines++;
		b->dropped_bytes += len;
		if (b->flood_lines++ == 0) {
			*say = IK_BUDGET_SAY_START;
			b->report_ns = now;
		} else if (now - b->report_ns >= IK_BUDGET_REPORT_S * 1000000000ull) {
			*say = IK_BUDGET_SAY_SO_FAR;
			b->report_ns = now;
		}
		*flood = b->flood_lines;
	}
	pthread_mutex_unlock(&b->lock);
	return ok;
}

void ik_budget_dropped(struct ik_budget *b, uint64_t *lines, uint64_t *bytes)
{
	pthread_mutex_lock(&b->lock);
	*lines = b->dropped_lines;
	*bytes = b->dropped_bytes;
	pthread_mutex_unlock(&b->lock);
}
