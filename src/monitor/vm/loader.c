/* SPDX-License-Identifier: MIT */
/*
 * Guest image loader. The image file is untrusted input: every offset and size is checked
 * with overflow-safe arithmetic before use, and every refusal says precisely what is wrong.
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ikernel/abi.h"
#include "loader.h"

#define IK_IMAGE_MAX_SECTIONS 4096u
#define IK_IMAGE_MAX_SYMBOLS  (1u << 20)

struct parse_ctx {
	const uint8_t *buf;
	size_t len;
	const char *name;
	const struct ik_ram_desc *ram;
	struct ik_image *img;
	char *err;
	size_t errlen;
	const Elf64_Ehdr *eh;
};

static int fail(struct parse_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parse_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->err, c->errlen, "image %s: ", c->name);

	if (n < 0 || (size_t)n >= c->errlen)
		return -ENOEXEC;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -ENOEXEC;
}

/* "4 MiB", "640 KiB", "123 bytes": sizes in messages. */
static const char *human_size(uint64_t v, char *out, size_t outlen)
{
	if (v && v % (1ull << 20) == 0)
		snprintf(out, outlen, "%llu MiB", (unsigned long long)(v >> 20));
	else if (v && v % 1024 == 0)
		snprintf(out, outlen, "%llu KiB", (unsigned long long)(v >> 10));
	else
		snprintf(out, outlen, "%llu bytes", (unsigned long long)v);
	return out;
}

/* true when [off, off + size) lies within the file */
static bool in_file(const struct parse_ctx *c, uint64_t off, uint64_t size)
{
	return off <= c->len && size <= c->len - off;
}

static int check_header(struct parse_ctx *c)
{
	const uint8_t *id = c->buf;
	char sz[32];

	if (c->len < SELFMAG || memcmp(id, ELFMAG, SELFMAG) != 0)
		return fail(c, "not an ELF file (bad magic)");
	if (c->len < sizeof(Elf64_Ehdr))
		return fail(c, "truncated ELF header (%s, need %zu bytes)",
			    human_size(c->len, sz, sizeof(sz)), sizeof(Elf64_Ehdr));
	if (id[EI_CLASS] != ELFCLASS64)
		return fail(c, "not a 64-bit ELF file (class %u)", id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB)
		return fail(c, "not a little-endian ELF file (data encoding %u)", id[EI_DATA]);
	if (id[EI_VERSION] != EV_CURRENT)
		return fail(c, "unknown ELF version %u", id[EI_VERSION]);
	c->eh = (const Elf64_Ehdr *)c->buf;
	if (c->eh->e_machine != EM_X86_64)
		return fail(c, "machine %u is not x86-64 (%u)", c->eh->e_machine, EM_X86_64);
	if (c->eh->e_type != ET_EXEC)
		return fail(c, "ELF type %u is not a static executable (ET_EXEC); shared, "
			       "position-independent and relocatable images are not supported",
			    c->eh->e_type);
	if (c->eh->e_phnum == 0)
		return fail(c, "no program headers");
	if (c->eh->e_phentsize != sizeof(Elf64_Phdr))
		return fail(c, "program header size %u, expected %zu", c->eh->e_phentsize,
			    sizeof(Elf64_Phdr));
	if (c->eh->e_phnum > IK_IMAGE_MAX_PHDRS)
		return fail(c, "too many program headers (%u, at most %u)", c->eh->e_phnum,
			    IK_IMAGE_MAX_PHDRS);
	if (!in_file(c, c->eh->e_phoff, (uint64_t)c->eh->e_phnum * sizeof(Elf64_Phdr)))
		return fail(c, "program headers at offset 0x%llx (%u entries) lie outside the file (%zu bytes)",
			    (unsigned long long)c->eh->e_phoff, c->eh->e_phnum, c->len);
	/* The tables are read in place: they must be aligned as the ELF spec requires (found
	 * by fuzz/fuzz_loader: a misaligned table is undefined behaviour to read). */
	if (c->eh->e_phoff % 8)
		return fail(c, "program headers at offset 0x%llx are not 8-byte aligned",
			    (unsigned long long)c->eh->e_phoff);
	return 0;
}

