/*
 * The server launcher and the CLI runner. Children get PR_SET_PDEATHSIG so
 * that a Check test that fails (and _exits) cannot leave a server behind.
 */
#include "osx_int.h"

#include <errno.h>
#include <libpq-fe.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define LISTEN_PREFIX "openstrat: listening on http://127.0.0.1:"
#define SERVE_WAIT_MS 20000
#define STOP_WAIT_MS 15000
#define CLI_WAIT_MS 30000

static const char *
bin_path(void)
{
	const char *b = getenv("OPENSTRAT_BIN");

	if (!b || !*b) {
		fprintf(stderr, "osx: OPENSTRAT_BIN is not set\n");
		return NULL;
	}
	return b;
}

/* The environment for a child: ours without OPENSTRAT_PASSWORD, plus add.
 * Returns a malloc'd array of borrowed strings. */
static char **
child_env(const char *const *add)
{
	size_t n = 0, na = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	while (add && add[na])
		na++;
	env = calloc(n + na + 1, sizeof *env);
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int shadowed = !strncmp(environ[i], "OPENSTRAT_PASSWORD=", 19);

		for (size_t j = 0; j < na && !shadowed; j++) {
			const char *eq = strchr(add[j], '=');
			size_t kl = eq ? (size_t)(eq - add[j]) + 1 : strlen(add[j]);

			shadowed = !strncmp(environ[i], add[j], kl);
		}
		if (!shadowed)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < na; j++)
		env[k++] = (char *)add[j];
	env[k] = NULL;
	return env;
}

/* fork + exec with the given fds as 0, 1, 2 (-1: /dev/null). */
static pid_t
spawn(char *const argv[], char *const envp[], int in, int out, int err)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	int devnull = open("/dev/null", O_RDWR);

	dup2(in >= 0 ? in : devnull, 0);
	dup2(out >= 0 ? out : devnull, 1);
	dup2(err >= 0 ? err : devnull, 2);
	/* Everything else we hold (test sockets, pipes) stays ours. */
	if (close_range(3, ~0U, 0))
		for (int fd = 3; fd < 65536; fd++)
			close(fd);
	signal(SIGPIPE, SIG_DFL);
	execve(argv[0], argv, envp);
	dprintf(2, "osx: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* A command that exits without reading its stdin must not kill us with
 * SIGPIPE when we write it. */
static void
ignore_sigpipe(void)
{
	struct sigaction sa;

	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL) {
		sa.sa_handler = SIG_IGN;
		sigaction(SIGPIPE, &sa, NULL);
	}
}

static int
decode_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

/* waitpid with a timeout; 1 and *st when reaped, 0 on timeout, -1 error. */
static int
wait_child(pid_t pid, int *st, int timeout_ms)
{
	long long deadline = osx_now_ms() + timeout_ms;

	for (;;) {
		pid_t r = waitpid(pid, st, WNOHANG);

		if (r == pid)
			return 1;
		if (r < 0 && errno != EINTR)
			return -1;
		if (osx_now_ms() >= deadline)
			return 0;
		osx_sleep_ms(5);
	}
}

static char *
read_file(const char *path)
{
	struct osx_buf b = {0};
	char chunk[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	osx__buf_add(&b, "", 0);
	if (fd < 0)
		return b.data;
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		osx__buf_add(&b, chunk, (size_t)r);
	}
	close(fd);
	return b.data;
}

char *
osx_server_log(const struct osx_server *s)
{
	return read_file(s->log_path);
}

char *
osx_server_stdout(const struct osx_server *s)
{
	return read_file(s->out_path);
}

void
osx_server_dump_log(const struct osx_server *s)
{
	char *log = osx_server_log(s);
	size_t n = strlen(log);
	const char *p = log;

	/* The tail is what explains a failure; a sanitizer report fits. */
	if (n > 32768)
		p = log + n - 32768;
	fprintf(stderr, "---- openstrat server log (%s) ----\n%s%s---- end of log ----\n",
		s->log_path, p, n && log[n - 1] != '\n' ? "\n" : "");
	free(log);
}

