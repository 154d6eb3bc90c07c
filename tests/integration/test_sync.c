/*
 * Durability against the real binary: with synchronous=FULL the server
 * commits a group of writes and makes it durable with an fdatasync of the
 * WAL on a thread of its own, going on with the next group meanwhile. No
 * reply may tell anyone about a write before that sync has finished: not
 * the writer's acknowledgement, and not a read by someone else that shows
 * the write. A preloaded shim (tests/preload/syncdelay.c) makes every
 * fdatasync take 300 ms and logs when each one finished.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "osclient.h"

#define DELAY_MS 300

static struct osx_server srv;
static char tok_mgr[OSX_TOKEN_MAX], tok_a[OSX_TOKEN_MAX], tok_b[OSX_TOKEN_MAX];
static char synclog[64], failflag[80];

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* When the first fdatasync that began after t (and so covers a commit
 * made after t) finished, or 0. */
static long long
sync_end_after(long long t)
{
	FILE *f = fopen(synclog, "r");
	long long b, e, first = 0, end = 0;

	if (!f)
		return 0;
	while (fscanf(f, "%lld %lld", &b, &e) == 2)
		if (b > t && (!first || b < first)) {
			first = b;
			end = e;
		}
	fclose(f);
	return end;
}

static void
setup(void)
{
	static const char *const extra[] = {"--rate-limit", "0", NULL};
	char asan[512], delay[16];
	const char *old = getenv("ASAN_OPTIONS");
	int fd;

	snprintf(synclog, sizeof synclog, "/tmp/openstrat-synclog-XXXXXX");
	fd = mkstemp(synclog);
	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(delay, sizeof delay, "%d", DELAY_MS);
	setenv("OS_TEST_SYNC_DELAY_MS", delay, 1);
	setenv("OS_TEST_SYNC_LOG", synclog, 1);
	snprintf(failflag, sizeof failflag, "%s.fail", synclog);
	unlink(failflag);
	setenv("OS_TEST_SYNC_FAIL_IF", failflag, 1);
	setenv("LD_PRELOAD", OS_SYNCDELAY_LIB, 1);
	/* Under AddressSanitizer the shim comes before its runtime. */
	snprintf(asan, sizeof asan, "%s%sverify_asan_link_order=0", old ? old : "",
		 old && *old ? ":" : "");
	setenv("ASAN_OPTIONS", asan, 1);
	ck_assert_int_eq(osx_server_start(&srv, extra), 0);
	ck_assert_int_eq(osx_user_new(&srv, "mgr", "manager", tok_mgr, sizeof tok_mgr), 0);
	ck_assert_int_eq(osx_user_new(&srv, "anna", "employee", tok_a, sizeof tok_a), 0);
	ck_assert_int_eq(osx_user_new(&srv, "bert", "employee", tok_b, sizeof tok_b), 0);
}

static void
teardown(void)
{
	int st = osx_server_stop(&srv);

	osx_server_cleanup(&srv);
	unsetenv("LD_PRELOAD");
	unlink(synclog);
	unlink(failflag);
	ck_assert_int_eq(st, 0);
}

static cJSON *
ok(cJSON *reply, const char *what)
{
	ck_assert_msg(reply && osx_ok(reply), "%s: %s", what, osx_jtext(reply));
	return reply;
}

/* An open round called title, with one idea by author: the idea's id. */
static long long
idea_in_new_round(struct osx_ws *mgr, struct osx_ws *author, const char *title)
{
	long long round, post;
	cJSON *r;

	r = ok(osx_ws_call(mgr, 5000, "{\"op\":\"round.create\",\"title\":\"%s\","
				     "\"audience\":\"internal\",\"vote_mode\":\"updown\"}", title),
	       "round");
	round = osx_jint(r, "round.id", 0);
	cJSON_Delete(r);
	cJSON_Delete(ok(osx_ws_call(mgr, 5000, "{\"op\":\"round.update\",\"round\":%lld,"
					       "\"phase\":\"open\"}", round), "open"));
	r = ok(osx_ws_call(author, 5000, "{\"op\":\"post.create\",\"round\":%lld,"
					 "\"kind\":\"idea\",\"title\":\"%s\",\"body\":\"b\"}",
			   round, title), "post");
	post = osx_jint(r, "post.id", 0);
	cJSON_Delete(r);
	return post;
}

