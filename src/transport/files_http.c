/*
 * Attachments over HTTP. An upload never holds more of its body than the
 * piece lws hands over, plus its first FILETYPE_HEAD and last
 * FILETYPE_TAIL bytes: each piece goes straight to a temporary file in
 * DB.files/tmp/ (a write to the page cache), and the slow part, making
 * 20 MiB durable, runs on a worker thread. Only once the file is synced and
 * renamed to its sha256 does the loop commit its row; whatever stops
 * before that leaves a temporary file that start-up sweeps away.
 */
#include "transport/files_http.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "base/err.h"
#include "base/log.h"
#include "base/util.h"
#include "dispatch/render.h"
#include "forum/files.h"
#include "forum/filetype.h"
#include "store/files.h"

#define FILE_CHUNK 16384

struct upload {
	struct server *srv;
	struct user user;
	int64_t post;
	char name[OS_FILE_NAME_MAX + 1];
	int err;                 /* a refusal kept for the end of the body */
	const char *err_msg;
	uint64_t max, expected, received;

	int fd;                  /* the temporary file; -1 when none */
	char tmp[STORE_FILES_PATH_MAX];
	crypto_hash_sha256_state sha;
	unsigned char head[FILETYPE_HEAD];
	size_t nhead;
	unsigned char tail[FILETYPE_TAIL];
	size_t ntail;
	struct pdf_pages pages;
	int type;

	struct pw_job *job;      /* storing on the worker */
	void (*done)(void *arg, struct http_answer *a);
	void *done_arg;
};

/* The worker's part; owned by the job (the upload may be gone when it
 * runs). */
struct store_job {
	char dir[STORE_FILES_PATH_MAX];
	char tmp[STORE_FILES_PATH_MAX];
	char sha[65];
	int fd;
	int ran;
};

static void
drop_temp(struct upload *u)
{
	if (u->fd >= 0) {
		close(u->fd);
		unlink(u->tmp);
		u->fd = -1;
	}
}

static void
refuse(struct upload *u, int err, const char *msg)
{
	if (!u->err) {
		u->err = err;
		u->err_msg = msg;
	}
	drop_temp(u);
}

/* Percent-decodes src into dst (dstsz bytes with the NUL). -1 on a bad
 * escape or when it does not fit. */
static int
pct_decode(const char *src, char *dst, size_t dstsz)
{
	size_t n = 0;

	for (const char *c = src; *c; c++) {
		int ch = (unsigned char)*c;

		if (*c == '%') {
			unsigned hi, lo;

			if (!c[1] || !c[2])
				return -1;
			hi = (unsigned)(c[1] >= 'a' ? c[1] - 'a' + 10 : c[1] >= 'A' ? c[1] - 'A' + 10 : c[1] - '0');
			lo = (unsigned)(c[2] >= 'a' ? c[2] - 'a' + 10 : c[2] >= 'A' ? c[2] - 'A' + 10 : c[2] - '0');
			if (!strchr("0123456789abcdefABCDEF", c[1]) ||
			    !strchr("0123456789abcdefABCDEF", c[2]))
				return -1;
			ch = (int)(hi << 4 | lo);
			c += 2;
		}
		if (n + 1 >= dstsz)
			return -1;
		dst[n++] = (char)ch;
	}
	dst[n] = '\0';
	return 0;
}

static void
answer_too_large(struct upload *u, struct http_answer *a)
{
	char msg[96];

	snprintf(msg, sizeof msg, "a file may be at most %llu MiB",
		 (unsigned long long)(u->max >> 20));
	http_answer_error(a, OS_ETOOLARGE, msg);
}

