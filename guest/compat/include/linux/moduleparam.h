/* SPDX-License-Identifier: MIT */
/*
 * iKernel Linux compat: module parameters (<linux/moduleparam.h>).
 *
 * module_param(name, type, perm) records the variable in section ".ik_params"; before the
 * first module init, ik_compat_init() looks each name up in the boot parameters (the
 * operator's --param name=value) and parses the value like the kernel does (base 0 for
 * integers, y/n/1/0 for bool, comma-separated lists for arrays). A value that does not parse
 * leaves the default and is reported on the console.
 */
#ifndef _IK_LINUX_MODULEPARAM_H
#define _IK_LINUX_MODULEPARAM_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/stat.h>

enum ik_param_type {
	IK_PARAM_bool,
	IK_PARAM_invbool,
	IK_PARAM_byte,
	IK_PARAM_short,
	IK_PARAM_ushort,
	IK_PARAM_int,
	IK_PARAM_uint,
	IK_PARAM_long,
	IK_PARAM_ulong,
	IK_PARAM_ullong,
	IK_PARAM_hexint,
	IK_PARAM_charp,
	/* `bool` is a macro (stdbool.h): once expanded, the type name arrives as _Bool */
	IK_PARAM__Bool = IK_PARAM_bool,
};

/* The C type each parameter type stands for (checked at compile time, as the kernel does). */
#define __ik_param_ctype_bool bool
#define __ik_param_ctype_invbool bool
#define __ik_param_ctype_byte unsigned char
#define __ik_param_ctype_short short
#define __ik_param_ctype_ushort unsigned short
#define __ik_param_ctype_int int
#define __ik_param_ctype_uint unsigned int
#define __ik_param_ctype_long long
#define __ik_param_ctype_ulong unsigned long
#define __ik_param_ctype_ullong unsigned long long
#define __ik_param_ctype_hexint unsigned int
#define __ik_param_ctype_charp char *
#define __ik_param_ctype__Bool bool

struct ik_module_param;

/* Parse `val` into the parameter's variable; 0 or -errno. Referencing it from every entry also
 * pulls the parameter support (and ik_compat_init) into the image. */
int ik_param_set(const char *val, const struct ik_module_param *p);

struct ik_module_param {
	const char *name;
	int (*set)(const char *val, const struct ik_module_param *p);
	void *arg;            /* the variable (or the first array element) */
	unsigned int type;    /* enum ik_param_type */
	unsigned int perm;
	unsigned int max;     /* array elements; 0 for a scalar */
	unsigned int elem_size;
	unsigned int *num;    /* arrays: where to store the element count (may be NULL) */
};

#define IK_PARAMS_SECTION ".ik_params"
#define __IK_PARAM_ATTRS __used __section(IK_PARAMS_SECTION) __aligned(8)

#define module_param_named(_name, _value, _type, _perm)                                            \
	_Static_assert(__builtin_types_compatible_p(__typeof__(_value), __ik_param_ctype_##_type), \
		       "module_param " #_name ": the variable is not of type " #_type);            \
	static const struct ik_module_param __ik_param_##_name __IK_PARAM_ATTRS = {                \
		.name = #_name,                                                                    \
		.set = ik_param_set,                                                               \
		.arg = &(_value),                                                                  \
		.type = IK_PARAM_##_type,                                                          \
		.perm = (_perm)}

#define module_param(_name, _type, _perm) module_param_named(_name, _name, _type, _perm)
#define module_param_hw(_name, _type, _hwtype, _perm) module_param(_name, _type, _perm)
#define module_param_hw_named(_name, _value, _type, _hwtype, _perm)                                \
	module_param_named(_name, _value, _type, _perm)
#define module_param_unsafe(_name, _type, _perm) module_param(_name, _type, _perm)

#define module_param_array_named(_name, _array, _type, _nump, _perm)                               \
	_Static_assert(__builtin_types_compatible_p(__typeof__((_array)[0]),                      \
						    __ik_param_ctype_##_type),                     \
		       "module_param_array " #_name ": elements are not of type " #_type);         \
	static const struct ik_module_param __ik_param_##_name __IK_PARAM_ATTRS = {                \
		.name = #_name,                                                                    \
		.set = ik_param_set,                                                               \
		.arg = (_array),                                                                   \
		.type = IK_PARAM_##_type,                                                          \
		.perm = (_perm),                                                                   \
		.max = ARRAY_SIZE(_array),                                                         \
		.elem_size = sizeof((_array)[0]),                                                  \
		.num = (_nump)}
#define module_param_array(_name, _type, _nump, _perm)                                             \
	module_param_array_named(_name, _name, _type, _nump, _perm)
#define module_param_hw_array(_name, _type, _hwtype, _nump, _perm)                                 \
	module_param_array(_name, _type, _nump, _perm)

#define MODULE_PARM_DESC(parm, desc) extern int __ik_modinfo_unused

/* Apply every module parameter found in the boot parameters (called from ik_compat_init). */
void ik_module_params_apply(void);

/* A number's text in a parameter's description ("default " __MODULE_STRING(256)). */
#define __MODULE_STRING(x) __stringify(x)

#endif
