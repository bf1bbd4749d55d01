/* SPDX-License-Identifier: MIT */
/*
 * User copies bounded to the current request's user window (the client's data buffer).
 * As in Linux, a copy that runs off the end of the accessible range copies the accessible
 * prefix and returns how many bytes it could not copy.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

/* Bytes of [p, p + n) that lie in the user window, counted from p (0 if p is outside). */
static unsigned long user_accessible(const void *p, unsigned long n)
{
	const struct ik_user_window *w = ik_user_window();
	uintptr_t a = (uintptr_t)p;
	uint64_t left;

	if (n == 0)
		return 0;
	if (ik_user_range_ok(p, n))
		return n;
	if (!w || w->len == 0 || a < w->base || a - w->base >= w->len)
		return 0;
	left = w->len - (a - w->base);
	return left < n ? (unsigned long)left : n;
}

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	unsigned long ok = user_accessible(to, n);

	memcpy(to, from, ok);
	return n - ok;
}

unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	unsigned long ok = user_accessible(from, n);

	memcpy(to, from, ok);
	memset((char *)to + ok, 0, n - ok); /* never leak stale kernel memory */
	return n - ok;
}

unsigned long clear_user(void __user *to, unsigned long n)
{
	unsigned long ok = user_accessible(to, n);

	memset(to, 0, ok);
	return n - ok;
}

/* Returns the string length (excluding the NUL) copied, count if no NUL was found within it,
 * or -EFAULT. */
long strncpy_from_user(char *dst, const char __user *src, long count)
{
	unsigned long ok;
	long i;

	if (count <= 0)
		return 0;
	ok = user_accessible(src, (unsigned long)count);
	for (i = 0; i < (long)ok; i++) {
		dst[i] = src[i];
		if (dst[i] == '\0')
			return i;
	}
	return ok == (unsigned long)count ? count : -EFAULT;
}

/* Length including the NUL, 0 on fault, n + 1 (> n) if no NUL within n bytes. */
long strnlen_user(const char __user *src, long n)
{
	unsigned long ok;
	long i;

	if (n <= 0)
		return 0;
	ok = user_accessible(src, (unsigned long)n);
	for (i = 0; i < (long)ok; i++)
		if (src[i] == '\0')
			return i + 1;
	return ok == (unsigned long)n ? n + 1 : 0;
}

void *memdup_user(const void __user *src, size_t len)
{
	void *p = kmalloc(len, GFP_KERNEL);

	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, src, len)) {
		kfree(p);
		return ERR_PTR(-EFAULT);
	}
	return p;
}

void *memdup_user_nul(const void __user *src, size_t len)
{
	char *p = kmalloc(len + 1, GFP_KERNEL);

	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, src, len)) {
		kfree(p);
		return ERR_PTR(-EFAULT);
	}
	p[len] = '\0';
	return p;
}
