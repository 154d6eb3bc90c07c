/*
 * Outcomes over the wire: a measure changed by one client reaches another
 * live (priority.updated), updates and their comments are events of the
 * round, followers get notices of updates and status changes (and stop
 * when they unfollow), bad input is refused and changes nothing, and the
 * work goes on after the round has closed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osclient.h"

static struct osx_server srv;
static char tok_mgr[OSX_TOKEN_MAX], tok_anna[OSX_TOKEN_MAX], tok_bert[OSX_TOKEN_MAX];
static struct osx_ws *mgr, *anna, *bert;
static long long round_id, prio, idea, anna_id;

static cJSON *
must(cJSON *r, const char *what)
{
	ck_assert_msg(r && osx_ok(r), "%s: %s", what, osx_jtext(r));
	return r;
}

static void
done(cJSON *r, const char *what)
{
	cJSON_Delete(must(r, what));
}

static const char *
code_of(cJSON *r)
{
	static char code[32];

	snprintf(code, sizeof code, "%s", r && !osx_ok(r) ? osx_errcode(r) : "ok");
	return code;
}

/* The next notification of this kind, skipping others. */
static cJSON *
wait_kind(struct osx_ws *ws, const char *kind)
{
	for (int i = 0; i < 10; i++) {
		cJSON *ev = osx_ws_wait_event(ws, "notification", 0);

		if (!ev || !strcmp(osx_jstr(ev, "notification.kind"), kind))
			return ev;
		cJSON_Delete(ev);
	}
	return NULL;
}

/* A round with a priority owned by anna, fed by bert's idea. */
static void
setup(void)
{
	cJSON *r;

	ck_assert_int_eq(osx_server_start(&srv, NULL), 0);
	ck_assert_int_eq(osx_user_new(&srv, "mgr", "manager", tok_mgr, sizeof tok_mgr), 0);
	ck_assert_int_eq(osx_user_new(&srv, "anna", "employee", tok_anna, sizeof tok_anna), 0);
	ck_assert_int_eq(osx_user_new(&srv, "bert", "employee", tok_bert, sizeof tok_bert), 0);
	mgr = osx_ws_open(srv.port, tok_mgr);
	anna = osx_ws_open(srv.port, tok_anna);
	bert = osx_ws_open(srv.port, tok_bert);
	ck_assert(mgr && anna && bert);
	r = must(osx_ws_call(anna, 0, "{\"op\":\"hello\"}"), "hello");
	anna_id = osx_jint(r, "user.id", 0);
	cJSON_Delete(r);
	r = must(osx_ws_call(mgr, 0, "{\"op\":\"round.create\",\"title\":\"Strategy\","
			     "\"audience\":\"internal\",\"vote_mode\":\"updown\"}"), "round");
	round_id = osx_jint(r, "round.id", 0);
	cJSON_Delete(r);
	done(osx_ws_call(mgr, 0, "{\"op\":\"round.update\",\"round\":%lld,\"phase\":\"open\"}",
			 round_id), "open");
	r = must(osx_ws_call(bert, 0, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
			     "\"title\":\"Health score\",\"body\":\"One number\"}", round_id), "idea");
	idea = osx_jint(r, "post.id", 0);
	cJSON_Delete(r);
	r = must(osx_ws_call(mgr, 0, "{\"op\":\"priority.create\",\"round\":%lld,\"title\":"
			     "\"Know our customers\",\"owner\":%lld}", round_id, anna_id), "priority");
	prio = osx_jint(r, "priority.id", 0);
	ck_assert_str_eq(osx_jstr(r, "priority.status"), "planned");
	cJSON_Delete(r);
	done(osx_ws_call(mgr, 0, "{\"op\":\"priority.link\",\"priority\":%lld,\"post\":%lld}",
			 prio, idea), "link");
	done(osx_ws_call(anna, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round_id), "sub");
	done(osx_ws_call(bert, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round_id), "sub");
	osx_ws_clear(anna);
	osx_ws_clear(bert);
}

static void
teardown(void)
{
	osx_ws_close(mgr);
	osx_ws_close(anna);
	osx_ws_close(bert);
	osx_server_stop(&srv);
	osx_server_cleanup(&srv);
}

