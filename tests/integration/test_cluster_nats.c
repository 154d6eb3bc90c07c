/*
 * Two nodes, one forum (serve --nats): a real nats-server on 127.0.0.1 and
 * two openstrat processes on one SQLite database file. What one node's
 * clients do reaches the other node's subscribers exactly once, rendered
 * for each of them; presence is the union and a SIGKILLed node leaves it
 * within 10 s; a revoked customer's socket closes on the other node; a
 * NATS outage shows on /healthz and events resume after it, never twice,
 * and one node's subscribers who missed events reload.
 *
 * The test is skipped (exit 77) when nats-server is not installed.
 */
#include <check.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "osclient.h"

static char nats_bin[512];
static pid_t nats_pid;
static int nats_port;
static char nats_url[64], forum_name[32];
static struct osx_server na, nb;
static char tok_mgr[OSX_TOKEN_MAX], tok_emp[OSX_TOKEN_MAX], tok_emp2[OSX_TOKEN_MAX],
	tok_c1[OSX_TOKEN_MAX], tok_c2[OSX_TOKEN_MAX];

static int
find_prog(const char *name)
{
	static const char *const dirs[] = {"/usr/sbin", "/usr/bin", "/usr/local/bin",
					   "/usr/local/sbin", NULL};

	for (size_t i = 0; dirs[i]; i++) {
		snprintf(nats_bin, sizeof nats_bin, "%s/%s", dirs[i], name);
		if (access(nats_bin, X_OK) == 0)
			return 1;
	}
	return 0;
}

