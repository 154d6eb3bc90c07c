/*
 * From many ideas to a few priorities, against the real binary: merging
 * duplicates (votes move, comments follow), priorities live, search scoped
 * to what the caller may read, the disagreement view, and the exports over
 * HTTP agreeing byte for byte with the command line.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "osclient.h"

static struct osx_server srv;
static char tok_mgr[OSX_TOKEN_MAX], tok_a[OSX_TOKEN_MAX], tok_b[OSX_TOKEN_MAX],
	tok_c[OSX_TOKEN_MAX], tok_cust[OSX_TOKEN_MAX];

static void
setup(void)
{
	static const char *const extra[] = {"--rate-limit", "0", NULL};

	ck_assert_int_eq(osx_server_start(&srv, extra), 0);
	ck_assert_int_eq(osx_user_new(&srv, "mgr", "manager", tok_mgr, sizeof tok_mgr), 0);
	ck_assert_int_eq(osx_user_new(&srv, "anna", "employee", tok_a, sizeof tok_a), 0);
	ck_assert_int_eq(osx_user_new(&srv, "bert", "employee", tok_b, sizeof tok_b), 0);
	ck_assert_int_eq(osx_user_new(&srv, "cleo", "employee", tok_c, sizeof tok_c), 0);
	ck_assert_int_eq(osx_user_new(&srv, "cust", "customer", tok_cust, sizeof tok_cust), 0);
}

static void
teardown(void)
{
	int st = osx_server_stop(&srv);

	osx_server_cleanup(&srv);
	ck_assert_int_eq(st, 0);
}

static cJSON *
ok(cJSON *reply, const char *what)
{
	ck_assert_msg(reply && osx_ok(reply), "%s: %s", what, osx_jtext(reply));
	return reply;
}

static long long
id_of(cJSON *reply, const char *path)
{
	long long id = osx_jint(reply, path, 0);

	cJSON_Delete(reply);
	return id;
}

static long long
open_round(struct osx_ws *m, const char *title)
{
	long long id = id_of(ok(osx_ws_call(m, 0, "{\"op\":\"round.create\",\"title\":\"%s\","
						  "\"audience\":\"internal\",\"vote_mode\":\"updown\"}",
					    title), "round.create"), "round.id");

	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"round.update\",\"round\":%lld,"
					  "\"phase\":\"open\"}", id), "open"));
	return id;
}

static long long
idea(struct osx_ws *ws, long long round, const char *title, const char *body)
{
	return id_of(ok(osx_ws_call(ws, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
					   "\"title\":\"%s\",\"body\":\"%s\"}", round, title, body),
			"post.create"), "post.id");
}

static void
vote(struct osx_ws *ws, long long post, int value)
{
	cJSON_Delete(ok(osx_ws_call(ws, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":%d}",
				    post, value), "vote"));
}

START_TEST(merge_moves_votes_and_shows_comments)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a = osx_ws_open(srv.port, tok_a),
		      *b = osx_ws_open(srv.port, tok_b), *c = osx_ws_open(srv.port, tok_c);
	long long round, target, dup, other_round, elsewhere;
	cJSON *r, *ev;

	ck_assert(m && a && b && c);
	round = open_round(m, "Merge round");
	target = idea(a, round, "Single sign-on", "One login");
	dup = idea(b, round, "One login for everything", "Same idea");
	/* a voted on both (keeps the target vote), b and c only on the dup. */
	vote(a, target, 1);
	vote(a, dup, -1);
	vote(b, dup, 1);
	vote(c, dup, 1);
	cJSON_Delete(ok(osx_ws_call(c, 0, "{\"op\":\"comment.create\",\"post\":%lld,"
					  "\"body\":\"Yes please\"}", dup), "comment on dup"));
	cJSON_Delete(ok(osx_ws_call(c, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round),
			"subscribe"));
	/* Only managers and admins merge, only within a round. */
	r = osx_ws_call(a, 0, "{\"op\":\"post.merge\",\"post\":%lld,\"into\":%lld}", dup, target);
	ck_assert_str_eq(osx_errcode(r), "forbidden");
	cJSON_Delete(r);
	other_round = open_round(m, "Elsewhere");
	elsewhere = idea(a, other_round, "Elsewhere", "x");
	r = osx_ws_call(m, 0, "{\"op\":\"post.merge\",\"post\":%lld,\"into\":%lld}", dup, elsewhere);
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);
	r = osx_ws_call(m, 0, "{\"op\":\"post.merge\",\"post\":%lld,\"into\":%lld}", dup, dup);
	ck_assert_str_eq(osx_errcode(r), "bad_request");
	cJSON_Delete(r);

	r = ok(osx_ws_call(m, 0, "{\"op\":\"post.merge\",\"post\":%lld,\"into\":%lld}", dup, target),
	       "merge");
	ck_assert_str_eq(osx_jstr(r, "post.status"), "merged");
	ck_assert_int_eq(osx_jint(r, "post.merged_into", 0), target);
	ck_assert_int_eq(osx_jint(r, "post.tally.up", -1), 0);
	cJSON_Delete(r);
	/* Live for everyone. */
	ev = osx_ws_wait_event(c, "post.updated", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "post.id", 0), dup);
	ck_assert_str_eq(osx_jstr(ev, "post.status"), "merged");
	cJSON_Delete(ev);
	ev = osx_ws_wait_event(c, "vote.tally", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "post", 0), target);
	ck_assert_int_eq(osx_jint(ev, "tally.up", -1), 3);
	ck_assert_int_eq(osx_jint(ev, "tally.down", -1), 0);
	cJSON_Delete(ev);
	/* a kept the target vote (up), b's and c's moved. */
	r = ok(osx_ws_call(b, 0, "{\"op\":\"post.get\",\"post\":%lld}", target), "get target");
	ck_assert_int_eq(osx_jint(r, "post.tally.up", -1), 3);
	ck_assert_int_eq(osx_jint(r, "post.my_vote", -9), 1);
	/* The dup's comment is shown on the target, marked. */
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "comments")), 1);
	ck_assert_str_eq(osx_jstr(r, "comments.0.body"), "Yes please");
	ck_assert_int_eq(osx_jint(r, "comments.0.from_post", 0), dup);
	cJSON_Delete(r);
	/* A merged post takes no more votes, comments, or merges. */
	r = osx_ws_call(b, 0, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":1}", dup);
	ck_assert_str_eq(osx_errcode(r), "conflict");
	cJSON_Delete(r);
	r = osx_ws_call(b, 0, "{\"op\":\"comment.create\",\"post\":%lld,\"body\":\"x\"}", dup);
	ck_assert_str_eq(osx_errcode(r), "conflict");
	cJSON_Delete(r);
	r = osx_ws_call(m, 0, "{\"op\":\"post.merge\",\"post\":%lld,\"into\":%lld}", target, dup);
	ck_assert_str_eq(osx_errcode(r), "conflict");
	cJSON_Delete(r);
	osx_ws_close(m);
	osx_ws_close(a);
	osx_ws_close(b);
	osx_ws_close(c);
}
END_TEST

