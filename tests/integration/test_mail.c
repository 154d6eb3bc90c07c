/*
 * Mail against a real SMTP server (Debian's python3-aiosmtpd, with the
 * handler tests/support/smtp_sink.py that keeps each message as a file):
 * an instant mail with both parts and the headers, one-click unsubscribe,
 * the SMTP server down and then up, SIGKILL with mails pending, and the
 * daily digest missed while the server was down.
 */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "osclient.h"

static struct osx_server srv;
static char tok_mgr[OSX_TOKEN_MAX], tok_anna[OSX_TOKEN_MAX], tok_bert[OSX_TOKEN_MAX];
static char maildir[400], smtp_url[64], smtp_port_s[16];
static int smtp_port;
static pid_t smtp_pid;

static int
free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static int
port_open(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	close(fd);
	return ok;
}

static void
smtp_start(void)
{
	char listen[64], pypath[600];

	snprintf(listen, sizeof listen, "127.0.0.1:%d", smtp_port);
	snprintf(pypath, sizeof pypath, "%s/tests/support", OPENSTRAT_SOURCE_DIR);
	smtp_pid = fork();
	ck_assert_int_ge(smtp_pid, 0);
	if (!smtp_pid) {
		setenv("PYTHONPATH", pypath, 1);
		execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen, "-c",
		      "smtp_sink.Sink", maildir, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200 && !port_open(smtp_port); i++)
		osx_sleep_ms(50);
	ck_assert_msg(port_open(smtp_port), "aiosmtpd did not start");
}

static void
smtp_stop(void)
{
	if (smtp_pid > 0) {
		kill(smtp_pid, SIGTERM);
		waitpid(smtp_pid, NULL, 0);
	}
	smtp_pid = 0;
}

static int
mail_count(void)
{
	DIR *d = opendir(maildir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".eml") && !strstr(e->d_name, ".tmp"))
			n++;
	closedir(d);
	return n;
}

static int
wait_mails(int n, int ms)
{
	for (int t = 0; t < ms && mail_count() < n; t += 100)
		osx_sleep_ms(100);
	return mail_count();
}

/* Mail number i (1-based), NUL-terminated, malloc'd. */
static char *
mail_read(int i)
{
	char path[600];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof path, "%s/%04d.eml", maildir, i);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The header's value (up to the line end), copied into out. */
static const char *
header(const char *mail, const char *name, char *out, size_t sz)
{
	char key[80];
	const char *p, *end;

	snprintf(key, sizeof key, "\r\n%s: ", name);
	p = strstr(mail, key);
	if (!p)
		return NULL;
	p += strlen(key);
	end = strstr(p, "\r\n");
	snprintf(out, sz, "%.*s", (int)(end - p), p);
	return out;
}

/* The decoded body of the part of this content type. malloc'd. */
static char *
part(const char *mail, const char *ctype)
{
	char key[80];
	const char *p, *end;
	unsigned char *bin;
	size_t n;

	snprintf(key, sizeof key, "Content-Type: %s; charset=UTF-8", ctype);
	p = strstr(mail, key);
	ck_assert_msg(p != NULL, "no %s part", ctype);
	p = strstr(p, "\r\n\r\n");
	ck_assert_ptr_nonnull(p);
	p += 4;
	end = strstr(p, "\r\n--");
	ck_assert_ptr_nonnull(end);
	bin = malloc((size_t)(end - p) + 1);
	ck_assert_int_eq(sodium_base642bin(bin, (size_t)(end - p), p, (size_t)(end - p), "\r\n",
					   &n, NULL, sodium_base64_VARIANT_ORIGINAL),
			 0);
	bin[n] = '\0';
	return (char *)bin;
}

