#ifndef OS_TRANSPORT_SERVER_H
#define OS_TRANSPORT_SERVER_H

/*
 * The server: one libwebsockets context serving HTTP (the web client, the
 * HTTP API) and the WebSocket protocol on one port, with the store, the
 * forum and the dispatcher behind it. server_run() returns when SIGINT or
 * SIGTERM arrives, after it has committed what was written and sent what
 * was queued.
 */

#include <stdint.h>

#include "base/lang.h"
#include "mail/mailer.h"

struct directory;
struct proxy_list;

struct server_opts {
	const char *db_path;
	const char *listen;      /* address to bind; default 127.0.0.1 */
	int port;                /* 0: any free port */
	const char *web_dir;     /* static files */
	const char *public_url;  /* e.g. https://strategy.example.com; may be NULL */
	int rate_limit;          /* writes per user per minute; 0: off */
	int conn_rate_limit;     /* requests per connection per second; 0: off */
	int flag_threshold;      /* distinct flags that hide an item */
	int demo;                /* fill an empty database with the demo first */
	enum os_lang demo_lang;  /* the demo's language; default English */
	int sync_full;           /* synchronous=FULL (default) or NORMAL */
	int hash_threads;        /* password hashing workers */
	int poll_loop;           /* libwebsockets' poll() loop instead of libev */
	const struct proxy_list *trusted_proxies; /* believe X-Forwarded-For from these; NULL: none */
	struct mailer_opts *mail; /* NULL: nothing is mailed */
	const struct proxy_list *metrics_allow;   /* may read /metrics besides loopback; NULL: none */
	const struct directory *directory; /* sign-in through LDAP; NULL: none (not owned) */
	int max_upload_mb;       /* the largest attachment, MiB (default 20) */
	const char *files_dir;   /* the attachments; NULL: DB.files beside a SQLite database */
	const char *nats_url;    /* --nats: events between nodes; NULL: one node */
	const char *forum;       /* --forum: the NATS subjects' forum name */
};

/* Fills o with the contract's defaults. */
void server_opts_default(struct server_opts *o);

/* Runs until a stop signal. Returns the process exit status (0 on a clean
 * stop, 1 when it could not start). */
int server_run(const struct server_opts *o);

#endif