static const Elf64_Phdr *phdr(const struct parse_ctx *c, unsigned i)
{
	return (const Elf64_Phdr *)(c->buf + c->eh->e_phoff) + i;
}

static int check_load_segment(struct parse_ctx *c, unsigned i, const Elf64_Phdr *p)
{
	const struct ik_ram_desc *ram = c->ram;
	unsigned long long start = p->p_vaddr, end;
	char sz[32];

	if (p->p_filesz > p->p_memsz)
		return fail(c, "segment %u: file size 0x%llx exceeds its memory size 0x%llx", i,
			    (unsigned long long)p->p_filesz, (unsigned long long)p->p_memsz);
	if (!in_file(c, p->p_offset, p->p_filesz))
		return fail(c, "segment %u: file range [0x%llx, 0x%llx) lies outside the file (%zu bytes)",
			    i, (unsigned long long)p->p_offset,
			    (unsigned long long)(p->p_offset + p->p_filesz), c->len);
	if (p->p_memsz > UINT64_MAX - p->p_vaddr)
		return fail(c, "segment %u: address 0x%llx + size 0x%llx overflows", i, start,
			    (unsigned long long)p->p_memsz);
	end = p->p_vaddr + p->p_memsz;
	if (start < ram->image_min)
		return fail(c, "segment %u [0x%llx, 0x%llx) lies below 0x%llx, in the monitor's area "
			       "(GDT, boot info, events, page tables)",
			    i, start, end, (unsigned long long)ram->image_min);
	if (end > ram->mem_size)
		return fail(c, "segment %u [0x%llx, 0x%llx) extends past guest RAM (%s)", i, start, end,
			    human_size(ram->mem_size, sz, sizeof(sz)));
	if (end > ram->image_limit)
		return fail(c, "segment %u [0x%llx, 0x%llx) overlaps the thread stacks at [0x%llx, 0x%llx)",
			    i, start, end, (unsigned long long)ram->image_limit,
			    (unsigned long long)ram->mem_size);
	if ((p->p_flags & PF_W) && (p->p_flags & PF_X))
		return fail(c, "segment %u [0x%llx, 0x%llx) is both writable and executable "
			       "(W+X segments are refused)",
			    i, start, end);
	return 0;
}

static int add_segment(struct parse_ctx *c, unsigned i, const Elf64_Phdr *p)
{
	struct ik_image *img = c->img;
	struct ik_segment *s;

	if (img->nsegments >= IK_IMAGE_MAX_SEGMENTS)
		return fail(c, "too many loadable segments (at most %u)", IK_IMAGE_MAX_SEGMENTS);
	(void)i;
	s = &img->segments[img->nsegments++];
	s->vaddr = p->p_vaddr;
	s->memsz = p->p_memsz;
	s->offset = p->p_offset;
	s->filesz = p->p_filesz;
	s->flags = p->p_flags & (PF_R | PF_W | PF_X);
	if (s->vaddr + s->memsz > img->end)
		img->end = s->vaddr + s->memsz;
	return 0;
}

static int check_program_headers(struct parse_ctx *c)
{
	for (unsigned i = 0; i < c->eh->e_phnum; i++) {
		const Elf64_Phdr *p = phdr(c, i);
		int r;

		switch (p->p_type) {
		case PT_LOAD:
			if (p->p_memsz == 0)
				continue;
			r = check_load_segment(c, i, p);
			if (!r)
				r = add_segment(c, i, p);
			if (r)
				return r;
			break;
		case PT_INTERP:
		case PT_DYNAMIC:
			return fail(c, "is dynamically linked (program header %u); images must be static", i);
		case PT_TLS:
			return fail(c, "uses thread-local storage (PT_TLS), which the guest does not support");
		default:
			break;
		}
	}
	if (c->img->nsegments == 0)
		return fail(c, "no loadable segment");
	return 0;
}

