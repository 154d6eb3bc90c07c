/*
 * Attachments against the real binary, over raw HTTP: an upload streamed in
 * pieces and seen live by another browser, one aborted halfway, one over
 * the limit, types decided by the bytes, range requests and ETags, a
 * non-member probing file ids, SIGKILL during an upload and after one, and
 * a backup that carries the files and restores.
 */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "osclient.h"

#define LIMIT_MB 1

static struct osx_server srv;
static char tok_mgr[OSX_TOKEN_MAX], tok_a[OSX_TOKEN_MAX], tok_b[OSX_TOKEN_MAX],
	tok_cust[OSX_TOKEN_MAX];
static long long round_id, plan_id, idea_id;

static cJSON *
ok(cJSON *reply, const char *what)
{
	ck_assert_msg(reply != NULL, "%s: no reply", what);
	ck_assert_msg(osx_ok(reply), "%s failed: %s", what, osx_jtext(reply));
	return reply;
}

static void
setup(void)
{
	static const char *const extra[] = {"--rate-limit", "0", "--conn-rate-limit", "0",
					    "--max-upload-mb", "1", NULL};
	struct osx_ws *m, *a;
	cJSON *r;

	ck_assert_int_eq(osx_server_start(&srv, extra), 0);
	ck_assert_int_eq(osx_user_new(&srv, "mgr", "manager", tok_mgr, sizeof tok_mgr), 0);
	ck_assert_int_eq(osx_user_new(&srv, "anna", "employee", tok_a, sizeof tok_a), 0);
	ck_assert_int_eq(osx_user_new(&srv, "bert", "employee", tok_b, sizeof tok_b), 0);
	ck_assert_int_eq(osx_user_new(&srv, "cust", "customer", tok_cust, sizeof tok_cust), 0);
	m = osx_ws_open(srv.port, tok_mgr);
	a = osx_ws_open(srv.port, tok_a);
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(a);
	r = ok(osx_ws_call(m, 0, "{\"op\":\"round.create\",\"title\":\"Plans 2027\","
				 "\"audience\":\"internal\",\"vote_mode\":\"updown\"}"),
	       "round.create");
	round_id = osx_jint(r, "round.id", 0);
	cJSON_Delete(r);
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"round.update\",\"round\":%lld,"
					  "\"phase\":\"open\"}", round_id), "round.update"));
	r = ok(osx_ws_call(m, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"plan\","
				 "\"title\":\"Nordic plan\",\"body\":\"Grow.\"}", round_id),
	       "plan");
	plan_id = osx_jint(r, "post.id", 0);
	cJSON_Delete(r);
	r = ok(osx_ws_call(a, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
				 "\"title\":\"Idea\",\"body\":\"Try.\"}", round_id),
	       "idea");
	idea_id = osx_jint(r, "post.id", 0);
	cJSON_Delete(r);
	osx_ws_close(m);
	osx_ws_close(a);
}

static void
teardown(void)
{
	int st = osx_server_stop(&srv);

	osx_server_cleanup(&srv);
	ck_assert_msg(st == 0, "the server should exit 0 on SIGTERM, got %d", st);
}

/* ---- test files ---- */

/* A PDF of n bytes or a little more, with pages page objects. */
static unsigned char *
make_pdf(size_t n, int pages, size_t *len)
{
	unsigned char *b = malloc(n + 4096);
	size_t k = 0;

	ck_assert_ptr_nonnull(b);
	k += (size_t)sprintf((char *)b, "%%PDF-1.4\n1 0 obj << /Type /Pages /Count %d >> endobj\n",
			     pages);
	for (int i = 0; i < pages; i++)
		k += (size_t)sprintf((char *)b + k, "%d 0 obj << /Type /Page /Parent 1 0 R >> endobj\n",
				     i + 2);
	while (k + 80 < n)
		k += (size_t)sprintf((char *)b + k, "%% filler line %020zu of the slides ........\n", k);
	k += (size_t)sprintf((char *)b + k, "trailer << /Root 1 0 R >>\n%%%%EOF\n");
	*len = k;
	return b;
}