START_TEST(priorities_live)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a = osx_ws_open(srv.port, tok_a);
	long long round, p1, p2, pr1, pr2, mgr_id;
	cJSON *r, *ev;

	ck_assert(m && a);
	r = ok(osx_ws_call(m, 0, "{\"op\":\"hello\"}"), "hello");
	mgr_id = osx_jint(r, "user.id", 0);
	cJSON_Delete(r);
	round = open_round(m, "Priorities");
	p1 = idea(a, round, "Invoices", "clear ones");
	p2 = idea(a, round, "Timeline", "one per account");
	cJSON_Delete(ok(osx_ws_call(a, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round), "sub"));
	r = osx_ws_call(a, 0, "{\"op\":\"priority.create\",\"round\":%lld,\"title\":\"No\"}", round);
	ck_assert_str_eq(osx_errcode(r), "forbidden");
	cJSON_Delete(r);
	r = ok(osx_ws_call(m, 0, "{\"op\":\"priority.create\",\"round\":%lld,\"title\":\"One account\","
				 "\"description\":\"Know every customer\",\"owner\":%lld}", round, mgr_id),
	       "priority.create");
	pr1 = osx_jint(r, "priority.id", 0);
	ck_assert_int_eq(osx_jint(r, "priority.rank", 0), 1);
	ck_assert_str_eq(osx_jstr(r, "priority.owner.username"), "mgr");
	cJSON_Delete(r);
	ev = osx_ws_wait_event(a, "priority.updated", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "priority.id", 0), pr1);
	cJSON_Delete(ev);
	pr2 = id_of(ok(osx_ws_call(m, 0, "{\"op\":\"priority.create\",\"round\":%lld,"
					 "\"title\":\"Outcomes\"}", round), "second"), "priority.id");
	osx_ws_clear(a);
	/* Link: the post shows the priority it feeds, live. */
	r = ok(osx_ws_call(m, 0, "{\"op\":\"priority.link\",\"priority\":%lld,\"post\":%lld}", pr1, p1),
	       "link");
	ck_assert_int_eq(osx_jint(r, "priority.posts.0", 0), p1);
	cJSON_Delete(r);
	ev = osx_ws_wait_event(a, "post.updated", 3000);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "post.priority", 0), pr1);
	cJSON_Delete(ev);
	/* A post feeds one priority: linking elsewhere moves it. */
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"priority.link\",\"priority\":%lld,\"post\":%lld}",
				    pr2, p1), "relink"));
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"priority.link\",\"priority\":%lld,\"post\":%lld}",
				    pr1, p2), "link p2"));
	/* Reorder: the second becomes first. */
	r = ok(osx_ws_call(m, 0, "{\"op\":\"priority.update\",\"priority\":%lld,\"rank\":1,"
				 "\"owner\":null,\"title\":\"Outcomes over tickets\"}", pr2), "update");
	ck_assert_int_eq(osx_jint(r, "priority.rank", 0), 1);
	ck_assert(cJSON_IsNull(osx_jget(r, "priority.owner")));
	cJSON_Delete(r);
	r = ok(osx_ws_call(a, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round), "snapshot");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "priorities")), 2);
	ck_assert_int_eq(osx_jint(r, "priorities.0.id", 0), pr2);
	ck_assert_str_eq(osx_jstr(r, "priorities.0.title"), "Outcomes over tickets");
	ck_assert_int_eq(osx_jint(r, "priorities.0.posts.0", 0), p1);
	ck_assert_int_eq(osx_jint(r, "priorities.1.rank", 0), 2);
	ck_assert_int_eq(osx_jint(r, "priorities.1.posts.0", 0), p2);
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "priorities.1.posts")), 1);
	ck_assert_int_eq(osx_jint(r, "posts.0.priority", 0), pr2);
	cJSON_Delete(r);
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"priority.unlink\",\"priority\":%lld,\"post\":%lld}",
				    pr1, p2), "unlink"));
	r = osx_ws_call(m, 0, "{\"op\":\"priority.unlink\",\"priority\":%lld,\"post\":%lld}", pr1, p2);
	ck_assert_str_eq(osx_errcode(r), "not_found");
	cJSON_Delete(r);
	/* Customers do not lead priorities. */
	{
		struct osx_http_resp resp;
		cJSON *j;
		long long cust_id;

		ck_assert_int_eq(osx_http(srv.port, "POST", "/api/login", NULL,
					  "{\"username\":\"cust\",\"password\":\"" OSX_PASSWORD "\"}",
					  &resp), 200);
		j = osx_http_json(&resp);
		cust_id = osx_jint(j, "user.id", 0);
		cJSON_Delete(j);
		osx_http_free(&resp);
		r = osx_ws_call(m, 0, "{\"op\":\"priority.update\",\"priority\":%lld,\"owner\":%lld}",
				pr1, cust_id);
		ck_assert_str_eq(osx_errcode(r), "bad_request");
		cJSON_Delete(r);
	}
	osx_ws_close(m);
	osx_ws_close(a);
}
END_TEST

