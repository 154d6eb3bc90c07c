/*
 * src/dispatch/: the JSON envelope under hostile input. Every request gets
 * exactly one well-formed reply; malformed JSON, the wrong shapes and the
 * wrong types get the contract's error codes with a message naming the
 * field; rid is echoed exactly; a bad request never changes any data.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lang.h"
#include "dispatch/dispatch.h"
#include "dispatch/render.h"
#include "fixture.h"
#include "store/audit.h"
#include "store/posts.h"

#define HELLO "{\"op\":\"hello\"}"
#define HELLO1 "{\"op\":\"hello\",\"rid\":1}"
#define NOPE77 "{\"op\":\"nope\",\"rid\":77}"

static struct fx X;
static struct dispatch *D;
static int subscribes, unsubscribes;

static int
hub_subscribe(void *arg, void *conn, int64_t round, const struct user *u)
{
	(void)arg;
	(void)conn;
	(void)round;
	(void)u;
	subscribes++;
	return OS_OK;
}

static void
hub_unsubscribe(void *arg, void *conn, int64_t round)
{
	(void)arg;
	(void)conn;
	(void)round;
	unsubscribes++;
}

static size_t
hub_online(void *arg, int64_t round, struct user *out, size_t max, size_t *total)
{
	(void)arg;
	(void)round;
	if (max < 1) {
		*total = 1;
		return 0;
	}
	out[0] = X.emp;
	*total = 1;
	return 1;
}

static void
setup(void)
{
	struct dispatch_hub hub = {.subscribe = hub_subscribe,
				   .unsubscribe = hub_unsubscribe,
				   .online = hub_online};

	fx_open(&X, 0);
	D = dispatch_new(X.f, &hub);
	ck_assert_ptr_nonnull(D);
	subscribes = unsubscribes = 0;
}

static void
teardown(void)
{
	dispatch_free(D);
	D = NULL;
	fx_close(&X);
}

/* Sends raw bytes as u; returns the reply text (caller frees), checked to
 * be one JSON object, and commits what the request wrote as the transport
 * would. */
static char *
send_raw(const struct user *u, const char *msg, size_t len, int *is_write)
{
	size_t out_len = 0;
	int w = -1;
	char *reply = dispatch_request(D, u, (void *)0x1, msg, len, &out_len, &w);
	cJSON *j;

	ck_assert_ptr_nonnull(reply);
	ck_assert_uint_eq(out_len, strlen(reply));
	ck_assert(w == 0 || w == 1);
	j = cJSON_Parse(reply);
	ck_assert_msg(j && cJSON_IsObject(j), "the reply is not one JSON object: %.200s", reply);
	cJSON_Delete(j);
	ck_assert_int_eq(store_commit(X.st), OS_OK);
	if (is_write)
		*is_write = w;
	return reply;
}

static cJSON *
call_as(const struct user *u, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static cJSON *
call_as(const struct user *u, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	char *reply;
	cJSON *j;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	reply = send_raw(u, buf, strlen(buf), NULL);
	j = cJSON_Parse(reply);
	free(reply);
	return j;
}

static int
is_ok(const cJSON *j)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "ok"));
}

static const char *
err_code(const cJSON *j)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "code");

	ck_assert_msg(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "ok")),
		      "expected an error reply");
	ck_assert_msg(cJSON_IsString(c), "an error reply without a code");
	return c->valuestring;
}

static const char *
err_message(const cJSON *j)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "message");

	ck_assert_msg(cJSON_IsString(m), "an error reply without a message");
	return m->valuestring;
}

/* Asserts an error reply with this code whose message names field. */
static void
expect_error(const struct user *u, const char *code, const char *field, const char *req)
{
	char *reply = send_raw(u, req, strlen(req), NULL);
	cJSON *j = cJSON_Parse(reply);

	ck_assert_msg(!is_ok(j), "%.200s was accepted: %.300s", req, reply);
	ck_assert_msg(!strcmp(err_code(j), code), "%.200s: expected %s, got %s (%.200s)", req, code,
		      err_code(j), err_message(j));
	if (field) {
		char quoted[64];

		snprintf(quoted, sizeof quoted, "'%s'", field);
		ck_assert_msg(strstr(err_message(j), quoted) != NULL,
			      "%.200s: the message should name %s: \"%.200s\"", req, quoted,
			      err_message(j));
	}
	cJSON_Delete(j);
	free(reply);
}

static int64_t
jint(const cJSON *j, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, a);

	if (b)
		v = cJSON_GetObjectItemCaseSensitive(v, b);
	ck_assert_msg(cJSON_IsNumber(v), "no number at %s.%s", a, b ? b : "");
	return (int64_t)v->valuedouble;
}

static int64_t
open_round(void)
{
	cJSON *j = call_as(&X.mgr, "{\"op\":\"round.create\",\"rid\":1,\"title\":\"R\","
				   "\"audience\":\"internal\",\"vote_mode\":\"updown\"}");
	int64_t id;

	ck_assert(is_ok(j));
	id = jint(j, "round", "id");
	cJSON_Delete(j);
	j = call_as(&X.mgr, "{\"op\":\"round.update\",\"round\":%lld,\"phase\":\"open\"}",
		    (long long)id);
	ck_assert(is_ok(j));
	cJSON_Delete(j);
	fx_clear_events(&X);
	return id;
}

static int64_t
new_post(int64_t round)
{
	cJSON *j = call_as(&X.emp, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
				   "\"title\":\"T\",\"body\":\"B\"}",
			   (long long)round);
	int64_t id;

	ck_assert(is_ok(j));
	id = jint(j, "post", "id");
	cJSON_Delete(j);
	fx_clear_events(&X);
	return id;
}

START_TEST(hello_answers_with_user_and_server)
{
	int w = -1;
	char *reply = send_raw(&X.emp, HELLO1, strlen(HELLO1), &w);
	cJSON *j = cJSON_Parse(reply);
	const cJSON *user = cJSON_GetObjectItemCaseSensitive(j, "user");
	const cJSON *server = cJSON_GetObjectItemCaseSensitive(j, "server");

	ck_assert(is_ok(j));
	ck_assert_int_eq(w, 0);
	ck_assert_int_eq(jint(j, "rid", NULL), 1);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(user, "username")->valuestring, "anna");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(user, "role")->valuestring, "employee");
	ck_assert(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(server, "version")));
	cJSON_Delete(j);
	free(reply);
}
END_TEST

/* The USER of a reply: its "lang" as a string, "null", or "absent". */
static const char *
user_lang(const cJSON *user)
{
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(user, "lang");

	if (!l)
		return "absent";
	if (cJSON_IsNull(l))
		return "null";
	ck_assert_msg(cJSON_IsString(l), "lang is neither a string nor null");
	return l->valuestring;
}

static struct user
stored(int64_t id)
{
	struct user u;

	ck_assert_int_eq(store_user_by_id(X.st, id, &u), OS_OK);
	return u;
}

