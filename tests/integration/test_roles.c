/*
 * The role matrix: every operation of the protocol, for every role, against
 * every kind of target, with the answer the contract gives. Isolation of
 * customers is the one thing that must never fail; this table is where a
 * new operation gets its row.
 *
 * Roles: admin, manager, employee, a customer invited to the round, a
 * customer who is not, and anonymous (no session: the upgrade itself is
 * refused, and so is every HTTP endpoint that needs a session; so no
 * operation, user.settings included, reaches the server without one).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osclient.h"

enum { ADMIN, MANAGER, EMPLOYEE, CUST_IN, CUST_OUT, NROLES };
static const char *const role_names[NROLES] = {"admin", "manager", "employee",
					       "customer (invited)",
					       "customer (not invited)"};

#define OK "ok"
#define NF "not_found"
#define FB "forbidden"

/*
 * Targets, substituted into the requests:
 *   $R  an open round with audience invited; the invited customer is in it
 *   $I  an open internal round
 *   $D  a draft round
 *   $P  an idea in $R        $Q an idea in $I
 *   $C  a comment on $P      $M a chat message in $R
 *   $X  a customer account used as the object of membership changes
 *   $E  an idea in $R to be merged into $F, another idea in $R
 *   $Y  a priority in $R
 *   $V  a need in $R
 *   $N  a number unique to the request (titles that must not clash)
 */