/* The CLI. */

int
osx_cliv(struct osx_cli_result *r, const char *stdin_data,
	 const char *const *env, const char *const *args)
{
	struct osx_cli_result local;
	const char *bin = bin_path();
	int pin[2] = {-1, -1}, pout[2] = {-1, -1}, perr[2] = {-1, -1};
	struct osx_buf out = {0}, err = {0};
	size_t nargs = 0, in_off = 0, in_len = stdin_data ? strlen(stdin_data) : 0;
	char **argv = NULL, **envp = NULL;
	long long deadline = osx_now_ms() + CLI_WAIT_MS;
	int st = 0, status = -1, reaped = 0;
	pid_t pid;

	if (!r)
		r = &local;
	memset(r, 0, sizeof *r);
	r->status = -1;
	ignore_sigpipe();
	osx__buf_add(&out, "", 0);
	osx__buf_add(&err, "", 0);
	if (!bin)
		goto done;
	while (args && args[nargs])
		nargs++;
	argv = calloc(nargs + 2, sizeof *argv);
	envp = child_env(env);
	if (!argv || !envp)
		goto done;
	argv[0] = (char *)bin;
	for (size_t i = 0; i < nargs; i++)
		argv[i + 1] = (char *)args[i];
	if (osx__trace()) {
		fprintf(stderr, "osx: run openstrat");
		for (size_t i = 0; i < nargs; i++)
			fprintf(stderr, " %s", args[i]);
		fprintf(stderr, "\n");
	}
	if ((stdin_data && pipe2(pin, O_CLOEXEC)) || pipe2(pout, O_CLOEXEC) ||
	    pipe2(perr, O_CLOEXEC)) {
		perror("osx: pipe");
		goto done;
	}
	pid = spawn(argv, envp, pin[0], pout[1], perr[1]);
	if (pid < 0) {
		perror("osx: fork");
		goto done;
	}
	if (pin[0] >= 0)
		close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	pin[0] = pout[1] = perr[1] = -1;
	if (pin[1] >= 0)
		fcntl(pin[1], F_SETFL, O_NONBLOCK);
	if (pin[1] >= 0 && in_len == 0) {
		close(pin[1]);
		pin[1] = -1;
	}
	while (pout[0] >= 0 || perr[0] >= 0 || pin[1] >= 0) {
		struct pollfd pf[3];
		int n = 0, rc;

		if (pout[0] >= 0)
			pf[n++] = (struct pollfd){pout[0], POLLIN, 0};
		if (perr[0] >= 0)
			pf[n++] = (struct pollfd){perr[0], POLLIN, 0};
		if (pin[1] >= 0)
			pf[n++] = (struct pollfd){pin[1], POLLOUT, 0};
		rc = poll(pf, (nfds_t)n, osx__left(deadline));
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0) {
			fprintf(stderr, "osx: openstrat %s did not finish in %d ms; killing it\n",
				nargs ? args[0] : "", CLI_WAIT_MS);
			kill(pid, SIGKILL);
			break;
		}
		for (int i = 0; i < n; i++) {
			char chunk[4096];
			ssize_t got;

			if (!pf[i].revents)
				continue;
			if (pf[i].fd == pin[1]) {
				ssize_t w = write(pin[1], stdin_data + in_off, in_len - in_off);

				if (w > 0)
					in_off += (size_t)w;
				if ((w < 0 && errno != EAGAIN && errno != EINTR) ||
				    in_off == in_len) {
					close(pin[1]);
					pin[1] = -1;
				}
				continue;
			}
			got = read(pf[i].fd, chunk, sizeof chunk);
			if (got < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (got <= 0) {
				if (pf[i].fd == pout[0])
					pout[0] = -1;
				else
					perr[0] = -1;
				close(pf[i].fd);
				continue;
			}
			osx__buf_add(pf[i].fd == pout[0] ? &out : &err, chunk, (size_t)got);
		}
	}
	reaped = wait_child(pid, &st, osx__left(deadline) + 1000);
	if (reaped != 1) {
		kill(pid, SIGKILL);
		reaped = wait_child(pid, &st, 5000);
	}
	status = reaped == 1 ? decode_status(st) : -1;
	if (osx__trace())
		fprintf(stderr, "osx: -> exit %d\n  stdout: %s\n  stderr: %s\n",
			status, out.data, err.data);
done:
	for (int i = 0; i < 2; i++) {
		if (pin[i] >= 0)
			close(pin[i]);
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
	}
	free(argv);
	free(envp);
	r->status = status;
	r->out = out.data;
	r->err = err.data;
	if (r == &local)
		osx_cli_free(r);
	return status;
}

