/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the image loader (no KVM): a valid image built in memory is accepted, then
 * each test breaks one thing and checks the refusal and its message.
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ikernel/abi.h"
#include "loader.h"

#define IMG_SIZE 0x4000
#define TEXT_VA  0x100000ull
#define DATA_VA  0x102000ull
#define OFF_NOTE 0x200
#define OFF_TEXT 0x1000
#define OFF_DATA 0x2000
#define OFF_SHDR 0x3000
#define OFF_SYM  0x3200
#define OFF_STR  0x3300

static const struct ik_ram_desc ram = {
	.mem_size = 4 << 20,
	.image_min = IK_GPA_IMAGE,
	.image_limit = (4 << 20) - IK_MAX_THREADS * IK_STACK_STRIDE,
};

struct fixture {
	uint8_t buf[IMG_SIZE];
	size_t len;
	struct ik_image img;
	char err[512];
};

static Elf64_Ehdr *eh(struct fixture *f)
{
	return (Elf64_Ehdr *)f->buf;
}

static Elf64_Phdr *ph(struct fixture *f, unsigned i)
{
	return (Elf64_Phdr *)(f->buf + sizeof(Elf64_Ehdr)) + i;
}

static Elf64_Shdr *sh(struct fixture *f, unsigned i)
{
	return (Elf64_Shdr *)(f->buf + OFF_SHDR) + i;
}

static Elf64_Nhdr *note(struct fixture *f)
{
	return (Elf64_Nhdr *)(f->buf + OFF_NOTE);
}

static struct ik_abi_note_desc *note_desc(struct fixture *f)
{
	return (struct ik_abi_note_desc *)(f->buf + OFF_NOTE + sizeof(Elf64_Nhdr) + 8);
}

static void build_symbols(struct fixture *f)
{
	static const char strtab[] = "\0crash_ioctl\0counter\0";
	Elf64_Sym *sym = (Elf64_Sym *)(f->buf + OFF_SYM);

	memcpy(f->buf + OFF_STR, strtab, sizeof(strtab));
	sym[1] = (Elf64_Sym){.st_name = 1, .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
			     .st_shndx = 1, .st_value = TEXT_VA + 0x10, .st_size = 0x20};
	sym[2] = (Elf64_Sym){.st_name = 13, .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT),
			     .st_shndx = 1, .st_value = DATA_VA, .st_size = 8};
	eh(f)->e_shoff = OFF_SHDR;
	eh(f)->e_shentsize = sizeof(Elf64_Shdr);
	eh(f)->e_shnum = 4;
	*sh(f, 1) = (Elf64_Shdr){.sh_type = SHT_SYMTAB, .sh_offset = OFF_SYM,
				 .sh_size = 3 * sizeof(Elf64_Sym), .sh_link = 2,
				 .sh_entsize = sizeof(Elf64_Sym)};
	*sh(f, 2) = (Elf64_Shdr){.sh_type = SHT_STRTAB, .sh_offset = OFF_STR, .sh_size = sizeof(strtab)};
	/* section 3: the note as a section too (used when there is no PT_NOTE) */
	*sh(f, 3) = (Elf64_Shdr){.sh_type = SHT_NOTE, .sh_offset = OFF_NOTE, .sh_size = 0x20,
				 .sh_addralign = 4};
}