static size_t
make_png(unsigned char *b, size_t idat)
{
	static const unsigned char head[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
					     0, 0, 0, 13, 'I', 'H', 'D', 'R',
					     0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0,
					     0x90, 0x77, 0x53, 0xde};
	static const unsigned char iend[] = {0, 0, 0, 0, 'I', 'E', 'N', 'D',
					     0xae, 0x42, 0x60, 0x82};
	size_t n = sizeof head;

	memcpy(b, head, sizeof head);
	b[n++] = 0;
	b[n++] = 0;
	b[n++] = (unsigned char)(idat >> 8);
	b[n++] = (unsigned char)idat;
	memcpy(b + n, "IDAT", 4);
	n += 4;
	memset(b + n, 0x42, idat);
	n += idat;
	memset(b + n, 0, 4);
	n += 4;
	memcpy(b + n, iend, sizeof iend);
	return n + sizeof iend;
}

static void
sha_hex(const unsigned char *b, size_t n, char out[65])
{
	unsigned char d[32];

	crypto_hash_sha256(d, b, n);
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* ---- raw HTTP ---- */

static int
dial(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	return fd;
}

static int
send_all(int fd, const void *b, size_t n)
{
	const char *p = b;

	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads until the server closes or timeout_ms pass: the whole answer,
 * NUL-terminated; *len its length. */
static char *
read_to_close(int fd, int timeout_ms, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap + 1);
	long long until = osx_now_ms() + timeout_ms;

	ck_assert_ptr_nonnull(b);
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		long long left = until - osx_now_ms();
		ssize_t r;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		if (n == cap) {
			cap *= 2;
			b = realloc(b, cap + 1);
			ck_assert_ptr_nonnull(b);
		}
		r = recv(fd, b + n, cap - n, 0);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	b[n] = '\0';
	*len = n;
	return b;
}

static int
status_of(const char *resp)
{
	int st = -1;

	if (sscanf(resp, "HTTP/1.%*d %d", &st) != 1)
		return -1;
	return st;
}

static const char *
body_of(const char *resp)
{
	const char *b = strstr(resp, "\r\n\r\n");

	return b ? b + 4 : "";
}

/* The head of an upload of len bytes to post as the holder of token. */
static void
upload_head(char *out, size_t outsz, const char *token, long long post, const char *name_enc,
	    size_t len)
{
	snprintf(out, outsz,
		 "POST /api/files?post=%lld HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
		 "Authorization: Bearer %s\r\nContent-Type: application/octet-stream\r\n"
		 "X-Filename: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
		 post, srv.port, token, name_enc, len);
}

/* One whole upload in pieces of piece bytes; the answer's status and its
 * JSON (*out, may be NULL). */
static int
upload(const char *token, long long post, const char *name_enc, const unsigned char *b,
       size_t n, size_t piece, cJSON **out)
{
	char head[1024], *resp;
	size_t len;
	int fd = dial(), st;

	upload_head(head, sizeof head, token, post, name_enc, n);
	ck_assert_int_eq(send_all(fd, head, strlen(head)), 0);
	for (size_t off = 0; off < n; off += piece) {
		size_t k = n - off < piece ? n - off : piece;

		if (send_all(fd, b + off, k))
			break;
		if (piece < n)
			osx_sleep_ms(5);
	}
	resp = read_to_close(fd, 15000, &len);
	close(fd);
	st = status_of(resp);
	if (out)
		*out = cJSON_Parse(body_of(resp));
	free(resp);
	return st;
}

static int
get(const char *path, const char *token, const char *extra, struct osx_http_resp *r)
{
	char hdr[1024];

	snprintf(hdr, sizeof hdr, "%s%s%s%s", token ? "Authorization: Bearer " : "",
		 token ? token : "", token ? "\r\n" : "", extra ? extra : "");
	return osx_http(srv.port, "GET", path, hdr, NULL, r);
}

/* ---- what is stored ---- */

static long long
file_rows(void)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	long long n = -1;

	ck_assert_int_eq(sqlite3_open_v2(srv.db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM files", -1, &s, NULL),
			 SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

/* Regular files under dir (recursively). */
static int
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char p[1024];
		struct stat sb;

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		if (stat(p, &sb))
			continue;
		n += S_ISDIR(sb.st_mode) ? count_files(p) : 1;
	}
	closedir(d);
	return n;
}

static int
stored_files(void)
{
	char dir[400];

	snprintf(dir, sizeof dir, "%s.files", srv.db);
	return count_files(dir);
}

static int
temp_files(void)
{
	char dir[400];

	snprintf(dir, sizeof dir, "%s.files/tmp", srv.db);
	return count_files(dir);
}

/* ---- tests ---- */

static int
has_files(const cJSON *ev, void *arg)
{
	return cJSON_GetArraySize(osx_jget(ev, "post.files")) > 0;
}

START_TEST(an_upload_in_pieces_is_stored_served_and_seen_live)
{
	size_t n;
	unsigned char *pdf = make_pdf(300000, 3, &n);
	char sha[65], url[512];
	struct osx_http_resp r;
	struct osx_ws *b = osx_ws_open(srv.port, tok_b);
	cJSON *ans = NULL, *ev, *got;
	const char *h;

	ck_assert_ptr_nonnull(b);
	cJSON_Delete(ok(osx_ws_call(b, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round_id),
			"subscribe"));
	sha_hex(pdf, n, sha);
	/* "Plan 2027 – Norden ø.pdf", percent-encoded UTF-8. */
	ck_assert_int_eq(upload(tok_mgr, plan_id, "Plan%202027%20%E2%80%93%20Norden%20%C3%B8.pdf",
				pdf, n, 7000, &ans),
			 201);
	ck_assert_ptr_nonnull(ans);
	ck_assert_str_eq(osx_jstr(ans, "file.name"), "Plan 2027 \xe2\x80\x93 Norden \xc3\xb8.pdf");
	ck_assert_str_eq(osx_jstr(ans, "file.type"), "application/pdf");
	ck_assert_int_eq(osx_jint(ans, "file.size", 0), (long long)n);
	ck_assert_int_eq(osx_jint(ans, "file.post", 0), plan_id);
	ck_assert_int_eq(osx_jint(ans, "file.pages", 0), 3);
	ck_assert_str_eq(osx_jstr(ans, "file.sha256"), sha);
	snprintf(url, sizeof url, "%s", osx_jstr(ans, "file.url"));
	ck_assert_msg(!strncmp(url, "/files/", 7), "url %s", url);

	/* Another browser in the round sees the post with its file. */
	ev = osx_ws_wait_event_if(b, "post.updated", has_files, NULL, 5000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "post.id", 0), plan_id);
	ck_assert_str_eq(osx_jstr(ev, "post.files.0.sha256"), sha);
	cJSON_Delete(ev);
	got = ok(osx_ws_call(b, 0, "{\"op\":\"post.get\",\"post\":%lld}", plan_id), "post.get");
	ck_assert_str_eq(osx_jstr(got, "post.files.0.url"), url);
	cJSON_Delete(got);
	got = ok(osx_ws_call(b, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round_id),
		 "subscribe");
	ck_assert_int_eq(osx_jint(got, "posts.0.files.0.size", 0) +
				 osx_jint(got, "posts.1.files.0.size", 0),
			 (long long)n);
	cJSON_Delete(got);

	/* Served whole to a member, with its type and the safety headers. */
	ck_assert_int_eq(get(url, tok_b, NULL, &r), 200);
	ck_assert_uint_eq(r.body_len, n);
	ck_assert_int_eq(memcmp(r.body, pdf, n), 0);
	ck_assert_str_eq(osx_http_header(&r, "content-type"), "application/pdf");
	ck_assert_str_eq(osx_http_header(&r, "x-content-type-options"), "nosniff");
	h = osx_http_header(&r, "content-disposition");
	ck_assert_ptr_nonnull(h);
	ck_assert_msg(strstr(h, "inline; filename=\"Plan 2027 _ Norden _.pdf\"") &&
			      strstr(h, "filename*=UTF-8''Plan%202027%20%E2%80%93%20Norden%20%C3%B8.pdf"),
		      "content-disposition: %s", h);
	{
		int sandbox = 0;

		for (size_t i = 0; osx_http_header_n(&r, "content-security-policy", i); i++)
			sandbox |= !strcmp(osx_http_header_n(&r, "content-security-policy", i),
					   "sandbox");
		ck_assert_msg(sandbox, "a PDF comes with Content-Security-Policy: sandbox");
	}
	h = osx_http_header(&r, "etag");
	ck_assert_ptr_nonnull(h);
	{
		char etag[80], inm[120];

		snprintf(etag, sizeof etag, "%s", h);
		ck_assert_str_eq(etag + 1, strcat(strcpy(inm, sha), "\""));
		osx_http_free(&r);
		snprintf(inm, sizeof inm, "If-None-Match: %s\r\n", etag);
		ck_assert_int_eq(get(url, tok_b, inm, &r), 304);
		ck_assert_uint_eq(r.body_len, 0);
		osx_http_free(&r);
		ck_assert_int_eq(get(url, tok_b, "If-None-Match: \"other\"\r\n", &r), 200);
	}
	osx_http_free(&r);
	ck_assert_int_eq(temp_files(), 0);
	ck_assert_int_eq(file_rows(), 1);
	cJSON_Delete(ans);
	osx_ws_close(b);
	free(pdf);
}
END_TEST

