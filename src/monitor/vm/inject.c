/* SPDX-License-Identifier: MIT */
/*
 * Fault injection into a running driver VM (docs/RELIABILITY.md), on request of a privileged
 * client (control.h, IK_HELLO_INJECT). Two kinds:
 *
 *   code faults, applied here to the loaded image in guest RAM, so they work on any driver,
 *   unmodified Linux ones included:
 *     flip  [at=ADDR|SYM[+OFF]] [bit=0..7] [in=SYM]   flip one bit of one code byte
 *     nop   at=ADDR|SYM[+OFF] len=N                   overwrite N bytes with NOPs (0x90)
 *     revert                                          undo every code patch, disarm
 *   Without `at`, flip picks a random byte of a random function (of `in=SYM` if given;
 *   runtime functions, ik_*, are left alone). The address must lie in the image's text.
 *
 *   guest faults (enum ik_fault_class): written to the event page (ik_events.fault); the
 *   guest runtime's hooks fire them at the next driver call (or allocation, or interrupt):
 *     CLASS [arg=N]     e.g. panic, null, loop, uaf, alloc-fail arg=3
 *
 * Every injection is logged ("ikernel-inject: ...") so a crash report can be matched to it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inject_spec.h"
#include "vm_internal.h"

static uint64_t rng_next(struct ik_vm *vm)
{
	return ik_inject_rng_next(&vm->inject_rng);
}

/* True when [gpa, gpa + len) lies in one executable segment of the image. */
static bool in_text(const struct ik_vm *vm, uint64_t gpa, uint64_t len)
{
	for (unsigned i = 0; i < vm->image.nsegments; i++) {
		const struct ik_segment *sg = &vm->image.segments[i];

		if ((sg->flags & IK_SEG_X) && gpa >= sg->vaddr && len <= sg->memsz &&
		    gpa - sg->vaddr <= sg->memsz - len)
			return true;
	}
	return false;
}

/* "0x1234", "sym" or "sym+0x10" -> address. */
static int resolve(const struct ik_vm *vm, const char *at, uint64_t *gpa)
{
	char name[64];
	long long off = 0;
	const char *plus = strchr(at, '+');

	if (at[0] >= '0' && at[0] <= '9')
		return ik_inject_parse_num(at, &off) ? -EINVAL : (*gpa = (uint64_t)off, 0);
	ik_copy_str(name, sizeof(name), at);
	if (plus) {
		name[plus - at < (long)sizeof(name) ? plus - at : (long)sizeof(name) - 1] = '\0';
		if (ik_inject_parse_num(plus + 1, &off) || off < 0)
			return -EINVAL;
	}
	uint64_t base = ik_image_symbol(&vm->image, name);
	if (!base)
		return -ENOENT;
	*gpa = base + (uint64_t)off;
	return 0;
}

/* A random byte of a random driver function (or of function `in`). */
static int pick_code_byte(struct ik_vm *vm, const char *in, uint64_t *gpa)
{
	const struct ik_image *img = &vm->image;
	size_t candidates = 0;

	for (int pass = 0; pass < 2; pass++) {
		size_t want = pass ? (size_t)(rng_next(vm) % candidates) : 0, seen = 0;

		for (size_t i = 0; i < img->nsymbols; i++) {
			const struct ik_symbol *sym = &img->symbols[i];
			bool ok = sym->size && in_text(vm, sym->addr, sym->size) &&
				  (in[0] ? !strcmp(sym->name, in) : strncmp(sym->name, "ik_", 3) != 0);
			if (!ok)
				continue;
			if (pass && seen == want) {
				*gpa = sym->addr + rng_next(vm) % sym->size;
				return 0;
			}
			seen++;
		}
		candidates = seen;
		if (candidates == 0)
			return -ENOENT;
	}
	return -ENOENT;
}

static void describe(const struct ik_vm *vm, uint64_t gpa, char *out, size_t outlen)
{
	char sym[96];

	ik_vm_symbolize(vm, gpa, sym, sizeof(sym));
	snprintf(out, outlen, "0x%llx%s%s%s", (unsigned long long)gpa, sym[0] ? " <" : "", sym,
		 sym[0] ? ">" : "");
}