int
osx_cli(struct osx_cli_result *r, const char *stdin_data,
	const char *const *env, ...)
{
	const char *args[64];
	size_t n = 0;
	va_list ap;

	va_start(ap, env);
	for (;;) {
		const char *a = va_arg(ap, const char *);

		if (!a)
			break;
		if (n + 1 >= sizeof args / sizeof *args) {
			va_end(ap);
			fprintf(stderr, "osx_cli: too many arguments\n");
			if (r)
				memset(r, 0, sizeof *r), r->status = -1;
			return -1;
		}
		args[n++] = a;
	}
	va_end(ap);
	args[n] = NULL;
	return osx_cliv(r, stdin_data, env, args);
}

void
osx_cli_free(struct osx_cli_result *r)
{
	if (!r)
		return;
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

int
osx_user_add(const struct osx_server *s, const char *username,
	     const char *password, const char *role, const char *display_name,
	     const char *org)
{
	const char *args[16];
	char pw[1024];
	const char *env[] = {pw, NULL};
	size_t n = 0;

	snprintf(pw, sizeof pw, "OPENSTRAT_PASSWORD=%s", password ? password : "");
	args[n++] = "user";
	args[n++] = "add";
	args[n++] = "--db";
	args[n++] = s->db;
	args[n++] = "--username";
	args[n++] = username;
	args[n++] = "--role";
	args[n++] = role;
	if (display_name) {
		args[n++] = "--display-name";
		args[n++] = display_name;
	}
	if (org) {
		args[n++] = "--org";
		args[n++] = org;
	}
	args[n] = NULL;
	return osx_cliv(NULL, NULL, env, args);
}

int
osx_user_new(const struct osx_server *s, const char *username,
	     const char *role, char *token, size_t tokensz)
{
	int rc = osx_user_add(s, username, OSX_PASSWORD, role, username, NULL);

	if (rc != 0) {
		fprintf(stderr, "osx_user_new: user add %s exited %d\n", username, rc);
		return -1;
	}
	rc = osx_login(s->port, username, OSX_PASSWORD, token, tokensz);
	if (rc != 200) {
		fprintf(stderr, "osx_user_new: login %s gave HTTP %d\n", username, rc);
		return -1;
	}
	return 0;
}

/* The server. */

static void
free_args(struct osx_server *s)
{
	if (s->args) {
		for (char **a = s->args; *a; a++)
			free(*a);
		free(s->args);
		s->args = NULL;
	}
}

/*
 * With OPENSTRAT_TEST_PG set (the URL of a database on a throwaway
 * PostgreSQL cluster, tests/support/pg.sh), each server gets a database of
 * its own on that cluster, created here and dropped by cleanup, and its
 * attachments go to DIR/files.
 */
static int
pg_url_for(const char *base, const char *name, char *out, size_t outsz)
{
	const char *slash = strrchr(base, '/');

	if (!slash || slash - base < 13)
		return -1;
	return (size_t)snprintf(out, outsz, "%.*s/%s", (int)(slash - base), base, name) >= outsz
		       ? -1 : 0;
}

static int
pg_admin(const char *sql)
{
	const char *base = getenv("OPENSTRAT_TEST_PG");
	PGconn *pg = PQconnectdb(base);
	PGresult *r;
	int ok;

	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "osx: cannot connect to %s: %s", base, PQerrorMessage(pg));
		PQfinish(pg);
		return -1;
	}
	r = PQexec(pg, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "osx: %s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(pg);
	return ok ? 0 : -1;
}