static uint64_t page_down(uint64_t v)
{
	return v & ~(IK_PAGE_SIZE - 1);
}

/* Segments may neither overlap nor share a page with different permissions: each guest page
 * gets exactly one set of permissions. */
static int check_segment_overlaps(struct parse_ctx *c)
{
	const struct ik_image *img = c->img;

	for (unsigned a = 0; a < img->nsegments; a++) {
		for (unsigned b = a + 1; b < img->nsegments; b++) {
			const struct ik_segment *x = &img->segments[a], *y = &img->segments[b];
			uint64_t xe = x->vaddr + x->memsz, ye = y->vaddr + y->memsz;

			if (x->vaddr < ye && y->vaddr < xe)
				return fail(c, "segments [0x%llx, 0x%llx) and [0x%llx, 0x%llx) overlap",
					    (unsigned long long)x->vaddr, (unsigned long long)xe,
					    (unsigned long long)y->vaddr, (unsigned long long)ye);
			if (x->flags != y->flags && page_down(x->vaddr) <= page_down(ye - 1) &&
			    page_down(y->vaddr) <= page_down(xe - 1))
				return fail(c, "segments [0x%llx, 0x%llx) and [0x%llx, 0x%llx) share a page "
					       "with different permissions",
					    (unsigned long long)x->vaddr, (unsigned long long)xe,
					    (unsigned long long)y->vaddr, (unsigned long long)ye);
		}
	}
	return 0;
}

static int check_entry(struct parse_ctx *c)
{
	uint64_t entry = c->eh->e_entry;

	for (unsigned i = 0; i < c->img->nsegments; i++) {
		const struct ik_segment *s = &c->img->segments[i];

		if (entry >= s->vaddr && entry - s->vaddr < s->memsz) {
			if (!(s->flags & PF_X))
				break;
			c->img->entry = entry;
			return 0;
		}
	}
	return fail(c, "entry point 0x%llx is not in an executable segment",
		    (unsigned long long)entry);
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/*
 * Scan the notes in [off, off + size) of the file for the iKernel ABI note. Returns 1 when
 * found (version stored), 0 when absent, or -ENOEXEC for a malformed iKernel note.
 */
static int scan_notes(struct parse_ctx *c, uint64_t off, uint64_t size, uint64_t align)
{
	uint64_t pos = 0;

	if (align != 8)
		align = 4;
	if (off % 4)
		return 0; /* a misaligned note segment cannot hold a well-formed note: none here */
	while (size - pos >= sizeof(Elf64_Nhdr)) {
		const Elf64_Nhdr *n = (const Elf64_Nhdr *)(c->buf + off + pos);
		uint64_t name_off = pos + sizeof(*n);
		uint64_t desc_off = align_up(name_off + n->n_namesz, align);
		uint64_t next = align_up(desc_off + n->n_descsz, align);

		if (desc_off > size || n->n_descsz > size - desc_off)
			return 0; /* a truncated foreign note ends the scan */
		if (n->n_namesz == sizeof(IK_NOTE_NAME) &&
		    !memcmp(c->buf + off + name_off, IK_NOTE_NAME, sizeof(IK_NOTE_NAME)) &&
		    n->n_type == IK_NOTE_TYPE_ABI) {
			struct ik_abi_note_desc d;

			if (n->n_descsz != sizeof(d))
				return fail(c, "malformed iKernel ABI note (descriptor of %u bytes, expected %zu)",
					    n->n_descsz, sizeof(d));
			memcpy(&d, c->buf + off + desc_off, sizeof(d));
			c->img->abi_version = d.abi_version;
			return 1;
		}
		if (next <= pos || next > size)
			break;
		pos = next;
	}
	return 0;
}

static const Elf64_Shdr *shdr(const struct parse_ctx *c, unsigned i)
{
	return (const Elf64_Shdr *)(c->buf + c->eh->e_shoff) + i;
}

static int check_section_headers(struct parse_ctx *c)
{
	const Elf64_Ehdr *eh = c->eh;

	if (eh->e_shoff == 0 || eh->e_shnum == 0)
		return 0;
	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return fail(c, "section header size %u, expected %zu", eh->e_shentsize,
			    sizeof(Elf64_Shdr));
	if (eh->e_shnum > IK_IMAGE_MAX_SECTIONS)
		return fail(c, "too many sections (%u, at most %u)", eh->e_shnum, IK_IMAGE_MAX_SECTIONS);
	if (!in_file(c, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)))
		return fail(c, "section headers at offset 0x%llx (%u entries) lie outside the file (%zu bytes)",
			    (unsigned long long)eh->e_shoff, eh->e_shnum, c->len);
	if (eh->e_shoff % 8)
		return fail(c, "section headers at offset 0x%llx are not 8-byte aligned",
			    (unsigned long long)eh->e_shoff);
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		const Elf64_Shdr *s = shdr(c, i);

		if (s->sh_type == SHT_NOBITS || s->sh_type == SHT_NULL)
			continue;
		if (!in_file(c, s->sh_offset, s->sh_size))
			return fail(c, "section %u [0x%llx, +0x%llx) lies outside the file (%zu bytes)", i,
				    (unsigned long long)s->sh_offset, (unsigned long long)s->sh_size,
				    c->len);
	}
	return 0;
}