static const struct row {
	const char *req;
	const char *want[NROLES];
} rows[] = {
	{"{\"op\":\"hello\"}", {OK, OK, OK, OK, OK}},
	{"{\"op\":\"rounds.list\"}", {OK, OK, OK, OK, OK}},
	{"{\"op\":\"round.create\",\"title\":\"New $N\",\"audience\":\"internal\",\"vote_mode\":\"updown\"}",
	 {OK, OK, FB, FB, FB}},
	{"{\"op\":\"round.update\",\"round\":$R,\"description\":\"Updated $N\"}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"round.update\",\"round\":$I,\"description\":\"Updated $N\"}", {OK, OK, FB, NF, NF}},
	{"{\"op\":\"round.update\",\"round\":$D,\"description\":\"Updated $N\"}", {OK, OK, NF, NF, NF}},
	{"{\"op\":\"round.subscribe\",\"round\":$R}", {OK, OK, OK, OK, NF}},
	{"{\"op\":\"round.subscribe\",\"round\":$I}", {OK, OK, OK, NF, NF}},
	{"{\"op\":\"round.subscribe\",\"round\":$D}", {OK, OK, NF, NF, NF}},
	{"{\"op\":\"round.subscribe\",\"round\":999999}", {NF, NF, NF, NF, NF}},
	{"{\"op\":\"round.unsubscribe\",\"round\":$R}", {OK, OK, OK, OK, OK}},
	{"{\"op\":\"post.create\",\"round\":$R,\"kind\":\"idea\",\"title\":\"Idea $N\",\"body\":\"b\"}",
	 {OK, OK, OK, OK, NF}},
	{"{\"op\":\"post.create\",\"round\":$I,\"kind\":\"idea\",\"title\":\"Idea $N\",\"body\":\"b\"}",
	 {OK, OK, OK, NF, NF}},
	{"{\"op\":\"post.create\",\"round\":$R,\"kind\":\"plan\",\"title\":\"Plan $N\",\"body\":\"b\"}",
	 {OK, OK, FB, FB, NF}},
	{"{\"op\":\"post.create\",\"round\":$D,\"kind\":\"idea\",\"title\":\"Idea $N\",\"body\":\"b\"}",
	 {"phase_closed", "phase_closed", NF, NF, NF}},
	{"{\"op\":\"post.get\",\"post\":$P}", {OK, OK, OK, OK, NF}},
	{"{\"op\":\"post.get\",\"post\":$Q}", {OK, OK, OK, NF, NF}},
	{"{\"op\":\"comment.create\",\"post\":$P,\"body\":\"c $N\"}", {OK, OK, OK, OK, NF}},
	{"{\"op\":\"comment.create\",\"post\":$Q,\"body\":\"c $N\"}", {OK, OK, OK, NF, NF}},
	{"{\"op\":\"comment.create\",\"post\":$P,\"parent\":$C,\"body\":\"r $N\"}", {OK, OK, OK, OK, NF}},
	/* Revisions in the open: $P and $Q are the manager's ideas, $C the
	 * manager's comment. */
	{"{\"op\":\"comment.create\",\"post\":$P,\"body\":\"a $N\",\"anchor\":{\"block\":0,\"quote\":\"p\"}}",
	 {OK, OK, OK, OK, NF}},
	{"{\"op\":\"comment.create\",\"post\":$P,\"body\":\"a $N\",\"anchor\":{\"block\":1,\"quote\":\"p\"}}",
	 {"bad_request", "bad_request", "bad_request", "bad_request", NF}},
	{"{\"op\":\"post.update\",\"post\":$P,\"title\":\"P $N\"}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"post.update\",\"post\":$Q,\"title\":\"Q $N\"}", {OK, OK, FB, NF, NF}},
	{"{\"op\":\"post.revisions\",\"post\":$P}", {OK, OK, OK, OK, NF}},
	{"{\"op\":\"post.revisions\",\"post\":$Q}", {OK, OK, OK, NF, NF}},
	{"{\"op\":\"comment.update\",\"comment\":$C,\"body\":\"c $N\"}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"vote.cast\",\"post\":$P,\"value\":1}", {OK, OK, OK, OK, NF}},
	{"{\"op\":\"vote.cast\",\"post\":$Q,\"value\":-1}", {OK, OK, OK, NF, NF}},
	{"{\"op\":\"chat.send\",\"round\":$R,\"body\":\"hi $N\"}", {OK, OK, OK, OK, NF}},
	{"{\"op\":\"chat.send\",\"round\":$I,\"body\":\"hi $N\"}", {OK, OK, OK, NF, NF}},
	{"{\"op\":\"chat.history\",\"round\":$R}", {OK, OK, OK, OK, NF}},
	{"{\"op\":\"chat.history\",\"round\":$I}", {OK, OK, OK, NF, NF}},
	{"{\"op\":\"invite.create\",\"role\":\"customer\",\"round\":$R}", {OK, OK, FB, FB, FB}},
	{"{\"op\":\"invite.create\",\"role\":\"employee\"}", {OK, OK, FB, FB, FB}},
	{"{\"op\":\"round.members\",\"round\":$R}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"member.add\",\"round\":$R,\"user\":$X}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"member.revoke\",\"round\":$R,\"user\":$X}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"flag.create\",\"target\":\"post\",\"id\":$P,\"reason\":\"r\"}", {OK, OK, OK, OK, NF}},
	{"{\"op\":\"flag.create\",\"target\":\"comment\",\"id\":$C,\"reason\":\"r\"}", {OK, OK, OK, OK, NF}},
	{"{\"op\":\"flag.create\",\"target\":\"chat\",\"id\":$M,\"reason\":\"r\"}", {OK, OK, OK, OK, NF}},
	{"{\"op\":\"flag.create\",\"target\":\"post\",\"id\":$Q,\"reason\":\"r\"}", {OK, OK, OK, NF, NF}},
	{"{\"op\":\"mod.hide\",\"target\":\"post\",\"id\":$P,\"hidden\":false}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"mod.hide\",\"target\":\"comment\",\"id\":$C,\"hidden\":false}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"mod.hide\",\"target\":\"chat\",\"id\":$M,\"hidden\":false}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"mod.queue\"}", {OK, OK, FB, FB, FB}},
	{"{\"op\":\"mod.queue\",\"round\":$R}", {OK, OK, FB, FB, FB}},
	{"{\"op\":\"audit.list\"}", {OK, FB, FB, FB, FB}},
	{"{\"op\":\"users.list\"}", {OK, FB, FB, FB, FB}},
	{"{\"op\":\"users.list\",\"query\":\"x\",\"role\":\"customer\",\"limit\":5}", {OK, FB, FB, FB, FB}},
	{"{\"op\":\"user.update\",\"user\":$X,\"org\":\"Helio $N\"}", {OK, FB, FB, FB, FB}},
	{"{\"op\":\"user.update\",\"user\":$X,\"role\":\"customer\",\"email\":\"x$N@helio.example\"}",
	 {OK, FB, FB, FB, FB}},
	{"{\"op\":\"user.disable\",\"user\":$X,\"disabled\":false}", {OK, FB, FB, FB, FB}},
	{"{\"op\":\"password.reset\",\"user\":$X}", {OK, FB, FB, FB, FB}},
	{"{\"op\":\"search\",\"q\":\"idea\"}", {OK, OK, OK, OK, OK}},
	{"{\"op\":\"markdown.preview\",\"text\":\"<b> $N\"}", {OK, OK, OK, OK, OK}},
	{"{\"op\":\"post.similar\",\"round\":$R,\"q\":\"idea\"}", {OK, OK, OK, OK, NF}},
	{"{\"op\":\"post.similar\",\"round\":$I,\"q\":\"idea\"}", {OK, OK, OK, NF, NF}},
	{"{\"op\":\"round.insights\",\"round\":$R}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"priority.create\",\"round\":$R,\"title\":\"P $N\"}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"priority.update\",\"priority\":$Y,\"description\":\"d $N\"}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"priority.link\",\"priority\":$Y,\"post\":$P}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"priority.unlink\",\"priority\":$Y,\"post\":$P}", {OK, OK, FB, FB, NF}},
	/* Outcomes: managers and admins (and the priority's owner; $Y has
	 * none) change them, members read, comment on updates and follow.
	 *   $G a measure of $Y   $L a milestone of $Y   $U an update of $Y */
	{"{\"op\":\"priority.update\",\"priority\":$Y,\"goal\":\"g $N\",\"status\":\"active\"}",
	 {OK, OK, FB, FB, NF}},
	{"{\"op\":\"measure.set\",\"priority\":$Y,\"name\":\"M $N\",\"baseline\":0,\"target\":10,\"current\":1}",
	 {OK, OK, FB, FB, NF}},
	{"{\"op\":\"measure.set\",\"priority\":$Y,\"id\":$G,\"name\":\"NPS\",\"unit\":\"pt\",\"baseline\":0,\"target\":10,\"current\":$N}",
	 {OK, OK, FB, FB, NF}},
	{"{\"op\":\"measure.history\",\"measure\":$G}", {OK, OK, OK, OK, NF}},
	{"{\"op\":\"measure.delete\",\"measure\":999999}", {NF, NF, NF, NF, NF}},
	{"{\"op\":\"milestone.set\",\"priority\":$Y,\"title\":\"L $N\",\"due\":\"2027-03-31\"}",
	 {OK, OK, FB, FB, NF}},
	{"{\"op\":\"milestone.set\",\"priority\":$Y,\"id\":$L,\"title\":\"Pilot\",\"due\":\"2027-04-30\",\"done\":true}",
	 {OK, OK, FB, FB, NF}},
	{"{\"op\":\"milestone.delete\",\"milestone\":999999}", {NF, NF, NF, NF, NF}},
	{"{\"op\":\"priority.post_update\",\"priority\":$Y,\"body\":\"u $N\"}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"priority.updates\",\"priority\":$Y}", {OK, OK, OK, OK, NF}},
	{"{\"op\":\"outcomes.overview\"}", {OK, OK, FB, FB, FB}},
	{"{\"op\":\"comment.create\",\"update\":$U,\"body\":\"c $N\"}", {OK, OK, OK, OK, NF}},
	{"{\"op\":\"priority.follow\",\"priority\":$Y}", {OK, OK, OK, OK, NF}},
	{"{\"op\":\"priority.unfollow\",\"priority\":$Y}", {OK, OK, OK, OK, NF}},
	{"{\"op\":\"measure.set\",\"priority\":$Y,\"name\":\"M\",\"baseline\":0,\"target\":1e999,\"current\":1}",
	 {"bad_request", "bad_request", "bad_request", "bad_request", "bad_request"}},
	{"{\"op\":\"milestone.set\",\"priority\":$Y,\"title\":\"L\",\"due\":\"2027-02-29\"}",
	 {"bad_request", "bad_request", "bad_request", "bad_request", "bad_request"}},
	/* Each role runs the rows in turn: the admin merges and unmerges,
	 * then the manager does the same. */
	{"{\"op\":\"post.merge\",\"post\":$E,\"into\":$F}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"post.unmerge\",\"post\":$E}", {OK, OK, FB, FB, NF}},
	/* Unmerged now: nothing to undo. */
	{"{\"op\":\"post.unmerge\",\"post\":$E}", {"conflict", "conflict", FB, FB, NF}},
	/* Every account has its own notices and settings. */
	{"{\"op\":\"notifications.list\"}", {OK, OK, OK, OK, OK}},
	{"{\"op\":\"notifications.list\",\"limit\":101}", {"bad_request", "bad_request", "bad_request", "bad_request", "bad_request"}},
	{"{\"op\":\"notifications.read\",\"all\":true}", {OK, OK, OK, OK, OK}},
	{"{\"op\":\"notifications.read\",\"ids\":[1,2]}", {OK, OK, OK, OK, OK}},
	{"{\"op\":\"notifications.read\"}", {"bad_request", "bad_request", "bad_request", "bad_request", "bad_request"}},
	{"{\"op\":\"user.settings\"}", {OK, OK, OK, OK, OK}},
	{"{\"op\":\"user.settings\",\"notify\":\"instant\"}", {OK, OK, OK, OK, OK}},
	{"{\"op\":\"user.settings\",\"notify\":\"hourly\"}", {"bad_request", "bad_request", "bad_request", "bad_request", "bad_request"}},
	/* Everyone signed in may change their own settings. */
	{"{\"op\":\"user.settings\",\"lang\":\"nb\",\"display_name\":\"Name $N\"}",
	 {OK, OK, OK, OK, OK}},
	{"{\"op\":\"user.settings\",\"lang\":null}", {OK, OK, OK, OK, OK}},
	/* Big rounds: a page of posts for every member; people to pick for
	 * managers and admins. */
	{"{\"op\":\"posts.list\",\"round\":$R,\"limit\":5}", {OK, OK, OK, OK, NF}},
	{"{\"op\":\"posts.list\",\"round\":$I,\"order\":\"new\",\"kind\":\"idea\"}", {OK, OK, OK, NF, NF}},
	{"{\"op\":\"posts.list\",\"round\":$D}", {OK, OK, NF, NF, NF}},
	{"{\"op\":\"posts.list\",\"round\":$R,\"cursor\":\"x\"}", {"bad_request", "bad_request", "bad_request", "bad_request", NF}},
	{"{\"op\":\"round.subscribe\",\"round\":$R,\"posts_limit\":2,\"posts_order\":\"new\"}", {OK, OK, OK, OK, NF}},
	{"{\"op\":\"users.find\",\"query\":\"a\"}", {OK, OK, FB, FB, FB}},
	{"{\"op\":\"users.find\",\"query\":\"a\",\"role\":\"staff\",\"limit\":3}", {OK, OK, FB, FB, FB}},
	{"{\"op\":\"users.find\",\"query\":\" \"}", {"bad_request", "bad_request", FB, FB, FB}},
	/* Needs: leadership names them and links ideas and priorities of
	 * the same round; everyone sees what became of their own ideas;
	 * the organisations overview is leadership's. */
	{"{\"op\":\"need.create\",\"round\":$R,\"title\":\"Need $N\"}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"need.create\",\"round\":$I,\"title\":\"Need $N\"}", {OK, OK, FB, NF, NF}},
	{"{\"op\":\"need.update\",\"need\":$V,\"description\":\"d $N\"}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"need.link\",\"need\":$V,\"post\":$P}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"need.link\",\"need\":$V,\"priority\":$Y}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"need.link\",\"need\":$V,\"post\":$Q}", {"bad_request", "bad_request", FB, FB, NF}},
	{"{\"op\":\"need.link\",\"need\":$V}", {"bad_request", "bad_request", "bad_request", "bad_request", "bad_request"}},
	{"{\"op\":\"need.unlink\",\"need\":$V,\"post\":$P}", {OK, OK, FB, FB, NF}},
	{"{\"op\":\"need.unlink\",\"need\":$V,\"post\":$P}", {NF, NF, FB, FB, NF}},
	{"{\"op\":\"need.delete\",\"need\":999999}", {NF, NF, NF, NF, NF}},
	{"{\"op\":\"my.ideas\"}", {OK, OK, OK, OK, OK}},
	{"{\"op\":\"orgs.list\"}", {OK, OK, FB, FB, FB}},
	{"{\"op\":\"no.such.op\"}", {"unknown_op", "unknown_op", "unknown_op", "unknown_op", "unknown_op"}},
};

