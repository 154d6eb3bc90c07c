#ifndef OSCLIENT_H
#define OSCLIENT_H

/*
 * osclient: the integration tests' view of openstrat from the outside.
 *
 * A server launcher (the real binary on --port 0, in a temp directory), a
 * CLI runner, a small blocking HTTP/1.1 client and a blocking RFC 6455
 * WebSocket client that speaks the openstrat.v1 envelope. Plain C11 + POSIX,
 * no libwebsockets: it must not share the server's bugs.
 *
 * Conventions:
 *  - Everything times out (poll()); nothing waits forever. Timeouts are in
 *    milliseconds; 0 or a negative value means OSX_TIMEOUT_MS.
 *  - Functions returning int return 0 (or a status) on success and -1 on an
 *    I/O failure or timeout, with a one-line reason on stderr.
 *  - A returned cJSON * belongs to the caller (cJSON_Delete); a returned
 *    const pointer belongs to the object it came from.
 *  - Nothing is thread-safe per object: use one osx_ws / osx_server from one
 *    thread at a time (different objects from different threads is fine).
 *  - The environment: OPENSTRAT_BIN (the binary, required), OPENSTRAT_WEB
 *    (the web/ folder; --web is left out when unset), OSX_TRACE=1 prints
 *    every WebSocket message and CLI run on stderr, OSX_KEEP=1 keeps temp
 *    directories.
 */

#include <stddef.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#define OSX_TIMEOUT_MS 10000       /* default for every wait */
#define OSX_PASSWORD "correct-horse-battery" /* osx_user_new's password */
#define OSX_TOKEN_MAX 256          /* enough for any session token */

/* ------------------------------------------------------------------ */
/* Server launcher                                                     */
/* ------------------------------------------------------------------ */

struct osx_server {
	pid_t pid;              /* 0 when not running */
	int port;               /* the port it printed; 0 when not running */
	char dir[256];          /* the temp directory (mkdtemp under /tmp) */
	char db[300];           /* DIR/os.db, or a PostgreSQL URL (osx_pg()) */
	char pg_name[64];       /* its PostgreSQL database, or "" */
	char files_dir[300];    /* --files DIR/files on PostgreSQL, else "" */
	char base_url[64];      /* http://127.0.0.1:PORT */
	char origin[64];        /* same as base_url: the upgrade's own Origin */
	char log_path[300];     /* DIR/server.log: the server's stderr, appended */
	char out_path[300];     /* DIR/stdout.log: stdout of the latest serve */
	char **args;            /* extra serve args of the latest start (owned) */
	int starts;             /* how many times serve was started */
};

/* The PostgreSQL cluster the servers run on (OPENSTRAT_TEST_PG), or NULL
 * for SQLite. */
const char *osx_pg(void);

/* Makes the temp dir and runs `openstrat init --db DIR/os.db` (no server
 * yet: add users first if you like, then osx_server_serve). s is zeroed
 * first. Returns 0, or -1 (the reason on stderr; the dir is removed). */
int osx_server_init(struct osx_server *s);

/* Runs `openstrat serve --db DIR/os.db --listen 127.0.0.1 --port 0 --web
 * $OPENSTRAT_WEB EXTRA...` and waits (20 s at most) for the exact line
 * "openstrat: listening on http://127.0.0.1:PORT". extra is a
 * NULL-terminated list (copied) or NULL. Stdout goes to DIR/stdout.log,
 * stderr is appended to DIR/server.log. The server gets SIGKILL if the
 * thread that started it exits (so a failed Check test, which _exits, does
 * not leak it; do not start servers from short-lived threads).
 * Returns 0, or -1 with the server's log on stderr. */
int osx_server_serve(struct osx_server *s, const char *const *extra);

/* osx_server_init + osx_server_serve. On failure the server's log goes to
 * stderr and the temp dir is removed. */
int osx_server_start(struct osx_server *s, const char *const *extra);

/* SIGTERM, then waits up to 15 s. Returns the exit status (0..255), 128+N
 * when killed by signal N, or -1 when it did not exit in time (it is then
 * SIGKILLed). A non-zero result prints the server's log on stderr.
 * Returns -1 also when no server is running. */
int osx_server_stop(struct osx_server *s);