START_TEST(hello_carries_the_callers_lang_and_nobody_elses)
{
	int64_t round = open_round(), pid = new_post(round);
	struct user anna;
	cJSON *j, *r;

	j = call_as(&X.emp, HELLO);
	ck_assert_str_eq(user_lang(cJSON_GetObjectItemCaseSensitive(j, "user")), "null");
	cJSON_Delete(j);
	r = call_as(&X.emp, "{\"op\":\"user.settings\",\"lang\":\"da\"}");
	ck_assert(is_ok(r));
	cJSON_Delete(r);
	anna = stored(X.emp.id);
	j = call_as(&anna, HELLO);
	ck_assert_str_eq(user_lang(cJSON_GetObjectItemCaseSensitive(j, "user")), "da");
	cJSON_Delete(j);
	/* Her choice is hers: as an author she carries none, whoever asks. */
	j = call_as(&anna, "{\"op\":\"post.get\",\"post\":%lld}", (long long)pid);
	ck_assert(is_ok(j));
	ck_assert_str_eq(user_lang(cJSON_GetObjectItemCaseSensitive(
				 cJSON_GetObjectItemCaseSensitive(j, "post"), "author")),
			 "absent");
	cJSON_Delete(j);
}
END_TEST

START_TEST(user_settings_sets_and_clears_the_language)
{
	static const char *const langs[] = {"nb", "sv", "da", "en"};
	int w = -1;
	char *reply;
	cJSON *j;

	for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
		fx_clear_events(&X);
		j = call_as(&X.emp, "{\"op\":\"user.settings\",\"rid\":3,\"lang\":\"%s\"}", langs[i]);
		ck_assert_msg(is_ok(j), "lang %s refused", langs[i]);
		ck_assert_int_eq(jint(j, "rid", NULL), 3);
		ck_assert_str_eq(user_lang(cJSON_GetObjectItemCaseSensitive(j, "user")), langs[i]);
		ck_assert_str_eq(os_lang_code((enum os_lang)stored(X.emp.id).lang), langs[i]);
		ck_assert_int_eq(stored(X.emp.id).has_lang, 1);
		cJSON_Delete(j);
		/* The user's connections are told. */
		ck_assert_uint_eq(X.nev, 1);
		ck_assert_int_eq(X.ev[0].type, EV_USER_UPDATED);
	}
	/* null clears the choice; the display name is left alone. */
	reply = send_raw(&X.emp, "{\"op\":\"user.settings\",\"lang\":null}",
			 strlen("{\"op\":\"user.settings\",\"lang\":null}"), &w);
	ck_assert_int_eq(w, 1);
	j = cJSON_Parse(reply);
	free(reply);
	ck_assert(is_ok(j));
	ck_assert_str_eq(user_lang(cJSON_GetObjectItemCaseSensitive(j, "user")), "null");
	ck_assert_int_eq(stored(X.emp.id).has_lang, 0);
	ck_assert_str_eq(stored(X.emp.id).display_name, "anna");
	cJSON_Delete(j);
	/* Another user's choice was never touched. */
	ck_assert_int_eq(stored(X.emp2.id).has_lang, 0);
}
END_TEST

START_TEST(user_settings_trims_the_display_name)
{
	struct audit_entry *e = NULL;
	size_t n = 0;
	char name[4 * 80 + 1] = "";
	cJSON *j;

	j = call_as(&X.emp, "{\"op\":\"user.settings\",\"display_name\":\" \\t Anna Åsen \\n\","
			    "\"lang\":\"nb\"}");
	ck_assert(is_ok(j));
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(
				 cJSON_GetObjectItemCaseSensitive(j, "user"), "display_name")->valuestring,
			 "Anna Åsen");
	cJSON_Delete(j);
	ck_assert_str_eq(stored(X.emp.id).display_name, "Anna Åsen");
	ck_assert_str_eq(os_lang_code((enum os_lang)stored(X.emp.id).lang), "nb");
	/* A new name is in the audit log, by its owner. */
	ck_assert_int_eq(store_audit_list(X.st, 0, 10, &e, &n), OS_OK);
	ck_assert_uint_ge(n, 1);
	ck_assert_str_eq(e[0].action, "user.rename");
	ck_assert_int_eq(e[0].actor.id, X.emp.id);
	ck_assert_str_eq(e[0].detail, "Anna Åsen");
	for (size_t i = 0; i < n; i++)
		free(e[i].detail);
	free(e);
	/* 80 characters (160 bytes) is the most. */
	for (int i = 0; i < 80; i++)
		strcat(name, "ø");
	j = call_as(&X.emp, "{\"op\":\"user.settings\",\"display_name\":\"%s\"}", name);
	ck_assert(is_ok(j));
	cJSON_Delete(j);
	ck_assert_str_eq(stored(X.emp.id).display_name, name);
}
END_TEST

START_TEST(user_settings_bad_values_change_nothing)
{
	char long_name[100];
	char reqs[24][256];
	const char *field[24];
	size_t n = 0;
	uint64_t before;

	memset(long_name, 'x', 81);
	long_name[81] = '\0';
#define REQ(f, ...) (field[n] = (f), snprintf(reqs[n++], sizeof reqs[0], __VA_ARGS__))
	REQ("lang", "{\"op\":\"user.settings\",\"lang\":\"NB\"}");
	REQ("lang", "{\"op\":\"user.settings\",\"lang\":\"no\"}");
	REQ("lang", "{\"op\":\"user.settings\",\"lang\":\"nb-NO\"}");
	REQ("lang", "{\"op\":\"user.settings\",\"lang\":\"\"}");
	REQ("lang", "{\"op\":\"user.settings\",\"lang\":5}");
	REQ("lang", "{\"op\":\"user.settings\",\"lang\":true}");
	REQ("lang", "{\"op\":\"user.settings\",\"lang\":[\"nb\"]}");
	REQ("display_name", "{\"op\":\"user.settings\",\"display_name\":\"\"}");
	REQ("display_name", "{\"op\":\"user.settings\",\"display_name\":\" \\t \"}");
	REQ("display_name", "{\"op\":\"user.settings\",\"display_name\":\"%s\"}", long_name);
	REQ("display_name", "{\"op\":\"user.settings\",\"display_name\":\"Anna\\nAdmin\"}");
	REQ("display_name", "{\"op\":\"user.settings\",\"display_name\":\"Anna\\u0007\"}");
	REQ("display_name", "{\"op\":\"user.settings\",\"display_name\":\"Anna\\u0085x\"}");
	REQ("display_name", "{\"op\":\"user.settings\",\"display_name\":\"A\\u007f\"}");
	REQ("display_name", "{\"op\":\"user.settings\",\"display_name\":\"A\xff\"}");
	REQ("display_name", "{\"op\":\"user.settings\",\"display_name\":null}");
	REQ("display_name", "{\"op\":\"user.settings\",\"display_name\":42}");
	/* One bad field and one good: neither is written. */
	REQ("display_name", "{\"op\":\"user.settings\",\"lang\":\"sv\",\"display_name\":\"\"}");
	REQ("lang", "{\"op\":\"user.settings\",\"lang\":\"xx\",\"display_name\":\"New Name\"}");
#undef REQ

	before = fx_fingerprint(&X);
	for (size_t i = 0; i < n; i++) {
		expect_error(&X.emp, "bad_request", field[i], reqs[i]);
		ck_assert_msg(fx_fingerprint(&X) == before, "%s changed data", reqs[i]);
		ck_assert_int_eq(store_group_open(X.st), 0);
	}
	fx_assert_no_event(&X);
	ck_assert_str_eq(stored(X.emp.id).display_name, "anna");
	ck_assert_int_eq(stored(X.emp.id).has_lang, 0);
}
END_TEST