START_TEST(a_measure_changed_by_one_reaches_another_live)
{
	long long measure;
	cJSON *r, *ev;

	r = must(osx_ws_call(anna, 0, "{\"op\":\"measure.set\",\"priority\":%lld,\"name\":\"NPS\","
			     "\"unit\":\"points\",\"baseline\":10,\"target\":40,\"current\":12}",
			     prio), "measure.set");
	measure = osx_jint(r, "priority.measures.0.id", 0);
	ck_assert_int_gt(measure, 0);
	ck_assert_int_eq(osx_jbool(r, "priority.following"), 0); /* anna contributed nothing */
	cJSON_Delete(r);
	ev = osx_ws_wait_event(bert, "priority.updated", 0);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "round", 0), round_id);
	ck_assert_int_eq(osx_jint(ev, "priority.measures.0.current", 0), 12);
	/* Following is personal: never in an event. */
	ck_assert_ptr_null(osx_jget(ev, "priority.following"));
	cJSON_Delete(ev);
	done(osx_ws_call(mgr, 0, "{\"op\":\"measure.set\",\"priority\":%lld,\"id\":%lld,\"name\":"
			 "\"NPS\",\"unit\":\"points\",\"baseline\":10,\"target\":40,\"current\":25}",
			 prio, measure), "measure.set again");
	ev = osx_ws_wait_event(bert, "priority.updated", 0);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "priority.measures.0.current", 0), 25);
	cJSON_Delete(ev);
	r = must(osx_ws_call(bert, 0, "{\"op\":\"measure.history\",\"measure\":%lld}", measure),
		 "history");
	ck_assert_int_eq(osx_jint(r, "history.0.value", 0), 12);
	ck_assert_int_eq(osx_jint(r, "history.1.value", 0), 25);
	ck_assert_ptr_null(osx_jget(r, "history.2"));
	ck_assert_ptr_nonnull(osx_jstr(r, "history.1.at"));
	ck_assert_str_eq(osx_jstr(r, "measure.name"), "NPS");
	cJSON_Delete(r);
	/* The snapshot carries the outcomes and the reader's following. */
	r = must(osx_ws_call(bert, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}", round_id),
		 "subscribe");
	ck_assert_int_eq(osx_jint(r, "priorities.0.measures.0.current", 0), 25);
	ck_assert_int_eq(osx_jbool(r, "priorities.0.following"), 1);
	cJSON_Delete(r);
}
END_TEST

START_TEST(followers_hear_of_updates_and_status)
{
	long long update, comment;
	cJSON *r, *ev;

	r = must(osx_ws_call(anna, 0, "{\"op\":\"priority.post_update\",\"priority\":%lld,"
			     "\"body\":\"We **started**\"}", prio), "post_update");
	update = osx_jint(r, "update.id", 0);
	ck_assert_str_eq(osx_jstr(r, "update.status"), "planned");
	ck_assert_ptr_nonnull(strstr(osx_jstr(r, "update.body_html"), "<strong>started</strong>"));
	ck_assert_str_eq(osx_jstr(r, "update.author.username"), "anna");
	cJSON_Delete(r);
	ev = osx_ws_wait_event(bert, "priority.update_posted", 0);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "update.id", 0), update);
	ck_assert_int_eq(osx_jint(ev, "update.priority", 0), prio);
	cJSON_Delete(ev);
	ev = osx_ws_wait_event(bert, "priority.updated", 0);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "priority.updates", 0), 1);
	cJSON_Delete(ev);
	/* bert wrote the linked idea: he follows, and is told. */
	ev = wait_kind(bert, "priority_update");
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "notification.priority", 0), prio);
	ck_assert_int_eq(osx_jint(ev, "notification.update", 0), update);
	ck_assert_str_eq(osx_jstr(ev, "notification.actor.username"), "anna");
	cJSON_Delete(ev);
	/* The author is not told of her own update. */
	ck_assert_int_eq(osx_ws_no_event(anna, "notification", 300), 1);

	done(osx_ws_call(anna, 0, "{\"op\":\"priority.update\",\"priority\":%lld,\"status\":"
			 "\"at_risk\",\"goal\":\"Know *every* customer\"}", prio), "status");
	ev = wait_kind(bert, "priority_status");
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "notification.priority", 0), prio);
	cJSON_Delete(ev);

	/* Comments on an update are news in the round. */
	r = must(osx_ws_call(bert, 0, "{\"op\":\"comment.create\",\"update\":%lld,\"body\":"
			     "\"Why at risk?\"}", update), "comment");
	comment = osx_jint(r, "comment.id", 0);
	ck_assert_int_eq(osx_jint(r, "comment.update", 0), update);
	ck_assert_ptr_null(osx_jget(r, "comment.post"));
	cJSON_Delete(r);
	ev = osx_ws_wait_event(anna, "priority.update_commented", 0);
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(osx_jint(ev, "comment.id", 0), comment);
	cJSON_Delete(ev);
	r = must(osx_ws_call(mgr, 0, "{\"op\":\"priority.updates\",\"priority\":%lld}", prio),
		 "updates");
	ck_assert_int_eq(osx_jint(r, "updates.0.id", 0), update);
	ck_assert_int_eq(osx_jint(r, "updates.0.comments.0.id", 0), comment);
	ck_assert_int_eq(osx_jint(r, "updates.0.comment_count", 0), 1);
	cJSON_Delete(r);
	r = must(osx_ws_call(bert, 0, "{\"op\":\"notifications.list\"}"), "list");
	ck_assert_str_eq(osx_jstr(r, "items.0.kind"), "priority_status");
	ck_assert_str_eq(osx_jstr(r, "items.1.kind"), "priority_update");
	cJSON_Delete(r);

	/* Unfollowed: no more notices; the manager follows and hears. */
	r = must(osx_ws_call(bert, 0, "{\"op\":\"priority.unfollow\",\"priority\":%lld}", prio),
		 "unfollow");
	ck_assert_int_eq(osx_jbool(r, "priority.following"), 0);
	cJSON_Delete(r);
	done(osx_ws_call(mgr, 0, "{\"op\":\"priority.follow\",\"priority\":%lld}", prio), "follow");
	osx_ws_clear(bert);
	osx_ws_clear(mgr);
	done(osx_ws_call(anna, 0, "{\"op\":\"priority.post_update\",\"priority\":%lld,"
			 "\"body\":\"Halfway\"}", prio), "post_update 2");
	ev = wait_kind(mgr, "priority_update");
	ck_assert_ptr_nonnull(ev);
	cJSON_Delete(ev);
	ck_assert_int_eq(osx_ws_no_event(bert, "notification", 300), 1);
}
END_TEST

