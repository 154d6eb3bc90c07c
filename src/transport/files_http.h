#ifndef OS_TRANSPORT_FILES_HTTP_H
#define OS_TRANSPORT_FILES_HTTP_H

/*
 * Private to src/transport/: POST /api/files (an upload streamed to a
 * temporary file, synced and named on a worker thread, its row committed
 * on the loop) and GET /files/ID/NAME (the file, with its type, ETag and
 * ranges). http.c routes the requests here and sends the answers decided
 * here.
 */

#include "transport/http_body.h"
#include "transport/internal.h"

struct upload;
struct fileserve;

/*
 * The head of POST /api/files?post=ID. Returns 0 and *out (never NULL
 * then) to go on with the body: a refusal found now (no session, no such
 * post, the wrong role or phase...) is kept and answered once the body has
 * been read and dropped. Returns -1 with the answer in *a when it must be
 * sent at once and the connection closed: a Content-Length over the limit
 * (413) or none (411).
 */
int upload_begin(struct server *s, struct lws *wsi, struct upload **out,
		 struct http_answer *a);

/* The next piece of the body: written to the temporary file, nothing kept
 * in memory but the first and last bytes. 0 to go on; -1 with the answer
 * in *a to send at once and close (more bytes than the limit). */
int upload_body(struct upload *u, const void *in, size_t len, struct http_answer *a);

/* The body is complete. 0 when the file is being stored: done(arg, a) is
 * called later on the loop thread with the answer (201 and the FILE, or
 * the error). Otherwise the answer is in *a now. */
int upload_end(struct upload *u, void (*done)(void *arg, struct http_answer *a),
	       void *arg, struct http_answer *a);

/* Drops an upload at any stage: its temporary file goes, a pending
 * storing job will answer nobody. NULL is fine. */
void upload_free(struct upload *u);

/*
 * GET /files/ID/NAME (route: http.c's, for the metrics). Returns 1 when
 * the whole answer has been written (304, 416), 0 when the headers are
 * written and the body follows in fileserve_write() (*out set), -1 with
 * the error answer in *a (no session 401, not a member 404...), or -2
 * when writing failed (close the connection).
 */
int fileserve_begin(struct server *s, struct lws *wsi, const char *path, int route,
		    struct fileserve **out, struct http_answer *a);

/* Writes the next piece: 1 once the last is written, 0 for more (a
 * writable callback is asked for), -1 on failure. */
int fileserve_write(struct fileserve *fs, struct lws *wsi);

void fileserve_free(struct fileserve *fs);

/* The start of an HTTP answer (http.c): the status line, the security
 * headers, Content-Type (when not NULL) and Content-Length. */
int http_head(struct lws *wsi, int status, const char *ctype, size_t len,
	      unsigned char **q, unsigned char *end);

#endif