/* A valid image: RX text, RW data + bss, PT_NOTE with the ABI note, symbols. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	Elf64_Ehdr *e = eh(f);

	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_ident[EI_VERSION] = EV_CURRENT;
	e->e_type = ET_EXEC;
	e->e_machine = EM_X86_64;
	e->e_version = EV_CURRENT;
	e->e_entry = TEXT_VA;
	e->e_phoff = sizeof(Elf64_Ehdr);
	e->e_ehsize = sizeof(Elf64_Ehdr);
	e->e_phentsize = sizeof(Elf64_Phdr);
	e->e_phnum = 3;
	*ph(f, 0) = (Elf64_Phdr){.p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = OFF_TEXT,
				 .p_vaddr = TEXT_VA, .p_paddr = TEXT_VA, .p_filesz = 0x1000,
				 .p_memsz = 0x1000, .p_align = 0x1000};
	*ph(f, 1) = (Elf64_Phdr){.p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = OFF_DATA,
				 .p_vaddr = DATA_VA, .p_paddr = DATA_VA, .p_filesz = 0x100,
				 .p_memsz = 0x3000, .p_align = 0x1000};
	*ph(f, 2) = (Elf64_Phdr){.p_type = PT_NOTE, .p_flags = PF_R, .p_offset = OFF_NOTE,
				 .p_filesz = 0x20, .p_align = 4};
	*note(f) = (Elf64_Nhdr){.n_namesz = 8, .n_descsz = 8, .n_type = IK_NOTE_TYPE_ABI};
	memcpy(f->buf + OFF_NOTE + sizeof(Elf64_Nhdr), IK_NOTE_NAME, 8);
	note_desc(f)->abi_version = IK_ABI_VERSION;
	memset(f->buf + OFF_TEXT, 0x90, 0x1000);
	memset(f->buf + OFF_DATA, 0xab, 0x100);
	build_symbols(f);
	f->len = IMG_SIZE;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ik_image_free(&f->img);
	free(f);
	return 0;
}

static int parse(struct fixture *f)
{
	f->err[0] = '\0';
	return ik_image_parse(f->buf, f->len, "test.img", &ram, &f->img, f->err, sizeof(f->err));
}

/* The image is refused and the message contains `what`. */
static void assert_refused(struct fixture *f, const char *what)
{
	assert_int_equal(parse(f), -ENOEXEC);
	if (!strstr(f->err, what) || strncmp(f->err, "image test.img: ", 16) != 0)
		fail_msg("message \"%s\" lacks \"%s\"", f->err, what);
}

static void test_valid(void **state)
{
	struct fixture *f = *state;
	uint8_t *guest = calloc(1, ram.mem_size);
	uint64_t off = 0;

	memset(guest + DATA_VA, 0xff, 0x3000);
	assert_int_equal(parse(f), 0);
	assert_int_equal(f->img.entry, TEXT_VA);
	assert_int_equal(f->img.nsegments, 2);
	assert_int_equal(f->img.end, DATA_VA + 0x3000);
	assert_int_equal(f->img.segments[0].flags, PF_R | PF_X);
	ik_image_copy(&f->img, f->buf, guest);
	assert_int_equal(guest[TEXT_VA], 0x90);
	assert_int_equal(guest[DATA_VA + 0xff], 0xab);
	assert_int_equal(guest[DATA_VA + 0x100], 0); /* bss zeroed */
	assert_int_equal(guest[DATA_VA + 0x2fff], 0);
	assert_string_equal(ik_image_symbolize(&f->img, TEXT_VA + 0x24, &off), "crash_ioctl");
	assert_int_equal(off, 0x14);
	assert_string_equal(ik_image_symbolize(&f->img, TEXT_VA + 0x30, &off), ""); /* past size */
	assert_string_equal(ik_image_symbolize(&f->img, TEXT_VA, &off), "");
	assert_int_equal(ik_image_symbol(&f->img, "counter"), DATA_VA);
	assert_int_equal(ik_image_symbol(&f->img, "nothere"), 0);
	free(guest);
}

static void test_note_in_section_only(void **state)
{
	struct fixture *f = *state;

	ph(f, 2)->p_type = PT_NULL;
	assert_int_equal(parse(f), 0);
}

static void test_not_elf(void **state)
{
	struct fixture *f = *state;

	memcpy(f->buf, "#!/bin/sh\n", 10);
	assert_refused(f, "not an ELF file");
	f->len = 2;
	assert_refused(f, "not an ELF file");
}

static void test_truncated_header(void **state)
{
	struct fixture *f = *state;

	f->len = 40;
	assert_refused(f, "truncated ELF header (40 bytes, need 64 bytes)");
}

static void test_wrong_class(void **state)
{
	struct fixture *f = *state;

	eh(f)->e_ident[EI_CLASS] = ELFCLASS32;
	assert_refused(f, "not a 64-bit ELF file (class 1)");
}