START_TEST(search_is_scoped)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a = osx_ws_open(srv.port, tok_a),
		      *cu = osx_ws_open(srv.port, tok_cust);
	long long round, draft, p;
	cJSON *r;

	ck_assert(m && a && cu);
	round = open_round(m, "Search");
	p = idea(a, round, "Invoice clarity", "Customers call about invoices all the time");
	idea(a, round, "Partner certification", "Certify partners before they sell");
	cJSON_Delete(ok(osx_ws_call(a, 0, "{\"op\":\"comment.create\",\"post\":%lld,"
					  "\"body\":\"The invoice layout confuses everyone\"}", p),
			"comment"));
	draft = id_of(ok(osx_ws_call(m, 0, "{\"op\":\"round.create\",\"title\":\"Secret\","
					   "\"audience\":\"internal\",\"vote_mode\":\"updown\"}"),
			 "draft"), "round.id");
	(void)draft;
	/* Similar ideas while typing: prefixes, any word. */
	r = ok(osx_ws_call(a, 0, "{\"op\":\"post.similar\",\"round\":%lld,\"q\":\"invo\"}", round),
	       "similar");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "results")), 1);
	ck_assert_str_eq(osx_jstr(r, "results.0.title"), "Invoice clarity");
	cJSON_Delete(r);
	/* Search over posts and comments. */
	r = ok(osx_ws_call(a, 0, "{\"op\":\"search\",\"q\":\"invoice\"}"), "search");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "results")), 2);
	cJSON_Delete(r);
	/* FTS syntax typed by a person is just words, never an error. */
	r = ok(osx_ws_call(a, 0, "{\"op\":\"search\",\"q\":\"invoice\\\" OR (NEAR* \"}"), "odd");
	cJSON_Delete(r);
	r = ok(osx_ws_call(a, 0, "{\"op\":\"search\",\"q\":\"   \"}"), "empty");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "results")), 0);
	cJSON_Delete(r);
	/* A customer finds nothing from rounds they cannot see. */
	r = ok(osx_ws_call(cu, 0, "{\"op\":\"search\",\"q\":\"invoice\"}"), "customer search");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "results")), 0);
	cJSON_Delete(r);
	r = osx_ws_call(cu, 0, "{\"op\":\"post.similar\",\"round\":%lld,\"q\":\"invoice\"}", round);
	ck_assert_str_eq(osx_errcode(r), "not_found");
	cJSON_Delete(r);
	/* Hidden posts are found by moderators only. */
	cJSON_Delete(ok(osx_ws_call(m, 0, "{\"op\":\"mod.hide\",\"target\":\"post\",\"id\":%lld,"
					  "\"hidden\":true}", p), "hide"));
	r = ok(osx_ws_call(a, 0, "{\"op\":\"search\",\"q\":\"invoice\"}"), "after hide");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "results")), 0);
	cJSON_Delete(r);
	r = ok(osx_ws_call(m, 0, "{\"op\":\"search\",\"q\":\"invoice\"}"), "moderator");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "results")), 2);
	cJSON_Delete(r);
	osx_ws_close(m);
	osx_ws_close(a);
	osx_ws_close(cu);
}
END_TEST