/* SIGKILL and reap (a crash, for durability tests). */
void osx_server_kill(struct osx_server *s);

/* Serves again on the same database with the same extra args, on a new
 * port. A running server is first stopped with osx_server_stop. */
int osx_server_restart(struct osx_server *s);

/* Kills a still-running server, removes the temp dir (unless OSX_KEEP is
 * set) and frees the args. s can be reused with osx_server_init. A Check
 * test that fails _exits before its teardown: its directory (server.log,
 * os.db) then stays behind for inspection. */
void osx_server_cleanup(struct osx_server *s);

/* The server's stderr (all starts) / the latest serve's stdout, as a
 * NUL-terminated malloc'd string (caller frees); "" when empty. */
char *osx_server_log(const struct osx_server *s);
char *osx_server_stdout(const struct osx_server *s);

/* Prints the server's log to stderr, framed, for a failing test. */
void osx_server_dump_log(const struct osx_server *s);

/* ------------------------------------------------------------------ */
/* Command line                                                        */
/* ------------------------------------------------------------------ */

struct osx_cli_result {
	int status;   /* as osx_server_stop: exit status, 128+signal, -1 */
	char *out;    /* stdout, NUL-terminated (owned; osx_cli_free) */
	char *err;    /* stderr, NUL-terminated (owned) */
};

/* Runs $OPENSTRAT_BIN ARGS... (a NULL-terminated argv without argv[0]) with
 * stdin_data on standard input (NULL: /dev/null) and env (NULL-terminated
 * "KEY=VALUE" list added to the environment; OPENSTRAT_PASSWORD is never
 * inherited). Kills it after 30 s. r may be NULL. Returns r->status.
 * The calling process ignores SIGPIPE from then on (a command may exit
 * without reading its stdin). */
int osx_cliv(struct osx_cli_result *r, const char *stdin_data,
	     const char *const *env, const char *const *args);

/* The same with the arguments inline, NULL-terminated:
 *   osx_cli(&r, NULL, NULL, "init", "--db", s.db, (char *)NULL); */
int osx_cli(struct osx_cli_result *r, const char *stdin_data,
	    const char *const *env, ...);

void osx_cli_free(struct osx_cli_result *r);

/* `openstrat user add --db S->db --username U --role ROLE [--display-name
 * D] [--org O]` with the password in OPENSTRAT_PASSWORD. display_name and
 * org may be NULL (left out). Returns the exit status. */
int osx_user_add(const struct osx_server *s, const char *username,
		 const char *password, const char *role,
		 const char *display_name, const char *org);

/* Creates a user with password OSX_PASSWORD (display name = username, no
 * org) on a running server and logs it in; token gets the session token.
 * Returns 0, or -1 (the reason on stderr). */
int osx_user_new(const struct osx_server *s, const char *username,
		 const char *role, char *token, size_t tokensz);

/* ------------------------------------------------------------------ */
/* HTTP                                                                */
/* ------------------------------------------------------------------ */

struct osx_header {
	char *name;
	char *value;
};

struct osx_http_resp {
	int status;                 /* e.g. 200 */
	char *head;                 /* status line + headers, raw, NUL-terminated */
	struct osx_header *headers; /* parsed, in order */
	size_t nheaders;
	char *body;                 /* NUL-terminated (may also contain NULs) */
	size_t body_len;
};

/* One request to 127.0.0.1:port over a fresh connection (HTTP/1.1,
 * Connection: close, Host: 127.0.0.1:PORT, Content-Length when body is not
 * NULL). path is sent verbatim. extra_headers is NULL or complete header
 * lines, each ending in "\r\n". The body is delimited by Content-Length,
 * chunked encoding or the close. Fills resp (free with osx_http_free);
 * returns resp->status, or -1 on failure (resp is then empty). */
int osx_http(int port, const char *method, const char *path,
	     const char *extra_headers, const char *body,
	     struct osx_http_resp *resp);

/* Sends the bytes of request verbatim and reads a response as osx_http. */
int osx_http_raw(int port, const void *request, size_t len,
		 struct osx_http_resp *resp);

void osx_http_free(struct osx_http_resp *resp);

/* The value of the first header called name (case-insensitive), or NULL.
 * osx_http_header_n gives the i-th such header (for Set-Cookie). */