static void test_big_endian(void **state)
{
	struct fixture *f = *state;

	eh(f)->e_ident[EI_DATA] = ELFDATA2MSB;
	assert_refused(f, "not a little-endian ELF file");
}

static void test_wrong_machine(void **state)
{
	struct fixture *f = *state;

	eh(f)->e_machine = EM_AARCH64;
	assert_refused(f, "machine 183 is not x86-64");
}

static void test_wrong_type(void **state)
{
	struct fixture *f = *state;

	eh(f)->e_type = ET_DYN;
	assert_refused(f, "ELF type 3 is not a static executable");
	eh(f)->e_type = ET_REL;
	assert_refused(f, "ELF type 1 is not a static executable");
}

static void test_phdrs_outside_file(void **state)
{
	struct fixture *f = *state;

	eh(f)->e_phoff = IMG_SIZE - 0x40;
	assert_refused(f, "program headers at offset 0x3fc0 (3 entries) lie outside the file");
	eh(f)->e_phoff = UINT64_MAX - 8; /* offset + size overflows */
	assert_refused(f, "lie outside the file");
}

static void test_phdr_size(void **state)
{
	struct fixture *f = *state;

	eh(f)->e_phentsize = 32;
	assert_refused(f, "program header size 32, expected 56");
	eh(f)->e_phentsize = sizeof(Elf64_Phdr);
	eh(f)->e_phnum = 0;
	assert_refused(f, "no program headers");
}

static void test_too_many_phdrs(void **state)
{
	struct fixture *f = *state;

	eh(f)->e_phnum = IK_IMAGE_MAX_PHDRS + 1;
	assert_refused(f, "too many program headers (65, at most 64)");
}

static void test_segment_outside_file(void **state)
{
	struct fixture *f = *state;

	ph(f, 0)->p_offset = IMG_SIZE - 0x800;
	assert_refused(f, "segment 0: file range [0x3800, 0x4800) lies outside the file (16384 bytes)");
	ph(f, 0)->p_offset = UINT64_MAX - 0x10;
	assert_refused(f, "segment 0: file range");
}

static void test_segment_past_ram(void **state)
{
	struct fixture *f = *state;

	ph(f, 1)->p_vaddr = 0x3ff000;
	assert_refused(f, "segment 1 [0x3ff000, 0x402000) extends past guest RAM (4 MiB)");
}

static void test_segment_below_image_area(void **state)
{
	struct fixture *f = *state;

	ph(f, 1)->p_vaddr = IK_GPA_PAGETABLES;
	assert_refused(f, "segment 1 [0x4000, 0x7000) lies below 0x100000, in the monitor's area");
	ph(f, 1)->p_vaddr = 0;
	assert_refused(f, "segment 1 [0x0, 0x3000) lies below 0x100000");
}

static void test_segment_over_stacks(void **state)
{
	struct fixture *f = *state;

	ph(f, 1)->p_vaddr = ram.image_limit - 0x1000;
	assert_refused(f, "overlaps the thread stacks at [0x360000, 0x400000)");
}

static void test_overlapping_segments(void **state)
{
	struct fixture *f = *state;

	ph(f, 1)->p_vaddr = TEXT_VA + 0x800;
	ph(f, 1)->p_flags = PF_R | PF_X;
	assert_refused(f, "segments [0x100000, 0x101000) and [0x100800, 0x103800) overlap");
}

static void test_segments_share_page(void **state)
{
	struct fixture *f = *state;

	ph(f, 0)->p_memsz = 0x1800;
	ph(f, 1)->p_vaddr = TEXT_VA + 0x1800;
	assert_refused(f, "share a page with different permissions");
}

static void test_filesz_exceeds_memsz(void **state)
{
	struct fixture *f = *state;

	ph(f, 1)->p_filesz = 0x4000;
	assert_refused(f, "segment 1: file size 0x4000 exceeds its memory size 0x3000");
}

static void test_wx_segment(void **state)
{
	struct fixture *f = *state;

	ph(f, 0)->p_flags = PF_R | PF_W | PF_X;
	assert_refused(f, "segment 0 [0x100000, 0x101000) is both writable and executable");
}

