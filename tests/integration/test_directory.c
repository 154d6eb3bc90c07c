/*
 * Sign-in through the company directory, against a real OpenLDAP server:
 * each test starts Debian's slapd on a free loopback port with a
 * configuration, data and (for TLS) certificates of its own in a temporary
 * directory, loads people and groups with slapadd, starts openstrat with
 * --ldap-* options pointing at it, and stops both at the end. Nothing here
 * uses or disturbs a system slapd.
 *
 * The test is skipped (exit 77) when slapd is not installed; it needs
 * ldap-utils (ldapsearch, ldapmodify) and openssl besides.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "osclient.h"

#define SUFFIX   "dc=example,dc=com"
#define ROOT_DN  "cn=admin," SUFFIX
#define ROOT_PW  "admin-secret"
#define PEOPLE   "ou=people," SUFFIX
#define GROUPS   "ou=groups," SUFFIX
#define READER   "cn=reader," SUFFIX
#define ORG      "Example Corp"

/* ------------------------------------------------------------------ */
/* Programs                                                            */
/* ------------------------------------------------------------------ */

/* Where a program is: the sbin folders first (slapd, slapadd), then PATH.
 * NULL when it is not installed. */
static const char *
find_prog(const char *name)
{
	static char found[8][512];
	static int next;
	const char *dirs[] = {"/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/bin", "/bin"};
	char *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL, *save = NULL;
	char *slot = found[next++ % 8];

	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(slot, sizeof found[0], "%s/%s", dirs[i], name);
		if (access(slot, X_OK) == 0) {
			free(path);
			return slot;
		}
	}
	for (char *d = path ? strtok_r(path, ":", &save) : NULL; d;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(slot, sizeof found[0], "%s/%s", d, name);
		if (access(slot, X_OK) == 0) {
			free(path);
			return slot;
		}
	}
	free(path);
	return NULL;
}

/* Runs argv (argv[0] found with find_prog) with stdin_data on standard
 * input and its output appended to log (NULL: discarded). Returns the exit
 * status, or -1. */