START_TEST(ranges_serve_parts_and_refuse_what_is_past_the_end)
{
	size_t n;
	unsigned char *pdf = make_pdf(100000, 60, &n);
	struct osx_http_resp r;
	char url[256], hdr[128], want[128];
	cJSON *ans = NULL;

	ck_assert_int_eq(upload(tok_mgr, plan_id, "deck.pdf", pdf, n, n, &ans), 201);
	snprintf(url, sizeof url, "%s", osx_jstr(ans, "file.url"));
	cJSON_Delete(ans);

	ck_assert_int_eq(get(url, tok_a, "Range: bytes=0-99\r\n", &r), 206);
	ck_assert_uint_eq(r.body_len, 100);
	ck_assert_int_eq(memcmp(r.body, pdf, 100), 0);
	snprintf(want, sizeof want, "bytes 0-99/%zu", n);
	ck_assert_str_eq(osx_http_header(&r, "content-range"), want);
	ck_assert_str_eq(osx_http_header(&r, "accept-ranges"), "bytes");
	osx_http_free(&r);

	snprintf(hdr, sizeof hdr, "Range: bytes=%zu-\r\n", n - 50);
	ck_assert_int_eq(get(url, tok_a, hdr, &r), 206);
	ck_assert_uint_eq(r.body_len, 50);
	ck_assert_int_eq(memcmp(r.body, pdf + n - 50, 50), 0);
	osx_http_free(&r);

	ck_assert_int_eq(get(url, tok_a, "Range: bytes=-10\r\n", &r), 206);
	ck_assert_uint_eq(r.body_len, 10);
	ck_assert_int_eq(memcmp(r.body, pdf + n - 10, 10), 0);
	osx_http_free(&r);

	/* An end past the file is cut to it. */
	snprintf(hdr, sizeof hdr, "Range: bytes=1000-%zu\r\n", n + 5000);
	ck_assert_int_eq(get(url, tok_a, hdr, &r), 206);
	ck_assert_uint_eq(r.body_len, n - 1000);
	osx_http_free(&r);

	/* Past the end, backwards, or nonsense: 416 with the size. */
	snprintf(want, sizeof want, "bytes */%zu", n);
	snprintf(hdr, sizeof hdr, "Range: bytes=%zu-\r\n", n);
	ck_assert_int_eq(get(url, tok_a, hdr, &r), 416);
	ck_assert_str_eq(osx_http_header(&r, "content-range"), want);
	osx_http_free(&r);
	ck_assert_int_eq(get(url, tok_a, "Range: bytes=50-10\r\n", &r), 416);
	osx_http_free(&r);
	ck_assert_int_eq(get(url, tok_a, "Range: bytes=x-y\r\n", &r), 416);
	osx_http_free(&r);
	/* Several ranges: the whole file. */
	ck_assert_int_eq(get(url, tok_a, "Range: bytes=0-1,5-6\r\n", &r), 200);
	ck_assert_uint_eq(r.body_len, n);
	osx_http_free(&r);
	free(pdf);
}
END_TEST

