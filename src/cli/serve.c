/* openstrat serve. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/lang.h"
#include "auth/directory.h"
#include "base/err.h"
#include "base/util.h"
#include "store/db.h"
#include "cluster/bus.h"
#include "transport/proxy.h"
#include "transport/server.h"

#ifndef OPENSTRAT_INSTALL_WEB
#define OPENSTRAT_INSTALL_WEB "/usr/local/share/openstrat/web"
#endif
#ifndef OPENSTRAT_SOURCE_WEB
#define OPENSTRAT_SOURCE_WEB "web"
#endif

static int
has_index(const char *dir)
{
	char path[4200];
	struct stat sb;

	snprintf(path, sizeof path, "%s/index.html", dir);
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* One --trusted-proxy value: an address or a comma-separated list. */
static int
add_proxy(const char *value, void *arg)
{
	char why[128];

	if (proxy_list_add(arg, value, why, sizeof why)) {
		fprintf(stderr, "openstrat: --trusted-proxy: %s\n", why);
		return 2;
	}
	return 0;
}

/* The mail options: all or nothing, checked before anything starts. */
static int
mail_options(const struct cli_opt *opts, const char *usage, struct server_opts *o,
	     struct mailer_opts *mo, char *password, size_t pwsz)
{
	const char *url = cli_get(opts, "smtp-url"), *pwfile;
	long long v;

	if (!url) {
		static const char *const need_url[] = {"smtp-user", "smtp-password-file",
						       "smtp-insecure", "mail-from",
						       "digest-hour", "mail-batch-seconds"};

		for (size_t i = 0; i < sizeof need_url / sizeof need_url[0]; i++)
			if (cli_get(opts, need_url[i])) {
				fprintf(stderr, "openstrat: --%s goes with --smtp-url\nusage: %s\n",
					need_url[i], usage);
				return 2;
			}
		return 0;
	}
	if (strncmp(url, "smtp://", 7) && strncmp(url, "smtps://", 8)) {
		fprintf(stderr, "openstrat: --smtp-url must start with smtp:// or smtps://\n");
		return 2;
	}
	mo->smtp_url = url;
	mo->mail_from = cli_get(opts, "mail-from");
	if (!mo->mail_from || !strchr(mo->mail_from, '@') || strpbrk(mo->mail_from, "<>\r\n \t")) {
		fprintf(stderr, "openstrat: --smtp-url needs --mail-from ADDRESS\n");
		return 2;
	}
	o->public_url = cli_get(opts, "public-url");
	if (!o->public_url || (strncmp(o->public_url, "http://", 7) &&
			       strncmp(o->public_url, "https://", 8))) {
		fprintf(stderr, "openstrat: --smtp-url needs --public-url http(s)://... for "
				"the links in mails\n");
		return 2;
	}
	mo->public_url = o->public_url;
	mo->insecure = cli_get(opts, "smtp-insecure") != NULL;
	mo->smtp_user = cli_get(opts, "smtp-user");
	pwfile = cli_get(opts, "smtp-password-file");
	if (!mo->smtp_user != !pwfile) {
		fprintf(stderr, "openstrat: --smtp-user and --smtp-password-file go together\n");
		return 2;
	}
	if (pwfile) {
		FILE *fp = fopen(pwfile, "r");
		size_t n;

		if (!fp) {
			fprintf(stderr, "openstrat: cannot read %s\n", pwfile);
			return 1;
		}
		n = fread(password, 1, pwsz - 1, fp);
		fclose(fp);
		password[n] = '\0';
		password[strcspn(password, "\r\n")] = '\0';
		mo->smtp_password = password;
	}
	mo->digest_hour = 7;
	if (cli_get(opts, "digest-hour")) {
		if (os_parse_int(cli_get(opts, "digest-hour"), 0, 23, &v)) {
			fprintf(stderr, "openstrat: --digest-hour must be 0 to 23\n");
			return 2;
		}
		mo->digest_hour = (int)v;
	}
	mo->batch_seconds = 45;
	if (cli_get(opts, "mail-batch-seconds")) {
		if (os_parse_int(cli_get(opts, "mail-batch-seconds"), 1, 60, &v)) {
			fprintf(stderr, "openstrat: --mail-batch-seconds must be 1 to 60\n");
			return 2;
		}
		mo->batch_seconds = (int)v;
	}
	o->mail = mo;
	return 0;
}