static struct osx_server srv;
static char tokens[NROLES][OSX_TOKEN_MAX];
static long long id_R, id_I, id_D, id_P, id_Q, id_C, id_M, id_X, id_E, id_F, id_Y, id_V;
static long long id_G, id_L, id_U;

static cJSON *
must(cJSON *r, const char *what)
{
	ck_assert_msg(r && osx_ok(r), "setup %s: %s", what, osx_jtext(r));
	return r;
}

static long long
create(struct osx_ws *ws, const char *what, const char *path, const char *req)
{
	cJSON *req_json = cJSON_Parse(req);
	cJSON *r = must(osx_ws_request(ws, req_json, 0), what);
	long long id = osx_jint(r, path, 0);

	cJSON_Delete(r);
	cJSON_Delete(req_json);
	return id;
}

static void
setup(void)
{
	static const char *const extra[] = {"--rate-limit", "0", "--flag-threshold", "0", NULL};
	char req[256], token[64];
	struct osx_http_resp resp;
	struct osx_cli_result res;
	struct osx_ws *m;

	ck_assert_int_eq(osx_server_start(&srv, extra), 0);
	ck_assert_int_eq(osx_user_new(&srv, "root", "admin", tokens[ADMIN], OSX_TOKEN_MAX), 0);
	ck_assert_int_eq(osx_user_new(&srv, "mgr", "manager", tokens[MANAGER], OSX_TOKEN_MAX), 0);
	ck_assert_int_eq(osx_user_new(&srv, "emp", "employee", tokens[EMPLOYEE], OSX_TOKEN_MAX), 0);
	ck_assert_int_eq(osx_user_new(&srv, "outsider", "customer", tokens[CUST_OUT], OSX_TOKEN_MAX), 0);
	m = osx_ws_open(srv.port, tokens[MANAGER]);
	ck_assert_ptr_nonnull(m);
	id_R = create(m, "round R", "round.id", "{\"op\":\"round.create\",\"title\":\"R\","
		      "\"audience\":\"invited\",\"vote_mode\":\"updown\"}");
	id_I = create(m, "round I", "round.id", "{\"op\":\"round.create\",\"title\":\"I\","
		      "\"audience\":\"internal\",\"vote_mode\":\"updown\"}");
	id_D = create(m, "round D", "round.id", "{\"op\":\"round.create\",\"title\":\"D\","
		      "\"audience\":\"internal\",\"vote_mode\":\"updown\"}");
	snprintf(req, sizeof req, "{\"op\":\"round.update\",\"round\":%lld,\"phase\":\"open\"}", id_R);
	create(m, "open R", "round.id", req);
	snprintf(req, sizeof req, "{\"op\":\"round.update\",\"round\":%lld,\"phase\":\"open\"}", id_I);
	create(m, "open I", "round.id", req);
	snprintf(req, sizeof req, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
		 "\"title\":\"P\",\"body\":\"p\"}", id_R);
	id_P = create(m, "post P", "post.id", req);
	snprintf(req, sizeof req, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
		 "\"title\":\"Q\",\"body\":\"q\"}", id_I);
	id_Q = create(m, "post Q", "post.id", req);
	snprintf(req, sizeof req, "{\"op\":\"comment.create\",\"post\":%lld,\"body\":\"c\"}", id_P);
	id_C = create(m, "comment C", "comment.id", req);
	snprintf(req, sizeof req, "{\"op\":\"chat.send\",\"round\":%lld,\"body\":\"m\"}", id_R);
	id_M = create(m, "chat M", "chat.id", req);
	snprintf(req, sizeof req, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
		 "\"title\":\"E\",\"body\":\"e\"}", id_R);
	id_E = create(m, "post E", "post.id", req);
	snprintf(req, sizeof req, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"idea\","
		 "\"title\":\"F\",\"body\":\"f\"}", id_R);
	id_F = create(m, "post F", "post.id", req);
	snprintf(req, sizeof req, "{\"op\":\"priority.create\",\"round\":%lld,\"title\":\"Y\"}",
		 id_R);
	id_Y = create(m, "priority Y", "priority.id", req);
	snprintf(req, sizeof req, "{\"op\":\"need.create\",\"round\":%lld,\"title\":\"V\"}",
		 id_R);
	id_V = create(m, "need V", "need.id", req);
	snprintf(req, sizeof req, "{\"op\":\"measure.set\",\"priority\":%lld,\"name\":\"G\","
		 "\"baseline\":0,\"target\":10,\"current\":0}", id_Y);
	id_G = create(m, "measure G", "priority.measures.0.id", req);
	snprintf(req, sizeof req, "{\"op\":\"milestone.set\",\"priority\":%lld,\"title\":\"L\","
		 "\"due\":\"2027-01-31\"}", id_Y);
	id_L = create(m, "milestone L", "priority.milestones.0.id", req);
	snprintf(req, sizeof req, "{\"op\":\"priority.post_update\",\"priority\":%lld,"
		 "\"body\":\"U\"}", id_Y);
	id_U = create(m, "update U", "update.id", req);
	osx_ws_close(m);

	/* The invited customer comes in through an invite, as in life. */
	ck_assert_int_eq(osx_cli(&res, NULL, NULL, "invite", "create", "--db", srv.db, "--role",
				 "customer", "--round", (snprintf(req, sizeof req, "%lld", id_R), req),
				 (char *)NULL), 0);
	snprintf(token, sizeof token, "%.43s", res.out);
	osx_cli_free(&res);
	snprintf(req, sizeof req, "{\"token\":\"%s\",\"username\":\"insider\",\"password\":"
		 "\"insider-pass-1\",\"display_name\":\"In Sider\",\"org\":\"Nordbank\"}", token);
	ck_assert_int_eq(osx_http(srv.port, "POST", "/api/invite/accept", NULL, req, &resp), 200);
	{
		cJSON *j = osx_http_json(&resp);

		snprintf(tokens[CUST_IN], OSX_TOKEN_MAX, "%s", osx_jstr(j, "token"));
		cJSON_Delete(j);
	}
	osx_http_free(&resp);
	/* The object of membership changes: another customer. */
	ck_assert_int_eq(osx_user_add(&srv, "xavier", "x-password-1", "customer", NULL, "Helio"), 0);
	ck_assert_int_eq(osx_http(srv.port, "POST", "/api/login", NULL,
				  "{\"username\":\"xavier\",\"password\":\"x-password-1\"}",
				  &resp), 200);
	{
		cJSON *j = osx_http_json(&resp);

		id_X = osx_jint(j, "user.id", 0);
		cJSON_Delete(j);
	}
	osx_http_free(&resp);
	ck_assert_int_gt(id_X, 0);
}