START_TEST(nothing_is_shown_before_its_sync_has_finished)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a = osx_ws_open(srv.port, tok_a),
		      *b = osx_ws_open(srv.port, tok_b);
	long long post, t_write, t_ack, t_read, t_sync;
	cJSON *r;
	char req[256];

	ck_assert(m && a && b);
	post = idea_in_new_round(m, a, "Durable");

	/* anna writes; while its sync runs, bert reads the post. */
	t_write = now_ns();
	snprintf(req, sizeof req, "{\"rid\":41,\"op\":\"comment.create\",\"post\":%lld,"
		 "\"body\":\"kept on disk\"}", post);
	ck_assert_int_eq(osx_ws_send_text(a, req), 0);
	usleep(60 * 1000);
	snprintf(req, sizeof req, "{\"rid\":42,\"op\":\"post.get\",\"post\":%lld}", post);
	ck_assert_int_eq(osx_ws_send_text(b, req), 0);

	/* bert's read first: a reply that shows the comment may not leave
	 * before the comment is durable. */
	r = ok(osx_ws_wait_reply(b, 42, 5000), "post.get");
	t_read = now_ns();
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "comments")), 1);
	ck_assert_str_eq(osx_jstr(r, "comments.0.body"), "kept on disk");
	cJSON_Delete(r);
	r = ok(osx_ws_wait_reply(a, 41, 5000), "comment.create");
	t_ack = now_ns();
	cJSON_Delete(r);

	t_sync = sync_end_after(t_write);
	ck_assert_msg(t_sync > 0, "the write was answered before any fdatasync began after it");
	fprintf(stderr, "test_sync: after the write: its sync ended at %.1f ms, the read was "
		"answered at %.1f ms, the write at %.1f ms\n", (double)(t_sync - t_write) / 1e6,
		(double)(t_read - t_write) / 1e6, (double)(t_ack - t_write) / 1e6);
	ck_assert_msg(t_read >= t_sync, "the read showed the write %.1f ms before its sync ended",
		      (double)(t_sync - t_read) / 1e6);
	ck_assert_msg(t_ack >= t_sync, "the write was acknowledged %.1f ms before its sync ended",
		      (double)(t_sync - t_ack) / 1e6);
	osx_ws_close(m);
	osx_ws_close(a);
	osx_ws_close(b);
}
END_TEST

/* Writes that arrive while a sync runs are committed meanwhile and made
 * durable together by the next one: twenty writers cost about two syncs,
 * not twenty. */
START_TEST(writes_during_a_sync_share_the_next_one)
{
	enum { N = 20 };
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *w[N];
	long long post, t0, elapsed_ms;
	cJSON *r;
	char req[256];

	ck_assert_ptr_nonnull(m);
	post = idea_in_new_round(m, m, "Burst");
	for (int i = 0; i < N; i++) {
		w[i] = osx_ws_open(srv.port, i % 2 ? tok_a : tok_b);
		ck_assert_ptr_nonnull(w[i]);
	}
	t0 = now_ns();
	for (int i = 0; i < N; i++) {
		snprintf(req, sizeof req, "{\"rid\":%d,\"op\":\"comment.create\",\"post\":%lld,"
			 "\"body\":\"burst %d\"}", 100 + i, post, i);
		ck_assert_int_eq(osx_ws_send_text(w[i], req), 0);
		usleep(5 * 1000);
	}
	for (int i = 0; i < N; i++) {
		r = ok(osx_ws_wait_reply(w[i], 100 + i, 10000), "burst write");
		cJSON_Delete(r);
	}
	elapsed_ms = (now_ns() - t0) / 1000000;
	ck_assert_msg(elapsed_ms < 5 * DELAY_MS, "20 writes took %lld ms with %d ms syncs",
		      elapsed_ms, DELAY_MS);
	r = ok(osx_ws_call(m, 5000, "{\"op\":\"post.get\",\"post\":%lld}", post), "get");
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(r, "comments")), N);
	cJSON_Delete(r);
	for (int i = 0; i < N; i++)
		osx_ws_close(w[i]);
	osx_ws_close(m);
}
END_TEST

/* A sync that fails (the disk reports an error): the writes it covered
 * are answered internal, not ok, and the server goes on; once the disk
 * is well again writes succeed. */
START_TEST(a_failed_sync_answers_internal_and_the_server_goes_on)
{
	struct osx_ws *m = osx_ws_open(srv.port, tok_mgr), *a = osx_ws_open(srv.port, tok_a);
	long long post;
	char path[32];
	cJSON *r;
	FILE *f;
	int n;

	ck_assert(m && a);
	post = idea_in_new_round(m, a, "Failing disk");

	f = fopen(failflag, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	r = osx_ws_call(a, 5000, "{\"op\":\"comment.create\",\"post\":%lld,"
				 "\"body\":\"on a failing disk\"}", post);
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(!osx_ok(r), "a write whose sync failed was acknowledged: %s", osx_jtext(r));
	ck_assert_str_eq(osx_errcode(r), "internal");
	cJSON_Delete(r);
	unlink(failflag);

	r = ok(osx_ws_call(a, 5000, "{\"op\":\"comment.create\",\"post\":%lld,"
				    "\"body\":\"disk well again\"}", post), "write after recovery");
	cJSON_Delete(r);
	r = ok(osx_ws_call(m, 5000, "{\"op\":\"post.get\",\"post\":%lld}", post), "get");
	/* The failed one may be there or not (it was committed, but the
	 * disk could not promise to keep it: "internal" says just that);
	 * the later one is, last. */
	n = cJSON_GetArraySize(osx_jget(r, "comments"));
	ck_assert_int_ge(n, 1);
	snprintf(path, sizeof path, "comments.%d.body", n - 1);
	ck_assert_str_eq(osx_jstr(r, path), "disk well again");
	cJSON_Delete(r);
	osx_ws_close(m);
	osx_ws_close(a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sync");
	TCase *tc = tcase_create("deferred sync");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, nothing_is_shown_before_its_sync_has_finished);
	tcase_add_test(tc, writes_during_a_sync_share_the_next_one);
	tcase_add_test(tc, a_failed_sync_answers_internal_and_the_server_goes_on);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