/* One --metrics-allow value, the same way. */
static int
add_metrics_peer(const char *value, void *arg)
{
	char why[128];

	if (proxy_list_add(arg, value, why, sizeof why)) {
		fprintf(stderr, "openstrat: --metrics-allow: %s\n", why);
		return 2;
	}
	return 0;
}

/* One --ldap-role value, kept for directory_new(). */
struct roles {
	const char *v[DIR_ROLES_MAX + 1];
	size_t n;
};

static int
add_role(const char *value, void *arg)
{
	struct roles *r = arg;

	if (r->n > DIR_ROLES_MAX) {
		fprintf(stderr, "openstrat: --ldap-role: at most %d mappings\n", DIR_ROLES_MAX);
		return 2;
	}
	r->v[r->n++] = value;
	return 0;
}

static const char *const ldap_opts[] = {
	"ldap-starttls", "ldap-ca", "ldap-base", "ldap-filter", "ldap-bind-dn",
	"ldap-bind-password-file", "ldap-role", "ldap-org", "ldap-timeout", NULL,
};

/* The --ldap-* options: *out stays NULL without --ldap-url. Returns 0 or
 * the exit status of a usage error (reported). */
static int
directory_from_opts(int argc, char **argv, const struct cli_opt *opts,
		    struct directory **out)
{
	struct directory_opts d = {0};
	struct roles roles = {.n = 0};
	char why[512];
	long long v;
	int rc;

	*out = NULL;
	d.url = cli_get(opts, "ldap-url");
	if (!d.url) {
		for (int i = 0; ldap_opts[i]; i++)
			if (cli_get(opts, ldap_opts[i])) {
				fprintf(stderr, "openstrat: --%s needs --ldap-url\n", ldap_opts[i]);
				return 2;
			}
		return 0;
	}
	d.starttls = cli_get(opts, "ldap-starttls") != NULL;
	d.ca_file = cli_get(opts, "ldap-ca");
	d.base = cli_get(opts, "ldap-base");
	d.filter = cli_get(opts, "ldap-filter");
	d.bind_dn = cli_get(opts, "ldap-bind-dn");
	d.bind_password_file = cli_get(opts, "ldap-bind-password-file");
	d.org = cli_get(opts, "ldap-org");
	if (cli_get(opts, "ldap-timeout")) {
		if (os_parse_int(cli_get(opts, "ldap-timeout"), 1, DIR_TIMEOUT_MAX, &v)) {
			fprintf(stderr, "openstrat: --ldap-timeout must be 1 to %d seconds\n",
				DIR_TIMEOUT_MAX);
			return 2;
		}
		d.timeout_s = (int)v;
	}
	if ((rc = cli_each(argc, argv, opts, "ldap-role", add_role, &roles)))
		return rc;
	d.roles = roles.v;
	d.nroles = roles.n;
	if (directory_new(&d, out, why, sizeof why) != OS_OK) {
		fprintf(stderr, "openstrat: %s\n", why);
		return 2;
	}
	return 0;
}