static int
free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert(fd >= 0);
	ck_assert(bind(fd, (struct sockaddr *)&a, sizeof a) == 0);
	ck_assert(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static int
port_open(int port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	close(fd);
	return ok;
}

static void
nats_start(void)
{
	char port[16];
	long long until = osx_now_ms() + 10000;

	snprintf(port, sizeof port, "%d", nats_port);
	nats_pid = fork();
	ck_assert(nats_pid >= 0);
	if (nats_pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		/* Never outlives a test that failed half-way. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);

		dup2(devnull, 1);
		dup2(devnull, 2);
		execl(nats_bin, nats_bin, "-a", "127.0.0.1", "-p", port, (char *)NULL);
		_exit(127);
	}
	while (!port_open(nats_port)) {
		ck_assert_msg(osx_now_ms() < until, "nats-server did not listen on %d", nats_port);
		osx_sleep_ms(50);
	}
}

static void
nats_kill(void)
{
	if (nats_pid > 0) {
		kill(nats_pid, SIGKILL);
		waitpid(nats_pid, NULL, 0);
	}
	nats_pid = 0;
}

/* Node B serves node A's database file. */
static void
setup(void)
{
	const char *extra[] = {"--nats", nats_url, "--forum", forum_name, "--rate-limit", "0",
			       "--conn-rate-limit", "0", NULL};

	nats_port = free_port();
	snprintf(nats_url, sizeof nats_url, "nats://127.0.0.1:%d", nats_port);
	snprintf(forum_name, sizeof forum_name, "test%d", (int)getpid());
	nats_start();
	ck_assert_int_eq(osx_server_start(&na, extra), 0);
	ck_assert_int_eq(osx_server_init(&nb), 0);
	snprintf(nb.db, sizeof nb.db, "%s", na.db);
	ck_assert_int_eq(osx_server_serve(&nb, extra), 0);
	ck_assert_int_eq(osx_user_new(&na, "mgr", "manager", tok_mgr, sizeof tok_mgr), 0);
	ck_assert_int_eq(osx_user_new(&na, "emp", "employee", tok_emp, sizeof tok_emp), 0);
	ck_assert_int_eq(osx_user_new(&na, "emp2", "employee", tok_emp2, sizeof tok_emp2), 0);
	ck_assert_int_eq(osx_user_add(&na, "c1", OSX_PASSWORD, "customer", "Carla One", "Acme"),
			 0);
	ck_assert_int_eq(osx_user_add(&na, "c2", OSX_PASSWORD, "customer", "Carl Two", "Beta"),
			 0);
	/* Signed in on B: one session table for both nodes. */
	ck_assert_int_eq(osx_login(nb.port, "c1", OSX_PASSWORD, tok_c1, sizeof tok_c1), 200);
	ck_assert_int_eq(osx_login(na.port, "c2", OSX_PASSWORD, tok_c2, sizeof tok_c2), 200);
}

static void
teardown(void)
{
	/* A node still running stops cleanly (a node the test killed is
	 * not running). */
	int sa = na.pid ? osx_server_stop(&na) : 0;
	int sb = nb.pid ? osx_server_stop(&nb) : 0;

	osx_server_cleanup(&na);
	osx_server_cleanup(&nb);
	nats_kill();
	ck_assert_msg(sa == 0 && sb == 0, "a node exited %d / %d on SIGTERM", sa, sb);
}

static cJSON *
call_ok(const char *what, cJSON *reply)
{
	ck_assert_msg(reply != NULL, "%s: no reply", what);
	ck_assert_msg(osx_ok(reply), "%s failed: %s", what, osx_jtext(reply));
	return reply;
}

static long long
make_round(struct osx_ws *mgr, const char *audience)
{
	cJSON *r = call_ok("round.create",
			   osx_ws_call(mgr, 0,
				       "{\"op\":\"round.create\",\"title\":\"Across nodes\","
				       "\"description\":\"d\",\"audience\":\"%s\","
				       "\"vote_mode\":\"updown\"}",
				       audience));
	long long id = osx_jint(r, "round.id", 0);

	cJSON_Delete(r);
	cJSON_Delete(call_ok("round.update",
			     osx_ws_call(mgr, 0, "{\"op\":\"round.update\",\"round\":%lld,"
						 "\"phase\":\"open\"}", id)));
	return id;
}

static void
subscribe(struct osx_ws *ws, long long round)
{
	cJSON_Delete(call_ok("round.subscribe",
			     osx_ws_call(ws, 0, "{\"op\":\"round.subscribe\",\"round\":%lld}",
					 round)));
}

static long long
post_idea(struct osx_ws *ws, long long round, const char *title)
{
	cJSON *r = call_ok("post.create",
			   osx_ws_call(ws, 0, "{\"op\":\"post.create\",\"round\":%lld,"
					      "\"kind\":\"idea\",\"title\":\"%s\",\"body\":\"b\"}",
				       round, title));
	long long id = osx_jint(r, "post.id", 0);

	cJSON_Delete(r);
	ck_assert(id > 0);
	return id;
}

static int
is_post(const cJSON *ev, void *arg)
{
	return osx_jint(ev, "post.id", 0) == *(long long *)arg;
}

/* How many post.created events for post arrive within ms. */
static int
count_post(struct osx_ws *ws, long long post, int ms)
{
	int n = 0;
	cJSON *ev;

	while ((ev = osx_ws_wait_event_if(ws, "post.created", is_post, &post, ms))) {
		n++;
		cJSON_Delete(ev);
		ms = 1500; /* after the first: is there a second? */
	}
	return n;
}

static int
health(int port)
{
	struct osx_http_resp r;
	int st = osx_http(port, "GET", "/healthz", NULL, NULL, &r);

	osx_http_free(&r);
	return st;
}

static int
wait_health(int port, int want, int ms)
{
	long long until = osx_now_ms() + ms;

	while (osx_now_ms() < until) {
		if (health(port) == want)
			return 1;
		osx_sleep_ms(100);
	}
	return 0;
}

START_TEST(a_post_on_one_node_reaches_the_other_once_rendered_per_viewer)
{
	struct osx_ws *mgr_a = osx_ws_open(na.port, tok_mgr);
	struct osx_ws *emp_b = osx_ws_open(nb.port, tok_emp);
	struct osx_ws *c1_b = osx_ws_open(nb.port, tok_c1);
	struct osx_ws *c2_a = osx_ws_open(na.port, tok_c2);
	long long round, c1, c2, post;
	cJSON *ev;

	ck_assert(mgr_a && emp_b && c1_b && c2_a);
	round = make_round(mgr_a, "invited");
	ev = osx_ws_call(c1_b, 0, "{\"op\":\"hello\"}");
	c1 = osx_jint(ev, "user.id", 0);
	cJSON_Delete(ev);
	ev = osx_ws_call(c2_a, 0, "{\"op\":\"hello\"}");
	c2 = osx_jint(ev, "user.id", 0);
	cJSON_Delete(ev);
	ck_assert(c1 > 0 && c2 > 0);
	cJSON_Delete(call_ok("member.add", osx_ws_call(mgr_a, 0, "{\"op\":\"member.add\","
					   "\"round\":%lld,\"user\":%lld}", round, c1)));
	cJSON_Delete(call_ok("member.add", osx_ws_call(mgr_a, 0, "{\"op\":\"member.add\","
					   "\"round\":%lld,\"user\":%lld}", round, c2)));
	subscribe(emp_b, round);
	subscribe(c1_b, round);

	/* The manager's idea on A: once to each subscriber on B. */
	post = post_idea(mgr_a, round, "From node A");
	ck_assert_int_eq(count_post(emp_b, post, 5000), 1);
	ck_assert_int_eq(count_post(c1_b, post, 5000), 1);

	/* Another organisation's customer posts on A: staff on B see who,
	 * the customer on B sees an anonymous customer, as on one node. */
	post = post_idea(c2_a, round, "From Beta");
	ev = osx_ws_wait_event_if(emp_b, "post.created", is_post, &post, 5000);
	ck_assert_msg(ev != NULL, "B's employee got no post.created");
	ck_assert_str_eq(osx_jstr(ev, "post.author.display_name"), "Carl Two");
	cJSON_Delete(ev);
	ev = osx_ws_wait_event_if(c1_b, "post.created", is_post, &post, 5000);
	ck_assert_msg(ev != NULL, "B's customer got no post.created");
	ck_assert_msg(osx_jbool(ev, "post.author.anonymous") == 1 &&
			      !strcmp(osx_jstr(ev, "post.author.display_name"), "") &&
			      !strcmp(osx_jstr(ev, "post.author.org"), ""),
		      "another organisation's customer shown to a customer: %s", osx_jtext(ev));
	cJSON_Delete(ev);
	ck_assert_int_eq(osx_ws_no_event(c1_b, "post.created", 1000), 1);

	osx_ws_close(mgr_a);
	osx_ws_close(emp_b);
	osx_ws_close(c1_b);
	osx_ws_close(c2_a);
}
END_TEST

START_TEST(votes_through_both_nodes_end_in_one_tally_everywhere)
{
	struct osx_ws *mgr_a = osx_ws_open(na.port, tok_mgr);
	struct osx_ws *emp_a = osx_ws_open(na.port, tok_emp);
	struct osx_ws *emp2_b = osx_ws_open(nb.port, tok_emp2);
	long long round, posts[12];
	const int n = 12;

	ck_assert(mgr_a && emp_a && emp2_b);
	round = make_round(mgr_a, "internal");
	subscribe(emp_a, round);
	subscribe(emp2_b, round);
	for (int i = 0; i < n; i++)
		posts[i] = post_idea(mgr_a, round, "Vote on me");
	/* Both at once, one through each node: the tallies cross on the
	 * way, and whatever order they arrive in, the last one each
	 * subscriber sees counts both votes. */
	for (int i = 0; i < n; i++) {
		char a[128], b[128];
		cJSON *ra, *rb;

		snprintf(a, sizeof a, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":1,\"rid\":%d}",
			 posts[i], 1000 + i);
		snprintf(b, sizeof b, "{\"op\":\"vote.cast\",\"post\":%lld,\"value\":1,\"rid\":%d}",
			 posts[i], 2000 + i);
		ck_assert_int_eq(osx_ws_send_text(emp_a, a), 0);
		ck_assert_int_eq(osx_ws_send_text(emp2_b, b), 0);
		ra = osx_ws_wait_reply(emp_a, 1000 + i, 5000);
		rb = osx_ws_wait_reply(emp2_b, 2000 + i, 5000);
		ck_assert_msg(osx_ok(ra) && osx_ok(rb), "votes: %s / %s", osx_jtext(ra),
			      osx_jtext(rb));
		cJSON_Delete(ra);
		cJSON_Delete(rb);
	}
	osx_ws_pump(emp_a, 1500);
	osx_ws_pump(emp2_b, 200);
	{
		/* Per post, the last tally each side saw. */
		long long last_a[12], last_b[12];
		cJSON *ev;

		for (int i = 0; i < n; i++)
			last_a[i] = last_b[i] = -1;
		while ((ev = osx_ws_wait_event(emp_a, "vote.tally", 300))) {
			for (int i = 0; i < n; i++)
				if (osx_jint(ev, "post", 0) == posts[i])
					last_a[i] = osx_jint(ev, "tally.up", -1);
			cJSON_Delete(ev);
		}
		while ((ev = osx_ws_wait_event(emp2_b, "vote.tally", 300))) {
			for (int i = 0; i < n; i++)
				if (osx_jint(ev, "post", 0) == posts[i])
					last_b[i] = osx_jint(ev, "tally.up", -1);
			cJSON_Delete(ev);
		}
		for (int i = 0; i < n; i++) {
			ck_assert_msg(last_a[i] == 2, "post %d: A's subscriber ends with %lld up",
				      i, last_a[i]);
			ck_assert_msg(last_b[i] == 2, "post %d: B's subscriber ends with %lld up",
				      i, last_b[i]);
		}
	}
	osx_ws_close(mgr_a);
	osx_ws_close(emp_a);
	osx_ws_close(emp2_b);
}
END_TEST

/* The ids of the chat.message events ws receives until quiet, in arrival
 * order; returns how many (at most max). */
static int
chat_ids(struct osx_ws *ws, long long *ids, int max)
{
	int n = 0;
	cJSON *ev;

	while ((ev = osx_ws_wait_event(ws, "chat.message", 1500))) {
		if (n < max)
			ids[n++] = osx_jint(ev, "chat.id", 0);
		cJSON_Delete(ev);
	}
	return n;
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

START_TEST(chat_through_both_nodes_is_the_same_on_both)
{
	struct osx_ws *mgr_a = osx_ws_open(na.port, tok_mgr);
	struct osx_ws *emp_a = osx_ws_open(na.port, tok_emp);
	struct osx_ws *emp2_b = osx_ws_open(nb.port, tok_emp2);
	long long round, ida[64], idb[64], hist[64];
	const int n = 20;
	int na_, nb_;
	cJSON *h;

	ck_assert(mgr_a && emp_a && emp2_b);
	round = make_round(mgr_a, "internal");
	subscribe(emp_a, round);
	subscribe(emp2_b, round);
	/* Both talk at once, each through their own node. */
	for (int i = 0; i < n; i++) {
		char m[160];

		snprintf(m, sizeof m, "{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"a%d\","
			 "\"rid\":%d}", round, i, 100 + i);
		ck_assert_int_eq(osx_ws_send_text(emp_a, m), 0);
		snprintf(m, sizeof m, "{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"b%d\","
			 "\"rid\":%d}", round, i, 100 + i);
		ck_assert_int_eq(osx_ws_send_text(emp2_b, m), 0);
	}
	na_ = chat_ids(emp_a, ida, 64);
	nb_ = chat_ids(emp2_b, idb, 64);
	/* Every message once on each node (the same set), and in the order
	 * of their ids, which is the order the web client shows and the
	 * history gives, the same everywhere. */
	ck_assert_int_eq(na_, 2 * n);
	ck_assert_int_eq(nb_, 2 * n);
	qsort(ida, (size_t)na_, sizeof *ida, cmp_ll);
	qsort(idb, (size_t)nb_, sizeof *idb, cmp_ll);
	for (int i = 0; i < 2 * n; i++) {
		ck_assert_msg(ida[i] == idb[i], "message %d: %lld on A, %lld on B", i, ida[i], idb[i]);
		ck_assert_msg(i == 0 || ida[i] != ida[i - 1], "chat %lld delivered twice", ida[i]);
	}
	h = call_ok("chat.history", osx_ws_call(emp2_b, 0, "{\"op\":\"chat.history\","
						"\"round\":%lld,\"limit\":200}", round));
	ck_assert_int_eq(cJSON_GetArraySize(osx_jget(h, "messages")), 2 * n);
	for (int i = 0; i < 2 * n; i++) {
		char path[32];

		snprintf(path, sizeof path, "messages.%d.id", i);
		hist[i] = osx_jint(h, path, 0);
		ck_assert_int_eq(hist[i], ida[i]);
	}
	cJSON_Delete(h);
	osx_ws_close(mgr_a);
	osx_ws_close(emp_a);
	osx_ws_close(emp2_b);
}
END_TEST

static int
names_user(const cJSON *ev, void *arg)
{
	const cJSON *list = osx_jget(ev, "online");
	const cJSON *u;

	cJSON_ArrayForEach(u, list)
		if (!strcmp(osx_jstr(u, "username") ? osx_jstr(u, "username") : "",
			    (const char *)arg))
			return 1;
	return 0;
}

static int
lacks_user(const cJSON *ev, void *arg)
{
	return !names_user(ev, arg);
}

START_TEST(presence_is_the_union_and_a_killed_node_leaves_it)
{
	struct osx_ws *mgr_a = osx_ws_open(na.port, tok_mgr);
	struct osx_ws *emp_b = osx_ws_open(nb.port, tok_emp);
	struct osx_ws *emp2_a = osx_ws_open(na.port, tok_emp2);
	long long round, t0;
	cJSON *ev;

	ck_assert(mgr_a && emp_b && emp2_a);
	round = make_round(mgr_a, "internal");
	subscribe(emp_b, round);
	subscribe(emp2_a, round);
	ev = osx_ws_wait_event_if(emp_b, "presence", names_user, "emp2", 8000);
	ck_assert_msg(ev != NULL, "B does not show emp2, online on A");
	cJSON_Delete(ev);
	/* And A shows emp, online on B. */
	ev = osx_ws_wait_event_if(emp2_a, "presence", names_user, "emp", 8000);
	ck_assert_msg(ev != NULL, "A does not show emp, online on B");
	cJSON_Delete(ev);

	osx_ws_drop(mgr_a);
	osx_ws_drop(emp2_a);
	osx_ws_clear(emp_b);
	t0 = osx_now_ms();
	osx_server_kill(&na);
	ev = osx_ws_wait_event_if(emp_b, "presence", lacks_user, "emp2", 14000);
	ck_assert_msg(ev != NULL, "emp2 stayed online on B after A was killed");
	ck_assert_msg(osx_now_ms() - t0 <= 12000, "A left presence only after %lld ms",
		      osx_now_ms() - t0);
	ck_assert_msg(names_user(ev, "emp"), "B's own user left presence: %s", osx_jtext(ev));
	cJSON_Delete(ev);
	osx_ws_close(emp_b);
}
END_TEST

START_TEST(a_revoked_customer_is_closed_on_the_other_node)
{
	struct osx_ws *mgr_a = osx_ws_open(na.port, tok_mgr);
	struct osx_ws *c1_b = osx_ws_open(nb.port, tok_c1);
	struct osx_ws *c2_b = osx_ws_open(nb.port, tok_c2);
	struct osx_ws *admin;
	char tok_admin[OSX_TOKEN_MAX];
	long long round, c1, c2, t0;
	cJSON *ev;
	int code;

	ck_assert(mgr_a && c1_b && c2_b);
	round = make_round(mgr_a, "invited");
	ev = osx_ws_call(c1_b, 0, "{\"op\":\"hello\"}");
	c1 = osx_jint(ev, "user.id", 0);
	cJSON_Delete(ev);
	ev = osx_ws_call(c2_b, 0, "{\"op\":\"hello\"}");
	c2 = osx_jint(ev, "user.id", 0);
	cJSON_Delete(ev);
	cJSON_Delete(call_ok("member.add", osx_ws_call(mgr_a, 0, "{\"op\":\"member.add\","
					   "\"round\":%lld,\"user\":%lld}", round, c1)));
	subscribe(c1_b, round);

	t0 = osx_now_ms();
	cJSON_Delete(call_ok("member.revoke", osx_ws_call(mgr_a, 0, "{\"op\":\"member.revoke\","
					      "\"round\":%lld,\"user\":%lld}", round, c1)));
	ev = osx_ws_wait_event(c1_b, "access.revoked", 5000);
	ck_assert_msg(ev != NULL, "no access.revoked on B");
	ck_assert_int_eq(osx_jint(ev, "round", 0), round);
	cJSON_Delete(ev);
	code = osx_ws_wait_close(c1_b, 5000);
	ck_assert_int_eq(code, 1008);
	ck_assert_msg(osx_now_ms() - t0 <= 5000, "closed after %lld ms", osx_now_ms() - t0);

	/* Disabled by an admin on A: the account's sockets on B close. */
	ck_assert_int_eq(osx_user_new(&na, "root", "admin", tok_admin, sizeof tok_admin), 0);
	admin = osx_ws_open(na.port, tok_admin);
	ck_assert(admin != NULL);
	t0 = osx_now_ms();
	cJSON_Delete(call_ok("user.disable", osx_ws_call(admin, 0, "{\"op\":\"user.disable\","
					     "\"user\":%lld}", c2)));
	code = osx_ws_wait_close(c2_b, 5000);
	ck_assert_int_eq(code, 1008);
	ck_assert_msg(osx_now_ms() - t0 <= 5000, "closed after %lld ms", osx_now_ms() - t0);

	/* A role change on A reaches the account's connection on B: an
	 * employee made a customer leaves the internal round at once. */
	{
		struct osx_ws *emp_b = osx_ws_open(nb.port, tok_emp);
		long long internal = make_round(mgr_a, "internal"), emp;

		ck_assert(emp_b != NULL);
		ev = osx_ws_call(emp_b, 0, "{\"op\":\"hello\"}");
		emp = osx_jint(ev, "user.id", 0);
		cJSON_Delete(ev);
		subscribe(emp_b, internal);
		t0 = osx_now_ms();
		cJSON_Delete(call_ok("user.update", osx_ws_call(admin, 0, "{\"op\":\"user.update\","
						    "\"user\":%lld,\"role\":\"customer\"}", emp)));
		ev = osx_ws_wait_event(emp_b, "user.updated", 5000);
		ck_assert_msg(ev != NULL, "no user.updated on B");
		ck_assert_str_eq(osx_jstr(ev, "user.role"), "customer");
		ck_assert_int_eq(osx_jint(ev, "unsubscribed.0", 0), internal);
		cJSON_Delete(ev);
		ck_assert_msg(osx_now_ms() - t0 <= 5000, "after %lld ms", osx_now_ms() - t0);
		cJSON_Delete(call_ok("user.update", osx_ws_call(admin, 0, "{\"op\":\"user.update\","
						    "\"user\":%lld,\"role\":\"employee\"}", emp)));
		osx_ws_close(emp_b);
	}

	/* Signed out on A: that session's socket on B closes. */
	{
		char tok[OSX_TOKEN_MAX];
		struct osx_ws *emp_b;

		ck_assert_int_eq(osx_login(na.port, "emp", OSX_PASSWORD, tok, sizeof tok), 200);
		emp_b = osx_ws_open(nb.port, tok);
		ck_assert(emp_b != NULL);
		t0 = osx_now_ms();
		ck_assert_int_eq(osx_logout(na.port, tok), 204);
		code = osx_ws_wait_close(emp_b, 5000);
		ck_assert_int_eq(code, 1008);
		ck_assert_msg(osx_now_ms() - t0 <= 5000, "closed after %lld ms",
			      osx_now_ms() - t0);
		osx_ws_close(emp_b);
	}

	osx_ws_close(c1_b);
	osx_ws_close(c2_b);
	osx_ws_close(admin);
	osx_ws_close(mgr_a);
}
END_TEST

/* Publishes raw messages on the forum's subjects with NATS' own text
 * protocol, as a broken or hostile node might. */
static void
nats_raw(const char *const *msgs)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char buf[4096];
	size_t got = 0;
	long long until = osx_now_ms() + 5000;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)nats_port);
	ck_assert(connect(fd, (struct sockaddr *)&a, sizeof a) == 0);
	dprintf(fd, "CONNECT {\"verbose\":false,\"pedantic\":false}\r\n");
	for (size_t i = 0; msgs[i]; i += 2)
		dprintf(fd, "PUB openstrat.%s.%s %zu\r\n%s\r\n", forum_name, msgs[i],
			strlen(msgs[i + 1]), msgs[i + 1]);
	dprintf(fd, "PING\r\n");
	/* PONG: the server has taken everything before it. */
	while (osx_now_ms() < until && got < sizeof buf - 1) {
		ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);

		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
		if (strstr(buf, "PONG"))
			break;
	}
	ck_assert_msg(strstr(buf, "PONG") != NULL, "nats-server did not answer: %s", buf);
	close(fd);
}

