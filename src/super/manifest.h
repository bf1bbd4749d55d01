/* SPDX-License-Identifier: MIT */
/*
 * Driver manifests: one INI file per driver (docs/ikernel.1.md, MANIFESTS):
 *
 *   [driver]            name, image, memory, param (repeatable), hang_ms, log_budget,
 *                       restart = never | on-failure | always, restart_delay, restart_delay_max,
 *                       restart_limit, recovery = transparent | fail-open-files,
 *                       recovery_state, recovery_idempotent, request_timeout, recovery_wait
 *   [device LABEL]      model, port, irq, mmio, backing     (one section per granted device)
 *   [node NAME]         owner, group, mode                  (one section per device file)
 *   [node NAME as HOST] the same, for the driver's node NAME shown to the host as HOST (the
 *                       device file, the runtime-directory link, what clients open)
 *
 * Parsing checks everything it can before anything runs; a bad manifest is refused with
 * "FILE:LINE: reason". What the monitor cannot enforce yet (IRQ line grants, MMIO windows,
 * file/pty backings) is refused too, never silently ignored.
 */
#ifndef IKSUPER_MANIFEST_H
#define IKSUPER_MANIFEST_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ikernel/abi.h"

#define IKM_MAX_DEVICES 16
#define IKM_MAX_NODES   IK_MAX_NODES
#define IKM_MAX_PARAMS  32
#define IKM_ERR_MAX     (PATH_MAX + 256)

enum ikm_restart {
	IKM_RESTART_NEVER,
	IKM_RESTART_ON_FAILURE,
	IKM_RESTART_ALWAYS,
};

/* What separates the driver from the host (`ikernel run --isolation`, docs/PERFORMANCE.md). */
enum ikm_isolation {
	IKM_ISOLATION_VM,      /* its own KVM VM (default) */
	IKM_ISOLATION_PROCESS, /* a jailed process: weaker, the host kernel is its attack surface */
};

enum ikm_backing {
	IKM_BACKING_NONE,
	IKM_BACKING_FILE,
	IKM_BACKING_PTY,
};

struct ikm_device {
	char label[32];
	char model[32];
	bool has_port;
	bool pci;                 /* bus = pci: granted MODEL@pci (no port, no irq of its own) */
	uint32_t port;
	int irq;                  /* -1: none */
	uint64_t mmio_base, mmio_size; /* size 0: none */
	enum ikm_backing backing;
	char backing_path[PATH_MAX];
	char options[256];        /* model options "KEY=VALUE,..." (docs/DRIVERS.md), or "" */
	char grant[512];          /* "MODEL@0xPORT|pci[,KEY=VALUE...]" for `ikernel run --device` */
	int line;                 /* of the section header */
};

struct ikm_node {
	char name[IK_NAME_MAX];   /* the host's name: device file, link, what clients open */
	char driver[IK_NAME_MAX]; /* the name the driver registers (`as`: differs from name) */
	uid_t uid;
	gid_t gid;
	mode_t mode; /* permission bits only */
	int line;
};

struct ik_manifest {
	char source[PATH_MAX];     /* the file, or "builtin:NAME.ini" */
	char name[IK_NAME_MAX];
	char image[PATH_MAX];      /* resolved, readable */
	uint64_t mem;              /* 0: the monitor's default */
	char params[IK_PARAMS_MAX]; /* "k=v k=v" */
	unsigned hang_ms;          /* 0: the monitor's default */
	char log_budget[64];       /* `--log-budget` (budget.h), checked; "": the default */
	enum ikm_restart restart;
	enum ikm_isolation isolation;
	unsigned restart_delay_ms;     /* first backoff delay */
	unsigned restart_delay_max_ms; /* backoff cap */
	unsigned restart_limit;        /* consecutive failed runs before giving up; 0: never give up */
	char recovery[256];            /* recovery spec for `ikernel run --recovery` ("" = none) */
	unsigned ndevices, nnodes;
	/* host interfaces (`netdev`, repeatable): the driver's net_devices as TAPs, created by
	 * the supervisor in network namespace `netns` ("" = its own) and kept across restarts */
	char netdev[IK_NETIF_MAX][IK_IFNAME_MAX];
	unsigned nnetdevs;
	char netns[64];
	struct ikm_device devices[IKM_MAX_DEVICES];
	struct ikm_node nodes[IKM_MAX_NODES];
};

/* Where relative image names are looked up after the manifest's own directory (the build's
 * drivers/ directory); NULL: none. */
void ikm_set_image_dir(const char *dir);

/* Parse a manifest file. 0, or -errno with "FILE:LINE: reason" in err. */
/* A time: "250ms", "2s", "1m", or plain milliseconds, up to 24 h. 0, -EINVAL or -ERANGE. */
int ikm_parse_ms(const char *s, unsigned *out);

int ikm_parse_file(const char *path, struct ik_manifest *m, char *err, size_t errlen);
/* Parse manifest text; `source` names it in messages and images resolve in the image dir. */
int ikm_parse_string(const char *source, const char *text, struct ik_manifest *m, char *err,
		     size_t errlen);

/* Check a set of manifests against each other: unique driver and node names, and no port or
 * IRQ line granted to two drivers (grants.c). 0, or -EEXIST with the first clash in err. */
int ikm_check_set(struct ik_manifest *const *ms, unsigned n, char *err, size_t errlen);

/* grants.c: every port range or IRQ line both a and b grant, one message each (naming both
 * manifests, devices and drivers, and the shared range) through say; how many. */
unsigned ikm_grant_clashes(const struct ik_manifest *a, const struct ik_manifest *b,
			   void (*say)(void *ctx, const char *msg), void *ctx);

const char *ikm_restart_name(enum ikm_restart r);
/* "vm", or "process (weaker)": how `status` and `up --check` show it. */
const char *ikm_isolation_name(enum ikm_isolation i);

#endif