START_TEST(types_come_from_the_bytes_not_the_name)
{
	static const char html[] = "<!DOCTYPE html><html><script>alert(document.cookie)</script>";
	static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>";
	unsigned char png[512];
	size_t n = make_png(png, 200);
	struct osx_http_resp r;
	cJSON *ans = NULL;

	ck_assert_int_eq(upload(tok_a, idea_id, "photo.png", (const unsigned char *)html,
				strlen(html), 7, &ans),
			 415);
	ck_assert_str_eq(osx_errcode(ans), "unsupported_type");
	cJSON_Delete(ans);
	ck_assert_int_eq(upload(tok_a, idea_id, "logo.svg", (const unsigned char *)svg,
				strlen(svg), 1000, &ans),
			 415);
	ck_assert_str_eq(osx_errcode(ans), "unsupported_type");
	cJSON_Delete(ans);
	/* A truncated PNG. */
	ck_assert_int_eq(upload(tok_a, idea_id, "cut.png", png, n - 12, 1000, &ans), 415);
	cJSON_Delete(ans);
	ck_assert_int_eq(file_rows(), 0);
	ck_assert_int_eq(stored_files(), 0);

	/* A PNG called report.pdf is a PNG. */
	ck_assert_int_eq(upload(tok_a, idea_id, "report.pdf", png, n, 100, &ans), 201);
	ck_assert_str_eq(osx_jstr(ans, "file.type"), "image/png");
	ck_assert_ptr_null(osx_jget(ans, "file.pages"));
	ck_assert_int_eq(get(osx_jstr(ans, "file.url"), tok_a, NULL, &r), 200);
	ck_assert_str_eq(osx_http_header(&r, "content-type"), "image/png");
	for (size_t i = 0; osx_http_header_n(&r, "content-security-policy", i); i++)
		ck_assert_str_ne(osx_http_header_n(&r, "content-security-policy", i), "sandbox");
	osx_http_free(&r);
	cJSON_Delete(ans);
	/* Names that are no names. */
	ck_assert_int_eq(upload(tok_a, idea_id, "a%2Fb.png", png, n, n, &ans), 400);
	cJSON_Delete(ans);
	ck_assert_int_eq(upload(tok_a, idea_id, "bad%ZZ.png", png, n, n, &ans), 400);
	cJSON_Delete(ans);
	ck_assert_int_eq(upload(tok_a, idea_id, "%FF.png", png, n, n, &ans), 400);
	cJSON_Delete(ans);
	ck_assert_int_eq(file_rows(), 1);
}
END_TEST