START_TEST(exports_agree_and_are_guarded)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a = osx_ws_open(srv.port, tok_a),
		      *b = osx_ws_open(srv.port, tok_b);
	static const char *const formats[] = {"csv", "json", "md"};
	char path[128], auth[OSX_TOKEN_MAX + 40], roundarg[32];
	struct osx_http_resp resp;
	long long round, p1, p2;

	ck_assert(m && a && b);
	round = open_round(m, "Export me");
	p1 = idea(a, round, "=cmd|' /C calc'!A0", "formula, injection");
	p2 = idea(b, round, "Plain, \\\"quoted\\\" idea", "line one\\nline two");
	vote(a, p2, 1);
	vote(b, p2, 1);
	vote(m, p1, -1);
	snprintf(roundarg, sizeof roundarg, "%lld", round);
	for (size_t i = 0; i < 3; i++) {
		struct osx_cli_result cli;

		snprintf(path, sizeof path, "/api/export?round=%lld&format=%s", round, formats[i]);
		snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", tok_mgr);
		ck_assert_int_eq(osx_http(srv.port, "GET", path, auth, NULL, &resp), 200);
		ck_assert_int_eq(osx_cli(&cli, NULL, NULL, "export", "--db", srv.db, "--round",
					 roundarg, "--format", formats[i], (char *)NULL), 0);
		ck_assert_msg(resp.body_len == strlen(cli.out) &&
				      !memcmp(resp.body, cli.out, resp.body_len),
			      "%s: HTTP and CLI exports differ", formats[i]);
		if (!strcmp(formats[i], "csv")) {
			ck_assert_ptr_nonnull(strstr(osx_http_header(&resp, "content-type"), "text/csv"));
			ck_assert_ptr_nonnull(strstr(resp.body, "rank,id,kind,title,author,role,org,"
								"status,score,up,down,dots,comments,"
								"priority,merged_into"));
			/* The formula is neutralised, the quotes doubled, and the
			 * best idea first. */
			ck_assert_ptr_nonnull(strstr(resp.body, "'=cmd|' /C calc'!A0"));
			ck_assert_ptr_nonnull(strstr(resp.body, "\"Plain, \"\"quoted\"\" idea\""));
			ck_assert(strstr(resp.body, "Plain") < strstr(resp.body, "=cmd"));
		}
		if (!strcmp(formats[i], "json")) {
			cJSON *j = osx_http_json(&resp);

			ck_assert_ptr_nonnull(j);
			ck_assert_int_eq(osx_jint(j, "posts.0.id", 0), p2);
			ck_assert_int_eq(osx_jint(j, "posts.0.rank", 0), 1);
			ck_assert_int_eq(osx_jint(j, "round.id", 0), round);
			cJSON_Delete(j);
		}
		osx_cli_free(&cli);
		osx_http_free(&resp);
	}
	/* XLSX: a workbook (a zip), with a file name. */
	snprintf(path, sizeof path, "/api/export?round=%lld&format=xlsx", round);
	snprintf(auth, sizeof auth, "Cookie: os_session=%s\r\n", tok_mgr);
	ck_assert_int_eq(osx_http(srv.port, "GET", path, auth, NULL, &resp), 200);
	ck_assert(resp.body_len > 1000 && !memcmp(resp.body, "PK", 2));
	ck_assert_ptr_nonnull(strstr(osx_http_header(&resp, "content-disposition"), ".xlsx"));
	osx_http_free(&resp);
	/* Managers and admins only; a session is needed; bad input is 400. */
	snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", tok_a);
	ck_assert_int_eq(osx_http(srv.port, "GET", path, auth, NULL, &resp), 403);
	osx_http_free(&resp);
	ck_assert_int_eq(osx_http(srv.port, "GET", path, NULL, NULL, &resp), 401);
	osx_http_free(&resp);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", tok_mgr);
	ck_assert_int_eq(osx_http(srv.port, "GET", "/api/export?round=1&format=pdf", auth, NULL,
				  &resp), 400);
	osx_http_free(&resp);
	ck_assert_int_eq(osx_http(srv.port, "GET", "/api/export?round=99999&format=csv", auth,
				  NULL, &resp), 404);
	osx_http_free(&resp);
	ck_assert_int_eq(osx_cli(NULL, NULL, NULL, "export", "--db", srv.db, "--round", "99999",
				 "--format", "csv", (char *)NULL), 1);
	ck_assert_int_eq(osx_cli(NULL, NULL, NULL, "export", "--db", srv.db, "--round", roundarg,
				 "--format", "pdf", (char *)NULL), 2);
	osx_ws_close(m);
	osx_ws_close(a);
	osx_ws_close(b);
}
END_TEST