int
upload_begin(struct server *s, struct lws *wsi, struct upload **out, struct http_answer *a)
{
	char token[128], arg[64], hdr[1024], len[32];
	struct upload *u;
	const char *v;
	long long post, cl = -1;
	int n, rc;

	*out = NULL;
	u = calloc(1, sizeof *u);
	if (!u) {
		http_answer_error(a, OS_ENOMEM, NULL);
		return -1;
	}
	u->srv = s;
	u->fd = -1;
	u->type = FT_MORE;
	u->max = (uint64_t)(s->opts.max_upload_mb > 0 ? s->opts.max_upload_mb : 20) << 20;
	crypto_hash_sha256_init(&u->sha);
	if (lws_hdr_copy(wsi, len, sizeof len, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0 &&
	    os_parse_int(len, 0, INT64_MAX, &cl))
		cl = -2;
	/* Refused before a byte of the body is read. */
	if (cl >= 0 && (uint64_t)cl > u->max) {
		answer_too_large(u, a);
		free(u);
		return -1;
	}
	if (cl < 0) {
		http_answer_error(a, OS_EBADREQ, "send the file as the body, with its Content-Length");
		a->status = 411;
		free(u);
		return -1;
	}
	u->expected = (uint64_t)cl;
	*out = u;

	if (http_origin_ok(s, wsi)) {
		refuse(u, OS_EFORBIDDEN, "cross-origin upload refused");
		return 0;
	}
	if (http_request_token(wsi, token, sizeof token)) {
		refuse(u, OS_EUNAUTH, "sign in first");
		return 0;
	}
	rc = session_resolve(s->st, &s->policy, token, 0, &u->user);
	sodium_memzero(token, sizeof token);
	if (rc) {
		refuse(u, rc == OS_EUNAUTH ? OS_EUNAUTH : OS_EINTERNAL,
		       rc == OS_EUNAUTH ? "sign in first" : NULL);
		return 0;
	}
	v = lws_get_urlarg_by_name(wsi, "post=", arg, (int)sizeof arg);
	if (!v || os_parse_int(v, 1, INT64_MAX, &post)) {
		refuse(u, OS_EBADREQ, "give the post: /api/files?post=ID");
		return 0;
	}
	u->post = post;
	n = lws_hdr_custom_length(wsi, "x-filename:", 11);
	if (n <= 0 || n >= (int)sizeof hdr ||
	    lws_hdr_custom_copy(wsi, hdr, (int)sizeof hdr, "x-filename:", 11) != n ||
	    pct_decode(hdr, u->name, sizeof u->name) || files_name_check(u->name)) {
		refuse(u, OS_EBADREQ, "X-Filename must be the file's name, 1 to 255 bytes of "
				      "percent-encoded UTF-8 without '/', '\\' or control characters");
		return 0;
	}
	if ((rc = files_may_attach(s->forum, &u->user, u->post))) {
		refuse(u, rc, rc == OS_ECONFLICT ? "a post takes at most 10 files, and none "
						   "once hidden or merged" : NULL);
		return 0;
	}
	u->fd = files_temp(s->files_dir, u->tmp, sizeof u->tmp);
	if (u->fd < 0)
		refuse(u, OS_EINTERNAL, NULL);
	return 0;
}

/* Writes all of it, through short writes and signals. */
static int
write_all(int fd, const unsigned char *b, size_t n)
{
	while (n) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

int
upload_body(struct upload *u, const void *in, size_t len, struct http_answer *a)
{
	const unsigned char *b = in;

	u->received += len;
	if (u->received > u->max || u->received > u->expected) {
		drop_temp(u);
		answer_too_large(u, a);
		return -1;
	}
	if (u->err || !len)
		return 0;
	if (u->nhead < FILETYPE_HEAD) {
		size_t k = FILETYPE_HEAD - u->nhead < len ? FILETYPE_HEAD - u->nhead : len;

		memcpy(u->head + u->nhead, b, k);
		u->nhead += k;
		u->type = filetype_head(u->head, u->nhead);
		if (u->type == FT_NONE) {
			/* Nothing more of it is stored. */
			refuse(u, OS_EUNSUPPORTED, NULL);
			return 0;
		}
	}
	if (write_all(u->fd, b, len)) {
		os_err("files: cannot write %s: %s", u->tmp, strerror(errno));
		refuse(u, OS_EINTERNAL, NULL);
		return 0;
	}
	crypto_hash_sha256_update(&u->sha, b, len);
	if (len >= FILETYPE_TAIL) {
		memcpy(u->tail, b + len - FILETYPE_TAIL, FILETYPE_TAIL);
		u->ntail = FILETYPE_TAIL;
	} else {
		size_t keep = u->ntail + len > FILETYPE_TAIL ? FILETYPE_TAIL - len : u->ntail;

		memmove(u->tail, u->tail + u->ntail - keep, keep);
		memcpy(u->tail + keep, b, len);
		u->ntail = keep + len;
	}
	if (u->type == FT_PDF || u->type == FT_MORE)
		pdf_pages_feed(&u->pages, b, len);
	return 0;
}

static int
store_work(void *ctx, char *unused)
{
	struct store_job *j = ctx;
	int rc = files_commit_temp(j->dir, j->fd, j->tmp, j->sha);

	j->fd = -1;
	j->ran = 1;
	return rc;
}

static void
store_job_free(void *ctx)
{
	struct store_job *j = ctx;

	if (j && !j->ran && j->fd >= 0) {
		close(j->fd);
		unlink(j->tmp);
	}
	free(j);
}

static void
answer_file(struct http_answer *a, const struct post_file *f)
{
	cJSON *o = cJSON_CreateObject();

	http_answer_clear(a);
	if (o && !render_put(o, "file", render_file(f)))
		a->body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!a->body) {
		http_answer_error(a, OS_ENOMEM, NULL);
		return;
	}
	a->status = 201;
	a->len = strlen(a->body);
}

/* On the loop, once the bytes are on disk under their name: the row. */
static void
stored(void *arg, int result, void *ctx)
{
	struct upload *u = arg;
	struct server *s = u->srv;
	struct store_job *j = ctx;
	struct http_answer a = {0};
	struct post_file f = {0};
	int rc = result;

	u->job = NULL;
	if (!rc) {
		f.post = u->post;
		snprintf(f.name, sizeof f.name, "%s", u->name);
		snprintf(f.type, sizeof f.type, "%s", filetype_mime(u->type));
		f.size = (int64_t)u->received;
		memcpy(f.sha256, j->sha, sizeof f.sha256);
		f.pages = u->type == FT_PDF ? (int)pdf_pages_end(&u->pages) : 0;
		rc = store_op_begin(s->st);
		if (!rc) {
			rc = files_attach(s->forum, &u->user, &f, NULL);
			store_op_end(s->st, rc == OS_OK);
		}
		/* Answered only once it is on disk, as a sign-in is. */
		if (!rc && store_commit(s->st))
			rc = OS_EINTERNAL;
		server_flush(s);
	}
	if (rc) {
		/* The bytes stay until start-up sweeps files no row names. */
		http_answer_error(&a, rc, rc == OS_ECONFLICT ? "a post takes at most 10 files"
							     : NULL);
	} else {
		os_info("files: %s (%s, %lld bytes) attached to post %lld", f.sha256, f.type,
			(long long)f.size, (long long)f.post);
		answer_file(&a, &f);
	}
	u->done(u->done_arg, &a);
}

int
upload_end(struct upload *u, void (*done)(void *arg, struct http_answer *a), void *arg,
	   struct http_answer *a)
{
	struct store_job *j;
	unsigned char digest[32];
	int err = OS_EINTERNAL;

	if (!u->err && u->received != u->expected)
		refuse(u, OS_EBADREQ, "the body ended before its Content-Length");
	if (!u->err && filetype_check(u->head, u->nhead, u->tail, u->ntail, u->received,
				      &u->type))
		refuse(u, OS_EUNSUPPORTED, u->received ? "the file is not a whole PDF, PNG, "
							 "JPEG or WebP file"
						       : NULL);
	if (u->err) {
		http_answer_error(a, u->err, u->err_msg);
		return -1;
	}
	j = calloc(1, sizeof *j);
	if (!j) {
		refuse(u, OS_ENOMEM, NULL);
		http_answer_error(a, OS_ENOMEM, NULL);
		return -1;
	}
	crypto_hash_sha256_final(&u->sha, digest);
	files_hex(digest, j->sha);
	snprintf(j->dir, sizeof j->dir, "%s", u->srv->files_dir);
	snprintf(j->tmp, sizeof j->tmp, "%s", u->tmp);
	j->fd = u->fd;
	/* The job owns the temporary file from here on. */
	u->fd = -1;
	u->done = done;
	u->done_arg = arg;
	u->job = pwpool_submit_work(u->srv->filepool, "", store_work, j, store_job_free,
				    stored, u, &err);
	if (!u->job) {
		http_answer_error(a, err == OS_EBUSY ? OS_EBUSY : OS_EINTERNAL, NULL);
		return -1;
	}
	return 0;
}

void
upload_free(struct upload *u)
{
	if (!u)
		return;
	if (u->job)
		pwpool_cancel(u->srv->filepool, u->job);
	drop_temp(u);
	sodium_memzero(&u->user, sizeof u->user);
	free(u);
}

/* ------------------------------------------------------------------ */
/* GET /files/ID/NAME                                                   */
/* ------------------------------------------------------------------ */

struct fileserve {
	int fd;
	uint64_t off, end;       /* what is left to send: [off, end) */
};

void
fileserve_free(struct fileserve *fs)
{
	if (!fs)
		return;
	if (fs->fd >= 0)
		close(fs->fd);
	free(fs);
}

/* A name for Content-Disposition's plain filename: ASCII letters, digits
 * and a few marks; anything else is '_'. */
static void
safe_ascii(const char *name, char *out, size_t outsz)
{
	size_t n = 0;

	for (const unsigned char *c = (const unsigned char *)name; *c && n + 1 < outsz; c++) {
		int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			 (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '_' ||
			 *c == ' ';

		if (!ok && (*c & 0xc0) == 0x80)
			continue; /* one '_' per character, not per byte */
		out[n++] = ok ? (char)*c : '_';
	}
	out[n] = '\0';
	if (!n)
		snprintf(out, outsz, "file");
}

static void
pct_encode(const char *name, char *out, size_t outsz)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t n = 0;

	for (const unsigned char *c = (const unsigned char *)name; *c && n + 4 < outsz; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '_') {
			out[n++] = (char)*c;
		} else {
			out[n++] = '%';
			out[n++] = hx[*c >> 4];
			out[n++] = hx[*c & 15];
		}
	}
	out[n] = '\0';
}

