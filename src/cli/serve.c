/* openstrat serve. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/lang.h"
#include "base/util.h"
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

int
cli_serve(int argc, char **argv)
{
	struct cli_opt opts[] = {
		{"db", 1, NULL},         {"listen", 1, NULL},     {"port", 1, NULL},
		{"web", 1, NULL},        {"public-url", 1, NULL}, {"rate-limit", 1, NULL},
		{"flag-threshold", 1, NULL}, {"sync", 1, NULL},   {"demo", 0, NULL},
		{"conn-rate-limit", 1, NULL}, {"trusted-proxy", 1, NULL},
		{"event-loop", 1, NULL}, {"demo-lang", 1, NULL},
		{"metrics-allow", 1, NULL},
		{NULL, 0, NULL}};
	const char *usage = "openstrat serve --db PATH [--listen ADDR] [--port N] "
			    "[--web DIR] [--public-url URL] [--rate-limit N] "
			    "[--flag-threshold N] [--conn-rate-limit N] [--sync full|normal] "
			    "[--trusted-proxy ADDR[,ADDR...]]... [--metrics-allow ADDR[,ADDR...]]... "
			    "[--event-loop libev|poll] [--demo [--demo-lang en|nb|sv|da]]";
	struct proxy_list proxies = {0}, metrics_peers = {0};
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
	/* A mistyped path must not become a new, empty forum: only init, demo
	 * and serve --demo create a database. */
	if (!o.demo && stat(o.db_path, &sb) != 0) {
		fprintf(stderr, "openstrat: %s: %s; run openstrat init first\n", o.db_path,
			errno == ENOENT ? "no such database" : strerror(errno));
		return 1;
	}
	o.web_dir = cli_get(opts, "web");
	if (!o.web_dir)
		o.web_dir = has_index(OPENSTRAT_INSTALL_WEB) ? OPENSTRAT_INSTALL_WEB
							     : OPENSTRAT_SOURCE_WEB;
	if (!has_index(o.web_dir))
		fprintf(stderr, "openstrat: warning: %s has no index.html\n", o.web_dir);
	return server_run(&o);
}
