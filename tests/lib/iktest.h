/* SPDX-License-Identifier: MIT */
/*
 * The C tests' library (tests/lib, issue 10 item 5): what every host-side test needs once.
 *   TEST_REQUIRE_KVM()   exit 77 (meson: skipped) with one message unless /dev/kvm opens
 *   CHECK(cond, fmt...)  a failed check says where and why and counts in iktest_failures
 *   sleep_ms, read_file, test_deadline
 *   start_monitor ...    `ikernel run IMAGE --name NAME [ARGS]` as a child process with its own
 *                        temporary IKERNEL_RUNTIME_DIR and its output captured in a log file,
 *                        waits (bounded) for a node to appear, and stops it. Every wait is
 *                        bounded: a bug fails a test, never hangs it.
 */
#ifndef IK_TEST_IKTEST_H
#define IK_TEST_IKTEST_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* Exit 77 (skipped) unless /dev/kvm can be opened read-write, saying so once. */
void iktest_require_kvm(void);
#define TEST_REQUIRE_KVM() iktest_require_kvm()

/* Checks that failed so far (CHECK). A test ends with `return iktest_failures ? 1 : 0`. */
extern int iktest_failures;
#define CHECK(cond, ...)                                                                \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                   \
			fputc('\n', stderr);                                            \
			iktest_failures++;                                              \
		}                                                                       \
	} while (0)

void sleep_ms(int ms);
/* The whole file, NUL-terminated (malloc'd; "" when it cannot be read). */
char *read_file(const char *path);

/* A network card's socket cable whose other end is the test: a fresh directory
 * /tmp/PREFIX.XXXXXX (into dir) and a SOCK_SEQPACKET listener at DIR/cable (into path), the
 * card's `wire=socket:PATH`. Returns the listening descriptor, -1 on failure. */
int iktest_cable_listen(const char *prefix, char *dir, size_t dirlen, char *path, size_t pathlen);
/* Close both ends (each >= 0, set to -1) and remove the socket and its directory (when set,
 * emptied). */
void iktest_cable_close(int *listen_fd, int *wire_fd, char *path, char *dir);

struct monitor {
	pid_t pid;
	char rtdir[256];
	char log[300];
};

/* fork and exec argv[0] (NULL-terminated argv) with stdout and stderr into the file `log`: the
 * child's pid, or -1. */
pid_t iktest_spawn_logged(const char *const *argv, const char *log);
/* Wait up to timeout_ms for <rtdir>/nodes/<node> while *pid runs: 0, or -1 with a message and
 * the log on stderr (*pid 0 when it exited). */
int iktest_wait_node(pid_t *pid, const char *rtdir, const char *node, const char *log,
		     int timeout_ms);
/* Wait up to timeout_ms for *pid to exit: its wait status (*pid 0), or -1 when it still runs. */
int iktest_wait_exit(pid_t *pid, int timeout_ms);
/* SIGTERM, then wait (up to 10 s; SIGKILL after). The wait status, or -1 when it was killed. */
int iktest_stop(pid_t *pid);

/* argv of the test: [1] the ikernel binary, [2] the build root. Remembered for start_monitor;
 * then TEST_REQUIRE_KVM(). */
void harness_init(int argc, char **argv);

/* Path of build artefact `rel` (e.g. "drivers/led.img"); aborts the test if it is missing. */
const char *build_path(const char *rel);

/* Start a monitor for image `img_rel` (relative to the build root; a <name>.proc runs at
 * --isolation=process) named `name`, with extra
 * arguments (NULL-terminated), then wait for nodes/<node> (up to 10 s). Sets
 * IKERNEL_RUNTIME_DIR for this process. Returns 0, or -1 with a message on stderr. */
int start_monitor(struct monitor *m, const char *img_rel, const char *name, const char *node,
		  const char *const *extra);

/* Wait up to timeout_ms for the monitor to exit; returns its wait status or -1 on timeout. */
int wait_monitor(struct monitor *m, int timeout_ms);

/* SIGTERM, then wait (up to 10 s; SIGKILL after). Returns the wait status. */
int stop_monitor(struct monitor *m);

/* Kill if still running, remove the runtime dir (the log stays for a post-mortem). */
void cleanup_monitor(struct monitor *m);

/* The monitor's log so far, NUL-terminated (malloc'd). */
char *read_log(const struct monitor *m);

/* Bound the whole test process: SIGALRM kills it after `seconds`. */
void test_deadline(unsigned seconds);

#endif /* IK_TEST_IKTEST_H */