/* The whole of a file, NUL-terminated, with its length; NULL when it cannot
 * be read. The caller frees it. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = '\0';
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* lang=nb over HTTP and --lang nb on the command line give the same
 * Norwegian report; CSV is the same in every language; an unknown language
 * is refused and nothing is produced. */
START_TEST(exports_in_the_readers_language)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a = osx_ws_open(srv.port, tok_a),
		      *b = osx_ws_open(srv.port, tok_b);
	static const char *const bad[] = {"xx", "", "NB", "no", "nb-NO", "sv+"};
	char path[160], auth[OSX_TOKEN_MAX + 40], roundarg[32], out[400], *md_en, *file;
	struct osx_http_resp resp;
	struct osx_cli_result cli;
	long long round, p1;
	size_t len;

	ck_assert(m && a && b);
	round = open_round(m, "Språk");
	p1 = idea(a, round, "Felles kundeoversikt", "x");
	idea(b, round, "Kortere møter", "y");
	vote(a, p1, 1);
	vote(b, p1, 1);
	snprintf(roundarg, sizeof roundarg, "%lld", round);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", tok_mgr);

	/* The English report, to see that nothing else changes. */
	snprintf(path, sizeof path, "/api/export?round=%lld&format=md", round);
	ck_assert_int_eq(osx_http(srv.port, "GET", path, auth, NULL, &resp), 200);
	md_en = strdup(resp.body);
	ck_assert_ptr_nonnull(strstr(md_en, "## Ranked ideas and plans"));
	osx_http_free(&resp);

	/* Norwegian over HTTP, the same bytes from the command line. */
	snprintf(path, sizeof path, "/api/export?round=%lld&format=md&lang=nb", round);
	ck_assert_int_eq(osx_http(srv.port, "GET", path, auth, NULL, &resp), 200);
	ck_assert_ptr_nonnull(strstr(osx_http_header(&resp, "content-type"), "text/markdown"));
	ck_assert_ptr_nonnull(strstr(resp.body, "\n## Satsingsområder\n"));
	ck_assert_ptr_nonnull(strstr(resp.body, "\n## Prioritert liste\n"));
	ck_assert_ptr_nonnull(strstr(resp.body, "| Plass | Tittel | Type | Forfatter | Rolle |"));
	ck_assert_ptr_nonnull(strstr(resp.body, "| Felles kundeoversikt | idé | anna | ansatt |"));
	ck_assert_ptr_nonnull(strstr(resp.body, "**Fase:** åpen"));
	ck_assert_ptr_null(strstr(resp.body, "Ranked ideas"));
	ck_assert_int_eq(osx_cli(&cli, NULL, NULL, "export", "--db", srv.db, "--round", roundarg,
				 "--format", "md", "--lang", "nb", (char *)NULL),
			 0);
	ck_assert_msg(resp.body_len == strlen(cli.out) && !memcmp(resp.body, cli.out, resp.body_len),
		      "HTTP and CLI differ:\n%s\n---\n%s", resp.body, cli.out);
	osx_cli_free(&cli);
	osx_http_free(&resp);

	/* Swedish XLSX: the same workbook both ways. */
	snprintf(path, sizeof path, "/api/export?round=%lld&format=xlsx&lang=sv", round);
	ck_assert_int_eq(osx_http(srv.port, "GET", path, auth, NULL, &resp), 200);
	ck_assert(resp.body_len > 1000 && !memcmp(resp.body, "PK", 2));
	snprintf(out, sizeof out, "%s/sv.xlsx", srv.dir);
	ck_assert_int_eq(osx_cli(NULL, NULL, NULL, "export", "--db", srv.db, "--round", roundarg,
				 "--format", "xlsx", "--lang", "sv", "--out", out, (char *)NULL),
			 0);
	file = slurp(out, &len);
	ck_assert_ptr_nonnull(file);
	ck_assert_msg(len == resp.body_len && !memcmp(file, resp.body, len),
		      "XLSX differs between HTTP and CLI");
	free(file);
	osx_http_free(&resp);

	/* CSV is for machines: the same with or without a language. */
	snprintf(path, sizeof path, "/api/export?round=%lld&format=csv&lang=da", round);
	ck_assert_int_eq(osx_http(srv.port, "GET", path, auth, NULL, &resp), 200);
	ck_assert_int_eq(osx_cli(&cli, NULL, NULL, "export", "--db", srv.db, "--round", roundarg,
				 "--format", "csv", (char *)NULL),
			 0);
	ck_assert_str_eq(resp.body, cli.out);
	ck_assert_ptr_nonnull(strstr(resp.body, "rank,id,kind,title,author,role,org,"));
	osx_cli_free(&cli);
	osx_http_free(&resp);

	/* An unknown language: 400 bad_request, no file. */
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cJSON *j;

		snprintf(path, sizeof path, "/api/export?round=%lld&format=md&lang=%s", round,
			 bad[i]);
		ck_assert_msg(osx_http(srv.port, "GET", path, auth, NULL, &resp) == 400, "lang=%s: %d",
			      bad[i], resp.status);
		ck_assert_ptr_null(osx_http_header(&resp, "content-disposition"));
		j = osx_http_json(&resp);
		ck_assert_ptr_nonnull(j);
		ck_assert_str_eq(osx_errcode(j), "bad_request");
		cJSON_Delete(j);
		osx_http_free(&resp);
	}
	/* ... and the command line says so, exits 2 and writes nothing. */
	snprintf(out, sizeof out, "%s/bad.md", srv.dir);
	ck_assert_int_eq(osx_cli(&cli, NULL, NULL, "export", "--db", srv.db, "--round", roundarg,
				 "--format", "md", "--lang", "klingon", "--out", out, (char *)NULL),
			 2);
	ck_assert_ptr_nonnull(strstr(cli.err, "--lang is en, nb, sv or da"));
	ck_assert_str_eq(cli.out, "");
	ck_assert_int_ne(access(out, F_OK), 0);
	osx_cli_free(&cli);
	ck_assert_int_eq(osx_cli(&cli, NULL, NULL, "export", "--db", srv.db, "--round", roundarg,
				 "--format", "md", "--lang", "", (char *)NULL),
			 2);
	ck_assert_str_eq(cli.out, "");
	osx_cli_free(&cli);

	/* Nothing else changed: the English report is as it was. */
	snprintf(path, sizeof path, "/api/export?round=%lld&format=md&lang=en", round);
	ck_assert_int_eq(osx_http(srv.port, "GET", path, auth, NULL, &resp), 200);
	ck_assert_str_eq(resp.body, md_en);
	osx_http_free(&resp);
	free(md_en);
	osx_ws_close(m);
	osx_ws_close(a);
	osx_ws_close(b);
}
END_TEST