START_TEST(malformed_json_is_bad_request)
{
	static const char *const bad[] = {
		"{", "}", "", " ", "nul", "not json", "{\"op\":", "{\"op\":\"hello\"",
		"{\"op\":\"hello\",}", "{'op':'hello'}", "{\"op\" \"hello\"}",
		"\xff\xfe{}", "{\"op\":\"hel\\lo\"}", "{\"op\":\"hello\",\"rid\":1.2.3}",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *reply = send_raw(&X.emp, bad[i], strlen(bad[i]), NULL);
		cJSON *j = cJSON_Parse(reply);

		ck_assert_msg(!is_ok(j) && !strcmp(err_code(j), "bad_request"),
			      "'%s' got %s", bad[i], reply);
		ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(j, "rid"));
		cJSON_Delete(j);
		free(reply);
	}
	/* The length given is what is parsed: a valid prefix is not enough,
	 * and bytes past the length are not read. */
	{
		const char *msg = "{\"op\":\"hello\"}";
		char *reply = send_raw(&X.emp, msg, 5, NULL);

		ck_assert_ptr_nonnull(strstr(reply, "bad_request"));
		free(reply);
	}
}
END_TEST

/* A message is one JSON object: what follows it is not ignored. */
START_TEST(trailing_garbage_is_malformed)
{
	static const char *const bad[] = {
		"{\"op\":\"hello\"}}",
		"{\"op\":\"hello\"} x",
		"{\"op\":\"hello\"}{\"op\":\"hello\"}",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *reply = send_raw(&X.emp, bad[i], strlen(bad[i]), NULL);

		ck_assert_msg(strstr(reply, "bad_request") != NULL,
			      "'%s' is not one JSON object but got: %s", bad[i], reply);
		free(reply);
	}
	/* White space around the object is fine. */
	{
		const char *msg = " \n{\"op\":\"hello\"}\r\n ";
		char *reply = send_raw(&X.emp, msg, strlen(msg), NULL);

		ck_assert_ptr_nonnull(strstr(reply, "\"ok\":true"));
		free(reply);
	}
}
END_TEST

START_TEST(non_objects_are_bad_request)
{
	static const char *const bad[] = {
		"[]", "[{\"op\":\"hello\",\"rid\":1}]", "42", "-1.5e300", "\"hello\"", "null",
		"true", "false", "[1,2,3]",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *reply = send_raw(&X.emp, bad[i], strlen(bad[i]), NULL);
		cJSON *j = cJSON_Parse(reply);

		ck_assert_msg(!strcmp(err_code(j), "bad_request"), "'%s' got %s", bad[i], reply);
		cJSON_Delete(j);
		free(reply);
	}
}
END_TEST

START_TEST(missing_or_mistyped_op)
{
	expect_error(&X.emp, "bad_request", "op", "{\"rid\":1}");
	expect_error(&X.emp, "bad_request", "op", "{}");
	expect_error(&X.emp, "bad_request", "op", "{\"op\":5,\"rid\":2}");
	expect_error(&X.emp, "bad_request", "op", "{\"op\":null,\"rid\":2}");
	expect_error(&X.emp, "bad_request", "op", "{\"op\":[\"hello\"],\"rid\":2}");
	expect_error(&X.emp, "bad_request", "op", "{\"op\":{\"name\":\"hello\"}}");
	expect_error(&X.emp, "bad_request", "op", "{\"op\":true}");
	expect_error(&X.emp, "bad_request", "op", "{\"Op\":\"hello\"}");
	{
		cJSON *j = call_as(&X.emp, "{\"op\":5,\"rid\":2}");

		ck_assert_int_eq(jint(j, "rid", NULL), 2);
		cJSON_Delete(j);
	}
}
END_TEST

START_TEST(unknown_op_echoes_rid)
{
	int w = -1;
	char *reply = send_raw(&X.emp, NOPE77, strlen(NOPE77), &w);
	cJSON *j = cJSON_Parse(reply);

	ck_assert_str_eq(err_code(j), "unknown_op");
	ck_assert_int_eq(jint(j, "rid", NULL), 77);
	ck_assert_int_eq(w, 0);
	cJSON_Delete(j);
	free(reply);
	expect_error(&X.emp, "unknown_op", NULL, "{\"op\":\"\"}");
	expect_error(&X.emp, "unknown_op", NULL, "{\"op\":\"HELLO\"}");
	expect_error(&X.emp, "unknown_op", NULL, "{\"op\":\"hello \"}");
	expect_error(&X.emp, "unknown_op", NULL, "{\"op\":\"round.delete\"}");
	expect_error(&X.emp, "unknown_op", NULL, "{\"op\":\"__proto__\"}");
}
END_TEST

/* The reply carries rid as sent, to the digit. */
static void
expect_rid_text(const char *req, const char *rid_text)
{
	char *reply = send_raw(&X.emp, req, strlen(req), NULL);
	char want[64];

	snprintf(want, sizeof want, "\"rid\":%s", rid_text);
	ck_assert_msg(strstr(reply, want) != NULL, "%s: expected %s in %s", req, want, reply);
	free(reply);
}

START_TEST(rid_is_echoed_exactly)
{
	expect_rid_text("{\"op\":\"hello\",\"rid\":123456789}", "123456789");
	expect_rid_text("{\"op\":\"hello\",\"rid\":0}", "0");
	expect_rid_text("{\"op\":\"hello\",\"rid\":-42}", "-42");
	expect_rid_text("{\"op\":\"hello\",\"rid\":2147483648}", "2147483648");
	expect_rid_text("{\"op\":\"post.get\",\"rid\":123456789}", "123456789");
	expect_rid_text("{\"op\":\"post.get\",\"post\":\"x\",\"rid\":4294967297}", "4294967297");
	/* A rid that is not a number is a bad request, echoed too. */
	expect_rid_text("{\"op\":\"hello\",\"rid\":\"abc\"}", "\"abc\"");
	expect_error(&X.emp, "bad_request", "rid", "{\"op\":\"hello\",\"rid\":\"abc\"}");
	expect_error(&X.emp, "bad_request", "rid", "{\"op\":\"hello\",\"rid\":[1]}");
	/* No rid: no rid in the reply. */
	{
		char *reply = send_raw(&X.emp, HELLO, strlen(HELLO), NULL);

		ck_assert_ptr_null(strstr(reply, "\"rid\""));
		free(reply);
	}
}
END_TEST

/* The largest integer a JavaScript client can send exactly, 2^53 - 1, must
 * come back to the digit, in ok and error replies alike. */
START_TEST(rid_2_pow_53_minus_1_is_echoed_exactly)
{
	expect_rid_text("{\"op\":\"hello\",\"rid\":9007199254740991}", "9007199254740991");
	expect_rid_text("{\"op\":\"nope\",\"rid\":9007199254740991}", "9007199254740991");
	expect_rid_text("{\"rid\":9007199254740991}", "9007199254740991");
	expect_rid_text("{\"op\":\"hello\",\"rid\":9007199254740990}", "9007199254740990");
	expect_rid_text("{\"op\":\"hello\",\"rid\":1234567890123457}", "1234567890123457");
}
END_TEST