static int
add_hdr(struct lws *wsi, const char *name, const char *value, unsigned char **q,
	unsigned char *end)
{
	return lws_add_http_header_by_name(wsi, (const unsigned char *)name,
					   (const unsigned char *)value, (int)strlen(value), q,
					   end);
}

/*
 * The Range header against a file of size bytes: 0 for the whole file (no
 * Range, another unit, or several ranges, which a 200 answers), 1 with
 * [*from, *to] for one satisfiable range, -1 for one that is not.
 */
static int
parse_range(const char *h, uint64_t size, uint64_t *from, uint64_t *to)
{
	const char *r;
	char *e;
	unsigned long long a, b;

	if (strncasecmp(h, "bytes=", 6))
		return 0;
	r = h + 6;
	while (*r == ' ')
		r++;
	if (strchr(r, ','))
		return 0;
	if (*r == '-') {
		/* The last n bytes. */
		if (r[1] < '0' || r[1] > '9')
			return -1;
		errno = 0;
		b = strtoull(r + 1, &e, 10);
		if (errno || *e || !b || !size)
			return -1;
		*from = b >= size ? 0 : size - b;
		*to = size - 1;
		return 1;
	}
	if (*r < '0' || *r > '9')
		return -1;
	errno = 0;
	a = strtoull(r, &e, 10);
	if (errno || *e != '-' || a >= size)
		return -1;
	r = e + 1;
	if (!*r) {
		*from = a;
		*to = size - 1;
		return 1;
	}
	if (*r < '0' || *r > '9')
		return -1;
	b = strtoull(r, &e, 10);
	if (errno || *e || b < a)
		return -1;
	*from = a;
	*to = b >= size ? size - 1 : b;
	return 1;
}