const char *osx_http_header(const struct osx_http_resp *resp, const char *name);
const char *osx_http_header_n(const struct osx_http_resp *resp,
			      const char *name, size_t i);

/* The body parsed as JSON, or NULL. Caller frees. */
cJSON *osx_http_json(const struct osx_http_resp *resp);

/* POST /api/login {"username", "password"}. On 200 copies the token to
 * token (may be NULL). Returns the HTTP status, or -1. */
int osx_login(int port, const char *username, const char *password,
	      char *token, size_t tokensz);

/* POST /api/logout with Authorization: Bearer TOKEN. Returns the status. */
int osx_logout(int port, const char *token);

/* ------------------------------------------------------------------ */
/* WebSocket                                                           */
/* ------------------------------------------------------------------ */

/* WebSocket opcodes, for osx_ws_send_frame. */
enum {
	OSX_OP_CONT = 0x0,
	OSX_OP_TEXT = 0x1,
	OSX_OP_BINARY = 0x2,
	OSX_OP_CLOSE = 0x8,
	OSX_OP_PING = 0x9,
	OSX_OP_PONG = 0xA,
};

struct osx_ws_opts {
	const char *token;      /* Authorization: Bearer TOKEN, or NULL */
	const char *cookie;     /* the Cookie header's value, or NULL */
	const char *origin;     /* Origin header, or NULL (none sent) */
	const char *protocols;  /* Sec-WebSocket-Protocol; NULL: "openstrat.v1";
				   "": header left out */
	const char *path;       /* NULL: "/ws" */
	const char *extra_headers; /* complete lines ending in "\r\n", or NULL */
	int timeout_ms;         /* for the handshake */
	struct osx_http_resp *refusal; /* when not NULL and the upgrade is
				   refused: the whole HTTP answer (body read by
				   Content-Length or to the close); the caller
				   frees it with osx_http_free. Zeroed otherwise. */
};

struct osx_ws;

/* Connects and upgrades. On success returns the connection and sets
 * *http_status (may be NULL) to 101. On a refused upgrade returns NULL and
 * *http_status is the server's HTTP status (401, 403...); 0 when there was
 * no HTTP answer at all (connection refused or closed, timeout). A 101
 * with a wrong Sec-WebSocket-Accept or an unrequested subprotocol is a
 * failure too (NULL, status 101, reason on stderr). */
struct osx_ws *osx_ws_connect(int port, const struct osx_ws_opts *opts,
			      int *http_status);

/* Connect with a bearer token and the default subprotocol. NULL on failure. */
struct osx_ws *osx_ws_open(int port, const char *token);

/* The subprotocol the server chose (owned by ws; "" if none). */
const char *osx_ws_protocol(const struct osx_ws *ws);

/* The 101 response's headers, as osx_http_header. */
const char *osx_ws_header(const struct osx_ws *ws, const char *name);

/* Sends one text frame / one JSON object as a text frame. 0 or -1. */
int osx_ws_send_text(struct osx_ws *ws, const char *text);
int osx_ws_send_json(struct osx_ws *ws, const cJSON *obj);

/* Sends one arbitrary frame, masked with a fresh random mask: any opcode,
 * FIN set or not, any payload. rsv (0..7) sets RSV1-3. Returns 0, or -1
 * when the connection is gone; a server that closed the connection in the
 * middle (an oversized frame) has usually sent its close frame first, and
 * osx_ws_wait_close still reads it. Never raises SIGPIPE. */
int osx_ws_send_frame(struct osx_ws *ws, int opcode, int fin,
		      const void *payload, size_t len);
int osx_ws_send_frame_rsv(struct osx_ws *ws, int opcode, int fin, int rsv,
			  const void *payload, size_t len);

/* Sends req with a fresh rid (set into req, replacing any rid it has;
 * req stays the caller's) and waits for the reply with that rid. Events and
 * other messages that arrive meanwhile stay queued. Returns the reply
 * (caller frees) or NULL on timeout or close. */
cJSON *osx_ws_request(struct osx_ws *ws, cJSON *req, int timeout_ms);

/* printf-style request without the rid, e.g.
 *   osx_ws_call(ws, 0, "{\"op\":\"post.get\",\"post\":%d}", id);
 * A format that does not give a JSON object is reported and gives NULL. */