START_TEST(bad_messages_on_the_bus_change_nothing)
{
	struct osx_ws *mgr_a = osx_ws_open(na.port, tok_mgr);
	struct osx_ws *emp_b = osx_ws_open(nb.port, tok_emp);
	long long round;
	char r1[512], r2[512], r3[600];

	ck_assert(mgr_a && emp_b);
	round = make_round(mgr_a, "internal");
	subscribe(emp_b, round);
	/* Its own presence first. */
	cJSON_Delete(osx_ws_wait_event(emp_b, "presence", 3000));
	osx_ws_clear(emp_b);
	snprintf(r1, sizeof r1, "{\"node\":\"00000000000000ab\",\"seq\":2,\"rseq\":1,"
		 "\"t\":\"ev\",\"round\":%lld,\"full\":\"not an event\",\"users\":1}", round);
	snprintf(r2, sizeof r2, "{\"node\":\"00000000000000ab\",\"seq\":3,\"t\":\"presence\","
		 "\"all\":1,\"rooms\":[{\"round\":%lld,\"online\":[{\"id\":1e300,\"role\":99,"
		 "\"username\":5},7],\"count\":-3},3],\"rseq\":[[1,2],[\"x\"],[%lld,-1],"
		 "[1e300,1e300],4]}", round, round);
	snprintf(r3, sizeof r3, "{\"node\":\"00000000000000ab\",\"seq\":4,\"t\":\"presence\","
		 "\"rooms\":[{\"round\":%lld,\"online\":[{\"id\":9,\"username\":\"x\","
		 "\"display_name\":\"x\",\"org\":\"\",\"role\":-1,\"lang\":1e9}],\"count\":1e300}]}",
		 round);
	{
		const char *const msgs[] = {
			"control", "not json",
			"control", "{\"node\":\"zz\",\"seq\":1,\"t\":\"ev\"}",
			"control", "{\"node\":\"00000000000000ab\",\"seq\":1e300,\"rseq\":-5,"
				   "\"t\":\"ev\",\"round\":1e30,\"full\":\"{}\"}",
			"round.1", "{\"node\":\"00000000000000ab\",\"seq\":1,\"rseq\":-5,"
				   "\"t\":\"ev\",\"round\":-1e30,\"full\":7}",
			"round.1", r1,
			"presence", r2,
			"presence", r3,
			"control", "{\"node\":\"00000000000000ab\",\"seq\":5,\"t\":\"account\","
				   "\"user\":1e300,\"u\":{}}",
			"control", "{\"node\":\"00000000000000ab\",\"seq\":6,\"t\":\"notify\","
				   "\"user\":2,\"full\":\"[1]\"}",
			"control", "{\"node\":\"00000000000000ab\",\"seq\":7,"
				   "\"t\":\"session_ended\",\"hash\":\"zz\"}",
			"control", "{\"node\":\"00000000000000ab\",\"seq\":8,\"t\":\"revoked\","
				   "\"user\":2,\"round\":-1}",
			"control", "{\"node\":\"00000000000000ab\",\"seq\":9,\"t\":\"rate\","
				   "\"user\":-7}",
			"control", "{\"node\":\"00000000000000ab\",\"seq\":10,"
				   "\"t\":\"signin_failed\"}",
			"control", "{\"node\":\"00000000000000ab\",\"seq\":11,\"t\":\"user\","
				   "\"user\":3,\"u\":{\"id\":3,\"role\":1e300}}",
			"control", "{\"node\":\"00000000000000ab\",\"seq\":12,\"t\":\"nothing\"}",
			"control", "[]",
			NULL};

		nats_raw(msgs);
	}
	/* Nothing reached the subscriber, and the nodes work as before. */
	ck_assert_msg(osx_ws_pump(emp_b, 1000) == 0, "the subscriber got %s",
		      osx_jtext(osx_ws_recv(emp_b, 100)));
	ck_assert_int_eq(count_post(emp_b, post_idea(mgr_a, round, "Still fine"), 5000), 1);
	ck_assert_int_eq(health(na.port), 200);
	ck_assert_int_eq(health(nb.port), 200);
	osx_ws_close(mgr_a);
	osx_ws_close(emp_b);
}
END_TEST