START_TEST(wrong_typed_fields_name_the_field)
{
	int64_t round = open_round(), pid = new_post(round);
	char req[512];

	expect_error(&X.emp, "bad_request", "post", "{\"op\":\"post.get\",\"post\":\"12\"}");
	expect_error(&X.emp, "bad_request", "post", "{\"op\":\"post.get\"}");
	expect_error(&X.emp, "bad_request", "post", "{\"op\":\"post.get\",\"post\":0}");
	expect_error(&X.emp, "bad_request", "post", "{\"op\":\"post.get\",\"post\":-3}");
	expect_error(&X.emp, "bad_request", "post", "{\"op\":\"post.get\",\"post\":1.5}");
	expect_error(&X.emp, "bad_request", "post", "{\"op\":\"post.get\",\"post\":1e300}");
	expect_error(&X.emp, "bad_request", "post", "{\"op\":\"post.get\",\"post\":true}");
	expect_error(&X.emp, "bad_request", "post", "{\"op\":\"post.get\",\"post\":[1]}");
	expect_error(&X.emp, "bad_request", "post",
		     "{\"op\":\"post.get\",\"post\":9007199254740993}");

	snprintf(req, sizeof req, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":2}",
		 (long long)pid);
	expect_error(&X.emp, "bad_request", "value", req);
	snprintf(req, sizeof req, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":\"1\"}",
		 (long long)pid);
	expect_error(&X.emp, "bad_request", "value", req);
	snprintf(req, sizeof req, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":0.5}",
		 (long long)pid);
	expect_error(&X.emp, "bad_request", "value", req);
	snprintf(req, sizeof req, "{\"op\":\"vote.cast\",\"post\":%lld}", (long long)pid);
	expect_error(&X.emp, "bad_request", "value", req);

	snprintf(req, sizeof req, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
		 "\"title\":5,\"body\":\"b\"}", (long long)round);
	expect_error(&X.emp, "bad_request", "title", req);
	snprintf(req, sizeof req, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
		 "\"body\":\"b\"}", (long long)round);
	expect_error(&X.emp, "bad_request", "title", req);
	snprintf(req, sizeof req, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
		 "\"title\":\"t\",\"body\":{}}", (long long)round);
	expect_error(&X.emp, "bad_request", "body", req);
	snprintf(req, sizeof req, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"essay\","
		 "\"title\":\"t\",\"body\":\"b\"}", (long long)round);
	expect_error(&X.emp, "bad_request", "kind", req);
	expect_error(&X.emp, "bad_request", "round",
		     "{\"op\":\"post.create\",\"round\":\"1\",\"kind\":\"idea\","
		     "\"title\":\"t\",\"body\":\"b\"}");

	snprintf(req, sizeof req, "{\"op\":\"comment.create\",\"post\":%lld,\"parent\":\"x\","
		 "\"body\":\"b\"}", (long long)pid);
	expect_error(&X.emp, "bad_request", "parent", req);
	snprintf(req, sizeof req, "{\"op\":\"chat.send\",\"round\":%lld,\"body\":[\"hi\"]}",
		 (long long)round);
	expect_error(&X.emp, "bad_request", "body", req);
	snprintf(req, sizeof req, "{\"op\":\"chat.history\",\"round\":%lld,\"limit\":1000}",
		 (long long)round);
	expect_error(&X.emp, "bad_request", "limit", req);
	snprintf(req, sizeof req, "{\"op\":\"round.update\",\"round\":%lld,\"phase\":\"archived\"}",
		 (long long)round);
	expect_error(&X.mgr, "bad_request", "phase", req);
	snprintf(req, sizeof req, "{\"op\":\"round.update\",\"round\":%lld,\"closes_at\":\"soon\"}",
		 (long long)round);
	expect_error(&X.mgr, "bad_request", "closes_at", req);
	expect_error(&X.mgr, "bad_request", "audience",
		     "{\"op\":\"round.create\",\"title\":\"t\",\"audience\":\"everyone\","
		     "\"vote_mode\":\"updown\"}");
	expect_error(&X.mgr, "bad_request", "vote_mode",
		     "{\"op\":\"round.create\",\"title\":\"t\",\"audience\":\"internal\","
		     "\"vote_mode\":7}");
	expect_error(&X.mgr, "bad_request", "title",
		     "{\"op\":\"round.create\",\"title\":12,\"audience\":\"internal\","
		     "\"vote_mode\":\"updown\"}");
	expect_error(&X.mgr, "bad_request", "dots_per_member",
		     "{\"op\":\"round.create\",\"title\":\"t\",\"audience\":\"internal\","
		     "\"vote_mode\":\"dots\"}");
}
END_TEST

START_TEST(limits_name_the_field_at_fault)
{
	int64_t round = open_round();
	char *big_title = fx_repeat("t", 201);
	char *req = malloc(64 * 1024);

	ck_assert_ptr_nonnull(req);
	snprintf(req, 64 * 1024, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
		 "\"title\":\"%s\",\"body\":\"b\"}", (long long)round, big_title);
	expect_error(&X.emp, "too_large", "title", req);
	snprintf(req, 64 * 1024, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
		 "\"title\":\"ok\",\"body\":\"   \"}", (long long)round);
	expect_error(&X.emp, "bad_request", "body", req);
	snprintf(req, 64 * 1024, "{\"op\":\"round.create\",\"title\":\"%s\","
		 "\"audience\":\"internal\",\"vote_mode\":\"updown\"}", big_title);
	expect_error(&X.mgr, "too_large", "title", req);
	snprintf(req, 64 * 1024, "{\"op\":\"round.update\",\"round\":%lld,\"title\":\"%s\"}",
		 (long long)round, big_title);
	expect_error(&X.mgr, "too_large", "title", req);
	snprintf(req, 64 * 1024, "{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"\"}",
		 (long long)round);
	expect_error(&X.emp, "bad_request", "body", req);
	free(big_title);
	free(req);
}
END_TEST

/* The description is over its limit, not the title. */
START_TEST(round_create_names_the_description)
{
	char *big_desc = fx_repeat("d", 20001);
	char *req = malloc(64 * 1024);

	ck_assert_ptr_nonnull(req);
	snprintf(req, 64 * 1024, "{\"op\":\"round.create\",\"title\":\"ok\",\"description\":\"%s\","
		 "\"audience\":\"internal\",\"vote_mode\":\"updown\"}", big_desc);
	expect_error(&X.mgr, "too_large", "description", req);
	free(big_desc);
	free(req);
}
END_TEST

START_TEST(round_update_names_the_description)
{
	int64_t round = open_round();
	char *big_desc = fx_repeat("d", 20001);
	char *req = malloc(64 * 1024);

	ck_assert_ptr_nonnull(req);
	snprintf(req, 64 * 1024, "{\"op\":\"round.update\",\"round\":%lld,\"title\":\"fine\","
		 "\"description\":\"%s\"}", (long long)round, big_desc);
	expect_error(&X.mgr, "too_large", "description", req);
	free(big_desc);
	free(req);
}
END_TEST