/* Whether an If-None-Match list names etag (or is "*"). */
static int
etag_matches(const char *list, const char *etag)
{
	size_t n = strlen(etag);

	for (const char *p = list; *p;) {
		const char *end;
		size_t len;

		while (*p == ' ' || *p == ',')
			p++;
		if (!strncmp(p, "W/", 2))
			p += 2;
		end = p + strcspn(p, ",");
		len = (size_t)(end - p);
		while (len && p[len - 1] == ' ')
			len--;
		if ((len == 1 && *p == '*') || (len == n && !memcmp(p, etag, n)))
			return 1;
		p = end;
	}
	return 0;
}

int
fileserve_begin(struct server *s, struct lws *wsi, const char *path, int route,
		struct fileserve **out, struct http_answer *a)
{
	unsigned char buf[LWS_PRE + 4096];
	unsigned char *start = buf + LWS_PRE, *q = start, *end = buf + sizeof buf - 1;
	char token[128], hv[256], etag[70], disp[1200], ascii[OS_FILE_NAME_MAX + 1],
		enc[3 * OS_FILE_NAME_MAX + 1], file[STORE_FILES_PATH_MAX], num[80];
	struct fileserve *fs;
	struct post_file f;
	struct user u;
	long long id;
	const char *idp = path + strlen("/files/"), *slash = strchr(idp, '/');
	uint64_t from = 0, to = 0;
	int status = 200, range = 0, rc;