int
cli_serve(int argc, char **argv)
{
	struct cli_opt opts[] = {
		{"db", 1, NULL},         {"listen", 1, NULL},     {"port", 1, NULL},
		{"web", 1, NULL},        {"public-url", 1, NULL}, {"rate-limit", 1, NULL},
		{"flag-threshold", 1, NULL}, {"sync", 1, NULL},   {"demo", 0, NULL},
		{"conn-rate-limit", 1, NULL}, {"trusted-proxy", 1, NULL},
		{"event-loop", 1, NULL}, {"demo-lang", 1, NULL},
		{"smtp-url", 1, NULL},   {"smtp-user", 1, NULL},
		{"smtp-password-file", 1, NULL}, {"smtp-insecure", 0, NULL},
		{"mail-from", 1, NULL},  {"digest-hour", 1, NULL},
		{"mail-batch-seconds", 1, NULL},
		{"metrics-allow", 1, NULL},
		{"ldap-url", 1, NULL},   {"ldap-starttls", 0, NULL}, {"ldap-ca", 1, NULL},
		{"ldap-base", 1, NULL},  {"ldap-filter", 1, NULL},   {"ldap-bind-dn", 1, NULL},
		{"ldap-bind-password-file", 1, NULL}, {"ldap-role", 1, NULL},
		{"ldap-org", 1, NULL},   {"ldap-timeout", 1, NULL},
		{"max-upload-mb", 1, NULL},
		{"files", 1, NULL},
		{"nats", 1, NULL},       {"forum", 1, NULL},
		{NULL, 0, NULL}};
	const char *usage = "openstrat serve --db PATH [--listen ADDR] [--port N] "
			    "[--web DIR] [--public-url URL] [--rate-limit N] "
			    "[--flag-threshold N] [--conn-rate-limit N] [--sync full|normal] "
			    "[--trusted-proxy ADDR[,ADDR...]]... [--metrics-allow ADDR[,ADDR...]]... "
			    "[--event-loop libev|poll] [--demo [--demo-lang en|nb|sv|da]] "
			    "[--max-upload-mb N] [--nats URL[,URL...] [--forum NAME]] "
			    "[--ldap-url URL [--ldap-starttls] [--ldap-ca FILE] --ldap-base DN "
			    "[--ldap-filter FILTER] [--ldap-bind-dn DN --ldap-bind-password-file FILE] "
			    "[--ldap-role ROLE=GROUP_DN]... [--ldap-org TEXT] [--ldap-timeout SECONDS]] "
			    "[--smtp-url URL --mail-from ADDR --public-url URL [--smtp-user NAME "
			    "--smtp-password-file FILE] [--smtp-insecure] [--digest-hour H] "
			    "[--mail-batch-seconds N]]";
	struct mailer_opts mo = {0};
	char password[1024];
	struct proxy_list proxies = {0}, metrics_peers = {0};
	struct directory *dir = NULL;
	struct server_opts o;
	struct stat sb;
	long long v;
	int rc = cli_parse(argc, argv, opts, usage);

	if (rc)
		return rc;
	server_opts_default(&o);
	o.db_path = cli_get(opts, "db");
	if (!o.db_path) {
		fprintf(stderr, "openstrat: --db is required\nusage: %s\n", usage);
		return 2;
	}
	if (cli_get(opts, "listen"))
		o.listen = cli_get(opts, "listen");
	if (cli_get(opts, "port")) {
		if (os_parse_int(cli_get(opts, "port"), 0, 65535, &v)) {
			fprintf(stderr, "openstrat: --port must be 0 to 65535\n");
			return 2;
		}
		o.port = (int)v;
	}
	if (cli_get(opts, "rate-limit")) {
		if (os_parse_int(cli_get(opts, "rate-limit"), 0, 1000000, &v)) {
			fprintf(stderr, "openstrat: --rate-limit must be a number >= 0\n");
			return 2;
		}
		o.rate_limit = (int)v;
	}
	if (cli_get(opts, "conn-rate-limit")) {
		if (os_parse_int(cli_get(opts, "conn-rate-limit"), 0, 1000000, &v)) {
			fprintf(stderr, "openstrat: --conn-rate-limit must be a number >= 0\n");
			return 2;
		}
		o.conn_rate_limit = (int)v;
	}
	if (cli_get(opts, "flag-threshold")) {
		if (os_parse_int(cli_get(opts, "flag-threshold"), 0, 1000000, &v)) {
			fprintf(stderr, "openstrat: --flag-threshold must be a number >= 0\n");
			return 2;
		}
		o.flag_threshold = (int)v;
	}
	if (cli_get(opts, "max-upload-mb")) {
		if (os_parse_int(cli_get(opts, "max-upload-mb"), 1, 1024, &v)) {
			fprintf(stderr, "openstrat: --max-upload-mb must be 1 to 1024\n");
			return 2;
		}
		o.max_upload_mb = (int)v;
	}
	o.nats_url = cli_get(opts, "nats");
	o.forum = cli_get(opts, "forum");
	if (o.forum && !o.nats_url) {
		fprintf(stderr, "openstrat: --forum goes with --nats\n");
		return 2;
	}
	if (o.forum && !bus_forum_name_ok(o.forum)) {
		fprintf(stderr, "openstrat: --forum takes 1 to 64 letters, digits, - or _\n");
		return 2;
	}
	if (o.nats_url && strncmp(o.nats_url, "nats://", 7) && strncmp(o.nats_url, "tls://", 6)) {
		fprintf(stderr, "openstrat: --nats takes nats://HOST:PORT\n");
		return 2;
	}
	if (cli_get(opts, "sync")) {
		if (!strcmp(cli_get(opts, "sync"), "full"))
			o.sync_full = 1;
		else if (!strcmp(cli_get(opts, "sync"), "normal"))
			o.sync_full = 0;
		else {
			fprintf(stderr, "openstrat: --sync is full or normal\n");
			return 2;
		}
	}
	if (cli_get(opts, "event-loop")) {
		if (!strcmp(cli_get(opts, "event-loop"), "libev"))
			o.poll_loop = 0;
		else if (!strcmp(cli_get(opts, "event-loop"), "poll"))
			o.poll_loop = 1;
		else {
			fprintf(stderr, "openstrat: --event-loop is libev or poll\n");
			return 2;
		}
	}
	/* Repeatable: every value counts, not only the last. */
	if ((rc = cli_each(argc, argv, opts, "trusted-proxy", add_proxy, &proxies)))
		return rc;
	if (proxies.n)
		o.trusted_proxies = &proxies;
	if ((rc = cli_each(argc, argv, opts, "metrics-allow", add_metrics_peer,
			   &metrics_peers)))
		return rc;
	if (metrics_peers.n)
		o.metrics_allow = &metrics_peers;
	o.public_url = cli_get(opts, "public-url");
	o.demo = cli_get(opts, "demo") != NULL;
	if (cli_get(opts, "demo-lang")) {
		if (!o.demo) {
			fprintf(stderr, "openstrat: --demo-lang goes with --demo\nusage: %s\n",
				usage);
			return 2;
		}
		if (os_lang_parse(cli_get(opts, "demo-lang"), &o.demo_lang)) {
			fprintf(stderr, "openstrat: --demo-lang must be en, nb, sv or da, "
					"not '%s'\nusage: %s\n", cli_get(opts, "demo-lang"), usage);
			return 2;
		}
	}
	/* Attachments live beside a SQLite database; several nodes on one
	 * PostgreSQL database need a folder they all share. */
	o.files_dir = cli_get(opts, "files");
	if (store_target_is_remote(o.db_path) && !o.files_dir) {
		fprintf(stderr, "openstrat: with a PostgreSQL database, --files DIR names the "
				"attachments folder (one every node shares)\nusage: %s\n", usage);
		return 2;
	}
	/* A mistyped path must not become a new, empty forum: only init, demo
	 * and serve --demo create a database. (A PostgreSQL database that
	 * is not there fails to connect.) */
	if (!o.demo && !store_target_is_remote(o.db_path) && stat(o.db_path, &sb) != 0) {
		fprintf(stderr, "openstrat: %s: %s; run openstrat init first\n", o.db_path,
			errno == ENOENT ? "no such database" : strerror(errno));
		return 1;
	}
	if ((rc = mail_options(opts, usage, &o, &mo, password, sizeof password)))
		return rc;
	o.web_dir = cli_get(opts, "web");
	if (!o.web_dir)
		o.web_dir = has_index(OPENSTRAT_INSTALL_WEB) ? OPENSTRAT_INSTALL_WEB
							     : OPENSTRAT_SOURCE_WEB;
	if (!has_index(o.web_dir))
		fprintf(stderr, "openstrat: warning: %s has no index.html\n", o.web_dir);
	if ((rc = directory_from_opts(argc, argv, opts, &dir)))
		return rc;
	o.directory = dir;
	rc = server_run(&o);
	directory_free(dir);
	return rc;
}