START_TEST(who_may_upload_and_who_may_read)
{
	unsigned char png[512];
	size_t n = make_png(png, 100);
	struct osx_http_resp r, r2;
	char url[256];
	cJSON *ans = NULL;

	/* An employee may not attach to a plan, nor to someone else's idea. */
	ck_assert_int_eq(upload(tok_a, plan_id, "x.png", png, n, n, &ans), 403);
	ck_assert_str_eq(osx_errcode(ans), "forbidden");
	cJSON_Delete(ans);
	ck_assert_int_eq(upload(tok_b, idea_id, "x.png", png, n, n, &ans), 403);
	cJSON_Delete(ans);
	/* A customer outside the round hears of no such post. */
	ck_assert_int_eq(upload(tok_cust, idea_id, "x.png", png, n, n, &ans), 404);
	ck_assert_str_eq(osx_errcode(ans), "not_found");
	cJSON_Delete(ans);
	ck_assert_int_eq(upload("nonsense", idea_id, "x.png", png, n, n, &ans), 401);
	cJSON_Delete(ans);
	ck_assert_int_eq(upload(tok_a, 999999, "x.png", png, n, n, &ans), 404);
	cJSON_Delete(ans);
	ck_assert_int_eq(file_rows(), 0);
	ck_assert_int_eq(stored_files(), 0);

	ck_assert_int_eq(upload(tok_a, idea_id, "ok.png", png, n, n, &ans), 201);
	snprintf(url, sizeof url, "%s", osx_jstr(ans, "file.url"));
	cJSON_Delete(ans);
	ck_assert_int_eq(get(url, tok_b, NULL, &r), 200);
	osx_http_free(&r);
	/* The customer probing: the same answer as for an id that does not
	 * exist, whatever name follows. */
	ck_assert_int_eq(get(url, tok_cust, NULL, &r), 404);
	ck_assert_int_eq(get("/files/999999/ok.png", tok_cust, NULL, &r2), 404);
	ck_assert_str_eq(r.body, r2.body);
	osx_http_free(&r);
	osx_http_free(&r2);
	ck_assert_int_eq(get("/files/1/x", tok_cust, NULL, &r), 404);
	osx_http_free(&r);
	ck_assert_int_eq(get(url, NULL, NULL, &r), 401);
	osx_http_free(&r);
}
END_TEST