static int64_t
db_int(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t v = -1;

	ck_assert_int_eq(sqlite3_open_v2(srv.db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static int64_t
wait_db(const char *sql, int64_t want, int ms)
{
	int64_t v = db_int(sql);

	for (int t = 0; t < ms && v < want; t += 100) {
		osx_sleep_ms(100);
		v = db_int(sql);
	}
	return v;
}

static cJSON *
must(cJSON *r, const char *what)
{
	ck_assert_msg(r && osx_ok(r), "%s: %s", what, osx_jtext(r));
	return r;
}

static void
users(void)
{
	ck_assert_int_eq(osx_user_new(&srv, "mgr", "manager", tok_mgr, sizeof tok_mgr), 0);
	ck_assert_int_eq(osx_user_new(&srv, "anna", "employee", tok_anna, sizeof tok_anna), 0);
	ck_assert_int_eq(osx_user_new(&srv, "bert", "employee", tok_bert, sizeof tok_bert), 0);
	ck_assert_int_eq(db_int("UPDATE users SET email = username || '@example.org' "
				"RETURNING 0"), 0);
}

static const char *mail_args[] = {
	"--smtp-url", smtp_url, "--smtp-insecure", "--mail-from", "forum@example.org",
	"--public-url", "http://forum.example", "--mail-batch-seconds", "1", NULL};

static void
setup(void)
{
	char tmpl[] = "/tmp/osmailXXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	snprintf(maildir, sizeof maildir, "%s/mail", tmpl);
	smtp_port = free_port();
	snprintf(smtp_url, sizeof smtp_url, "smtp://127.0.0.1:%d", smtp_port);
	snprintf(smtp_port_s, sizeof smtp_port_s, "%d", smtp_port);
	ck_assert_int_eq(osx_server_start(&srv, mail_args), 0);
	users();
}

static void
teardown(void)
{
	char cmd[600];

	smtp_stop();
	osx_server_stop(&srv);
	osx_server_cleanup(&srv);
	snprintf(cmd, sizeof cmd, "rm -rf '%.*s'", (int)(strlen(maildir) - 5), maildir);
	if (system(cmd)) {
	}
}

/* An open round and anna's idea in it; returns the post id. */
static long long
round_and_post(const char *round_title, const char *title, long long *round)
{
	struct osx_ws *mgr = osx_ws_open(srv.port, tok_mgr), *anna = osx_ws_open(srv.port, tok_anna);
	cJSON *r;
	long long id;

	r = must(osx_ws_call(mgr, 0, "{\"op\":\"round.create\",\"title\":\"%s\","
				     "\"audience\":\"internal\",\"vote_mode\":\"updown\"}",
			     round_title),
		 "round");
	*round = osx_jint(r, "round.id", 0);
	cJSON_Delete(r);
	cJSON_Delete(must(osx_ws_call(mgr, 0, "{\"op\":\"round.update\",\"round\":%lld,"
					      "\"phase\":\"open\"}", *round), "open"));
	r = must(osx_ws_call(anna, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
				      "\"title\":\"%s\",\"body\":\"b\"}", *round, title),
		 "post");
	id = osx_jint(r, "post.id", 0);
	cJSON_Delete(r);
	osx_ws_close(mgr);
	osx_ws_close(anna);
	return id;
}

static void
reply(const char *tok, long long post, const char *body)
{
	struct osx_ws *ws = osx_ws_open(srv.port, tok);

	cJSON_Delete(must(osx_ws_call(ws, 0, "{\"op\":\"comment.create\",\"post\":%lld,"
					     "\"body\":\"%s\"}", post, body), "comment"));
	osx_ws_close(ws);
}

static void
set_notify(const char *tok, const char *mode)
{
	struct osx_ws *ws = osx_ws_open(srv.port, tok);

	cJSON_Delete(must(osx_ws_call(ws, 0, "{\"op\":\"user.settings\",\"notify\":\"%s\"}", mode),
			  "settings"));
	osx_ws_close(ws);
}

START_TEST(instant_mail_has_both_parts_headers_and_unsubscribes)
{
	long long round, post;
	char v[600], path[600];
	char *m, *text, *html;
	struct osx_http_resp resp;

	smtp_start();
	set_notify(tok_anna, "instant");
	post = round_and_post("Strategy", "<b>Fast</b> & cheap", &round);
	/* bert only, not mgr, is the actor: two replies within the batch
	 * window make one mail. */
	reply(tok_bert, post, "First");
	reply(tok_bert, post, "Second");
	ck_assert_int_eq(wait_mails(1, 15000), 1);
	osx_sleep_ms(2500);
	ck_assert_int_eq(mail_count(), 1);
	m = mail_read(1);
	ck_assert_ptr_nonnull(strstr(m, "X-Envelope-To: anna@example.org"));
	ck_assert_ptr_nonnull(header(m, "From", v, sizeof v));
	ck_assert_str_eq(v, "openstrat <forum@example.org>");
	ck_assert_ptr_nonnull(header(m, "Message-ID", v, sizeof v));
	ck_assert_ptr_nonnull(strstr(v, "@example.org>"));
	ck_assert_ptr_nonnull(header(m, "List-Unsubscribe-Post", v, sizeof v));
	ck_assert_str_eq(v, "List-Unsubscribe=One-Click");
	ck_assert_ptr_nonnull(header(m, "Content-Type", v, sizeof v));
	ck_assert_ptr_nonnull(strstr(v, "multipart/alternative"));
	text = part(m, "text/plain");
	html = part(m, "text/html");
	ck_assert_ptr_nonnull(strstr(text, "bert replied to \u201c<b>Fast</b> & cheap\u201d"));
	snprintf(v, sizeof v, "http://forum.example/round/%lld/post/%lld#comment-", round, post);
	ck_assert_ptr_nonnull(strstr(text, v));
	/* Nothing of the title became markup. */
	ck_assert_ptr_null(strstr(html, "<b>Fast"));
	ck_assert_ptr_nonnull(strstr(html, "&lt;b&gt;Fast&lt;/b&gt; &amp; cheap"));
	free(text);
	free(html);

	/* The outbox shows in the metrics. */
	ck_assert_int_eq(osx_http(srv.port, "GET", "/metrics", NULL, NULL, &resp), 200);
	ck_assert_ptr_nonnull(strstr(resp.body, "\nopenstrat_mail_sent_total 1\n"));
	ck_assert_ptr_nonnull(strstr(resp.body, "\nopenstrat_mail_outbox_pending 0\n"));
	osx_http_free(&resp);
	/* One click: the List-Unsubscribe URL, POSTed without a session. */
	ck_assert_ptr_nonnull(header(m, "List-Unsubscribe", v, sizeof v));
	ck_assert_int_eq(strncmp(v, "<http://forum.example/api/unsubscribe?token=", 44), 0);
	snprintf(path, sizeof path, "%s", strstr(v, "/api/"));
	path[strlen(path) - 1] = '\0'; /* the closing '>' */
	free(m);
	ck_assert_int_eq(osx_http(srv.port, "POST",
				  "/api/unsubscribe?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
				  "Content-Type: application/x-www-form-urlencoded\r\n",
				  "List-Unsubscribe=One-Click", &resp),
			 404);
	osx_http_free(&resp);
	ck_assert_int_eq(osx_http(srv.port, "GET", path, NULL, NULL, &resp), 200);
	osx_http_free(&resp);
	ck_assert_int_eq(db_int("SELECT notify = 'instant' FROM users WHERE username = 'anna'"), 1);
	ck_assert_int_eq(osx_http(srv.port, "POST", path,
				  "Content-Type: application/x-www-form-urlencoded\r\n",
				  "List-Unsubscribe=One-Click", &resp),
			 200);
	osx_http_free(&resp);
	ck_assert_int_eq(db_int("SELECT notify = 'off' FROM users WHERE username = 'anna'"), 1);
	reply(tok_bert, post, "Third");
	osx_sleep_ms(3000);
	ck_assert_int_eq(mail_count(), 1);
}
END_TEST

START_TEST(smtp_down_then_up_delivers_once)
{
	long long round, post;

	set_notify(tok_anna, "instant");
	post = round_and_post("Strategy", "Idea", &round);
	reply(tok_bert, post, "While the mail server is down");
	ck_assert_int_ge(wait_db("SELECT count(*) FROM mail_outbox WHERE state = 'pending' "
				 "AND attempts >= 2", 1, 20000), 1);
	ck_assert_int_eq(mail_count(), 0);
	smtp_start();
	ck_assert_int_eq(wait_mails(1, 30000), 1);
	ck_assert_int_eq(wait_db("SELECT count(*) FROM mail_outbox WHERE state = 'sent'", 1, 5000),
			 1);
	osx_sleep_ms(3000);
	ck_assert_int_eq(mail_count(), 1);
}
END_TEST

START_TEST(sigkill_with_mails_pending_sends_each_once)
{
	long long round, post;
	char v[600], ids[2][600];

	set_notify(tok_anna, "instant");
	set_notify(tok_mgr, "instant");
	{
		/* mgr reads openstrat in Swedish: so do mgr's mails. */
		struct osx_ws *ws = osx_ws_open(srv.port, tok_mgr);

		cJSON_Delete(must(osx_ws_call(ws, 0, "{\"op\":\"user.settings\",\"lang\":\"sv\"}"),
				  "lang"));
		osx_ws_close(ws);
	}
	post = round_and_post("Strategy", "Idea", &round);
	reply(tok_bert, post, "Hello @mgr");
	ck_assert_int_ge(wait_db("SELECT count(*) FROM mail_outbox WHERE state = 'pending' "
				 "AND attempts >= 1", 2, 20000), 2);
	osx_server_kill(&srv);
	smtp_start();
	ck_assert_int_eq(osx_server_restart(&srv), 0);
	ck_assert_int_eq(wait_mails(2, 30000), 2);
	osx_sleep_ms(3000);
	ck_assert_int_eq(mail_count(), 2);
	for (int i = 0; i < 2; i++) {
		char *m = mail_read(i + 1);

		ck_assert_ptr_nonnull(header(m, "Message-ID", v, sizeof v));
		snprintf(ids[i], sizeof ids[i], "%s", v);
		if (strstr(m, "X-Envelope-To: mgr@example.org")) {
			char *text = part(m, "text/plain");

			ck_assert_msg(strstr(text, "bert nämnde dig i") != NULL, "%s", text);
			free(text);
		}
		free(m);
	}
	ck_assert_str_ne(ids[0], ids[1]);
	ck_assert_int_eq(db_int("SELECT count(*) FROM mail_outbox WHERE state = 'sent'"), 2);
}
END_TEST

START_TEST(missed_digest_goes_at_startup_grouped_by_round)
{
	long long r1, r2, p1, p2;
	char hour[8];
	const char *args[16];
	size_t k = 0;
	time_t now = time(NULL);
	struct tm tm;
	char *m, *text, *a, *b, *ideas;

	/* The server without mail first: the day's notices pile up. */
	osx_server_stop(&srv);
	ck_assert_int_eq(osx_server_serve(&srv, NULL), 0);
	p1 = round_and_post("Round Alpha", "Alpha idea", &r1);
	p2 = round_and_post("Round Beta", "Beta idea", &r2);
	reply(tok_bert, p1, "one");
	reply(tok_bert, p2, "two");
	reply(tok_mgr, p1, "three");
	osx_server_stop(&srv);
	/* No digest went today: the set-up's server (default hour 7) sends
	 * one when the tests run between 7 and 8, and then rightly holds the
	 * day's later notices for tomorrow's. */
	db_int("DELETE FROM mail_runs WHERE name = 'digest'");
	smtp_start();
	localtime_r(&now, &tm);
	snprintf(hour, sizeof hour, "%d", tm.tm_hour);
	for (size_t i = 0; mail_args[i]; i++)
		args[k++] = mail_args[i];
	args[k++] = "--digest-hour";
	args[k++] = hour;
	args[k] = NULL;
	ck_assert_int_eq(osx_server_serve(&srv, args), 0);
	/* anna and bert are on the default, daily: a digest each (bert was
	 * told the rounds opened); mgr opened them and is told nothing. */
	ck_assert_int_eq(wait_mails(2, 20000), 2);
	osx_sleep_ms(2000);
	ck_assert_int_eq(mail_count(), 2);
	m = mail_read(1);
	if (!strstr(m, "X-Envelope-To: anna@example.org")) {
		free(m);
		m = mail_read(2);
	}
	ck_assert_ptr_nonnull(strstr(m, "X-Envelope-To: anna@example.org"));
	text = part(m, "text/plain");
	a = strstr(text, "Round Alpha\r\n");
	b = strstr(text, "Round Beta\r\n");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_msg((a) < (b), "out of order");
	/* Alpha's two replies come together under Alpha, before Beta. */
	ck_assert_ptr_nonnull(strstr(a, "bert replied"));
	ck_assert_msg((strstr(a, "mgr replied")) < (b), "out of order");
	ideas = strstr(a, "Most discussed new ideas");
	ck_assert_ptr_nonnull(ideas);
	ck_assert_msg((ideas) < (b), "out of order");
	ck_assert_ptr_nonnull(strstr(ideas, "Alpha idea (2 comments)"));
	free(text);
	free(m);
	/* Once a day: a restart the same day sends no second digest. */
	reply(tok_bert, p1, "four");
	ck_assert_int_eq(osx_server_restart(&srv), 0);
	osx_sleep_ms(3000);
	ck_assert_int_eq(mail_count(), 2);
}
END_TEST

/* A customer's mail does not name another organisation's customer: bert's
 * reply reaches anna, both customers of different companies, as "A
 * customer replied". */
START_TEST(mail_does_not_name_another_orgs_customer)
{
	struct osx_ws *mgr, *anna;
	long long round, post;
	char sql[300];
	char *m, *text, *html;
	cJSON *r;

	smtp_start();
	set_notify(tok_anna, "instant");
	ck_assert_int_eq(db_int("UPDATE users SET role = 'customer', org = 'AlfaCorp' "
				"WHERE username = 'anna' RETURNING 0"), 0);
	ck_assert_int_eq(db_int("UPDATE users SET role = 'customer', org = 'BetaCorp' "
				"WHERE username = 'bert' RETURNING 0"), 0);
	mgr = osx_ws_open(srv.port, tok_mgr);
	r = must(osx_ws_call(mgr, 0, "{\"op\":\"round.create\",\"title\":\"Partners\","
				     "\"audience\":\"invited\",\"vote_mode\":\"updown\"}"),
		 "round");
	round = osx_jint(r, "round.id", 0);
	cJSON_Delete(r);
	snprintf(sql, sizeof sql, "INSERT INTO round_members (round_id, user_id, added_at) "
				  "SELECT %lld, id, 0 FROM users WHERE username IN ('anna', 'bert') "
				  "RETURNING 0", round);
	ck_assert_int_eq(db_int(sql), 0);
	cJSON_Delete(must(osx_ws_call(mgr, 0, "{\"op\":\"round.update\",\"round\":%lld,"
					      "\"phase\":\"open\"}", round), "open"));
	anna = osx_ws_open(srv.port, tok_anna);
	r = must(osx_ws_call(anna, 0, "{\"op\":\"post.create\",\"round\":%lld,"
				      "\"kind\":\"idea\",\"title\":\"Paper invoices\","
				      "\"body\":\"b\"}", round),
		 "post");
	post = osx_jint(r, "post.id", 0);
	cJSON_Delete(r);
	reply(tok_bert, post, "Rather not");
	ck_assert_int_eq(wait_mails(1, 15000), 1);
	m = mail_read(1);
	ck_assert_ptr_nonnull(strstr(m, "X-Envelope-To: anna@example.org"));
	text = part(m, "text/plain");
	html = part(m, "text/html");
	ck_assert_msg(strstr(text, "A customer replied to \u201cPaper invoices\u201d"), "%s", text);
	ck_assert_msg(!strstr(m, "bert") && !strstr(text, "bert") && !strstr(html, "bert"),
		      "the mail names bert: %s", text);
	free(text);
	free(html);
	free(m);
	osx_ws_close(anna);
	osx_ws_close(mgr);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("mail");
	TCase *tc = tcase_create("mail");
	SRunner *sr;
	int failed;

	signal(SIGPIPE, SIG_IGN);
	tcase_set_timeout(tc, 180);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, instant_mail_has_both_parts_headers_and_unsubscribes);
	tcase_add_test(tc, smtp_down_then_up_delivers_once);
	tcase_add_test(tc, sigkill_with_mails_pending_sends_each_once);
	tcase_add_test(tc, missed_digest_goes_at_startup_grouped_by_round);
	tcase_add_test(tc, mail_does_not_name_another_orgs_customer);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