START_TEST(groups_disagree)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a = osx_ws_open(srv.port, tok_a),
		      *b = osx_ws_open(srv.port, tok_b), *c = osx_ws_open(srv.port, tok_c);
	long long round, split, loved;
	cJSON *r;

	ck_assert(m && a && b && c);
	round = open_round(m, "Insights");
	split = idea(a, round, "Four-day week", "x");
	loved = idea(a, round, "Clear invoices", "y");
	/* Employees love the four-day week, managers do not. */
	vote(a, split, 1);
	vote(b, split, 1);
	vote(c, split, 1);
	{
		char t1[OSX_TOKEN_MAX], t2[OSX_TOKEN_MAX];
		struct osx_ws *m1, *m2;

		ck_assert_int_eq(osx_user_new(&srv, "boss1", "manager", t1, sizeof t1), 0);
		ck_assert_int_eq(osx_user_new(&srv, "boss2", "admin", t2, sizeof t2), 0);
		m1 = osx_ws_open(srv.port, t1);
		m2 = osx_ws_open(srv.port, t2);
		vote(m1, split, -1);
		vote(m2, split, -1);
		vote(m1, loved, 1);
		vote(m2, loved, 1);
		osx_ws_close(m1);
		osx_ws_close(m2);
	}
	vote(a, loved, 1);
	vote(b, loved, 1);
	r = ok(osx_ws_call(m, 0, "{\"op\":\"round.insights\",\"round\":%lld}", round), "insights");
	ck_assert_int_ge(cJSON_GetArraySize(osx_jget(r, "disagree")), 1);
	ck_assert_int_eq(osx_jint(r, "disagree.0.post", 0), split);
	ck_assert(osx_jnum(r, "disagree.0.spread", 0) > 0.99);
	ck_assert_int_eq(osx_jbool(r, "disagree.0.groups.employees.present"), 1);
	ck_assert(osx_jnum(r, "disagree.0.groups.employees.support", 0) > 0.99);
	ck_assert(osx_jnum(r, "disagree.0.groups.managers.support", 1) < 0.01);
	ck_assert_int_eq(osx_jint(r, "agree.0.post", 0), loved);
	cJSON_Delete(r);
	r = osx_ws_call(a, 0, "{\"op\":\"round.insights\",\"round\":%lld}", round);
	ck_assert_str_eq(osx_errcode(r), "forbidden");
	cJSON_Delete(r);
	osx_ws_close(m);
	osx_ws_close(a);
	osx_ws_close(b);
	osx_ws_close(c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("lead");
	TCase *tc = tcase_create("lead");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, merge_moves_votes_and_shows_comments);
	tcase_add_test(tc, priorities_live);
	tcase_add_test(tc, search_is_scoped);
	tcase_add_test(tc, exports_agree_and_are_guarded);
	tcase_add_test(tc, exports_in_the_readers_language);
	tcase_add_test(tc, groups_disagree);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
