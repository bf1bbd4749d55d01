/* SPDX-License-Identifier: MIT */
/* The C tests' library (iktest.h): checks, helpers and `ikernel run` with a private runtime directory. */
#include "iktest.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *ikernel_bin;
static const char *build_root;
static pid_t live_pid; /* the monitor to kill if the test runs past its deadline */

int iktest_failures;

void iktest_require_kvm(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "skipped: /dev/kvm not available (%s)\n", strerror(errno));
		exit(77);
	}
	close(fd);
}

/* The whole time, a signal or not (the remainder is slept). */
void sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t cap = 1 << 16, len = 0, n;
	char *buf = calloc(1, cap + 1);

	if (!f || !buf) {
		if (f)
			fclose(f);
		return buf ? buf : strdup("");
	}
	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			char *nb = realloc(buf, cap * 2 + 1);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	buf[len] = '\0';
	fclose(f);
	return buf;
}

void harness_init(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s IKERNEL_BINARY BUILD_ROOT\n", argv[0]);
		exit(2);
	}
	ikernel_bin = argv[1];
	build_root = argv[2];
	iktest_require_kvm();
}

const char *build_path(const char *rel)
{
	static char paths[8][512];
	static int next;
	char *p = paths[next++ % 8];

	snprintf(p, sizeof(paths[0]), "%s/%s", build_root, rel);
	if (access(p, R_OK) != 0) {
		fprintf(stderr, "missing build artefact %s: %s\n", p, strerror(errno));
		exit(1);
	}
	return p;
}

pid_t iktest_spawn_logged(const char *const *argv, const char *log)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		_exit(126);
	dup2(fd, 1);
	dup2(fd, 2);
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

int iktest_wait_node(pid_t *pid, const char *rtdir, const char *node, const char *log,
		     int timeout_ms)
{
	char nodepath[512];
	char *text;
	int st;

	snprintf(nodepath, sizeof(nodepath), "%s/nodes/%s", rtdir, node);
	for (int waited = 0; *pid > 0 && waited < timeout_ms; waited += 5) {
		if (access(nodepath, F_OK) == 0)
			return 0;
		if (waitpid(*pid, &st, WNOHANG) == *pid) {
			*pid = 0;
			text = read_file(log);
			fprintf(stderr, "monitor exited (status 0x%x) before %s appeared; log:\n%s\n", st,
				node, text);
			free(text);
			return -1;
		}
		sleep_ms(5);
	}
	text = read_file(log);
	fprintf(stderr, "%s did not appear within %d ms; log:\n%s\n", nodepath, timeout_ms, text);
	free(text);
	return -1;
}

int iktest_wait_exit(pid_t *pid, int timeout_ms)
{
	int st;

	for (int waited = 0; *pid > 0 && waited <= timeout_ms; waited += 5) {
		if (waitpid(*pid, &st, WNOHANG) == *pid) {
			*pid = 0;
			return st;
		}
		sleep_ms(5);
	}
	return -1;
}

int iktest_stop(pid_t *pid)
{
	int st;

	if (*pid <= 0)
		return -1;
	kill(*pid, SIGTERM);
	st = iktest_wait_exit(pid, 10000);
	if (st == -1 && *pid > 0) {
		fprintf(stderr, "monitor ignored SIGTERM for 10 s: killing it\n");
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
		*pid = 0;
	}
	return st;
}

int start_monitor(struct monitor *m, const char *img_rel, const char *name, const char *node,
		  const char *const *extra)
{
	const char *img = build_path(img_rel);
	const char *argv[32] = {ikernel_bin, "run", img, "--name", name};
	size_t len = strlen(img);
	int n = 5;

	memset(m, 0, sizeof(*m));
	if (len > 5 && !strcmp(img + len - 5, ".proc")) /* the process build: that level */
		argv[n++] = "--isolation=process";
	for (; extra && *extra && n < 30; extra++)
		argv[n++] = *extra;
	argv[n] = NULL;
	snprintf(m->rtdir, sizeof(m->rtdir), "/tmp/ikernel-test-XXXXXX");
	if (!mkdtemp(m->rtdir)) {
		perror("mkdtemp");
		return -1;
	}
	snprintf(m->log, sizeof(m->log), "%s.log", m->rtdir);
	setenv("IKERNEL_RUNTIME_DIR", m->rtdir, 1);
	m->pid = iktest_spawn_logged(argv, m->log);
	if (m->pid < 0)
		return -1;
	live_pid = m->pid;
	return iktest_wait_node(&m->pid, m->rtdir, node, m->log, 10000);
}

int wait_monitor(struct monitor *m, int timeout_ms)
{
	return m->pid > 0 ? iktest_wait_exit(&m->pid, timeout_ms) : -1;
}

int stop_monitor(struct monitor *m)
{
	return iktest_stop(&m->pid);
}

static void remove_tree(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (strstr(dir, "/tmp/ikernel-test-") == dir)
		(void)!system(cmd);
}

void cleanup_monitor(struct monitor *m)
{
	if (m->pid > 0) {
		kill(m->pid, SIGKILL);
		waitpid(m->pid, NULL, 0);
		m->pid = 0;
	}
	if (m->rtdir[0])
		remove_tree(m->rtdir);
}

char *read_log(const struct monitor *m)
{
	return read_file(m->log);
}

static void on_deadline(int sig)
{
	(void)sig;
	static const char msg[] = "test deadline passed: something hangs\n";
	(void)!write(2, msg, sizeof(msg) - 1);
	if (live_pid > 0)
		kill(live_pid, SIGKILL);
	_exit(1);
}

void test_deadline(unsigned seconds)
{
	signal(SIGALRM, on_deadline);
	alarm(seconds);
}

int iktest_cable_listen(const char *prefix, char *dir, size_t dirlen, char *path, size_t pathlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	snprintf(dir, dirlen, "/tmp/%s.XXXXXX", prefix);
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, pathlen, "%s/cable", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
		close(fd);
		return -1;
	}
	return fd;
}

void iktest_cable_close(int *listen_fd, int *wire_fd, char *path, char *dir)
{
	if (*wire_fd >= 0)
		close(*wire_fd);
	if (*listen_fd >= 0)
		close(*listen_fd);
	*wire_fd = *listen_fd = -1;
	if (path[0])
		unlink(path);
	if (dir[0])
		rmdir(dir);
	path[0] = dir[0] = '\0';
}