/* Remember the original bytes of a patch (the oldest patch of a byte wins), for revert. */
static void remember(struct ik_vm *vm, uint64_t gpa, uint64_t len)
{
	if (vm->npatches >= sizeof(vm->patches) / sizeof(vm->patches[0]))
		return;
	vm->patches[vm->npatches].gpa = gpa;
	vm->patches[vm->npatches].len = (uint8_t)len;
	memcpy(vm->patches[vm->npatches].orig, vm->ram + gpa, len);
	vm->npatches++;
}

static int revert(struct ik_vm *vm, char *out, size_t outlen)
{
	unsigned n = vm->npatches;

	while (vm->npatches) { /* newest first: the oldest saved bytes are restored last */
		vm->npatches--;
		memcpy(vm->ram + vm->patches[vm->npatches].gpa, vm->patches[vm->npatches].orig,
		       vm->patches[vm->npatches].len);
	}
	__atomic_store_n(&vm->events->fault, 0, __ATOMIC_RELEASE);
	snprintf(out, outlen, "ok: reverted %u code patch(es), guest fault disarmed", n);
	return 0;
}

static int code_flip(struct ik_vm *vm, const struct ik_inject_spec *s, char *out, size_t outlen)
{
	uint64_t gpa;
	int err = s->has_at ? resolve(vm, s->at, &gpa) : pick_code_byte(vm, s->in, &gpa);
	char where[160];

	if (err || !in_text(vm, gpa, 1)) {
		snprintf(out, outlen, "error: no code byte at '%s%s'", s->has_at ? s->at : "function ",
			 s->has_at ? "" : (s->in[0] ? s->in : "(any)"));
		return -EINVAL;
	}
	unsigned bit = s->has_bit ? (unsigned)s->bit : (unsigned)(rng_next(vm) % 8);
	if (bit > 7) {
		snprintf(out, outlen, "error: bit %u is not 0..7", bit);
		return -EINVAL;
	}
	remember(vm, gpa, 1);
	volatile uint8_t *p = vm->ram + gpa; /* in_text: inside RAM */
	uint8_t before = *p, after = (uint8_t)(before ^ (1u << bit));
	*p = after;
	describe(vm, gpa, where, sizeof(where));
	snprintf(out, outlen, "ok: flipped bit %u of code byte %s (0x%02x -> 0x%02x)", bit, where,
		 before, after);
	return 0;
}

static int code_nop(struct ik_vm *vm, const struct ik_inject_spec *s, char *out, size_t outlen)
{
	uint64_t gpa;
	char where[160];
	uint64_t len = s->has_len ? (uint64_t)s->len : 1;

	if (!s->has_at || resolve(vm, s->at, &gpa) || len == 0 || len > 16 ||
	    !in_text(vm, gpa, len)) {
		snprintf(out, outlen, "error: nop needs at=ADDR|SYM[+OFF] in the image's text and "
				      "len=1..16");
		return -EINVAL;
	}
	remember(vm, gpa, len);
	memset(vm->ram + gpa, 0x90, len);
	describe(vm, gpa, where, sizeof(where));
	snprintf(out, outlen, "ok: %llu byte(s) at %s replaced by NOPs", (unsigned long long)len,
		 where);
	return 0;
}

int ik_inject(struct ik_vm *vm, const char *spec, char *out, size_t outlen)
{
	struct ik_inject_spec s;
	int err = ik_inject_parse(spec, &s, &vm->inject_rng, out, outlen);

	if (err)
		return err;
	if (!strcmp(s.cls, "flip"))
		err = code_flip(vm, &s, out, outlen);
	else if (!strcmp(s.cls, "nop"))
		err = code_nop(vm, &s, out, outlen);
	else if (!strcmp(s.cls, "revert"))
		err = revert(vm, out, outlen);
	else if (ik_inject_guest_class(s.cls)) {
		unsigned cls = ik_inject_guest_class(s.cls);
		uint64_t arg = ik_inject_guest_prepare(cls, &s, &vm->inject_rng, out, outlen);

		/* said before it is armed: the driver may fire it at once (inject_spec.h) */
		vm->injections++;
		ik_log(vm, "ikernel-inject: driver '%s': %s", vm->dh.name, out + 4);
		ik_inject_guest_fire(vm->events, cls, arg);
		ik_vm_wake_guest(vm);
		return 0;
	} else {
		err = ik_inject_unknown(s.cls, out, outlen);
	}
	if (!err) {
		vm->injections++;
		ik_log(vm, "ikernel-inject: driver '%s': %s", vm->dh.name, out + 4);
	}
	return err;
}