/* A valid parent and an empty body: the body is at fault, not the parent. */
START_TEST(comment_with_valid_parent_and_empty_body_names_the_body)
{
	int64_t round = open_round(), pid = new_post(round);
	cJSON *j = call_as(&X.emp, "{\"op\":\"comment.create\",\"post\":%lld,\"body\":\"c\"}",
			   (long long)pid);
	int64_t cid = jint(j, "comment", "id");
	char req[256];

	cJSON_Delete(j);
	snprintf(req, sizeof req, "{\"op\":\"comment.create\",\"post\":%lld,\"parent\":%lld,"
		 "\"body\":\"   \"}", (long long)pid, (long long)cid);
	expect_error(&X.emp, "bad_request", "body", req);
}
END_TEST

START_TEST(deep_nesting_does_not_crash)
{
	enum { DEPTH = 200000 };
	size_t cap = 2 * DEPTH + 64, n = 0;
	char *msg = malloc(cap);
	char *reply;

	ck_assert_ptr_nonnull(msg);
	n += (size_t)snprintf(msg, cap, "{\"op\":\"hello\",\"rid\":3,\"x\":");
	for (int i = 0; i < DEPTH; i++)
		msg[n++] = '[';
	for (int i = 0; i < DEPTH; i++)
		msg[n++] = ']';
	msg[n++] = '}';
	reply = send_raw(&X.emp, msg, n, NULL);
	ck_assert_ptr_nonnull(strstr(reply, "bad_request"));
	free(reply);

	/* Objects inside objects, unterminated. */
	n = 0;
	for (int i = 0; i < DEPTH / 8; i++) {
		memcpy(msg + n, "{\"a\":", 5);
		n += 5;
	}
	reply = send_raw(&X.emp, msg, n, NULL);
	ck_assert_ptr_nonnull(strstr(reply, "bad_request"));
	free(reply);

	/* Just under cJSON's nesting limit is still a request. */
	n = (size_t)snprintf(msg, cap, "{\"op\":\"hello\",\"x\":");
	for (int i = 0; i < 900; i++)
		msg[n++] = '[';
	for (int i = 0; i < 900; i++)
		msg[n++] = ']';
	msg[n++] = '}';
	reply = send_raw(&X.emp, msg, n, NULL);
	ck_assert_ptr_nonnull(strstr(reply, "\"ok\":true"));
	free(reply);
	free(msg);
}
END_TEST

START_TEST(huge_strings_do_not_crash)
{
	enum { BIG = 4 * 1024 * 1024 };
	int64_t round = open_round();
	char *big = fx_repeat("A", BIG);
	size_t cap = BIG + 256;
	char *msg = malloc(cap);
	char *reply;
	uint64_t before = fx_fingerprint(&X);
	int n;

	ck_assert_ptr_nonnull(msg);
	n = snprintf(msg, cap, "{\"op\":\"post.create\",\"rid\":9,\"round\":%lld,"
		     "\"kind\":\"idea\",\"title\":\"t\",\"body\":\"%s\"}", (long long)round, big);
	reply = send_raw(&X.emp, msg, (size_t)n, NULL);
	ck_assert_msg(strstr(reply, "too_large") != NULL, "%.200s", reply);
	free(reply);

	n = snprintf(msg, cap, "{\"op\":\"%s\",\"rid\":10}", big);
	reply = send_raw(&X.emp, msg, (size_t)n, NULL);
	ck_assert_ptr_nonnull(strstr(reply, "unknown_op"));
	/* The reply does not echo the whole op back. */
	ck_assert_uint_lt(strlen(reply), 1024);
	free(reply);

	n = snprintf(msg, cap, "{\"op\":\"hello\",\"rid\":11,\"%s\":1}", big);
	reply = send_raw(&X.emp, msg, (size_t)n, NULL);
	ck_assert_ptr_nonnull(strstr(reply, "\"ok\":true"));
	free(reply);

	n = snprintf(msg, cap, "{\"op\":\"chat.send\",\"rid\":12,\"round\":%lld,\"body\":\"%s\"}",
		     (long long)round, big);
	reply = send_raw(&X.emp, msg, (size_t)n, NULL);
	ck_assert_ptr_nonnull(strstr(reply, "too_large"));
	free(reply);

	ck_assert(fx_fingerprint(&X) == before);
	fx_assert_no_event(&X);
	free(big);
	free(msg);
}
END_TEST

/* markdown.preview renders a draft as post.create would store it, for
 * anyone signed in, and writes nothing. */
START_TEST(markdown_preview_is_the_stored_rendering)
{
	static const char *const drafts[] = {
		"use <b> tags and <script>alert(1)</script>",
		"# Goal\n\n**bold** `<code>` [x](javascript:alert(1))",
	};
	int64_t round = open_round();
	uint64_t before;
	char *big, *msg, *reply;
	size_t cap;
	int n, w;

	for (size_t i = 0; i < sizeof drafts / sizeof drafts[0]; i++) {
		cJSON *body = cJSON_CreateString(drafts[i]);
		char *quoted = cJSON_PrintUnformatted(body);
		cJSON *made = call_as(&X.emp, "{\"op\":\"post.create\",\"round\":%lld,"
					      "\"kind\":\"idea\",\"title\":\"T\",\"body\":%s}",
				      (long long)round, quoted);
		const cJSON *stored = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(made, "post"), "body_html");
		cJSON *prev = call_as(&X.cust, "{\"op\":\"markdown.preview\",\"text\":%s}",
				      quoted);
		const cJSON *html = cJSON_GetObjectItemCaseSensitive(prev, "html");

		ck_assert(is_ok(made));
		ck_assert_msg(is_ok(prev), "preview refused: %s", cJSON_PrintUnformatted(prev));
		ck_assert(cJSON_IsString(stored) && cJSON_IsString(html));
		ck_assert_str_eq(html->valuestring, stored->valuestring);
		ck_assert_ptr_nonnull(strstr(html->valuestring, "&lt;"));
		cJSON_Delete(made);
		cJSON_Delete(prev);
		cJSON_Delete(body);
		free(quoted);
	}

	fx_clear_events(&X);
	before = fx_fingerprint(&X);
	expect_error(&X.emp, "bad_request", "text", "{\"op\":\"markdown.preview\"}");
	expect_error(&X.emp, "bad_request", "text", "{\"op\":\"markdown.preview\",\"text\":7}");
	big = fx_repeat("a", OS_PLAN_MAX + 1);
	cap = OS_PLAN_MAX + 128;
	msg = malloc(cap);
	ck_assert_ptr_nonnull(msg);
	snprintf(msg, cap, "{\"op\":\"markdown.preview\",\"text\":\"%s\"}", big);
	expect_error(&X.emp, "bad_request", "text", msg);
	/* Exactly at the limit is fine. */
	big[OS_PLAN_MAX] = '\0';
	n = snprintf(msg, cap, "{\"op\":\"markdown.preview\",\"text\":\"%s\"}", big);
	reply = send_raw(&X.emp, msg, (size_t)n, &w);
	ck_assert_msg(strstr(reply, "\"ok\":true") != NULL, "%.200s", reply);
	ck_assert_int_eq(w, 0);
	free(reply);
	free(msg);
	free(big);
	ck_assert(fx_fingerprint(&X) == before);
	fx_assert_no_event(&X);
}
END_TEST