const char *
osx_pg(void)
{
	const char *pg = getenv("OPENSTRAT_TEST_PG");

	return pg && *pg ? pg : NULL;
}

int
osx_server_init(struct osx_server *s)
{
	struct osx_cli_result r;
	int rc;

	memset(s, 0, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "/tmp/osx-XXXXXX");
	if (!mkdtemp(s->dir)) {
		perror("osx: mkdtemp");
		s->dir[0] = '\0';
		return -1;
	}
	snprintf(s->db, sizeof s->db, "%s/os.db", s->dir);
	if (osx_pg()) {
		static unsigned n;
		char sql[200];

		snprintf(s->pg_name, sizeof s->pg_name, "osx_%ld_%u", (long)getpid(), ++n);
		snprintf(sql, sizeof sql, "CREATE DATABASE %s", s->pg_name);
		if (pg_url_for(osx_pg(), s->pg_name, s->db, sizeof s->db) || pg_admin(sql)) {
			s->pg_name[0] = '\0';
			osx_server_cleanup(s);
			return -1;
		}
		snprintf(s->files_dir, sizeof s->files_dir, "%s/files", s->dir);
	}
	snprintf(s->log_path, sizeof s->log_path, "%s/server.log", s->dir);
	snprintf(s->out_path, sizeof s->out_path, "%s/stdout.log", s->dir);
	rc = osx_cli(&r, NULL, NULL, "init", "--db", s->db, (char *)NULL);
	if (rc != 0)
		fprintf(stderr, "osx: openstrat init --db %s exited %d: %s%s", s->db, rc,
			r.err, r.out);
	osx_cli_free(&r);
	if (rc != 0) {
		osx_server_cleanup(s);
		return -1;
	}
	return 0;
}

/* Looks for the listening line in the stdout file: 1 found (port set),
 * 0 not yet, -1 something else was printed. */
static int
find_port(struct osx_server *s)
{
	char *out = read_file(s->out_path);
	char *nl = strchr(out, '\n');
	int rc = 0;

	if (nl) {
		const char *p = out + strlen(LISTEN_PREFIX);
		char *end;
		long port;

		*nl = '\0';
		if (strncmp(out, LISTEN_PREFIX, strlen(LISTEN_PREFIX)) != 0) {
			fprintf(stderr, "osx: serve printed \"%s\", not the listening line\n", out);
			rc = -1;
		} else {
			port = strtol(p, &end, 10);
			if (end == p || *end || port <= 0 || port > 65535) {
				fprintf(stderr, "osx: bad listening line \"%s\"\n", out);
				rc = -1;
			} else {
				s->port = (int)port;
				rc = 1;
			}
		}
	}
	free(out);
	return rc;
}