static int find_abi_note(struct parse_ctx *c)
{
	int r = 0;

	for (unsigned i = 0; i < c->eh->e_phnum && r == 0; i++) {
		const Elf64_Phdr *p = phdr(c, i);

		if (p->p_type != PT_NOTE)
			continue;
		if (!in_file(c, p->p_offset, p->p_filesz))
			return fail(c, "note segment %u lies outside the file", i);
		r = scan_notes(c, p->p_offset, p->p_filesz, p->p_align);
	}
	for (unsigned i = 0; c->eh->e_shoff && i < c->eh->e_shnum && r == 0; i++) {
		const Elf64_Shdr *s = shdr(c, i);

		if (s->sh_type == SHT_NOTE)
			r = scan_notes(c, s->sh_offset, s->sh_size, s->sh_addralign);
	}
	if (r < 0)
		return r;
	if (r == 0)
		return fail(c, "missing the iKernel ABI note (section .note.ikernel, name \"%s\", type 0x%x); "
			       "was it built with the iKernel guest flags?",
			    IK_NOTE_NAME, IK_NOTE_TYPE_ABI);
	if (c->img->abi_version != IK_ABI_VERSION)
		return fail(c, "built for iKernel ABI version %u, this monitor supports version %u",
			    c->img->abi_version, IK_ABI_VERSION);
	return 0;
}