	*out = NULL;
	{
		char idbuf[24];
		size_t n = slash ? (size_t)(slash - idp) : strlen(idp);

		if (!n || n >= sizeof idbuf) {
			http_answer_error(a, OS_ENOTFOUND, "no such file");
			return -1;
		}
		memcpy(idbuf, idp, n);
		idbuf[n] = '\0';
		if (os_parse_int(idbuf, 1, INT64_MAX, &id)) {
			http_answer_error(a, OS_ENOTFOUND, "no such file");
			return -1;
		}
	}
	if (http_request_token(wsi, token, sizeof token)) {
		http_answer_error(a, OS_EUNAUTH, "sign in first");
		return -1;
	}
	rc = session_resolve(s->st, &s->policy, token, 0, &u);
	sodium_memzero(token, sizeof token);
	if (rc) {
		http_answer_error(a, rc == OS_EUNAUTH ? OS_EUNAUTH : OS_EINTERNAL,
				  rc == OS_EUNAUTH ? "sign in first" : NULL);
		return -1;
	}
	/* Someone who may not see the post is told what a wrong id gets. */
	if ((rc = files_get(s->forum, &u, id, &f))) {
		http_answer_error(a, rc == OS_ENOTFOUND ? OS_ENOTFOUND : OS_EINTERNAL,
				  rc == OS_ENOTFOUND ? "no such file" : NULL);
		return -1;
	}
	if (files_path(s->files_dir, f.sha256, file, sizeof file)) {
		http_answer_error(a, OS_EINTERNAL, NULL);
		return -1;
	}
	fs = calloc(1, sizeof *fs);
	if (!fs) {
		http_answer_error(a, OS_ENOMEM, NULL);
		return -1;
	}
	fs->fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fs->fd < 0) {
		os_err("files: file %lld (%s) is missing: %s", id, file, strerror(errno));
		fileserve_free(fs);
		http_answer_error(a, OS_EINTERNAL, NULL);
		return -1;
	}
	snprintf(etag, sizeof etag, "\"%s\"", f.sha256);
	if (lws_hdr_copy(wsi, hv, sizeof hv, WSI_TOKEN_HTTP_IF_NONE_MATCH) > 0 &&
	    etag_matches(hv, etag)) {
		status = 304;
	} else if (lws_hdr_copy(wsi, hv, sizeof hv, WSI_TOKEN_HTTP_RANGE) > 0) {
		range = parse_range(hv, (uint64_t)f.size, &from, &to);
		status = range > 0 ? 206 : range < 0 ? 416 : 200;
	}
	if (status == 200) {
		from = 0;
		to = (uint64_t)f.size - 1;
	}
	fs->off = from;
	fs->end = status == 200 || status == 206 ? to + 1 : from;
	if (http_head(wsi, status, status == 416 ? NULL : f.type,
		      (size_t)(fs->end - fs->off), &q, end) ||
	    add_hdr(wsi, "etag:", etag, &q, end) ||
	    add_hdr(wsi, "accept-ranges:", "bytes", &q, end) ||
	    /* Every use asks again, so that someone who left the round is
	     * refused even what their browser kept. */
	    add_hdr(wsi, "cache-control:", "private, no-cache", &q, end))
		goto fail;
	if (status != 416 && status != 304) {
		safe_ascii(f.name, ascii, sizeof ascii);
		pct_encode(f.name, enc, sizeof enc);
		snprintf(disp, sizeof disp, "inline; filename=\"%s\"; filename*=UTF-8''%s", ascii,
			 enc);
		if (add_hdr(wsi, "content-disposition:", disp, &q, end))
			goto fail;
	}
	/* A PDF runs in the browser's viewer with no rights of this origin. */
	if (!strcmp(f.type, "application/pdf") &&
	    add_hdr(wsi, "content-security-policy:", "sandbox", &q, end))
		goto fail;
	if (status == 206) {
		snprintf(num, sizeof num, "bytes %llu-%llu/%lld", (unsigned long long)from,
			 (unsigned long long)to, (long long)f.size);
		if (add_hdr(wsi, "content-range:", num, &q, end))
			goto fail;
	} else if (status == 416) {
		snprintf(num, sizeof num, "bytes */%lld", (long long)f.size);
		if (add_hdr(wsi, "content-range:", num, &q, end))
			goto fail;
	}
	if (lws_finalize_http_header(wsi, &q, end))
		goto fail;
	metrics_http(&s->metrics, route, status);
	if (lws_write(wsi, start, (size_t)(q - start), LWS_WRITE_HTTP_HEADERS) !=
	    (int)(q - start))
		goto fail;
	if (fs->off == fs->end) {
		fileserve_free(fs);
		return 1;
	}
	*out = fs;
	lws_callback_on_writable(wsi);
	return 0;
fail:
	fileserve_free(fs);
	http_answer_error(a, OS_EINTERNAL, NULL);
	return -2;
}

int
fileserve_write(struct fileserve *fs, struct lws *wsi)
{
	unsigned char buf[LWS_PRE + FILE_CHUNK];
	size_t want = fs->end - fs->off > FILE_CHUNK ? FILE_CHUNK : (size_t)(fs->end - fs->off);
	ssize_t n;
	int final;

	n = pread(fs->fd, buf + LWS_PRE, want, (off_t)fs->off);
	if (n <= 0)
		return -1;
	fs->off += (uint64_t)n;
	final = fs->off == fs->end;
	if (lws_write(wsi, buf + LWS_PRE, (size_t)n,
		      final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)n)
		return -1;
	if (final)
		return 1;
	lws_callback_on_writable(wsi);
	return 0;
}