START_TEST(a_nats_outage_degrades_health_and_events_resume_never_twice)
{
	struct osx_ws *mgr_a = osx_ws_open(na.port, tok_mgr);
	struct osx_ws *emp_b = osx_ws_open(nb.port, tok_emp);
	long long round, during, after;
	int n, code;

	ck_assert(mgr_a && emp_b);
	round = make_round(mgr_a, "internal");
	subscribe(emp_b, round);
	ck_assert_int_eq(count_post(emp_b, post_idea(mgr_a, round, "Before"), 5000), 1);
	ck_assert_int_eq(health(na.port), 200);

	nats_kill();
	ck_assert_msg(wait_health(na.port, 503, 8000), "A's /healthz stayed healthy");
	ck_assert_msg(wait_health(nb.port, 503, 8000), "B's /healthz stayed healthy");
	/* Each node still serves its own clients. */
	during = post_idea(mgr_a, round, "During");

	/* A is back first and sends what it buffered while B is still
	 * away: B misses it for sure. */
	kill(nb.pid, SIGSTOP);
	nats_start();
	ck_assert_msg(wait_health(na.port, 200, 10000), "A did not reconnect");
	osx_sleep_ms(1000);
	kill(nb.pid, SIGCONT);
	ck_assert_msg(wait_health(nb.port, 200, 10000), "B did not reconnect");
	after = post_idea(mgr_a, round, "After");

	/* The idea written during the outage reaches B at most once; if it
	 * was missed, B closes its subscribers (1011) so that they reload
	 * rather than miss it silently. */
	n = count_post(emp_b, during, 3000);
	ck_assert_msg(n <= 1, "an event was delivered %d times", n);
	if (n == 0) {
		code = osx_ws_wait_close(emp_b, 5000);
		ck_assert_msg(code == 1011, "missed an event without a close to reload (close %d)",
			      code);
		osx_ws_close(emp_b);
		emp_b = osx_ws_open(nb.port, tok_emp);
		ck_assert(emp_b != NULL);
		subscribe(emp_b, round);
		after = post_idea(mgr_a, round, "After the reload");
	}
	ck_assert_int_eq(count_post(emp_b, after, 5000), 1);

	/* What happened shows in B's metrics. */
	{
		struct osx_http_resp r;

		ck_assert_int_eq(osx_http(nb.port, "GET", "/metrics", NULL, NULL, &r), 200);
		ck_assert_ptr_nonnull(strstr(r.body, "\nopenstrat_cluster_connected 1\n"));
		ck_assert_ptr_nonnull(strstr(r.body, "\nopenstrat_cluster_resyncs_total 1\n"));
		ck_assert_ptr_nonnull(strstr(r.body, "\nopenstrat_cluster_reconnects_total 1\n"));
		osx_http_free(&r);
	}
	osx_ws_close(mgr_a);
	osx_ws_close(emp_b);
}
END_TEST