START_TEST(an_upload_over_the_limit_is_refused_before_its_body)
{
	char head[1024], *resp;
	size_t len;
	int fd = dial();
	long long t0;

	/* Content-Length over the limit: answered without a byte of body. */
	upload_head(head, sizeof head, tok_mgr, plan_id, "big.pdf", (size_t)(LIMIT_MB << 20) + 1);
	ck_assert_int_eq(send_all(fd, head, strlen(head)), 0);
	ck_assert_int_eq(send_all(fd, "%PDF-1.4\n", 9), 0);
	t0 = osx_now_ms();
	resp = read_to_close(fd, 5000, &len);
	close(fd);
	ck_assert_int_eq(status_of(resp), 413);
	ck_assert_msg(strstr(body_of(resp), "\"too_large\""), "%s", resp);
	ck_assert_int_lt(osx_now_ms() - t0, 3000);
	free(resp);
	/* At the limit exactly it is fine. */
	{
		size_t n;
		unsigned char *pdf = make_pdf((LIMIT_MB << 20) - 4000, 1, &n);
		cJSON *ans = NULL;

		ck_assert_uint_le(n, (size_t)LIMIT_MB << 20);
		ck_assert_int_eq(upload(tok_mgr, plan_id, "fits.pdf", pdf, n, 65536, &ans), 201);
		cJSON_Delete(ans);
		free(pdf);
	}
	ck_assert_int_eq(file_rows(), 1);
	ck_assert_int_eq(temp_files(), 0);
}
END_TEST

START_TEST(an_aborted_upload_leaves_nothing)
{
	size_t n;
	unsigned char *pdf = make_pdf(400000, 2, &n);
	char head[1024];
	int fd = dial();

	upload_head(head, sizeof head, tok_mgr, plan_id, "half.pdf", n);
	ck_assert_int_eq(send_all(fd, head, strlen(head)), 0);
	ck_assert_int_eq(send_all(fd, pdf, n / 2), 0);
	/* The half has arrived: it sits in a temporary file. */
	for (int i = 0; i < 100 && temp_files() == 0; i++)
		osx_sleep_ms(20);
	ck_assert_int_eq(temp_files(), 1);
	close(fd);
	for (int i = 0; i < 100 && temp_files() > 0; i++)
		osx_sleep_ms(20);
	ck_assert_int_eq(temp_files(), 0);
	ck_assert_int_eq(stored_files(), 0);
	ck_assert_int_eq(file_rows(), 0);
	free(pdf);
}
END_TEST

START_TEST(sigkill_keeps_the_answered_upload_and_drops_the_half_one)
{
	size_t n, n2;
	unsigned char *pdf = make_pdf(200000, 4, &n), *half = make_pdf(500000, 1, &n2);
	char head[1024], url[256];
	struct osx_http_resp r;
	cJSON *ans = NULL;
	int fd;

	ck_assert_int_eq(upload(tok_mgr, plan_id, "kept.pdf", pdf, n, 32768, &ans), 201);
	snprintf(url, sizeof url, "%s", osx_jstr(ans, "file.url"));
	cJSON_Delete(ans);
	/* A second upload, halfway in when the server dies. */
	fd = dial();
	upload_head(head, sizeof head, tok_mgr, plan_id, "half.pdf", n2);
	ck_assert_int_eq(send_all(fd, head, strlen(head)), 0);
	ck_assert_int_eq(send_all(fd, half, n2 / 2), 0);
	for (int i = 0; i < 100 && temp_files() == 0; i++)
		osx_sleep_ms(20);
	ck_assert_int_eq(temp_files(), 1);
	osx_server_kill(&srv);
	close(fd);
	ck_assert_int_eq(osx_server_restart(&srv), 0);
	ck_assert_int_eq(temp_files(), 0);
	ck_assert_int_eq(file_rows(), 1);
	ck_assert_int_eq(stored_files(), 1);
	ck_assert_int_eq(get(url, tok_a, NULL, &r), 200);
	ck_assert_uint_eq(r.body_len, n);
	ck_assert_int_eq(memcmp(r.body, pdf, n), 0);
	osx_http_free(&r);
	ck_assert_int_eq(osx_cli(NULL, NULL, NULL, "check", "--db", srv.db, (char *)NULL), 0);
	free(pdf);
	free(half);
}
END_TEST

