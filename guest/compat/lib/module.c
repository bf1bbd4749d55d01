/* SPDX-License-Identifier: MIT */
/* Module support: module parameters from the boot parameters, applied by ik_compat_init()
 * before the runtime runs the first module init (see <linux/moduleparam.h>). */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>

/* guest/link.ld collects every struct ik_module_param of IK_PARAMS_SECTION between these. */
extern const struct ik_module_param __start_ik_params[], __stop_ik_params[];

void ik_compat_no_exit(void)
{
}

static int parse_bool(const char *val, bool *out)
{
	if (!val || !*val) { /* a bare "name" means true, as on the kernel command line */
		*out = true;
		return 0;
	}
	return kstrtobool(val, out);
}

/* Parse one value of `p`'s type into `dst`. */
static int param_parse_one(const struct ik_module_param *p, const char *val, void *dst)
{
	long long s;
	unsigned long long u;
	bool b;
	int r;

	switch (p->type) {
	case IK_PARAM_bool:
	case IK_PARAM_invbool:
		r = parse_bool(val, &b);
		if (!r)
			*(bool *)dst = p->type == IK_PARAM_invbool ? !b : b;
		return r;
	case IK_PARAM_charp: {
		char *copy = kstrdup(val, GFP_KERNEL);

		if (!copy)
			return -ENOMEM;
		*(char **)dst = copy; /* the boot parameter lives in a reused buffer */
		return 0;
	}
	case IK_PARAM_short:
	case IK_PARAM_int:
	case IK_PARAM_long:
		r = kstrtoll(val, 0, &s);
		if (r)
			return r;
		if (p->type == IK_PARAM_short) {
			if (s < SHRT_MIN || s > SHRT_MAX)
				return -ERANGE;
			*(short *)dst = (short)s;
		} else if (p->type == IK_PARAM_int) {
			if (s < INT_MIN || s > INT_MAX)
				return -ERANGE;
			*(int *)dst = (int)s;
		} else {
			*(long *)dst = (long)s;
		}
		return 0;
	default:
		break;
	}
	r = kstrtoull(val, 0, &u);
	if (r)
		return r;
	switch (p->type) {
	case IK_PARAM_byte:
		if (u > U8_MAX)
			return -ERANGE;
		*(unsigned char *)dst = (unsigned char)u;
		return 0;
	case IK_PARAM_ushort:
		if (u > USHRT_MAX)
			return -ERANGE;
		*(unsigned short *)dst = (unsigned short)u;
		return 0;
	case IK_PARAM_uint:
	case IK_PARAM_hexint:
		if (u > UINT_MAX)
			return -ERANGE;
		*(unsigned int *)dst = (unsigned int)u;
		return 0;
	case IK_PARAM_ulong:
		*(unsigned long *)dst = (unsigned long)u;
		return 0;
	case IK_PARAM_ullong:
		*(unsigned long long *)dst = u;
		return 0;
	default:
		return -EINVAL;
	}
}

/* "a,b,c" into consecutive elements; stores the count in *p->num. */
static int param_parse_array(const struct ik_module_param *p, const char *val)
{
	char *copy = kstrdup(val, GFP_KERNEL);
	char *cursor = copy, *item;
	unsigned int n = 0;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	while ((item = strsep(&cursor, ",")) != NULL) {
		if (n >= p->max) {
			r = -EINVAL;
			break;
		}
		r = param_parse_one(p, item, (char *)p->arg + (size_t)n * p->elem_size);
		if (r)
			break;
		n++;
	}
	kfree(copy);
	if (!r && p->num)
		*p->num = n;
	return r;
}

int ik_param_set(const char *val, const struct ik_module_param *p)
{
	return p->max ? param_parse_array(p, val) : param_parse_one(p, val, p->arg);
}

static void param_apply(const struct ik_module_param *p)
{
	const char *val = ik_param(p->name);
	int r;

	if (!val)
		return;
	r = p->set(val, p);
	if (r)
		pr_err("module parameter %s=%s: invalid value (error %d); keeping the default\n",
		       p->name, val, r);
}

void ik_module_params_apply(void)
{
	for (const struct ik_module_param *p = __start_ik_params; p < __stop_ik_params; p++)
		param_apply(p);
}

void ik_compat_init(void)
{
	ik_module_params_apply();
}