static int
serve(struct osx_server *s)
{
	const char *bin = bin_path(), *web = getenv("OPENSTRAT_WEB");
	char *argv[64], **envp;
	size_t n = 0;
	int out, log, st, found = 0;
	long long deadline;

	if (!bin || !s->dir[0])
		return -1;
	argv[n++] = (char *)bin;
	argv[n++] = "serve";
	argv[n++] = "--db";
	argv[n++] = s->db;
	if (s->files_dir[0]) {
		argv[n++] = "--files";
		argv[n++] = s->files_dir;
	}
	argv[n++] = "--listen";
	argv[n++] = "127.0.0.1";
	argv[n++] = "--port";
	argv[n++] = "0";
	if (web && *web) {
		argv[n++] = "--web";
		argv[n++] = (char *)web;
	}
	for (char **a = s->args; a && *a && n < 63; a++)
		argv[n++] = *a;
	argv[n] = NULL;

	out = open(s->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	log = open(s->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	envp = child_env(NULL);
	if (out < 0 || log < 0 || !envp) {
		perror("osx: serve files");
		if (out >= 0)
			close(out);
		if (log >= 0)
			close(log);
		free(envp);
		return -1;
	}
	dprintf(log, "==== osx: serve #%d ====\n", s->starts + 1);
	s->pid = spawn(argv, envp, -1, out, log);
	close(out);
	close(log);
	free(envp);
	if (s->pid < 0) {
		perror("osx: fork");
		s->pid = 0;
		return -1;
	}
	s->starts++;
	deadline = osx_now_ms() + SERVE_WAIT_MS;
	for (;;) {
		found = find_port(s);
		if (found)
			break;
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			fprintf(stderr, "osx: serve exited (status %d) before listening\n",
				decode_status(st));
			s->pid = 0;
			found = -1;
			break;
		}
		if (osx_now_ms() >= deadline) {
			fprintf(stderr, "osx: serve did not print the listening line in %d ms\n",
				SERVE_WAIT_MS);
			found = -1;
			break;
		}
		osx_sleep_ms(5);
	}
	if (found != 1) {
		if (s->pid) {
			kill(s->pid, SIGKILL);
			wait_child(s->pid, &st, 5000);
			s->pid = 0;
		}
		s->port = 0;
		osx_server_dump_log(s);
		return -1;
	}
	snprintf(s->base_url, sizeof s->base_url, "http://127.0.0.1:%d", s->port);
	snprintf(s->origin, sizeof s->origin, "http://127.0.0.1:%d", s->port);
	if (osx__trace())
		fprintf(stderr, "osx: server %d listening on %s (%s)\n", (int)s->pid,
			s->base_url, s->dir);
	return 0;
}

int
osx_server_serve(struct osx_server *s, const char *const *extra)
{
	size_t n = 0;

	free_args(s);
	while (extra && extra[n])
		n++;
	s->args = calloc(n + 1, sizeof *s->args);
	if (!s->args)
		return -1;
	for (size_t i = 0; i < n; i++)
		s->args[i] = strdup(extra[i]);
	return serve(s);
}

int
osx_server_start(struct osx_server *s, const char *const *extra)
{
	if (osx_server_init(s) || osx_server_serve(s, extra)) {
		/* The reason and the log are on stderr already; a failing
		 * test would not get to its teardown to remove the dir. */
		osx_server_cleanup(s);
		return -1;
	}
	return 0;
}

int
osx_server_stop(struct osx_server *s)
{
	int st = 0, w, rc;

	if (!s->pid)
		return -1;
	kill(s->pid, SIGTERM);
	w = wait_child(s->pid, &st, STOP_WAIT_MS);
	if (w != 1) {
		fprintf(stderr, "osx: server %d did not exit within %d ms of SIGTERM; "
			"killing it\n", (int)s->pid, STOP_WAIT_MS);
		kill(s->pid, SIGKILL);
		wait_child(s->pid, &st, 5000);
		rc = -1;
	} else {
		rc = decode_status(st);
	}
	s->pid = 0;
	s->port = 0;
	if (rc != 0) {
		fprintf(stderr, "osx: server exit status %d after SIGTERM\n", rc);
		osx_server_dump_log(s);
	}
	return rc;
}

void
osx_server_kill(struct osx_server *s)
{
	int st;

	if (!s->pid)
		return;
	kill(s->pid, SIGKILL);
	wait_child(s->pid, &st, 5000);
	s->pid = 0;
	s->port = 0;
}

int
osx_server_restart(struct osx_server *s)
{
	if (s->pid)
		osx_server_stop(s);
	return serve(s);
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
osx_server_cleanup(struct osx_server *s)
{
	const char *keep = getenv("OSX_KEEP");

	osx_server_kill(s);
	if (s->pg_name[0]) {
		char sql[200];

		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", s->pg_name);
		pg_admin(sql);
		s->pg_name[0] = '\0';
	}
	if (s->dir[0]) {
		if (keep && *keep && strcmp(keep, "0"))
			fprintf(stderr, "osx: keeping %s\n", s->dir);
		else
			nftw(s->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	}
	free_args(s);
	s->dir[0] = '\0';
}
