/* SPDX-License-Identifier: MIT */
/*
 * Pre-flight: what would keep the loaded drivers from running on this machine, found before
 * anything starts. `ikernel up --check` reports every problem, one line each, naming the
 * manifest file and line (and key) where there is one; `ikernel up` falls back to
 * isolation=process without a usable KVM (check_kvm), refuses to start one driver that cannot
 * run (check_driver: it goes `failed` with the reason instead of crash-looping). Clashes
 * between manifests (names, nodes, ports and IRQ lines granted twice) refuse the set.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devmodel.h"
#include "kvm_probe.h"
#include "super.h"

void check_kvm(void)
{
	bool wanted = false;

	for (unsigned i = 0; i < super.ndrivers; i++)
		wanted |= super.drivers[i].m.isolation == IKM_ISOLATION_VM;
	super.kvm_probed = true;
	super.kvm_usable = true;
	super.kvm_why[0] = '\0';
	if (wanted) /* with a VM created: /dev/kvm present but unusable crash-looped every driver */
		super.kvm_usable = ik_kvm_probe(true, super.kvm_why, sizeof(super.kvm_why)) == 0;
}

bool check_proc_build(const char *image, char *out, size_t len)
{
	const char *dot = strrchr(image, '.'), *slash = strrchr(image, '/');
	size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - image) : strlen(image);

	snprintf(out, len, "%.*s.proc", (int)stem, image);
	return access(out, X_OK) == 0;
}

/* A `backing = file:PATH`: the file, if there, a regular file we can read and write; else
 * its directory, or the nearest one above it that is there (the model creates the missing
 * directories and the file: dev_cmos.c), one we can create it in. */
static bool check_backing(const struct ikm_device *dev, char *why, size_t len)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	struct stat st;

	if (dev->backing != IKM_BACKING_FILE)
		return true;
	const char *path = dev->backing_path;
	snprintf(tmp, sizeof(tmp), "%s", path);
	snprintf(dir, sizeof(dir), "%s", dirname(tmp));
	while (stat(dir, &st) < 0 && errno == ENOENT && strcmp(dir, "/") && strcmp(dir, ".")) {
		snprintf(tmp, sizeof(tmp), "%s", dir); /* missing: created by the model */
		snprintf(dir, sizeof(dir), "%s", dirname(tmp));
	}
	if (stat(dir, &st) < 0) {
		snprintf(why, len, "[device %s] backing = file:%s: directory %s: %s", dev->label, path,
			 dir, strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, len, "[device %s] backing = file:%s: %s is not a directory", dev->label,
			 path, dir);
		return false;
	}
	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			snprintf(why, len, "[device %s] backing = file:%s: not a regular file", dev->label,
				 path);
			return false;
		}
		if (access(path, R_OK | W_OK) < 0) {
			snprintf(why, len, "[device %s] backing = file:%s: %s", dev->label, path,
				 strerror(errno));
			return false;
		}
	} else if (access(dir, W_OK | X_OK) < 0) {
		snprintf(why, len, "[device %s] backing = file:%s: cannot create it in %s: %s",
			 dev->label, path, dir, strerror(errno));
		return false;
	}
	return true;
}

/* One blocker of d, with the manifest line it comes from (0: none). */
static bool driver_problem(const struct drv *d, char *why, size_t len, int *line)
{
	const struct ik_manifest *m = &d->m;
	char proc[PATH_MAX + 8];

	for (unsigned i = 0; i < m->ndevices; i++)
		if (!check_backing(&m->devices[i], why, len)) {
			*line = m->devices[i].line;
			return false;
		}
	if (m->isolation == IKM_ISOLATION_VM && super.kvm_probed && !super.kvm_usable &&
	    !check_proc_build(m->image, proc, sizeof(proc))) {
		snprintf(why, len, "KVM is not usable (%s) and there is no process build to fall back "
			 "to (%s: %s)", super.kvm_why, proc, strerror(errno));
		*line = 0;
		return false;
	}
	return true;
}

bool check_driver(const struct drv *d, char *why, size_t len)
{
	int line;

	return driver_problem(d, why, len, &line);
}

/* ---- the set of drivers ------------------------------------------------------------------- */

#define SAY(...) do { fprintf(out, "%s", prefix); fprintf(out, __VA_ARGS__); fputc('\n', out); \
		      n++; } while (0)

struct say_ctx {
	FILE *out;
	const char *prefix;
};