static void
teardown(void)
{
	int st = osx_server_stop(&srv);

	osx_server_cleanup(&srv);
	ck_assert_int_eq(st, 0);
}

static void
substitute(const char *tmpl, char *out, size_t outsz, int n)
{
	size_t o = 0;

	for (const char *p = tmpl; *p && o + 24 < outsz; p++) {
		long long v;

		if (*p != '$') {
			out[o++] = *p;
			continue;
		}
		switch (*++p) {
		case 'R': v = id_R; break;
		case 'I': v = id_I; break;
		case 'D': v = id_D; break;
		case 'P': v = id_P; break;
		case 'Q': v = id_Q; break;
		case 'C': v = id_C; break;
		case 'M': v = id_M; break;
		case 'X': v = id_X; break;
		case 'E': v = id_E; break;
		case 'F': v = id_F; break;
		case 'Y': v = id_Y; break;
		case 'V': v = id_V; break;
		case 'G': v = id_G; break;
		case 'L': v = id_L; break;
		case 'U': v = id_U; break;
		default: v = n; break;
		}
		o += (size_t)snprintf(out + o, outsz - o, "%lld", v);
	}
	out[o] = '\0';
}

START_TEST(every_op_for_every_role)
{
	struct osx_ws *ws[NROLES];
	char req[512];
	int failures = 0, n = 0;

	for (int r = 0; r < NROLES; r++) {
		ws[r] = osx_ws_open(srv.port, tokens[r]);
		ck_assert_msg(ws[r] != NULL, "%s cannot connect", role_names[r]);
	}
	/* Role by role, so that each role's member.add comes before its own
	 * member.revoke. */
	for (int r = 0; r < NROLES; r++)
		for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
			const char *got;
			cJSON *rep;

			substitute(rows[i].req, req, sizeof req, ++n);
			{
				cJSON *q = cJSON_Parse(req);

				ck_assert_msg(q != NULL, "row %zu is not JSON: %s", i, req);
				rep = osx_ws_request(ws[r], q, 0);
				cJSON_Delete(q);
			}
			ck_assert_msg(rep != NULL, "no reply to %s for %s", req, role_names[r]);
			got = osx_ok(rep) ? OK : osx_errcode(rep);
			if (!got || strcmp(got, rows[i].want[r])) {
				fprintf(stderr, "role matrix: %s as %s: want %s, got %s\n", req,
					role_names[r], rows[i].want[r], osx_jtext(rep));
				failures++;
			}
			cJSON_Delete(rep);
		}
	ck_assert_msg(failures == 0, "%d cells of the role matrix are wrong (see above)", failures);
	/* Nobody who is not a member ever received an event of round R (the
	 * user.updated events about their own settings aside). */
	for (cJSON *ev; (ev = osx_ws_wait_event(ws[CUST_OUT], "user.updated", 200));)
		cJSON_Delete(ev);
	ck_assert_int_eq(osx_ws_no_event(ws[CUST_OUT], NULL, 300), 1);
	for (int r = 0; r < NROLES; r++)
		osx_ws_close(ws[r]);
}
END_TEST