START_TEST(bad_requests_never_change_data)
{
	int64_t round = open_round(), pid = new_post(round);
	char reqs[24][512];
	size_t n = 0;
	uint64_t before;

#define REQ(...) snprintf(reqs[n++], sizeof reqs[0], __VA_ARGS__)
	REQ("{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\",\"title\":5,\"body\":\"b\"}",
	    (long long)round);
	REQ("{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"plan\",\"title\":\"t\",\"body\":\"b\"}",
	    (long long)round);
	REQ("{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\",\"title\":\"\",\"body\":\"b\"}",
	    (long long)round);
	REQ("{\"op\":\"post.create\",\"round\":999,\"kind\":\"idea\",\"title\":\"t\",\"body\":\"b\"}");
	REQ("{\"op\":\"comment.create\",\"post\":%lld,\"parent\":999,\"body\":\"b\"}",
	    (long long)pid);
	REQ("{\"op\":\"comment.create\",\"post\":%lld,\"body\":\"\"}", (long long)pid);
	REQ("{\"op\":\"comment.create\",\"post\":\"%lld\",\"body\":\"b\"}", (long long)pid);
	REQ("{\"op\":\"vote.cast\",\"post\":%lld,\"value\":2}", (long long)pid);
	REQ("{\"op\":\"vote.cast\",\"post\":%lld,\"dots\":1}", (long long)pid);
	REQ("{\"op\":\"vote.cast\",\"post\":%lld,\"value\":true}", (long long)pid);
	REQ("{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"   \"}", (long long)round);
	REQ("{\"op\":\"chat.send\",\"round\":%lld}", (long long)round);
	REQ("{\"op\":\"round.create\",\"title\":\"t\",\"audience\":\"internal\","
	    "\"vote_mode\":\"updown\"}"); /* as an employee: forbidden */
	REQ("{\"op\":\"round.update\",\"round\":%lld,\"phase\":\"draft\"}", (long long)round);
	REQ("{\"op\":\"round.update\",\"round\":%lld,\"title\":\"\"}", (long long)round);
	REQ("{\"op\":\"round.update\",\"round\":%lld,\"phase\":\"closed\",\"title\":7}",
	    (long long)round);
	REQ("{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\",\"title\":\"t\","
	    "\"body\":\"b\",", (long long)round);
	REQ("[{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"hi\"}]", (long long)round);
	REQ("{\"op\":\"chat.sendx\",\"round\":%lld,\"body\":\"hi\"}", (long long)round);
#undef REQ

	before = fx_fingerprint(&X);
	for (size_t i = 0; i < n; i++) {
		const struct user *u = strstr(reqs[i], "round.update") ? &X.mgr : &X.emp;
		char *reply = send_raw(u, reqs[i], strlen(reqs[i]), NULL);

		ck_assert_msg(strstr(reply, "\"ok\":false") != NULL, "%s was accepted: %s",
			      reqs[i], reply);
		free(reply);
		ck_assert_msg(fx_fingerprint(&X) == before, "%s changed data", reqs[i]);
		ck_assert_int_eq(store_group_open(X.st), 0);
	}
	fx_assert_no_event(&X);
}
END_TEST

/* The people admin's ops: malformed or refused, they change nothing, and
 * the error names the field. */
START_TEST(people_ops_refuse_bad_input)
{
	static const struct {
		const char *req, *code, *words;
	} bad[] = {
		{"{\"op\":\"users.list\",\"limit\":\"5\"}", "bad_request", "'limit'"},
		{"{\"op\":\"users.list\",\"limit\":0}", "bad_request", "'limit'"},
		{"{\"op\":\"users.list\",\"offset\":-1}", "bad_request", "'offset'"},
		{"{\"op\":\"users.list\",\"role\":\"boss\"}", "bad_request", "'role'"},
		{"{\"op\":\"users.list\",\"disabled\":1}", "bad_request", "'disabled'"},
		{"{\"op\":\"users.list\",\"query\":7}", "bad_request", "'query'"},
		{"{\"op\":\"user.update\",\"user\":3}", "bad_request", "one of"},
		{"{\"op\":\"user.update\",\"user\":\"3\",\"org\":\"x\"}", "bad_request", "'user'"},
		{"{\"op\":\"user.update\",\"user\":3,\"role\":\"king\"}", "bad_request", "'role'"},
		{"{\"op\":\"user.update\",\"user\":3,\"email\":\"a@b\"}", "bad_request", "'email'"},
		{"{\"op\":\"user.update\",\"user\":3,\"email\":5}", "bad_request", "'email'"},
		{"{\"op\":\"user.update\",\"user\":3,\"display_name\":\"  \"}", "bad_request",
		 "'display_name'"},
		{"{\"op\":\"user.update\",\"user\":3,\"org\":\"a\\nb\"}", "bad_request", "'org'"},
		{"{\"op\":\"user.update\",\"user\":999,\"org\":\"x\"}", "not_found", NULL},
		{"{\"op\":\"user.update\",\"user\":1,\"role\":\"manager\"}", "conflict",
		 "last enabled admin"},
		{"{\"op\":\"user.disable\",\"user\":1}", "conflict", "your own"},
		{"{\"op\":\"password.reset\"}", "bad_request", "'user'"},
		{"{\"op\":\"password.reset\",\"user\":999}", "not_found", NULL},
	};
	uint64_t before = fx_fingerprint(&X);

	ck_assert_int_eq(X.admin.id, 1);
	ck_assert_int_eq(X.emp.id, 3);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cJSON *j = call_as(&X.admin, "%s", bad[i].req);
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
		const char *code = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "code"));
		const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "message"));

		ck_assert_msg(code && !strcmp(code, bad[i].code), "%s: %s", bad[i].req,
			      cJSON_PrintUnformatted(j));
		if (bad[i].words)
			ck_assert_msg(msg && strstr(msg, bad[i].words), "%s: %s", bad[i].req, msg);
		cJSON_Delete(j);
		ck_assert_msg(fx_fingerprint(&X) == before, "%s changed data", bad[i].req);
	}
	ck_assert_int_eq(fx_count(&X, "password_resets"), 0);
	fx_assert_no_event(&X);
}
END_TEST

START_TEST(email_goes_to_oneself_and_admins_only)
{
	cJSON *j;

	ck_assert_int_eq(fx_exec(&X,
				      "UPDATE users SET email = 'anna@example.com' WHERE username = 'anna'"), SQL_OK);
	j = call_as(&X.emp, HELLO);
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
				 cJSON_GetObjectItemCaseSensitive(j, "user"), "email")),
			 "anna@example.com");
	cJSON_Delete(j);
	j = call_as(&X.admin, "{\"op\":\"users.list\",\"query\":\"ANNA@\"}");
	ck_assert(is_ok(j));
	ck_assert_int_eq(jint(j, "total", NULL), 1);
	ck_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
				 cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "users"), 0),
				 "email")), "anna@example.com");
	cJSON_Delete(j);
	/* A post's author is a USER for everyone: without it. */
	{
		int64_t round = open_round(), pid = new_post(round);

		j = call_as(&X.admin, "{\"op\":\"post.get\",\"post\":%lld}", (long long)pid);
		ck_assert(is_ok(j));
		ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "post"),
							 "author"), "email"));
		cJSON_Delete(j);
	}
}
END_TEST