START_TEST(bad_options_are_usage_errors)
{
	static const char *const bad[][6] = {
		{"--forum", "x", NULL},
		{"--nats", "http://127.0.0.1:4222", NULL},
		{"--nats", "nats://127.0.0.1:4222", "--forum", "a.b", NULL},
		{"--nats", "nats://127.0.0.1:4222", "--forum", "", NULL},
	};

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const char *args[12] = {"serve", "--db", na.db, "--port", "0"};
		struct osx_cli_result r;
		size_t n = 5;

		for (size_t j = 0; bad[i][j]; j++)
			args[n++] = bad[i][j];
		ck_assert_int_eq(osx_cliv(&r, NULL, NULL, args), 2);
		ck_assert_msg(strstr(r.err, "--nats") || strstr(r.err, "--forum"),
			      "no reason given: %s", r.err);
		osx_cli_free(&r);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cluster_nats");
	TCase *tc = tcase_create("two nodes");
	SRunner *sr;
	int failed;

	if (!find_prog("nats-server")) {
		fprintf(stderr, "nats-server is not installed (Debian: nats-server): skipping\n");
		return 77;
	}
	signal(SIGPIPE, SIG_IGN);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, a_post_on_one_node_reaches_the_other_once_rendered_per_viewer);
	tcase_add_test(tc, votes_through_both_nodes_end_in_one_tally_everywhere);
	tcase_add_test(tc, chat_through_both_nodes_is_the_same_on_both);
	tcase_add_test(tc, presence_is_the_union_and_a_killed_node_leaves_it);
	tcase_add_test(tc, a_revoked_customer_is_closed_on_the_other_node);
	tcase_add_test(tc, bad_messages_on_the_bus_change_nothing);
	tcase_add_test(tc, bad_options_are_usage_errors);
	tcase_add_test(tc, a_nats_outage_degrades_health_and_events_resume_never_twice);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