START_TEST(anonymous_gets_nothing)
{
	struct osx_ws_opts o = {0};
	struct osx_http_resp resp;
	int status = 0;

	ck_assert_ptr_null(osx_ws_connect(srv.port, &o, &status));
	ck_assert_int_eq(status, 401);
	o.token = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	ck_assert_ptr_null(osx_ws_connect(srv.port, &o, &status));
	ck_assert_int_eq(status, 401);
	o.token = NULL;
	o.cookie = "os_session=forged";
	ck_assert_ptr_null(osx_ws_connect(srv.port, &o, &status));
	ck_assert_int_eq(status, 401);
	/* The invite check is the one API an anonymous visitor may use, and
	 * it says nothing without a valid token. */
	ck_assert_int_eq(osx_http(srv.port, "GET", "/api/invite?token=nope", NULL, NULL, &resp), 404);
	osx_http_free(&resp);
	ck_assert_int_eq(osx_http(srv.port, "GET", "/api/export?round=1&format=csv", NULL, NULL,
				  &resp), 401);
	osx_http_free(&resp);
	/* A password change needs a session; a reset link needs its token. */
	ck_assert_int_eq(osx_http(srv.port, "POST", "/api/password", NULL,
				  "{\"old\":\"x\",\"new\":\"yyyyyyyyyy\"}", &resp), 401);
	osx_http_free(&resp);
	ck_assert_int_eq(osx_http(srv.port, "POST", "/api/password/reset", NULL,
				  "{\"token\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
				  "\"password\":\"yyyyyyyyyy\"}", &resp), 404);
	osx_http_free(&resp);
	ck_assert_int_eq(osx_http(srv.port, "GET", "/api/password/reset?token=nope", NULL, NULL,
				  &resp), 404);
	osx_http_free(&resp);
}
END_TEST