static void say_line(void *ctx, const char *msg)
{
	struct say_ctx *c = ctx;

	fprintf(c->out, "%s%s\n", c->prefix, msg);
}

/* A port or IRQ line granted to two drivers (`up` refuses these through ikm_check_set). */
static unsigned report_grants(FILE *out, const char *prefix)
{
	struct say_ctx c = {out, prefix};
	unsigned n = 0;

	for (unsigned i = 0; i < super.ndrivers; i++)
		for (unsigned j = 0; j < i; j++)
			n += ikm_grant_clashes(&super.drivers[i].m, &super.drivers[j].m, say_line, &c);
	return n;
}

/* Driver and node names used twice (`up` refuses these through ikm_check_set). */
static unsigned report_names(FILE *out, const char *prefix)
{
	unsigned n = 0;

	for (unsigned i = 0; i < super.ndrivers; i++)
		for (unsigned j = 0; j < i; j++) {
			const struct ik_manifest *a = &super.drivers[i].m, *b = &super.drivers[j].m;
			if (!strcmp(a->name, b->name))
				SAY("%s: driver name '%s' is also used by %s", a->source, a->name, b->source);
			for (unsigned x = 0; x < a->nnodes; x++)
				for (unsigned y = 0; y < b->nnodes; y++)
					if (!strcmp(a->nodes[x].name, b->nodes[y].name))
						SAY("%s:%d: node '%s' is also declared by %s:%d", a->source,
						    a->nodes[x].line, a->nodes[x].name, b->source,
						    b->nodes[y].line);
		}
	return n;
}

/* The runtime directory: another supervisor in it, or no way to create it. */
static unsigned report_runtime_dir(FILE *out, const char *prefix)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX], pid[32] = "?";
	unsigned n = 0;
	struct stat st;

	if (!super.runtime_dir[0])
		return 0;
	if (stat(super.runtime_dir, &st) < 0) {
		/* the nearest existing ancestor must let us create it */
		snprintf(tmp, sizeof(tmp), "%s", super.runtime_dir);
		char *dir = tmp;
		while (strcmp(dir, "/") && stat(dir, &st) < 0)
			dir = dirname(dir);
		if (access(dir, W_OK | X_OK) < 0)
			SAY("runtime directory %s: cannot create it in %s: %s", super.runtime_dir, dir,
			    strerror(errno));
		return n;
	}
	snprintf(path, sizeof(path), "%s/supervisor.lock", super.runtime_dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
			rtdir_supervisor_pid(pid, sizeof(pid));
			SAY("runtime directory %s: a supervisor is already running there (pid %s); "
			    "'ikernel down' stops it", super.runtime_dir, pid);
		}
		close(fd); /* drops the lock if we got it */
	}
	if (access(super.runtime_dir, W_OK | X_OK) < 0)
		SAY("runtime directory %s: %s", super.runtime_dir, strerror(errno));
	return n;
}

static unsigned report_fuse(FILE *out, const char *prefix)
{
	unsigned n = 0;
	struct stat st;

	if (stat("/dev/fuse", &st) < 0 || !S_ISCHR(st.st_mode)) {
		SAY("/dev/fuse: %s: the device files need FUSE (modprobe fuse)",
		    errno ? strerror(errno) : "not a character device");
		return n;
	}
	int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0 && geteuid() == 0)
		SAY("/dev/fuse: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return n;
}

unsigned check_report(FILE *out, const char *prefix, unsigned *set_errors)
{
	unsigned n = 0, set = 0;
	char why[900];

	set = report_names(out, prefix) + report_grants(out, prefix);
	n += set;
	if (!super.kvm_probed)
		check_kvm();
	if (!super.kvm_usable)
		SAY("KVM is not usable (%s): drivers would run at isolation=process (WEAKER than a "
		    "VM: shares the host kernel)", super.kvm_why);
	for (unsigned i = 0; i < super.ndrivers; i++) {
		const struct drv *d = &super.drivers[i];
		int line = 0;
		if (!driver_problem(d, why, sizeof(why), &line)) {
			if (line)
				SAY("%s:%d: %s", d->m.source, line, why);
			else
				SAY("%s: driver '%s': %s", d->m.source, d->m.name, why);
		}
	}
	n += report_runtime_dir(out, prefix);
	n += report_fuse(out, prefix);
	if (set_errors)
		*set_errors = set;
	return n;
}