static char *
snapshot(void)
{
	cJSON *r = must(osx_ws_call(mgr, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}",
				    round_id), "snapshot");
	char *s = cJSON_PrintUnformatted(osx_jget(r, "priorities"));

	cJSON_Delete(r);
	return s;
}

START_TEST(bad_input_is_refused_and_changes_nothing)
{
	static const struct {
		const char *req, *code, *names; /* names: what the message names */
	} bad[] = {
		{"{\"op\":\"measure.set\",\"priority\":$P,\"name\":\"\",\"baseline\":0,\"target\":1,\"current\":0}",
		 "bad_request", "name"},
		{"{\"op\":\"measure.set\",\"priority\":$P,\"name\":\"M\",\"baseline\":\"0\",\"target\":1,\"current\":0}",
		 "bad_request", "baseline"},
		{"{\"op\":\"measure.set\",\"priority\":$P,\"name\":\"M\",\"baseline\":0,\"target\":1}",
		 "bad_request", "current"},
		{"{\"op\":\"measure.set\",\"priority\":$P,\"name\":\"M\",\"baseline\":0,\"target\":-1e999,\"current\":0}",
		 "bad_request", "target"},
		{"{\"op\":\"measure.set\",\"priority\":$P,\"name\":\"M\",\"baseline\":2e15,\"target\":1,\"current\":0}",
		 "bad_request", "baseline"},
		{"{\"op\":\"measure.set\",\"priority\":$P,\"name\":\"M\",\"unit\":\"123456789012345678901\",\"baseline\":0,\"target\":1,\"current\":0}",
		 "too_large", "unit"},
		{"{\"op\":\"measure.set\",\"priority\":$P,\"id\":999999,\"name\":\"M\",\"baseline\":0,\"target\":1,\"current\":0}",
		 "not_found", NULL},
		{"{\"op\":\"milestone.set\",\"priority\":$P,\"title\":\"Pilot\",\"due\":\"31.03.2027\"}",
		 "bad_request", "due"},
		{"{\"op\":\"milestone.set\",\"priority\":$P,\"title\":\"Pilot\",\"due\":\"2027-04-31\"}",
		 "bad_request", "due"},
		{"{\"op\":\"milestone.set\",\"priority\":$P,\"title\":\"Pilot\",\"due\":\"2027-04-30\",\"done\":1}",
		 "bad_request", "done"},
		{"{\"op\":\"milestone.set\",\"priority\":$P,\"title\":\" \",\"due\":\"2027-04-30\"}",
		 "bad_request", "title"},
		{"{\"op\":\"priority.post_update\",\"priority\":$P,\"body\":\"\"}", "bad_request", "body"},
		{"{\"op\":\"priority.post_update\",\"priority\":$P}", "bad_request", "body"},
		{"{\"op\":\"priority.update\",\"priority\":$P,\"status\":\"late\"}", "bad_request", "status"},
		{"{\"op\":\"priority.update\",\"priority\":$P,\"status\":null}", "bad_request", "status"},
		{"{\"op\":\"priority.update\",\"priority\":$P,\"goal\":7}", "bad_request", "goal"},
		{"{\"op\":\"comment.create\",\"update\":999999,\"body\":\"x\"}", "not_found", NULL},
		{"{\"op\":\"comment.create\",\"update\":1,\"post\":1,\"body\":\"x\"}", "bad_request", "update"},
		{"{\"op\":\"measure.history\",\"measure\":999999}", "not_found", NULL},
		{"{\"op\":\"priority.follow\",\"priority\":999999}", "not_found", NULL},
	};
	char *before, *after, req[512];

	done(osx_ws_call(anna, 0, "{\"op\":\"measure.set\",\"priority\":%lld,\"name\":\"NPS\","
			 "\"baseline\":10,\"target\":40,\"current\":12}", prio), "measure");
	cJSON_Delete(osx_ws_wait_event(bert, "priority.updated", 0));
	osx_ws_clear(bert);
	before = snapshot();
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *t = bad[i].req, *p = strstr(t, "$P");
		cJSON *q, *r;

		snprintf(req, sizeof req, "%.*s%lld%s", (int)(p ? p - t : (long)strlen(t)), t,
			 p ? prio : 0, p ? p + 2 : "");
		q = cJSON_Parse(req);
		ck_assert_msg(q != NULL, "not JSON: %s", req);
		r = osx_ws_request(anna, q, 0);
		cJSON_Delete(q);
		ck_assert_msg(!strcmp(code_of(r), bad[i].code), "%s: want %s, got %s", req,
			      bad[i].code, osx_jtext(r));
		if (bad[i].names)
			ck_assert_msg(strstr(osx_jstr(r, "error.message"), bad[i].names) != NULL,
				      "%s: the message does not name %s: %s", req, bad[i].names,
				      osx_jtext(r));
		cJSON_Delete(r);
	}
	after = snapshot();
	ck_assert_str_eq(after, before);
	ck_assert_int_eq(osx_ws_no_event(bert, "priority.updated", 200), 1);
	free(before);
	free(after);
}
END_TEST