START_TEST(a_backup_carries_the_files_and_restores)
{
	size_t n;
	unsigned char *pdf = make_pdf(150000, 2, &n), png[600];
	size_t np = make_png(png, 300);
	char out[400], files_out[420], cmd[4096], url[256], url2[256];
	struct osx_http_resp r;
	struct osx_cli_result res;
	cJSON *ans = NULL;

	ck_assert_int_eq(upload(tok_mgr, plan_id, "plan.pdf", pdf, n, 50000, &ans), 201);
	snprintf(url, sizeof url, "%s", osx_jstr(ans, "file.url"));
	cJSON_Delete(ans);
	/* The same bytes twice are stored once. */
	ck_assert_int_eq(upload(tok_a, idea_id, "a.png", png, np, np, &ans), 201);
	snprintf(url2, sizeof url2, "%s", osx_jstr(ans, "file.url"));
	cJSON_Delete(ans);
	ck_assert_int_eq(upload(tok_a, idea_id, "b.png", png, np, np, &ans), 201);
	cJSON_Delete(ans);
	ck_assert_int_eq(stored_files(), 2);

	snprintf(out, sizeof out, "%s/backup.db", srv.dir);
	snprintf(files_out, sizeof files_out, "%s.files", out);
	ck_assert_int_eq(osx_cli(&res, NULL, NULL, "backup", "--db", srv.db, "--out", out,
				 (char *)NULL),
			 0);
	ck_assert_msg(strstr(res.out, "2 files"), "%s", res.out);
	osx_cli_free(&res);
	ck_assert_int_eq(count_files(files_out), 2);
	ck_assert_int_eq(osx_cli(NULL, NULL, NULL, "check", "--db", out, (char *)NULL), 0);

	/* Restore: the backup and its folder in the place of the lost ones. */
	ck_assert_int_eq(osx_server_stop(&srv), 0);
	snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s-wal' '%s-shm' '%s.files' && mv '%s' '%s' && "
				  "mv '%s' '%s.files'",
		 srv.db, srv.db, srv.db, srv.db, out, srv.db, files_out, srv.db);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(osx_server_serve(&srv, NULL), 0);
	ck_assert_int_eq(get(url, tok_a, NULL, &r), 200);
	ck_assert_uint_eq(r.body_len, n);
	ck_assert_int_eq(memcmp(r.body, pdf, n), 0);
	osx_http_free(&r);
	ck_assert_int_eq(get(url2, tok_a, NULL, &r), 200);
	ck_assert_uint_eq(r.body_len, np);
	osx_http_free(&r);
	ck_assert_int_eq(osx_cli(NULL, NULL, NULL, "check", "--db", srv.db, (char *)NULL), 0);
	/* A file lost from the folder is what check reports. */
	{
		char sha[65], lost[600];

		sha_hex(png, np, sha);
		snprintf(lost, sizeof lost, "%s.files/%.2s/%s", srv.db, sha, sha);
		ck_assert_int_eq(unlink(lost), 0);
		ck_assert_int_eq(osx_cli(&res, NULL, NULL, "check", "--db", srv.db, (char *)NULL), 1);
		ck_assert_msg(strstr(res.err, sha), "%s", res.err);
		osx_cli_free(&res);
	}
	free(pdf);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("files");
	TCase *tc = tcase_create("http");

	if (sodium_init() < 0)
		return 1;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, an_upload_in_pieces_is_stored_served_and_seen_live);
	tcase_add_test(tc, ranges_serve_parts_and_refuse_what_is_past_the_end);
	tcase_add_test(tc, types_come_from_the_bytes_not_the_name);
	tcase_add_test(tc, who_may_upload_and_who_may_read);
	tcase_add_test(tc, an_upload_over_the_limit_is_refused_before_its_body);
	tcase_add_test(tc, an_aborted_upload_leaves_nothing);
	tcase_add_test(tc, sigkill_keeps_the_answered_upload_and_drops_the_half_one);
	tcase_add_test(tc, a_backup_carries_the_files_and_restores);
	suite_add_tcase(s, tc);
	{
		SRunner *sr = srunner_create(s);
		int failed;

		srunner_run_all(sr, CK_NORMAL);
		failed = srunner_ntests_failed(sr);
		srunner_free(sr);
		return failed ? 1 : 0;
	}
}