/* The HTTP export, for every role. */
START_TEST(export_for_every_role)
{
	static const int want_R[NROLES] = {200, 200, 403, 403, 404};
	static const int want_I[NROLES] = {200, 200, 403, 404, 404};
	struct osx_http_resp resp;
	char path[96], auth[OSX_TOKEN_MAX + 40];

	for (int r = 0; r < NROLES; r++) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", tokens[r]);
		snprintf(path, sizeof path, "/api/export?round=%lld&format=csv", id_R);
		ck_assert_msg(osx_http(srv.port, "GET", path, auth, NULL, &resp) == want_R[r],
			      "export of R as %s: %d", role_names[r], resp.status);
		osx_http_free(&resp);
		snprintf(path, sizeof path, "/api/export?round=%lld&format=json", id_I);
		ck_assert_msg(osx_http(srv.port, "GET", path, auth, NULL, &resp) == want_I[r],
			      "export of I as %s: %d", role_names[r], resp.status);
		osx_http_free(&resp);
	}
}
END_TEST

/* Everyone signed in may change their own password, and only their own:
 * the endpoint takes no account name, only the session's. */
START_TEST(password_change_for_every_role)
{
	struct osx_http_resp resp;
	char auth[OSX_TOKEN_MAX * 6];

	for (int r = 0; r < NROLES; r++) {
		cJSON *j;

		snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", tokens[r]);
		ck_assert_msg(osx_http(srv.port, "POST", "/api/password", auth,
				       "{\"old\":\"wrong-password\",\"new\":\"whatever-new-1\"}",
				       &resp) == 401,
			      "password change as %s: %d", role_names[r], resp.status);
		j = osx_http_json(&resp);
		ck_assert_str_eq(osx_errcode(j), "bad_credentials");
		cJSON_Delete(j);
		osx_http_free(&resp);
	}
}
END_TEST