static void test_entry_not_executable(void **state)
{
	struct fixture *f = *state;

	eh(f)->e_entry = DATA_VA;
	assert_refused(f, "entry point 0x102000 is not in an executable segment");
	eh(f)->e_entry = 0x200000;
	assert_refused(f, "entry point 0x200000 is not in an executable segment");
}

static void test_missing_note(void **state)
{
	struct fixture *f = *state;

	ph(f, 2)->p_type = PT_NULL;
	sh(f, 3)->sh_type = SHT_PROGBITS;
	assert_refused(f, "missing the iKernel ABI note");
}

static void test_foreign_note_only(void **state)
{
	struct fixture *f = *state;

	memcpy(f->buf + OFF_NOTE + sizeof(Elf64_Nhdr), "GNU\0\0\0\0", 8);
	assert_refused(f, "missing the iKernel ABI note");
}

static void test_wrong_abi_version(void **state)
{
	struct fixture *f = *state;

	note_desc(f)->abi_version = IK_ABI_VERSION + 1;
	assert_refused(f, "built for iKernel ABI version 2, this monitor supports version 1");
}

static void test_malformed_note(void **state)
{
	struct fixture *f = *state;

	note(f)->n_descsz = 4;
	assert_refused(f, "malformed iKernel ABI note (descriptor of 4 bytes, expected 8)");
}

static void test_memsz_overflow(void **state)
{
	struct fixture *f = *state;

	ph(f, 1)->p_memsz = UINT64_MAX - 0x1000;
	assert_refused(f, "segment 1: address 0x102000 + size 0xffffffffffffefff overflows");
}

static void test_dynamic(void **state)
{
	struct fixture *f = *state;

	ph(f, 2)->p_type = PT_INTERP;
	assert_refused(f, "is dynamically linked (program header 2)");
	ph(f, 2)->p_type = PT_TLS;
	assert_refused(f, "thread-local storage");
}

static void test_no_load_segment(void **state)
{
	struct fixture *f = *state;

	ph(f, 0)->p_type = PT_NULL;
	ph(f, 1)->p_type = PT_NULL;
	assert_refused(f, "no loadable segment");
}

static void test_sections_outside_file(void **state)
{
	struct fixture *f = *state;

	eh(f)->e_shoff = IMG_SIZE - 0x10;
	assert_refused(f, "section headers at offset 0x3ff0 (4 entries) lie outside the file");
	eh(f)->e_shoff = OFF_SHDR;
	sh(f, 2)->sh_size = 0x10000;
	assert_refused(f, "section 2 [0x3300, +0x10000) lies outside the file");
}

static void test_bad_symbol_table(void **state)
{
	struct fixture *f = *state;

	sh(f, 1)->sh_link = 3; /* the note section, not a string table */
	assert_refused(f, "symbol table links to section 3, which is not a string table");
	sh(f, 1)->sh_link = 2;
	((Elf64_Sym *)(f->buf + OFF_SYM))[1].st_name = 0x1000;
	assert_refused(f, "symbol 1 has a name outside its string table");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_valid), T(test_note_in_section_only), T(test_not_elf),
		T(test_truncated_header), T(test_wrong_class), T(test_big_endian),
		T(test_wrong_machine), T(test_wrong_type), T(test_phdrs_outside_file),
		T(test_phdr_size), T(test_too_many_phdrs), T(test_segment_outside_file),
		T(test_segment_past_ram), T(test_segment_below_image_area),
		T(test_segment_over_stacks), T(test_overlapping_segments),
		T(test_segments_share_page), T(test_filesz_exceeds_memsz), T(test_wx_segment),
		T(test_entry_not_executable), T(test_missing_note), T(test_foreign_note_only),
		T(test_wrong_abi_version), T(test_malformed_note), T(test_memsz_overflow),
		T(test_dynamic), T(test_no_load_segment), T(test_sections_outside_file),
		T(test_bad_symbol_table),
	};
	return cmocka_run_group_tests_name("loader", tests, NULL, NULL);
}