static int symbol_cmp(const void *a, const void *b)
{
	const struct ik_symbol *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int collect_symbols(struct parse_ctx *c, const Elf64_Shdr *symtab)
{
	const Elf64_Shdr *strtab;
	const Elf64_Sym *syms;
	size_t n;

	if (symtab->sh_entsize != sizeof(Elf64_Sym) || symtab->sh_link >= c->eh->e_shnum)
		return fail(c, "malformed symbol table (entry size %llu, string table %u)",
			    (unsigned long long)symtab->sh_entsize, symtab->sh_link);
	strtab = shdr(c, symtab->sh_link);
	if (strtab->sh_type != SHT_STRTAB || strtab->sh_size == 0)
		return fail(c, "symbol table links to section %u, which is not a string table",
			    symtab->sh_link);
	n = symtab->sh_size / sizeof(Elf64_Sym);
	if (n > IK_IMAGE_MAX_SYMBOLS)
		return fail(c, "too many symbols (%zu)", n);
	if (symtab->sh_offset % 8)
		return fail(c, "symbol table at offset 0x%llx is not 8-byte aligned",
			    (unsigned long long)symtab->sh_offset);
	syms = (const Elf64_Sym *)(c->buf + symtab->sh_offset);
	c->img->symbols = calloc(n ? n : 1, sizeof(struct ik_symbol));
	if (!c->img->symbols)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *str = (const char *)c->buf + strtab->sh_offset;
		unsigned type = ELF64_ST_TYPE(syms[i].st_info);
		uint32_t name = syms[i].st_name;
		struct ik_symbol *out;

		if ((type != STT_FUNC && type != STT_OBJECT) || syms[i].st_shndx == SHN_UNDEF)
			continue;
		if (name >= strtab->sh_size || !memchr(str + name, 0, strtab->sh_size - name))
			return fail(c, "symbol %zu has a name outside its string table", i);
		out = &c->img->symbols[c->img->nsymbols];
		out->name = strdup(str + name);
		if (!out->name)
			return -ENOMEM;
		out->addr = syms[i].st_value;
		out->size = syms[i].st_size;
		c->img->nsymbols++;
	}
	qsort(c->img->symbols, c->img->nsymbols, sizeof(struct ik_symbol), symbol_cmp);
	return 0;
}

static int load_symbols(struct parse_ctx *c)
{
	for (unsigned i = 0; c->eh->e_shoff && i < c->eh->e_shnum; i++)
		if (shdr(c, i)->sh_type == SHT_SYMTAB)
			return collect_symbols(c, shdr(c, i));
	return 0;
}

int ik_image_parse(const void *buf, size_t len, const char *name, const struct ik_ram_desc *ram,
		   struct ik_image *img, char *err, size_t errlen)
{
	struct parse_ctx c = {.buf = buf, .len = len, .name = name, .ram = ram, .img = img,
			      .err = err, .errlen = errlen};
	int r;

	memset(img, 0, sizeof(*img));
	r = check_header(&c);
	if (!r)
		r = check_program_headers(&c);
	if (!r)
		r = check_segment_overlaps(&c);
	if (!r)
		r = check_entry(&c);
	if (!r)
		r = check_section_headers(&c);
	if (!r)
		r = find_abi_note(&c);
	if (!r)
		r = load_symbols(&c);
	if (r == -ENOMEM)
		snprintf(err, errlen, "image %s: out of memory", name);
	if (r)
		ik_image_free(img);
	return r;
}

void ik_image_copy(const struct ik_image *img, const void *buf, uint8_t *ram)
{
	for (unsigned i = 0; i < img->nsegments; i++) {
		const struct ik_segment *s = &img->segments[i];

		memcpy(ram + s->vaddr, (const uint8_t *)buf + s->offset, s->filesz);
		memset(ram + s->vaddr + s->filesz, 0, s->memsz - s->filesz);
	}
}

void ik_image_free(struct ik_image *img)
{
	for (size_t i = 0; i < img->nsymbols; i++)
		free(img->symbols[i].name);
	free(img->symbols);
	img->symbols = NULL;
	img->nsymbols = 0;
}

const char *ik_image_symbolize(const struct ik_image *img, uint64_t addr, uint64_t *off)
{
	size_t lo = 0, hi = img->nsymbols;

	/* last symbol with sym.addr <= addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (img->symbols[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return "";
	const struct ik_symbol *s = &img->symbols[lo - 1];
	if (s->size && addr - s->addr >= s->size)
		return "";
	*off = addr - s->addr;
	return s->name;
}

uint64_t ik_image_symbol(const struct ik_image *img, const char *name)
{
	for (size_t i = 0; i < img->nsymbols; i++)
		if (!strcmp(img->symbols[i].name, name))
			return img->symbols[i].addr;
	return 0;
}