static int
run(const char *log, const char *stdin_data, const char *const *argv)
{
	const char *prog = find_prog(argv[0]);
	int in[2], st;
	pid_t pid;

	ck_assert_msg(prog, "%s is not installed (Debian: ldap-utils, slapd, openssl)",
		      argv[0]);
	ck_assert_int_eq(pipe(in), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int out = log ? open(log, O_WRONLY | O_CREAT | O_APPEND, 0600)
			      : open("/dev/null", O_WRONLY);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(in[0], 0);
		dup2(out, 1);
		dup2(out, 2);
		close(in[1]);
		execv(prog, (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	if (stdin_data) {
		signal(SIGPIPE, SIG_IGN);
		if (write(in[1], stdin_data, strlen(stdin_data)) < 0)
			perror("write to child");
	}
	close(in[1]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

/* A port nothing listens on just now. */
static int
free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* ------------------------------------------------------------------ */
/* slapd                                                               */
/* ------------------------------------------------------------------ */

struct slapd {
	pid_t pid;
	int port, tls_port;       /* ldap:// and (with TLS) ldaps:// */
	int restricted;           /* only the reader may search */
	int tls;
	char dir[64];
	char conf[200], log[200], ca[200], other_ca[200];
	char url[64], tls_url[64];
};

/* AD keeps sAMAccountName and memberOf on the user's entry; OpenLDAP's
 * schemas have no such attributes with matching rules, so the test
 * defines them (with AD's OIDs) on an auxiliary class. */
static const char ad_schema[] =
	"attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName'\n"
	"\tEQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch\n"
	"\tSYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )\n"
	"attributetype ( 1.2.840.113556.1.2.102 NAME 'memberOf'\n"
	"\tEQUALITY distinguishedNameMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.12 )\n"
	"objectclass ( 1.3.6.1.4.1.4203.666.11.99.1 NAME 'adAccount' AUXILIARY\n"
	"\tMAY ( sAMAccountName $ memberOf ) )\n";

static const char people_ldif[] =
	"dn: " SUFFIX "\nobjectClass: dcObject\nobjectClass: organization\ndc: example\n"
	"o: Example\n\n"
	"dn: " PEOPLE "\nobjectClass: organizationalUnit\nou: people\n\n"
	"dn: ou=contractors," SUFFIX "\nobjectClass: organizationalUnit\nou: contractors\n\n"
	"dn: " GROUPS "\nobjectClass: organizationalUnit\nou: groups\n\n"
	"dn: " READER "\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\n"
	"cn: reader\nuserPassword: reader-secret-1\n\n"
	/* A manager (group entry with member). */
	"dn: uid=alice," PEOPLE "\nobjectClass: inetOrgPerson\nuid: alice\n"
	"cn: Alice Andersen\nsn: Andersen\ndisplayName: Alice Andersen\n"
	"mail: alice@example.com\nuserPassword: alice-secret-1\n\n"
	/* No displayName, no group: cn and employee. */
	"dn: uid=bob," PEOPLE "\nobjectClass: inetOrgPerson\nuid: bob\ncn: Bob Berg\n"
	"sn: Berg\nmail: bob@example.com\nuserPassword: bob-secret-1\n\n"
	/* Active Directory style: sAMAccountName, and memberOf on the entry
	 * naming a group that has no entry here, spelled otherwise than in
	 * --ldap-role. */
	"dn: uid=carol," PEOPLE "\nobjectClass: inetOrgPerson\nobjectClass: adAccount\n"
	"uid: carol\nsAMAccountName: carol.s\ncn: Carol Colt\nsn: Colt\n"
	"displayName: Carol Colt\nmail: carol@example.com\n"
	"memberOf: CN=Board, OU=Groups, DC=example, DC=com\nuserPassword: carol-secret-1\n\n"
	/* An admin by uniqueMember. */
	"dn: uid=dave," PEOPLE "\nobjectClass: inetOrgPerson\nuid: dave\ncn: Dave Dahl\n"
	"sn: Dahl\nuserPassword: dave-secret-1\n\n"
	/* A customer by group. */
	"dn: uid=erin," PEOPLE "\nobjectClass: inetOrgPerson\nuid: erin\ncn: Erin Eik\n"
	"sn: Eik\nuserPassword: erin-secret-1\n\n"
	/* Manager and admin: the higher wins. */
	"dn: uid=frank," PEOPLE "\nobjectClass: inetOrgPerson\nuid: frank\n"
	"cn: Frank Fisk\nsn: Fisk\nuserPassword: frank-secret-1\n\n"
	/* One name, two entries. */
	"dn: uid=twin," PEOPLE "\nobjectClass: inetOrgPerson\nuid: twin\ncn: Twin One\n"
	"sn: One\nuserPassword: twin-secret-1\n\n"
	"dn: uid=twin,ou=contractors," SUFFIX "\nobjectClass: inetOrgPerson\nuid: twin\n"
	"cn: Twin Two\nsn: Two\nuserPassword: twin-secret-1\n\n"
	"dn: cn=managers," GROUPS "\nobjectClass: groupOfNames\ncn: managers\n"
	"member: uid=alice," PEOPLE "\nmember: uid=frank," PEOPLE "\n\n"
	"dn: cn=strategy-admins," GROUPS "\nobjectClass: groupOfUniqueNames\n"
	"cn: strategy-admins\nuniqueMember: uid=dave," PEOPLE "\n"
	"uniqueMember: uid=frank," PEOPLE "\n\n"
	"dn: cn=partners," GROUPS "\nobjectClass: groupOfNames\ncn: partners\n"
	"member: uid=erin," PEOPLE "\n";

static void
make_certificates(struct slapd *sd)
{
	char p[8][160];
	const char *names[] = {"ca.key", "ca.pem", "server.key", "server.csr", "server.pem",
			       "ext.cnf", "other.key", "other.pem"};

	for (int i = 0; i < 8; i++)
		snprintf(p[i], sizeof p[i], "%s/%s", sd->dir, names[i]);
	write_file(p[5], "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
			 "extendedKeyUsage=serverAuth\n");
	{
		const char *ca[] = {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
				    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", p[0],
				    "-out", p[1], "-days", "2", "-subj", "/CN=openstrat test CA",
				    NULL};
		const char *csr[] = {"openssl", "req", "-newkey", "ec", "-pkeyopt",
				     "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", p[2],
				     "-out", p[3], "-subj", "/CN=127.0.0.1", NULL};
		const char *sign[] = {"openssl", "x509", "-req", "-in", p[3], "-CA", p[1],
				      "-CAkey", p[0], "-CAcreateserial", "-out", p[4], "-days",
				      "2", "-extfile", p[5], NULL};
		const char *other[] = {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
				       "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
				       p[6], "-out", p[7], "-days", "2", "-subj",
				       "/CN=another CA", NULL};

		ck_assert_int_eq(run(sd->log, NULL, ca), 0);
		ck_assert_int_eq(run(sd->log, NULL, csr), 0);
		ck_assert_int_eq(run(sd->log, NULL, sign), 0);
		ck_assert_int_eq(run(sd->log, NULL, other), 0);
	}
	snprintf(sd->ca, sizeof sd->ca, "%s", p[1]);
	snprintf(sd->other_ca, sizeof sd->other_ca, "%s", p[7]);
}

static void
write_config(struct slapd *sd)
{
	char path[160], conf[8192], tls[1024] = "";

	snprintf(path, sizeof path, "%s/ad.schema", sd->dir);
	write_file(path, ad_schema);
	if (sd->tls)
		snprintf(tls, sizeof tls,
			 "TLSCACertificateFile %s\nTLSCertificateFile %s/server.pem\n"
			 "TLSCertificateKeyFile %s/server.key\n",
			 sd->ca, sd->dir, sd->dir);
	snprintf(conf, sizeof conf,
		 "include /etc/ldap/schema/core.schema\n"
		 "include /etc/ldap/schema/cosine.schema\n"
		 "include /etc/ldap/schema/inetorgperson.schema\n"
		 "include %s\n"
		 "pidfile %s/slapd.pid\nargsfile %s/slapd.args\n"
		 "%s"
		 "modulepath /usr/lib/ldap\nmoduleload back_mdb\n"
		 /* Like Active Directory: a DN with an empty password binds
		  * anonymously, and successfully. openstrat must never send
		  * one. */
		 "allow bind_anon_dn\n"
		 "database mdb\nmaxsize 16777216\nsuffix \"" SUFFIX "\"\n"
		 "rootdn \"" ROOT_DN "\"\nrootpw " ROOT_PW "\ndirectory %s/data\n"
		 "index objectClass,uid,member,uniqueMember eq\n"
		 "access to attrs=userPassword\n\tby anonymous auth\n\tby * none\n"
		 "access to *\n%s",
		 path, sd->dir, sd->dir, tls, sd->dir,
		 sd->restricted ? "\tby dn.exact=\"" READER "\" read\n\tby anonymous auth\n"
				  "\tby * none\n"
				: "\tby * read\n");
	write_file(sd->conf, conf);
}

/* Starts slapd on sd's port(s) and waits until it answers. 0, or -1 when
 * it exited (a port taken meanwhile, say). */
static int
slapd_spawn(struct slapd *sd)
{
	const char *slapd = find_prog("slapd");
	char urls[160];
	pid_t pid;

	if (sd->tls)
		snprintf(urls, sizeof urls, "%s %s", sd->url, sd->tls_url);
	else
		snprintf(urls, sizeof urls, "%s", sd->url);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int out = open(sd->log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(out, 1);
		dup2(out, 2);
		/* -d 0: in the foreground, our child, quiet. */
		execl(slapd, "slapd", "-d", "0", "-h", urls, "-f", sd->conf, (char *)NULL);
		_exit(127);
	}
	sd->pid = pid;
	for (int i = 0; i < 200; i++) {
		const char *probe[] = {"ldapsearch", "-x", "-H", sd->url, "-b", "", "-s", "base",
				       "-o", "nettimeout=2", "(objectClass=*)", NULL};
		int st;

		if (waitpid(pid, &st, WNOHANG) == pid) {
			sd->pid = 0;
			return -1;
		}
		if (run(NULL, NULL, probe) == 0)
			return 0;
		osx_sleep_ms(50);
	}
	ck_abort_msg("slapd did not answer on %s", sd->url);
	return -1;
}

static void
slapd_start(struct slapd *sd, int restricted, int tls)
{
	char ldif[160], data[160];

	memset(sd, 0, sizeof *sd);
	sd->restricted = restricted;
	sd->tls = tls;
	snprintf(sd->dir, sizeof sd->dir, "/tmp/os-slapd-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(sd->dir));
	snprintf(sd->conf, sizeof sd->conf, "%s/slapd.conf", sd->dir);
	snprintf(sd->log, sizeof sd->log, "%s/slapd.log", sd->dir);
	snprintf(ldif, sizeof ldif, "%s/people.ldif", sd->dir);
	snprintf(data, sizeof data, "%s/data", sd->dir);
	ck_assert_int_eq(mkdir(data, 0700), 0);
	if (tls)
		make_certificates(sd);
	write_config(sd);
	write_file(ldif, people_ldif);
	{
		const char *add[] = {"slapadd", "-q", "-f", sd->conf, "-l", ldif, NULL};

		ck_assert_msg(run(sd->log, NULL, add) == 0, "slapadd failed: see %s", sd->log);
	}
	for (int attempt = 0; attempt < 5; attempt++) {
		sd->port = free_port();
		snprintf(sd->url, sizeof sd->url, "ldap://127.0.0.1:%d/", sd->port);
		if (tls) {
			sd->tls_port = free_port();
			snprintf(sd->tls_url, sizeof sd->tls_url, "ldaps://127.0.0.1:%d/",
				 sd->tls_port);
		}
		if (slapd_spawn(sd) == 0)
			return;
	}
	ck_abort_msg("slapd would not start: see %s", sd->log);
}

/* Stops slapd (SIGTERM, then SIGKILL); its data stays. */
static void
slapd_stop(struct slapd *sd)
{
	int st;

	if (!sd->pid)
		return;
	kill(sd->pid, SIGTERM);
	for (int i = 0; i < 200; i++) {
		if (waitpid(sd->pid, &st, WNOHANG) == sd->pid) {
			sd->pid = 0;
			return;
		}
		osx_sleep_ms(50);
	}
	kill(sd->pid, SIGKILL);
	waitpid(sd->pid, &st, 0);
	sd->pid = 0;
}

/* Starts it again on the same ports and data. */
static void
slapd_restart(struct slapd *sd)
{
	slapd_stop(sd);
	for (int i = 0; i < 40 && slapd_spawn(sd); i++)
		osx_sleep_ms(100); /* the port may linger a moment */
	ck_assert_int_ne(sd->pid, 0);
}

static void
slapd_cleanup(struct slapd *sd)
{
	slapd_stop(sd);
	if (sd->dir[0] && !getenv("OSX_KEEP"))
		nftw(sd->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	sd->dir[0] = '\0';
}

/* Changes the directory as its administrator would. */
static void
ldap_modify(const struct slapd *sd, const char *ldif)
{
	const char *argv[] = {"ldapmodify", "-x", "-H", sd->url, "-D", ROOT_DN, "-w",
			      ROOT_PW, NULL};

	ck_assert_msg(run(sd->log, ldif, argv) == 0, "ldapmodify failed: see %s", sd->log);
}

/* ------------------------------------------------------------------ */
/* openstrat                                                           */
/* ------------------------------------------------------------------ */

static struct slapd dir;
static struct osx_server srv;

/* Serves with the directory and the test's role mappings, plus extra
 * (NULL-terminated, may be NULL). */
static void
serve_with(struct osx_server *s, const char *url, const char *const *extra)
{
	const char *args[40] = {
		"--ldap-url", url, "--ldap-base", SUFFIX, "--ldap-org", ORG,
		"--ldap-timeout", "3",
		"--ldap-role", "manager=cn=managers," GROUPS,
		"--ldap-role", "admin=cn=strategy-admins," GROUPS,
		"--ldap-role", "admin=cn=board,ou=groups," SUFFIX,
		"--ldap-role", "customer=cn=partners," GROUPS,
	};
	size_t n = 16;

	for (size_t i = 0; extra && extra[i]; i++)
		args[n++] = extra[i];
	args[n] = NULL;
	ck_assert_int_eq(osx_server_start(s, args), 0);
}

static void
setup_open(void)
{
	slapd_start(&dir, 0, 0);
	serve_with(&srv, dir.url, NULL);
}

static void
setup_restricted(void)
{
	slapd_start(&dir, 1, 0);
	memset(&srv, 0, sizeof srv);
}

static void
setup_tls(void)
{
	slapd_start(&dir, 0, 1);
	memset(&srv, 0, sizeof srv);
}

static void
teardown(void)
{
	int st = srv.pid ? osx_server_stop(&srv) : 0;

	/* No password of the directory's people ever reaches the log. */
	if (srv.dir[0]) {
		char *log = osx_server_log(&srv);

		ck_assert_msg(!strstr(log, "secret-1") && !strstr(log, "secret-2"),
			      "a password in the server log: %s", log);
		free(log);
	}

	osx_server_cleanup(&srv);
	slapd_cleanup(&dir);
	ck_assert_int_eq(st, 0);
}

/* POST /api/login; returns the status and puts the body's JSON in *out
 * (may be NULL; the caller frees). password may hold JSON escapes. */
static int
login_raw(const struct osx_server *s, const char *username, const char *password_json,
	  cJSON **out)
{
	struct osx_http_resp r;
	char body[512];
	int st;

	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", username,
		 password_json);
	st = osx_http(s->port, "POST", "/api/login", "Content-Type: application/json\r\n",
		      body, &r);
	if (out)
		*out = osx_http_json(&r);
	osx_http_free(&r);
	return st;
}

/* Signs in and checks the answer: HTTP status and error code (NULL when
 * a 200 is wanted). */
static void
expect_login(const struct osx_server *s, const char *user, const char *pw, int status,
	     const char *code)
{
	cJSON *j = NULL;
	int st = login_raw(s, user, pw, &j);

	ck_assert_msg(st == status, "%s: HTTP %d, wanted %d: %s", user, st, status,
		      osx_jtext(j));
	if (code)
		ck_assert_msg(osx_errcode(j) && !strcmp(osx_errcode(j), code),
			      "%s: %s, wanted %s", user, osx_jtext(j), code);
	cJSON_Delete(j);
}

/* The account's stored fields, read from the database. */
struct row {
	int found;
	long long id;
	char display_name[128], email[128], role[16], org[96], source[16];
	int has_password;
};

static struct row
account(const struct osx_server *s, const char *username)
{
	struct row r;
	sqlite3 *db;
	sqlite3_stmt *st;

	memset(&r, 0, sizeof r);
	ck_assert_int_eq(sqlite3_open_v2(s->db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_int_eq(sqlite3_prepare_v2(db,
					    "SELECT id, display_name, email, role, org, source, "
					    "pw_hash <> '' FROM users WHERE username = ?1",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		r.found = 1;
		r.id = sqlite3_column_int64(st, 0);
		snprintf(r.display_name, sizeof r.display_name, "%s", sqlite3_column_text(st, 1));
		snprintf(r.email, sizeof r.email, "%s", sqlite3_column_text(st, 2));
		snprintf(r.role, sizeof r.role, "%s", sqlite3_column_text(st, 3));
		snprintf(r.org, sizeof r.org, "%s", sqlite3_column_text(st, 4));
		snprintf(r.source, sizeof r.source, "%s", sqlite3_column_text(st, 5));
		r.has_password = sqlite3_column_int(st, 6);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return r;
}

static long long
count_sql(const struct osx_server *s, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long n = -1;

	ck_assert_int_eq(sqlite3_open_v2(s->db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void
write_db(const struct osx_server *s, const char *sql)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(s->db, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* Signs in and returns the role the answer gives. */
static const char *
role_after_login(const struct osx_server *s, const char *user, const char *pw)
{
	static char role[16];
	cJSON *j = NULL;
	int st = login_raw(s, user, pw, &j);

	ck_assert_msg(st == 200, "%s: HTTP %d: %s", user, st, osx_jtext(j));
	snprintf(role, sizeof role, "%s", osx_jstr(j, "user.role") ? osx_jstr(j, "user.role") : "");
	cJSON_Delete(j);
	return role;
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */
/* ------------------------------------------------------------------ */

START_TEST(first_sign_in_creates_the_account)
{
	char token[OSX_TOKEN_MAX];
	struct osx_ws *ws;
	struct row r;
	cJSON *j = NULL;

	ck_assert_int_eq(account(&srv, "alice").found, 0);
	ck_assert_int_eq(login_raw(&srv, "alice", "alice-secret-1", &j), 200);
	ck_assert_str_eq(osx_jstr(j, "user.username"), "alice");
	ck_assert_str_eq(osx_jstr(j, "user.display_name"), "Alice Andersen");
	ck_assert_str_eq(osx_jstr(j, "user.role"), "manager");
	ck_assert_str_eq(osx_jstr(j, "user.org"), ORG);
	snprintf(token, sizeof token, "%s", osx_jstr(j, "token"));
	cJSON_Delete(j);

	r = account(&srv, "alice");
	ck_assert(r.found);
	ck_assert_str_eq(r.display_name, "Alice Andersen");
	ck_assert_str_eq(r.email, "alice@example.com");
	ck_assert_str_eq(r.role, "manager");
	ck_assert_str_eq(r.org, ORG);
	ck_assert_str_eq(r.source, "directory");
	/* The password is the directory's: nothing of it is kept here. */
	ck_assert_int_eq(r.has_password, 0);
	ck_assert_int_eq(count_sql(&srv, "SELECT count(*) FROM audit_log WHERE action = "
					 "'user.create' AND detail LIKE 'alice%'"),
			 1);

	/* The session works like any other. */
	ws = osx_ws_open(srv.port, token);
	ck_assert_ptr_nonnull(ws);
	j = osx_ws_call(ws, 0, "{\"op\":\"hello\"}");
	ck_assert_str_eq(osx_jstr(j, "user.display_name"), "Alice Andersen");
	ck_assert_str_eq(osx_jstr(j, "user.role"), "manager");
	cJSON_Delete(j);
	j = osx_ws_call(ws, 0, "{\"op\":\"round.create\",\"title\":\"Directory round\","
			       "\"audience\":\"internal\",\"vote_mode\":\"updown\"}");
	ck_assert_msg(osx_ok(j), "a manager creates rounds: %s", osx_jtext(j));
	cJSON_Delete(j);
	osx_ws_close(ws);

	/* No displayName: cn. No group: employee. The account is named in
	 * lower case, as typed or not. */
	ck_assert_str_eq(role_after_login(&srv, "Bob", "bob-secret-1"), "employee");
	ck_assert_int_eq(count_sql(&srv, "SELECT count(*) FROM users WHERE username = 'bob' "
					 "COLLATE BINARY"),
			 1);
	r = account(&srv, "bob");
	ck_assert_str_eq(r.display_name, "Bob Berg");
	ck_assert_str_eq(r.email, "bob@example.com");

	/* Signing in again is the same account; the name's case does not
	 * matter to the directory nor to us. */
	ck_assert_str_eq(role_after_login(&srv, "ALICE", "alice-secret-1"), "manager");
	ck_assert_int_eq(count_sql(&srv, "SELECT count(*) FROM users"), 2);
}
END_TEST

START_TEST(wrong_password_and_unknown_user_are_bad_credentials)
{
	cJSON *wrong = NULL, *unknown = NULL;

	ck_assert_int_eq(login_raw(&srv, "alice", "alice-secret-2", &wrong), 401);
	ck_assert_int_eq(login_raw(&srv, "nobody", "alice-secret-1", &unknown), 401);
	ck_assert_str_eq(osx_errcode(wrong), "bad_credentials");
	/* The same answer, word for word, for both. */
	ck_assert_str_eq(osx_jtext(wrong), osx_jtext(unknown));
	cJSON_Delete(wrong);
	cJSON_Delete(unknown);
	/* Two entries answer to "twin": ambiguous, so nobody. */
	expect_login(&srv, "twin", "twin-secret-1", 401, "bad_credentials");
	/* Nothing was created by failures. */
	ck_assert_int_eq(count_sql(&srv, "SELECT count(*) FROM users"), 0);
	/* An existing directory account with a wrong password. */
	expect_login(&srv, "alice", "alice-secret-1", 200, NULL);
	expect_login(&srv, "alice", "not-her-password", 401, "bad_credentials");
}
END_TEST

START_TEST(an_empty_password_is_refused)
{
	/* This directory takes a DN with an empty password as an anonymous
	 * bind, and says yes: only openstrat's refusal stands in the way. */
	expect_login(&srv, "alice", "", 401, "bad_credentials");
	/* A NUL ends the password where C sees it: empty again. */
	expect_login(&srv, "alice", "\\u0000alice-secret-1", 401, "bad_credentials");
	ck_assert_int_eq(account(&srv, "alice").found, 0);
}
END_TEST

START_TEST(filter_injection_signs_nobody_in)
{
	static const char *const names[] = {
		"*)(uid=*", "*", "alice)(uid=*", "al*", "*)(|(uid=*", "alice\\\\", "(uid=alice)",
		"*)(objectClass=*",
	};
	static const char *const passwords[] = {"alice-secret-1", "bob-secret-1"};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		for (size_t k = 0; k < sizeof passwords / sizeof passwords[0]; k++) {
			cJSON *j = NULL;
			int st = login_raw(&srv, names[i], passwords[k], &j);

			ck_assert_msg(st == 401 || st == 429, "'%s' / %s: HTTP %d: %s", names[i],
				      passwords[k], st, osx_jtext(j));
			cJSON_Delete(j);
		}
	ck_assert_int_eq(count_sql(&srv, "SELECT count(*) FROM users"), 0);
	ck_assert_int_eq(count_sql(&srv, "SELECT count(*) FROM sessions"), 0);
}
END_TEST

START_TEST(roles_come_from_groups)
{
	/* member of a group entry; memberOf on the entry (another spelling of
	 * the DN); uniqueMember; a customer group; two groups: the higher. */
	ck_assert_str_eq(role_after_login(&srv, "alice", "alice-secret-1"), "manager");
	ck_assert_str_eq(role_after_login(&srv, "carol", "carol-secret-1"), "admin");
	ck_assert_str_eq(role_after_login(&srv, "dave", "dave-secret-1"), "admin");
	ck_assert_str_eq(role_after_login(&srv, "erin", "erin-secret-1"), "customer");
	ck_assert_str_eq(role_after_login(&srv, "frank", "frank-secret-1"), "admin");
	ck_assert_str_eq(role_after_login(&srv, "bob", "bob-secret-1"), "employee");
}
END_TEST

START_TEST(group_removed_role_drops_at_the_next_sign_in)
{
	char token[OSX_TOKEN_MAX];
	struct osx_ws *ws;
	struct row r;
	cJSON *j;

	ck_assert_str_eq(role_after_login(&srv, "alice", "alice-secret-1"), "manager");
	ldap_modify(&dir, "dn: cn=managers," GROUPS "\nchangetype: modify\n"
			  "delete: member\nmember: uid=alice," PEOPLE "\n\n"
			  "dn: uid=alice," PEOPLE "\nchangetype: modify\n"
			  "replace: displayName\ndisplayName: Alice Andersen-Lie\n-\n"
			  "replace: mail\nmail: alice.lie@example.com\n");
	/* Until she signs in again, the account is as it was. */
	ck_assert_str_eq(account(&srv, "alice").role, "manager");
	ck_assert_int_eq(osx_login(srv.port, "alice", "alice-secret-1", token, sizeof token), 200);
	r = account(&srv, "alice");
	ck_assert_str_eq(r.role, "employee");
	ck_assert_str_eq(r.display_name, "Alice Andersen-Lie");
	ck_assert_str_eq(r.email, "alice.lie@example.com");
	ck_assert_int_eq(count_sql(&srv, "SELECT count(*) FROM audit_log WHERE action = "
					 "'user.role' AND detail = "
					 "'alice: manager -> employee (directory groups)'"),
			 1);
	/* And what she may do follows. */
	ws = osx_ws_open(srv.port, token);
	ck_assert_ptr_nonnull(ws);
	j = osx_ws_call(ws, 0, "{\"op\":\"round.create\",\"title\":\"Not any more\","
			       "\"audience\":\"internal\",\"vote_mode\":\"updown\"}");
	ck_assert_str_eq(osx_errcode(j), "forbidden");
	cJSON_Delete(j);
	osx_ws_close(ws);

	/* Back in the group: back up, audited again. */
	ldap_modify(&dir, "dn: cn=managers," GROUPS "\nchangetype: modify\n"
			  "add: member\nmember: uid=alice," PEOPLE "\n");
	ck_assert_str_eq(role_after_login(&srv, "alice", "alice-secret-1"), "manager");
	ck_assert_int_eq(count_sql(&srv, "SELECT count(*) FROM audit_log WHERE action = "
					 "'user.role'"),
			 2);
	/* A directory entry that is gone: bad credentials, like a wrong
	 * password; the account stays, unable to sign in. */
	ldap_modify(&dir, "dn: uid=alice," PEOPLE "\nchangetype: delete\n");
	expect_login(&srv, "alice", "alice-secret-1", 401, "bad_credentials");
	ck_assert(account(&srv, "alice").found);
}
END_TEST

START_TEST(directory_down_is_503_while_local_accounts_sign_in)
{
	char tok[OSX_TOKEN_MAX];

	expect_login(&srv, "alice", "alice-secret-1", 200, NULL);
	ck_assert_int_eq(osx_user_new(&srv, "root", "admin", tok, sizeof tok), 0);
	slapd_stop(&dir);
	/* More tries than the throttle lets fail: an unreachable directory
	 * is not the person's failure. */
	for (int i = 0; i < 7; i++) {
		expect_login(&srv, "alice", "alice-secret-1", 503, "directory_unavailable");
		expect_login(&srv, "newcomer", "whatever-1", 503, "directory_unavailable");
	}
	/* The local admin signs in meanwhile, and a local name never asks
	 * the directory. */
	expect_login(&srv, "root", OSX_PASSWORD, 200, NULL);
	expect_login(&srv, "root", "wrong-password", 401, "bad_credentials");
	/* The directory is back: so is alice, not throttled. */
	slapd_restart(&dir);
	expect_login(&srv, "alice", "alice-secret-1", 200, NULL);
}
END_TEST

/* A directory that accepts connections and never answers. */
struct silent {
	int fd, port;
};

static void
silent_open(struct silent *s)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	socklen_t len = sizeof a;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(s->fd, 0);
	ck_assert_int_eq(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(s->fd, 64), 0);
	ck_assert_int_eq(getsockname(s->fd, (struct sockaddr *)&a, &len), 0);
	s->port = ntohs(a.sin_port);
}

struct pending_login {
	const struct osx_server *srv;
	const char *user, *pw;
	int status;
	char code[64];
	volatile int finished;
};

static void *
login_thread(void *arg)
{
	struct pending_login *pl = arg;
	cJSON *j = NULL;

	pl->status = login_raw(pl->srv, pl->user, pl->pw, &j);
	snprintf(pl->code, sizeof pl->code, "%s", osx_errcode(j) ? osx_errcode(j) : "");
	cJSON_Delete(j);
	__atomic_store_n(&pl->finished, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

START_TEST(a_silent_directory_times_out_without_holding_up_local_sign_ins)
{
	static const char *const modes[][3] = {
		{"ldap", NULL, NULL}, {"ldaps", NULL, NULL}, {"ldap", "--ldap-starttls", NULL},
	};

	/* More waiting directory sign-ins than the server has threads for
	 * hashing passwords. */
	enum { N = 3 };

	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		static const char *const users[N] = {"alice", "bob", "carol"};
		struct pending_login pl[N];
		struct osx_server s;
		struct silent sil;
		char url[64], tok[OSX_TOKEN_MAX];
		const char *extra[] = {modes[m][1], NULL};
		pthread_t t[N];

		silent_open(&sil);
		snprintf(url, sizeof url, "%s://127.0.0.1:%d/", modes[m][0], sil.port);
		serve_with(&s, url, extra);
		ck_assert_int_eq(osx_user_new(&s, "root", "admin", tok, sizeof tok), 0);
		memset(pl, 0, sizeof pl);
		for (int i = 0; i < N; i++) {
			pl[i].srv = &s;
			pl[i].user = users[i];
			pl[i].pw = "some-secret-1";
			ck_assert_int_eq(pthread_create(&t[i], NULL, login_thread, &pl[i]), 0);
		}
		osx_sleep_ms(300);
		/* The directory sign-ins wait for their timeout (3 s); a
		 * local one goes through meanwhile. */
		expect_login(&s, "root", OSX_PASSWORD, 200, NULL);
		for (int i = 0; i < N; i++)
			ck_assert_msg(!__atomic_load_n(&pl[i].finished, __ATOMIC_SEQ_CST),
				      "%s: a directory sign-in ended before the local one", url);
		for (int i = 0; i < N; i++) {
			pthread_join(t[i], NULL);
			ck_assert_msg(pl[i].status == 503 &&
					      !strcmp(pl[i].code, "directory_unavailable"),
				      "%s: HTTP %d %s", url, pl[i].status, pl[i].code);
		}
		ck_assert_int_eq(osx_server_stop(&s), 0);
		osx_server_cleanup(&s);
		close(sil.fd);
	}
}
END_TEST

START_TEST(local_accounts_are_never_taken_over)
{
	/* A local account called alice, with a password of its own. */
	ck_assert_int_eq(osx_user_add(&srv, "alice", "local-password-1", "employee",
				      "Local Alice", NULL),
			 0);
	expect_login(&srv, "alice", "alice-secret-1", 401, "bad_credentials");
	ck_assert_str_eq(role_after_login(&srv, "alice", "local-password-1"), "employee");
	ck_assert_str_eq(account(&srv, "alice").source, "local");
	ck_assert_str_eq(account(&srv, "alice").display_name, "Local Alice");

	/* An account without a password (a staff import) is the directory's
	 * to sign in, and becomes a directory account. */
	write_db(&srv, "INSERT INTO users (username, display_name, role, org, pw_hash, "
		       "created_at, source) VALUES ('bob', 'Bob (imported)', 'employee', "
		       "'Imported', '', 0, 'local')");
	ck_assert_str_eq(role_after_login(&srv, "bob", "bob-secret-1"), "employee");
	{
		struct row r = account(&srv, "bob");

		ck_assert_str_eq(r.source, "directory");
		ck_assert_str_eq(r.display_name, "Bob Berg");
		ck_assert_str_eq(r.org, "Imported");
	}
	ck_assert_int_eq(count_sql(&srv, "SELECT count(*) FROM users WHERE username = 'bob'"), 1);

	/* A disabled directory account: bad credentials, unchanged. */
	expect_login(&srv, "dave", "dave-secret-1", 200, NULL);
	write_db(&srv, "UPDATE users SET disabled = 1 WHERE username = 'dave'");
	expect_login(&srv, "dave", "dave-secret-1", 401, "bad_credentials");
}
END_TEST

START_TEST(imported_accounts_sign_in_through_the_directory)
{
	/* A staff list brought in with the command line: accounts without a
	 * password, made here (source local). */
	char csv[300];
	struct osx_cli_result res;
	struct row r;

	snprintf(csv, sizeof csv, "%s/staff.csv", srv.dir);
	write_file(csv, "username,display_name,email,role,org\r\n"
			"erin,Erin (from HR),erin@hr.example.com,employee,Imported Org\r\n");
	ck_assert_int_eq(osx_cli(&res, NULL, NULL, "user", "import", "--db", srv.db, "--csv",
				 csv, (char *)NULL), 0);
	osx_cli_free(&res);
	r = account(&srv, "erin");
	ck_assert_int_eq(r.found, 1);
	ck_assert_str_eq(r.source, "local");
	ck_assert_int_eq(r.has_password, 0);

	/* No local password to sign in with; the directory's is the one. */
	expect_login(&srv, "erin", "", 401, "bad_credentials");
	expect_login(&srv, "erin", "wrong-secret-1", 401, "bad_credentials");
	ck_assert_str_eq(role_after_login(&srv, "erin", "erin-secret-1"), "customer");
	r = account(&srv, "erin");
	ck_assert_str_eq(r.source, "directory");
	ck_assert_str_eq(r.display_name, "Erin Eik");
	ck_assert_str_eq(r.org, "Imported Org");
	ck_assert_int_eq(r.has_password, 0);
	ck_assert_int_eq(count_sql(&srv, "SELECT count(*) FROM users WHERE username = 'erin'"), 1);
}
END_TEST

START_TEST(directory_failures_are_throttled_like_local_ones)
{
	cJSON *j = NULL;
	int limited = 0, st;

	for (int i = 0; i < 8; i++) {
		st = login_raw(&srv, "alice", "guess-number-x", NULL);
		ck_assert(st == 401 || st == 429);
		limited += st == 429;
	}
	ck_assert_int_gt(limited, 0);
	/* Now even the right password waits. */
	st = login_raw(&srv, "alice", "alice-secret-1", &j);
	ck_assert_int_eq(st, 429);
	ck_assert_str_eq(osx_errcode(j), "rate_limited");
	cJSON_Delete(j);
}
END_TEST

START_TEST(active_directory_filter_and_memberof)
{
	const char *extra[] = {"--ldap-filter", "(&(objectClass=adAccount)(sAMAccountName=%u))",
			       NULL};
	struct osx_server s;

	serve_with(&s, dir.url, extra);
	ck_assert_str_eq(role_after_login(&s, "carol.s", "carol-secret-1"), "admin");
	ck_assert_str_eq(account(&s, "carol.s").display_name, "Carol Colt");
	/* Her uid is not what this filter looks for. */
	expect_login(&s, "carol", "carol-secret-1", 401, "bad_credentials");
	expect_login(&s, "alice", "alice-secret-1", 401, "bad_credentials");
	ck_assert_int_eq(osx_server_stop(&s), 0);
	osx_server_cleanup(&s);
}
END_TEST

START_TEST(service_account_searches)
{
	char pwfile[200], wrongfile[200];
	const char *with[] = {"--ldap-bind-dn", READER, "--ldap-bind-password-file", pwfile,
			      NULL};
	const char *wrong[] = {"--ldap-bind-dn", READER, "--ldap-bind-password-file",
			       wrongfile, NULL};
	struct osx_server s;

	snprintf(pwfile, sizeof pwfile, "%s/reader.pw", dir.dir);
	snprintf(wrongfile, sizeof wrongfile, "%s/wrong.pw", dir.dir);
	write_file(pwfile, "reader-secret-1\n");
	chmod(pwfile, 0600);
	write_file(wrongfile, "not-the-reader-secret\n");
	chmod(wrongfile, 0600);

	/* This directory answers anonymous searches with noSuchObject: a
	 * directory that openstrat is not set up to read, which is said so
	 * (and logged), not blamed on the person. */
	serve_with(&srv, dir.url, NULL);
	expect_login(&srv, "alice", "alice-secret-1", 503, "directory_unavailable");
	{
		char *log = osx_server_log(&srv);

		ck_assert_msg(strstr(log, "the search was refused"), "log: %s", log);
		ck_assert_ptr_null(strstr(log, "alice-secret-1"));
		free(log);
	}

	/* The service account finds her, and reads her groups. */
	serve_with(&s, dir.url, with);
	ck_assert_str_eq(role_after_login(&s, "alice", "alice-secret-1"), "manager");
	ck_assert_str_eq(role_after_login(&s, "dave", "dave-secret-1"), "admin");
	expect_login(&s, "alice", "wrong-secret", 401, "bad_credentials");
	expect_login(&s, "alice", "", 401, "bad_credentials");
	ck_assert_int_eq(osx_server_stop(&s), 0);
	osx_server_cleanup(&s);

	/* A service account the directory refuses is a directory problem. */
	serve_with(&s, dir.url, wrong);
	expect_login(&s, "alice", "alice-secret-1", 503, "directory_unavailable");
	ck_assert_int_eq(osx_server_stop(&s), 0);
	osx_server_cleanup(&s);
}
END_TEST

START_TEST(tls_checks_the_directory_certificate)
{
	const char *ca[] = {"--ldap-ca", dir.ca, NULL};
	const char *starttls[] = {"--ldap-starttls", "--ldap-ca", dir.ca, NULL};
	const char *other[] = {"--ldap-ca", dir.other_ca, NULL};
	const char *other_starttls[] = {"--ldap-starttls", "--ldap-ca", dir.other_ca, NULL};
	struct {
		const char *url;
		const char *const *extra;
		int status;
	} cases[] = {
		{dir.tls_url, ca, 200},
		{dir.url, starttls, 200},
		/* A certificate from a CA we were not told to trust. */
		{dir.tls_url, other, 503},
		{dir.url, other_starttls, 503},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct osx_server s;

		serve_with(&s, cases[i].url, cases[i].extra);
		expect_login(&s, "alice", "alice-secret-1", cases[i].status,
			     cases[i].status == 200 ? NULL : "directory_unavailable");
		ck_assert_int_eq(osx_server_stop(&s), 0);
		osx_server_cleanup(&s);
	}
}
END_TEST

/* ---- the command line ---- */

START_TEST(bad_options_exit_2_with_a_reason)
{
	static const struct {
		const char *args[10];
		const char *says;
	} cases[] = {
		{{"--ldap-base", SUFFIX}, "--ldap-url"},
		{{"--ldap-url", "http://dir.example.com/", "--ldap-base", SUFFIX}, "--ldap-url"},
		{{"--ldap-url", "ldap://dir.example.com/"}, "--ldap-base"},
		{{"--ldap-url", "ldaps://dir/", "--ldap-starttls", "--ldap-base", SUFFIX},
		 "--ldap-starttls"},
		{{"--ldap-url", "ldap://dir/", "--ldap-base", SUFFIX, "--ldap-filter", "(uid=bob)"},
		 "%u"},
		{{"--ldap-url", "ldap://dir/", "--ldap-base", SUFFIX, "--ldap-role", "boss=cn=x"},
		 "--ldap-role"},
		{{"--ldap-url", "ldap://dir/", "--ldap-base", SUFFIX, "--ldap-timeout", "0"},
		 "--ldap-timeout"},
		{{"--ldap-url", "ldap://dir/", "--ldap-base", SUFFIX, "--ldap-bind-dn", READER},
		 "--ldap-bind-password-file"},
		{{"--ldap-url", "ldap://dir/", "--ldap-base", SUFFIX, "--ldap-bind-dn", READER,
		  "--ldap-bind-password-file", "/nonexistent"},
		 "/nonexistent"},
	};
	struct osx_server s;

	ck_assert_int_eq(osx_server_init(&s), 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *argv[16] = {"serve", "--db", s.db, "--port", "0"};
		struct osx_cli_result r;
		size_t n = 5;

		for (size_t k = 0; cases[i].args[k]; k++)
			argv[n++] = cases[i].args[k];
		argv[n] = NULL;
		ck_assert_int_eq(osx_cliv(&r, NULL, NULL, argv), 2);
		ck_assert_msg(strstr(r.err, cases[i].says), "case %zu: stderr '%s' does not say %s",
			      i, r.err, cases[i].says);
		/* Nothing started. */
		ck_assert_ptr_null(strstr(r.out, "listening"));
		osx_cli_free(&r);
	}
	osx_server_cleanup(&s);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("directory");
	TCase *open = tcase_create("open");
	TCase *restricted = tcase_create("restricted");
	TCase *tls = tcase_create("tls");
	TCase *cli = tcase_create("cli");
	SRunner *sr;
	int failed;

	if (!find_prog("slapd")) {
		fprintf(stderr, "slapd is not installed (Debian: slapd): skipping\n");
		return 77;
	}
	signal(SIGPIPE, SIG_IGN);
	tcase_add_checked_fixture(open, setup_open, teardown);
	tcase_set_timeout(open, 240);
	tcase_add_test(open, first_sign_in_creates_the_account);
	tcase_add_test(open, wrong_password_and_unknown_user_are_bad_credentials);
	tcase_add_test(open, an_empty_password_is_refused);
	tcase_add_test(open, filter_injection_signs_nobody_in);
	tcase_add_test(open, roles_come_from_groups);
	tcase_add_test(open, group_removed_role_drops_at_the_next_sign_in);
	tcase_add_test(open, directory_down_is_503_while_local_accounts_sign_in);
	tcase_add_test(open, a_silent_directory_times_out_without_holding_up_local_sign_ins);
	tcase_add_test(open, local_accounts_are_never_taken_over);
	tcase_add_test(open, imported_accounts_sign_in_through_the_directory);
	tcase_add_test(open, directory_failures_are_throttled_like_local_ones);
	tcase_add_test(open, active_directory_filter_and_memberof);
	suite_add_tcase(s, open);

	tcase_add_checked_fixture(restricted, setup_restricted, teardown);
	tcase_set_timeout(restricted, 240);
	tcase_add_test(restricted, service_account_searches);
	suite_add_tcase(s, restricted);

	tcase_add_checked_fixture(tls, setup_tls, teardown);
	tcase_set_timeout(tls, 240);
	tcase_add_test(tls, tls_checks_the_directory_certificate);
	suite_add_tcase(s, tls);

	tcase_set_timeout(cli, 120);
	tcase_add_test(cli, bad_options_exit_2_with_a_reason);
	suite_add_tcase(s, cli);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