cJSON *osx_ws_call(struct osx_ws *ws, int timeout_ms, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The next reply whose rid equals rid (e.g. after osx_ws_send_text of a
 * hand-written request), leaving everything else queued. Caller frees. */
cJSON *osx_ws_wait_reply(struct osx_ws *ws, double rid, int timeout_ms);

/* Pops the first event (an object with "ev") called name (NULL: any event)
 * from the queue, reading more as needed. Caller frees; NULL on timeout or
 * close. */
cJSON *osx_ws_wait_event(struct osx_ws *ws, const char *name, int timeout_ms);

/* The same, for the first such event for which pred(ev, arg) is non-zero. */
cJSON *osx_ws_wait_event_if(struct osx_ws *ws, const char *name,
			    int (*pred)(const cJSON *ev, void *arg), void *arg,
			    int timeout_ms);

/* 1 when no event called name (NULL: any) is queued or arrives within
 * within_ms; 0 otherwise (the event stays queued). */
int osx_ws_no_event(struct osx_ws *ws, const char *name, int within_ms);

/* Pops the next message of any kind (reply, event, or a non-JSON text
 * message as a cJSON string) in arrival order. Caller frees; NULL on
 * timeout or close. */
cJSON *osx_ws_recv(struct osx_ws *ws, int timeout_ms);

/* Reads whatever arrives within ms into the queue (answers pings).
 * Returns the number of queued messages, or -1 once closed. */
int osx_ws_pump(struct osx_ws *ws, int ms);

/* The number of queued messages (replies, events, others). */
size_t osx_ws_queued(const struct osx_ws *ws);

/* Discards every queued message. */
void osx_ws_clear(struct osx_ws *ws);

/* Frames that carried a JSON array (a server batch) so far. */
unsigned long osx_ws_batches(const struct osx_ws *ws);

/* Waits for the server's close frame (answering it) or the end of the
 * connection; messages that arrive meanwhile stay queued. Returns the close
 * code, 1005 for a close frame without a code, 1006 when TCP closed without
 * a close frame, -1 on timeout. Returns the same again once closed. */
int osx_ws_wait_close(struct osx_ws *ws, int timeout_ms);

/* 1 once the connection is closed (close frame or EOF seen), else 0. */
int osx_ws_closed(const struct osx_ws *ws);

/* The reason text of the server's close frame ("" if none). */
const char *osx_ws_close_reason(const struct osx_ws *ws);

/* Closes politely (close 1000, waits up to 2 s for the answer) and frees.
 * NULL is fine. */
void osx_ws_close(struct osx_ws *ws);

/* Drops the TCP connection without a close frame and frees. NULL is fine. */
void osx_ws_drop(struct osx_ws *ws);

/* ------------------------------------------------------------------ */
/* JSON helpers                                                        */
/* ------------------------------------------------------------------ */

/* Looks up a dotted path: "user.username", "posts.0.id" (a numeric segment
 * indexes an array). NULL when absent. The result belongs to j. */
const cJSON *osx_jget(const cJSON *j, const char *path);

/* The string at path, or NULL when absent or not a string. */
const char *osx_jstr(const cJSON *j, const char *path);

/* The number at path, or dflt when absent or not a number. */
double osx_jnum(const cJSON *j, const char *path, double dflt);
long long osx_jint(const cJSON *j, const char *path, long long dflt);

/* 1 for true, 0 for false, -1 when absent or not a boolean. */
int osx_jbool(const cJSON *j, const char *path);

/* 1 when j has "ok": true. */
int osx_ok(const cJSON *j);

/* error.code of a reply or an HTTP error body, or NULL. */
const char *osx_errcode(const cJSON *j);

/* Compact JSON text of j for messages, truncated to 2 KiB; "(null)" for
 * NULL. The text lives in one of 4 per-thread buffers reused in turn, so
 * up to 4 calls may appear in one message. */
const char *osx_jtext(const cJSON *j);

/* ------------------------------------------------------------------ */
/* Misc                                                                */
/* ------------------------------------------------------------------ */

/* Monotonic milliseconds. */
long long osx_now_ms(void);

/* Sleeps ms milliseconds. */
void osx_sleep_ms(int ms);

#endif