START_TEST(writes_are_flagged_and_emit_their_event)
{
	int64_t round = open_round();
	int w = -1;
	char req[256];
	char *reply;

	snprintf(req, sizeof req, "{\"op\":\"post.create\",\"rid\":5,\"round\":%lld,"
		 "\"kind\":\"idea\",\"title\":\"t\",\"body\":\"**b**\"}", (long long)round);
	reply = send_raw(&X.emp, req, strlen(req), &w);
	ck_assert_int_eq(w, 1);
	ck_assert_ptr_nonnull(strstr(reply, "\"ok\":true"));
	ck_assert_ptr_nonnull(strstr(reply, "<strong>b</strong>"));
	free(reply);
	ck_assert_uint_eq(X.nev, 1);
	ck_assert_int_eq(X.ev[0].type, EV_POST_CREATED);
	ck_assert_int_eq(X.ev[0].round, round);
	/* A read is not a write. */
	snprintf(req, sizeof req, "{\"op\":\"chat.history\",\"round\":%lld}", (long long)round);
	reply = send_raw(&X.emp, req, strlen(req), &w);
	ck_assert_int_eq(w, 0);
	free(reply);
}
END_TEST

START_TEST(vote_tally_events_carry_no_personal_vote)
{
	int64_t round = open_round(), pid = new_post(round);
	struct os_event ev = {0};
	struct post p;
	char *json;
	cJSON *j;
	size_t len;
	const cJSON *reply_vote;

	j = call_as(&X.emp2, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":1}", (long long)pid);
	ck_assert(is_ok(j));
	reply_vote = cJSON_GetObjectItemCaseSensitive(j, "my_vote");
	ck_assert(cJSON_IsNumber(reply_vote));
	ck_assert_int_eq((int)reply_vote->valuedouble, 1);
	ck_assert_int_eq(jint(j, "tally", "up"), 1);
	cJSON_Delete(j);

	ck_assert_int_eq(store_post_get(X.st, pid, X.emp2.id, &p), OS_OK);
	ev.type = EV_VOTE_TALLY;
	ev.round = round;
	ev.post = &p;
	json = dispatch_render_event(&ev, &len);
	ck_assert_ptr_nonnull(json);
	ck_assert_ptr_null(strstr(json, "my_vote"));
	j = cJSON_Parse(json);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "ev")->valuestring, "vote.tally");
	ck_assert_int_eq(jint(j, "round", NULL), round);
	ck_assert_int_eq(jint(j, "post", NULL), pid);
	ck_assert_int_eq(jint(j, "tally", "up"), 1);
	cJSON_Delete(j);
	free(json);
	post_clear(&p);
}
END_TEST


static struct user
person(int64_t id, int role, const char *name, const char *org)
{
	struct user u = {.id = id, .role = role};

	snprintf(u.username, sizeof u.username, "%s", name);
	snprintf(u.display_name, sizeof u.display_name, "%s", name);
	snprintf(u.org, sizeof u.org, "%s", org);
	return u;
}

/* 1 when u, rendered for the current view, is anonymous; checks the shape. */
static int
shown_anonymous(const struct user *u)
{
	cJSON *o = render_user(u);
	const cJSON *anon;
	int yes;

	ck_assert_ptr_nonnull(o);
	anon = cJSON_GetObjectItemCaseSensitive(o, "anonymous");
	yes = cJSON_IsTrue(anon);
	ck_assert_int_eq((int64_t)cJSON_GetObjectItemCaseSensitive(o, "id")->valuedouble, u->id);
	if (yes) {
		ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(o, "username")->valuestring, "");
		ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(o, "display_name")->valuestring, "");
		ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(o, "org")->valuestring, "");
		ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(o, "role")->valuestring, "customer");
	} else {
		ck_assert_ptr_null(anon);
		ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(o, "display_name")->valuestring,
				 u->display_name);
	}
	cJSON_Delete(o);
	return yes;
}

START_TEST(customers_see_other_organisations_anonymously)
{
	struct user alfa = person(11, ROLE_CUSTOMER, "alfa", "Alfa");
	struct user alfa2 = person(12, ROLE_CUSTOMER, "alfa2", "Alfa");
	struct user beta = person(13, ROLE_CUSTOMER, "beta", "Beta");
	struct user none = person(14, ROLE_CUSTOMER, "none", "");
	struct user none2 = person(15, ROLE_CUSTOMER, "none2", "");
	struct user emp = person(16, ROLE_EMPLOYEE, "emp", "Staff AS");
	struct user mgr = person(17, ROLE_MANAGER, "mgr", "");
	struct post p = {.id = 5, .round = 1, .kind = KIND_IDEA, .title = "T", .body = "B",
			 .body_html = "<p>B</p>", .author = beta, .created_at = 1};
	struct os_event ev = {.type = EV_POST_CREATED, .round = 1, .post = &p};
	size_t len;
	char *json;

	/* A customer sees staff, themself and their own organisation. */
	render_set_view(&alfa, 0);
	ck_assert(shown_anonymous(&beta));
	ck_assert(shown_anonymous(&none));
	ck_assert(!shown_anonymous(&alfa));
	ck_assert(!shown_anonymous(&alfa2));
	ck_assert(!shown_anonymous(&emp));
	ck_assert(!shown_anonymous(&mgr));
	/* Having no organisation is not a shared one. */
	render_set_view(&none, 0);
	ck_assert(shown_anonymous(&none2));
	ck_assert(shown_anonymous(&alfa));
	ck_assert(!shown_anonymous(&none));
	/* The round's setting shows all; staff always see all. */
	render_set_view(&alfa, 1);
	ck_assert(!shown_anonymous(&beta));
	render_set_view(&emp, 0);
	ck_assert(!shown_anonymous(&beta));
	render_set_view(&mgr, 0);
	ck_assert(!shown_anonymous(&beta));
	render_set_view(NULL, 1);
	ck_assert(!shown_anonymous(&beta));

	/* Events: staff's rendering names the author whatever view a request
	 * has set; each customer's follows the round's setting. */
	render_set_view(&alfa, 0);
	json = dispatch_render_event(&ev, &len);
	ck_assert_ptr_nonnull(json);
	ck_assert_ptr_nonnull(strstr(json, "\"org\":\"Beta\""));
	free(json);
	json = dispatch_render_event_for(&ev, &alfa, 0, &len);
	ck_assert_ptr_nonnull(json);
	ck_assert_ptr_null(strstr(json, "Beta"));
	ck_assert_ptr_null(strstr(json, "beta"));
	ck_assert_ptr_nonnull(strstr(json, "\"anonymous\":true"));
	ck_assert_ptr_nonnull(strstr(json, "\"title\":\"T\""));
	free(json);
	json = dispatch_render_event_for(&ev, &beta, 0, &len);
	ck_assert_ptr_nonnull(strstr(json, "\"org\":\"Beta\""));
	free(json);
	ev.customers_see_each_other = 1;
	json = dispatch_render_event_for(&ev, &alfa, 0, &len);
	ck_assert_ptr_nonnull(strstr(json, "\"org\":\"Beta\""));
	free(json);
	/* The request's view is put back. */
	ck_assert(shown_anonymous(&beta));
	render_set_view(NULL, 1);
}
END_TEST