START_TEST(work_goes_on_after_close)
{
	long long update;
	cJSON *r;

	done(osx_ws_call(mgr, 0, "{\"op\":\"round.update\",\"round\":%lld,\"phase\":\"closed\"}",
			 round_id), "close");
	done(osx_ws_call(anna, 0, "{\"op\":\"measure.set\",\"priority\":%lld,\"name\":\"NPS\","
			 "\"baseline\":10,\"target\":40,\"current\":30}", prio), "measure after close");
	done(osx_ws_call(mgr, 0, "{\"op\":\"milestone.set\",\"priority\":%lld,\"title\":\"Pilot\","
			 "\"due\":\"2027-03-31\",\"done\":true}", prio), "milestone after close");
	done(osx_ws_call(anna, 0, "{\"op\":\"priority.update\",\"priority\":%lld,\"status\":"
			 "\"done\"}", prio), "status after close");
	r = must(osx_ws_call(anna, 0, "{\"op\":\"priority.post_update\",\"priority\":%lld,"
			     "\"body\":\"Done\"}", prio), "update after close");
	update = osx_jint(r, "update.id", 0);
	ck_assert_str_eq(osx_jstr(r, "update.status"), "done");
	cJSON_Delete(r);
	done(osx_ws_call(bert, 0, "{\"op\":\"comment.create\",\"update\":%lld,\"body\":\"Thanks\"}",
			 update), "comment after close");
	r = osx_ws_call(bert, 0, "{\"op\":\"priority.post_update\",\"priority\":%lld,\"body\":\"x\"}",
			prio);
	ck_assert_str_eq(code_of(r), "forbidden");
	cJSON_Delete(r);
	r = osx_ws_call(mgr, 0, "{\"op\":\"priority.update\",\"priority\":%lld,\"title\":\"New\"}",
			prio);
	ck_assert_str_eq(code_of(r), "phase_closed");
	cJSON_Delete(r);
	/* Ideas stay closed. */
	r = osx_ws_call(bert, 0, "{\"op\":\"comment.create\",\"post\":%lld,\"body\":\"x\"}", idea);
	ck_assert_str_eq(code_of(r), "phase_closed");
	cJSON_Delete(r);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("outcomes");
	TCase *tc = tcase_create("wire");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, a_measure_changed_by_one_reaches_another_live);
	tcase_add_test(tc, followers_hear_of_updates_and_status);
	tcase_add_test(tc, bad_input_is_refused_and_changes_nothing);
	tcase_add_test(tc, work_goes_on_after_close);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