/* A small whole PNG, as an upload's body. */
static size_t
tiny_png(unsigned char *b)
{
	static const unsigned char png[] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
		0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xde,
		0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82};

	memcpy(b, png, sizeof png);
	return sizeof png;
}

/* POST /api/files?post=ID as role r: the status, and the file's URL into
 * url when it was stored. */
static int
upload_as(int r, long long post, char *url, size_t urlsz)
{
	unsigned char req[2048];
	struct osx_http_resp resp;
	int n = snprintf((char *)req, sizeof req,
			 "POST /api/files?post=%lld HTTP/1.1\r\nHost: 127.0.0.1\r\n"
			 "Authorization: Bearer %s\r\nX-Filename: pic.png\r\n"
			 "Content-Length: 45\r\nConnection: close\r\n\r\n", post, tokens[r]);
	int st;

	n += (int)tiny_png(req + n);
	st = osx_http_raw(srv.port, req, (size_t)n, &resp);
	if (st == 201 && url) {
		cJSON *j = osx_http_json(&resp);

		snprintf(url, urlsz, "%s", osx_jstr(j, "file.url") ? osx_jstr(j, "file.url") : "");
		cJSON_Delete(j);
	}
	osx_http_free(&resp);
	return st;
}

/* Attachments (HTTP): who may attach to which post, who may read them. */
START_TEST(files_for_every_role)
{
	static const int want_P[NROLES] = {201, 201, 403, 403, 404};
	static const int want_Q[NROLES] = {201, 201, 403, 404, 404};
	static const int want_plan[NROLES] = {201, 201, 403, 403, 404};
	static const int read_R[NROLES] = {200, 200, 200, 200, 404};
	static const int read_I[NROLES] = {200, 200, 200, 404, 404};
	struct osx_http_resp resp;
	struct osx_ws *m = osx_ws_open(srv.port, tokens[MANAGER]);
	char url_R[256] = "", url_I[256] = "", auth[OSX_TOKEN_MAX + 40], req[256];
	long long plan;

	ck_assert_ptr_nonnull(m);
	snprintf(req, sizeof req, "{\"op\":\"post.create\",\"round\":%lld,\"kind\":\"plan\","
		 "\"title\":\"Plan\",\"body\":\"p\"}", id_R);
	plan = create(m, "plan", "post.id", req);
	osx_ws_close(m);
	for (int r = 0; r < NROLES; r++) {
		char url[256];
		int st;

		ck_assert_msg((st = upload_as(r, id_P, url, sizeof url)) == want_P[r],
			      "upload to P as %s: %d", role_names[r], st);
		if (st == 201)
			snprintf(url_R, sizeof url_R, "%s", url);
		ck_assert_msg((st = upload_as(r, id_Q, url, sizeof url)) == want_Q[r],
			      "upload to Q as %s: %d", role_names[r], st);
		if (st == 201)
			snprintf(url_I, sizeof url_I, "%s", url);
		ck_assert_msg((st = upload_as(r, plan, NULL, 0)) == want_plan[r],
			      "upload to a plan as %s: %d", role_names[r], st);
		/* Everyone who may post an idea may attach to their own. */
		if (r != CUST_OUT) {
			struct osx_ws *ws = osx_ws_open(srv.port, tokens[r]);
			long long own;

			ck_assert_ptr_nonnull(ws);
			snprintf(req, sizeof req, "{\"op\":\"post.create\",\"round\":%lld,"
				 "\"kind\":\"idea\",\"title\":\"Own %d\",\"body\":\"o\"}", id_R, r);
			own = create(ws, "own idea", "post.id", req);
			osx_ws_close(ws);
			ck_assert_msg((st = upload_as(r, own, NULL, 0)) == 201,
				      "upload to an own idea as %s: %d", role_names[r], st);
		}
	}
	ck_assert(url_R[0] && url_I[0]);
	for (int r = 0; r < NROLES; r++) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", tokens[r]);
		ck_assert_msg(osx_http(srv.port, "GET", url_R, auth, NULL, &resp) == read_R[r],
			      "file in R as %s: %d", role_names[r], resp.status);
		osx_http_free(&resp);
		ck_assert_msg(osx_http(srv.port, "GET", url_I, auth, NULL, &resp) == read_I[r],
			      "file in I as %s: %d", role_names[r], resp.status);
		osx_http_free(&resp);
	}
	ck_assert_int_eq(osx_http(srv.port, "GET", url_R, NULL, NULL, &resp), 401);
	osx_http_free(&resp);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("roles");
	TCase *tc = tcase_create("matrix");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, every_op_for_every_role);
	tcase_add_test(tc, anonymous_gets_nothing);
	tcase_add_test(tc, export_for_every_role);
	tcase_add_test(tc, password_change_for_every_role);
	tcase_add_test(tc, files_for_every_role);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