START_TEST(subscribe_uses_the_hub_only_for_members)
{
	int64_t round = open_round();
	cJSON *j;

	j = call_as(&X.emp, "{\"op\":\"round.subscribe\",\"round\":%lld}", (long long)round);
	ck_assert(is_ok(j));
	ck_assert_int_eq(subscribes, 1);
	ck_assert(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "posts")));
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "online")), 1);
	cJSON_Delete(j);
	j = call_as(&X.cust, "{\"op\":\"round.subscribe\",\"round\":%lld}", (long long)round);
	ck_assert_str_eq(err_code(j), "not_found");
	ck_assert_int_eq(subscribes, 1);
	cJSON_Delete(j);
	j = call_as(&X.emp, "{\"op\":\"round.unsubscribe\",\"round\":%lld}", (long long)round);
	ck_assert(is_ok(j));
	ck_assert_int_eq(unsubscribes, 1);
	cJSON_Delete(j);
}
END_TEST

START_TEST(reply_to_error_keeps_the_rid)
{
	const char *reply = "{\"rid\":9007199254740991,\"ok\":true,\"post\":{\"id\":3}}";
	size_t len = 0;
	char *s = dispatch_reply_to_error(reply, strlen(reply), OS_EINTERNAL, &len);
	cJSON *j;

	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(strstr(s, "\"rid\":9007199254740991"));
	j = cJSON_Parse(s);
	ck_assert_str_eq(err_code(j), "internal");
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(j, "post"));
	cJSON_Delete(j);
	free(s);
}
END_TEST

/* The op number of name, by its published name. */
static size_t
op_number(const char *name)
{
	for (size_t i = 0; i < dispatch_ops(); i++)
		if (!strcmp(dispatch_op_name(i), name))
			return i;
	ck_abort_msg("no op %s", name);
	return 0;
}

/* The metrics' requests by op and outcome: every answer is counted once,
 * under its op (or "unknown" when none was recognised) and the error it
 * carried. */
START_TEST(requests_are_counted_by_op_and_outcome)
{
	size_t hello = op_number("hello"), create = op_number("round.create");
	size_t unknown = dispatch_ops();
	cJSON *j;

	/* Names: every op once, "unknown" after them, nothing past. */
	ck_assert_uint_gt(dispatch_ops(), 10);
	ck_assert_uint_le(dispatch_ops(), DISPATCH_OPS_MAX);
	for (size_t i = 0; i < dispatch_ops(); i++) {
		ck_assert_ptr_nonnull(dispatch_op_name(i));
		ck_assert_str_ne(dispatch_op_name(i), "unknown");
		for (size_t k = 0; k < i; k++)
			ck_assert_str_ne(dispatch_op_name(i), dispatch_op_name(k));
	}
	ck_assert_str_eq(dispatch_op_name(unknown), "unknown");
	ck_assert_ptr_null(dispatch_op_name(unknown + 1));
	ck_assert_uint_eq(dispatch_requests(D, unknown + 1, OS_OK), 0);
	ck_assert_uint_eq(dispatch_requests(D, hello, OS_ERR_COUNT), 0);

	for (int i = 0; i < 3; i++)
		cJSON_Delete(call_as(&X.emp, HELLO1));
	ck_assert_uint_eq(dispatch_requests(D, hello, OS_OK), 3);
	/* An employee may not create a round: forbidden, under round.create. */
	j = call_as(&X.emp, "{\"op\":\"round.create\",\"title\":\"R\","
			    "\"audience\":\"internal\",\"vote_mode\":\"updown\"}");
	ck_assert_str_eq(err_code(j), "forbidden");
	cJSON_Delete(j);
	j = call_as(&X.mgr, "{\"op\":\"round.create\",\"title\":7}");
	ck_assert_str_eq(err_code(j), "bad_request");
	cJSON_Delete(j);
	ck_assert_uint_eq(dispatch_requests(D, create, OS_EFORBIDDEN), 1);
	ck_assert_uint_eq(dispatch_requests(D, create, OS_EBADREQ), 1);
	ck_assert_uint_eq(dispatch_requests(D, create, OS_OK), 0);
	open_round(); /* round.create and round.update, both ok */
	ck_assert_uint_eq(dispatch_requests(D, create, OS_OK), 1);
	ck_assert_uint_eq(dispatch_requests(D, op_number("round.update"), OS_OK), 1);
	/* No op recognised. */
	cJSON_Delete(call_as(&X.emp, NOPE77));
	cJSON_Delete(call_as(&X.emp, "{\"rid\":1}"));
	free(send_raw(&X.emp, "{nope", 5, NULL));
	ck_assert_uint_eq(dispatch_requests(D, unknown, OS_EUNKNOWNOP), 1);
	ck_assert_uint_eq(dispatch_requests(D, unknown, OS_EBADREQ), 2);
	/* Nothing else moved. */
	{
		uint64_t total = 0;

		for (size_t op = 0; op <= unknown; op++)
			for (int e = 0; e < OS_ERR_COUNT; e++)
				total += dispatch_requests(D, op, e);
		ck_assert_uint_eq(total, 3 + 2 + 2 + 3);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dispatch");
	TCase *tc = tcase_create("envelope");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, hello_answers_with_user_and_server);
	tcase_add_test(tc, hello_carries_the_callers_lang_and_nobody_elses);
	tcase_add_test(tc, user_settings_sets_and_clears_the_language);
	tcase_add_test(tc, user_settings_trims_the_display_name);
	tcase_add_test(tc, user_settings_bad_values_change_nothing);
	tcase_add_test(tc, malformed_json_is_bad_request);
	tcase_add_test(tc, trailing_garbage_is_malformed);
	tcase_add_test(tc, non_objects_are_bad_request);
	tcase_add_test(tc, missing_or_mistyped_op);
	tcase_add_test(tc, unknown_op_echoes_rid);
	tcase_add_test(tc, rid_is_echoed_exactly);
	tcase_add_test(tc, rid_2_pow_53_minus_1_is_echoed_exactly);
	tcase_add_test(tc, wrong_typed_fields_name_the_field);
	tcase_add_test(tc, limits_name_the_field_at_fault);
	tcase_add_test(tc, round_create_names_the_description);
	tcase_add_test(tc, round_update_names_the_description);
	tcase_add_test(tc, comment_with_valid_parent_and_empty_body_names_the_body);
	tcase_add_test(tc, deep_nesting_does_not_crash);
	tcase_add_test(tc, huge_strings_do_not_crash);
	tcase_add_test(tc, bad_requests_never_change_data);
	tcase_add_test(tc, writes_are_flagged_and_emit_their_event);
	tcase_add_test(tc, people_ops_refuse_bad_input);
	tcase_add_test(tc, email_goes_to_oneself_and_admins_only);
	tcase_add_test(tc, vote_tally_events_carry_no_personal_vote);
	tcase_add_test(tc, subscribe_uses_the_hub_only_for_members);
	tcase_add_test(tc, customers_see_other_organisations_anonymously);
	tcase_add_test(tc, reply_to_error_keeps_the_rid);
	tcase_add_test(tc, requests_are_counted_by_op_and_outcome);
	tcase_add_test(tc, markdown_preview_is_the_stored_rendering);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
