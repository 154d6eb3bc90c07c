/*
 * The WebSocket message handler: dispatch_request() and the forum layer
 * under it, on an in-memory database (see fuzz_common.h for the fixture).
 *
 * Input: the first byte picks the caller (byte % 5: admin, manager,
 * employee, customer member of the invited rounds 2 and 5, customer member
 * of nothing); the rest is one WebSocket text message.
 *
 * Each input runs against the same fixture: the harness wraps the call in
 * a store operation of its own and rolls it back afterwards (dispatch's own
 * operation nests inside it as a savepoint), so inputs are independent and
 * every crash reproduces from its one file. OSFUZZ_STATEFUL=N keeps the
 * writes instead and rebuilds the fixture every N inputs. OSFUZZ_VERBOSE=1
 * prints each request and its reply.
 *
 * Invariants, for any input (abort() on violation):
 *  - the reply is non-NULL, *out_len is its length, it parses as a JSON
 *    object with "ok": true and no "error", or "ok": false and an "error"
 *    object whose "code" is one of the contract's codes and a "message";
 *  - a numeric, finite "rid" in the request is echoed as a number, and
 *    exactly when it is an integer of at most 2^53 - 1 in magnitude (what a
 *    JavaScript client can hold; OSFUZZ_RID_EXACT_MAX changes the bound);
 *  - the reply is valid UTF-8 whenever the request was (the transport only
 *    passes valid UTF-8 on, and browsers drop connections over invalid text);
 *  - no "internal" error: nothing in memory can fail (OSFUZZ_ALLOW_INTERNAL=1
 *    turns this one off);
 *  - a request answered with an error, or a read, emits no event (events of
 *    a rolled-back write would still be fanned out by the transport);
 *  - every event renders as a JSON object with "ev";
 *  - callers who are not moderators (employees, customers) never get
 *    ok: true for a request naming a round, post, comment, chat message or
 *    priority they may not see (round.unsubscribe aside, which reveals
 *    nothing), and no reply of theirs contains a round, post, comment or
 *    chat message they may not see, nor anything hidden. Visibility is
 *    computed from the tables directly, not by the code under test.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dispatch/dispatch.h"
#include "fuzz_common.h"

static struct fuzz_world W;
static struct dispatch *D;
static long stateful;   /* 0: roll back every input */
static long inputs;
static int allow_internal;
static int verbose;
static double rid_exact_max = 9007199254740991.0;
static int in_request;
static int events_in_request;

static const char *const error_codes[] = {
	"bad_request", "unknown_op", "unauthorized", "forbidden", "not_found", "conflict",
	"too_large",   "rate_limited", "phase_closed", "internal", NULL,
};

/* ---- the hub and the event sink ---- */

static int
hub_subscribe(void *arg, void *conn, int64_t round, const struct user *u)
{
	return OS_OK;
}

static void
hub_unsubscribe(void *arg, void *conn, int64_t round)
{
}

static size_t
hub_online(void *arg, int64_t round, struct user *out, size_t max, size_t *total)
{
	*total = 2;
	if (max < 1)
		return 0;
	out[0] = W.u[U_EVE];
	return 1;
}

static const char *
hub_base_url(void *arg, void *conn)
{
	return "https://forum.example";
}

static void
on_event(void *arg, const struct os_event *ev)
{
	size_t len = 0;
	char *json;
	cJSON *o;

	if (W.setting_up)
		return;
	events_in_request++;
	FUZZ_CHECK(in_request, "event %d emitted outside a request", ev->type);
	if (ev->type == EV_USER_DISABLED || ev->type == EV_ACCESS_REVOKED ||
	    ev->type == EV_SESSIONS_ENDED)
		return;
	/* An account's change goes to its own connections, as user.updated:
	 * an admin's change as the transport renders it, the person's own
	 * settings as an event. */
	json = ev->type == EV_USER_UPDATED && !ev->user
		       ? dispatch_render_user_updated(ev->account, NULL, 0, &len)
		       : dispatch_render_event(ev, &len);
	FUZZ_CHECK(json, "event %d did not render", ev->type);
	FUZZ_CHECK(len == strlen(json), "event length %zu for %zu bytes", len, strlen(json));
	o = cJSON_ParseWithLength(json, len);
	FUZZ_CHECK(cJSON_IsObject(o) && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "ev")),
		   "event is not an object with \"ev\": %s", json);
	FUZZ_CHECK(fuzz_utf8_out_ok((const unsigned char *)json, len), "event not UTF-8: %s", json);
	cJSON_Delete(o);
	free(json);
}

static void
world_up(void)
{
	static const struct forum_events events = {.emit = on_event, .arg = NULL};
	static const struct dispatch_hub hub = {
		.subscribe = hub_subscribe,
		.unsubscribe = hub_unsubscribe,
		.online = hub_online,
		.base_url = hub_base_url,
	};

	fuzz_world_build(&W, &events);
	D = dispatch_new(W.f, &hub);
	FUZZ_CHECK(D, "dispatch_new");
}

static void
world_down(void)
{
	dispatch_free(D);
	D = NULL;
	fuzz_world_free(&W);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *s = getenv("OSFUZZ_STATEFUL");

	fuzz_global_init();
	stateful = s ? strtol(s, NULL, 10) : 0;
	allow_internal = getenv("OSFUZZ_ALLOW_INTERNAL") != NULL;
	verbose = getenv("OSFUZZ_VERBOSE") != NULL;
	if (getenv("OSFUZZ_RID_EXACT_MAX"))
		rid_exact_max = strtod(getenv("OSFUZZ_RID_EXACT_MAX"), NULL);
	world_up();
	return 0;
}

/* ---- the oracle of visibility for employees and customers ---- */

struct leak_ctx {
	const struct user *u;
	const char *op;
	const char *reply;
	char *defer; /* not NULL: note the first violation here, do not abort */
};

static void
violation(struct leak_ctx *c, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
violation(struct leak_ctx *c, int ok, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	if (ok)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (c->defer) {
		if (!c->defer[0])
			snprintf(c->defer, 512, "%s", what);
		return;
	}
	FUZZ_CHECK(0, "%s: %s", what, c->reply);
}

static void
must_see_round(struct leak_ctx *c, int64_t id, const char *where)
{
	int v = fuzz_round_visible(&W, c->u, id);

	violation(c, v != 0, "%s (%s) sees round %lld in '%s' of %s", c->u->username,
		  os_role_name(c->u->role), (long long)id, where, c->op);
}

static void
must_see_item(struct leak_ctx *c, int target, int64_t id, int check_hidden,
	      const char *where)
{
	int64_t round;
	int hidden;

	if (fuzz_item(&W, target, id, &round, &hidden))
		return; /* no such item: nothing to leak */
	must_see_round(c, round, where);
	violation(c, !check_hidden || !hidden, "%s (%s) sees hidden %s %lld in '%s' of %s",
		  c->u->username, os_role_name(c->u->role), os_target_name(target),
		  (long long)id, where, c->op);
}

static int64_t
num(const cJSON *v)
{
	/* Ids are integers in [1, 2^53]; anything else names nothing. */
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 1 && v->valuedouble <= 9007199254740992.0))
		return 0;
	return (int64_t)v->valuedouble;
}

static void
walk(struct leak_ctx *c, const char *key, const cJSON *v, int depth)
{
	const cJSON *ch;

	if (key && depth > 0) {
		if (!strcmp(key, "round")) {
			if (cJSON_IsNumber(v))
				must_see_round(c, num(v), key);
			else if (cJSON_IsObject(v))
				must_see_round(c, num(cJSON_GetObjectItemCaseSensitive(v, "id")), key);
		} else if (!strcmp(key, "rounds") && cJSON_IsArray(v)) {
			cJSON_ArrayForEach(ch, v)
				must_see_round(c, num(cJSON_GetObjectItemCaseSensitive(ch, "id")), key);
		} else if (!strcmp(key, "post") || !strcmp(key, "into")) {
			if (cJSON_IsNumber(v))
				must_see_item(c, TARGET_POST, num(v), 1, key);
			else if (cJSON_IsObject(v))
				must_see_item(c, TARGET_POST,
					      num(cJSON_GetObjectItemCaseSensitive(v, "id")), 1, key);
		} else if (!strcmp(key, "from_post") && cJSON_IsNumber(v)) {
			must_see_item(c, TARGET_POST, num(v), 0, key);
		} else if (!strcmp(key, "posts") && cJSON_IsArray(v)) {
			/* Post objects (a snapshot), or the ids a priority
			 * links (an id alone shows nothing hidden). */
			cJSON_ArrayForEach(ch, v)
				must_see_item(c, TARGET_POST,
					      cJSON_IsNumber(ch)
						      ? num(ch)
						      : num(cJSON_GetObjectItemCaseSensitive(ch, "id")),
					      !cJSON_IsNumber(ch), key);
		} else if (!strcmp(key, "comment") && cJSON_IsObject(v)) {
			must_see_item(c, TARGET_COMMENT,
				      num(cJSON_GetObjectItemCaseSensitive(v, "id")), 1, key);
		} else if (!strcmp(key, "comments") && cJSON_IsArray(v)) {
			cJSON_ArrayForEach(ch, v) {
				int64_t round;
				int hidden;

				/* Comments of a post merged into a visible one
				 * show on it; the comment itself must not be
				 * hidden. */
				if (!fuzz_item(&W, TARGET_COMMENT,
					       num(cJSON_GetObjectItemCaseSensitive(ch, "id")),
					       &round, &hidden))
					must_see_round(c, round, key);
				FUZZ_CHECK(!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ch, "hidden")),
					   "%s sees a hidden comment in %s: %s", c->u->username,
					   c->op, c->reply);
			}
		} else if ((!strcmp(key, "chat") && cJSON_IsObject(v))) {
			must_see_item(c, TARGET_CHAT, num(cJSON_GetObjectItemCaseSensitive(v, "id")),
				      1, key);
		} else if (!strcmp(key, "messages") && cJSON_IsArray(v)) {
			cJSON_ArrayForEach(ch, v)
				must_see_item(c, TARGET_CHAT,
					      num(cJSON_GetObjectItemCaseSensitive(ch, "id")), 1, key);
		}
		/* Hidden things are for moderators only (a top-level
		 * "hidden" is flag.create's answer: did my flag hide it). */
		if (!strcmp(key, "hidden") && depth > 1)
			FUZZ_CHECK(!cJSON_IsTrue(v), "%s (%s) is shown something hidden in %s: %s",
				   c->u->username, os_role_name(c->u->role), c->op, c->reply);
		if (!strcmp(key, "status") && cJSON_IsString(v))
			FUZZ_CHECK(strcmp(v->valuestring, "hidden"),
				   "%s (%s) is shown a hidden post in %s: %s", c->u->username,
				   os_role_name(c->u->role), c->op, c->reply);
	}
	/* Search results name their target by "target" and "id". */
	if (cJSON_IsObject(v) && depth > 0) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(v, "target");

		if (cJSON_IsString(t) && os_target_parse(t->valuestring) >= 0)
			must_see_item(c, os_target_parse(t->valuestring),
				      num(cJSON_GetObjectItemCaseSensitive(v, "id")), 1, "target");
	}
	if (cJSON_IsObject(v) || cJSON_IsArray(v))
		cJSON_ArrayForEach(ch, v) {
			/* A rid that is not a number comes back as it was sent. */
			if (depth == 0 && ch->string && !strcmp(ch->string, "rid"))
				continue;
			walk(c, cJSON_IsObject(v) ? ch->string : key, ch, depth + 1);
		}
}

/* What the request names, for callers who are not moderators: a request
 * naming something invisible must fail. Checked on the state before the
 * request (a flag may hide what it names). */
static void
check_request_targets(struct leak_ctx *c, const cJSON *in)
{
	static const struct {
		const char *field;
		int target; /* -1: a round; -2: a priority */
		const char *ops; /* the ops that read the field, space-separated */
	} named[] = {
		{"round", -1,
		 " round.update round.subscribe post.create chat.send chat.history invite.create"
		 " priority.create search post.similar round.insights member.add member.revoke"
		 " round.members mod.queue "},
		{"post", TARGET_POST,
		 " post.get comment.create vote.cast post.merge priority.link priority.unlink "},
		{"into", TARGET_POST, " post.merge "},
		{"parent", TARGET_COMMENT, " comment.create "},
		{"priority", -2, " priority.update priority.link priority.unlink "},
	};
	char op[80];
	const cJSON *t, *id;

	snprintf(op, sizeof op, " %.60s ", c->op);
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, named[i].field);
		int64_t n;

		if (!strstr(named[i].ops, op))
			continue;
		if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
		    v->valuedouble < 1 || v->valuedouble > 9007199254740991.0)
			continue;
		n = (int64_t)v->valuedouble;
		if (named[i].target == -1) {
			must_see_round(c, n, named[i].field);
		} else if (named[i].target == -2) {
			int64_t r = fuzz_priority_round(&W, n);

			if (r > 0)
				must_see_round(c, r, named[i].field);
		} else {
			/* A hidden parent comment is refused too. */
			must_see_item(c, named[i].target, n, 1, named[i].field);
		}
	}
	t = cJSON_GetObjectItemCaseSensitive(in, "target");
	id = cJSON_GetObjectItemCaseSensitive(in, "id");
	if (strstr(" flag.create mod.hide ", op) && cJSON_IsString(t) &&
	    os_target_parse(t->valuestring) >= 0 && cJSON_IsNumber(id) &&
	    id->valuedouble == floor(id->valuedouble) && id->valuedouble >= 1 &&
	    id->valuedouble <= 9007199254740991.0)
		must_see_item(c, os_target_parse(t->valuestring), (int64_t)id->valuedouble, 1,
			      "target/id");
}

/* ---- one input ---- */

/* One JSON value and only white space after it. */
static int
single_json(const char *msg, size_t len)
{
	const char *end = NULL;
	cJSON *v = cJSON_ParseWithLengthOpts(msg, len, &end, 0);
	int ok = v != NULL;

	for (; ok && end && end < msg + len; end++)
		if (!strchr(" \t\r\n", *end) || !*end)
			ok = 0;
	cJSON_Delete(v);
	return ok;
}

static void
check_reply(const struct user *caller, const char *msg, size_t len, const char *reply,
	    size_t out_len, int is_write, const char *named_invisible)
{
	cJSON *in = cJSON_ParseWithLength(msg, len), *out;
	const cJSON *ok, *err, *code, *rid, *opv;
	int is_ok, known = 0;

	FUZZ_CHECK(reply, "dispatch_request returned NULL");
	FUZZ_CHECK(out_len == strlen(reply), "out_len %zu for a reply of %zu bytes", out_len,
		   strlen(reply));
	out = cJSON_ParseWithLength(reply, out_len);
	FUZZ_CHECK(cJSON_IsObject(out), "the reply is not a JSON object: %s", reply);
	if (fuzz_utf8_ok((const unsigned char *)msg, len) &&
	    !(fuzz_known && strstr(reply, "\"code\":\"unknown_op\"")))
		FUZZ_CHECK(fuzz_utf8_out_ok((const unsigned char *)reply, out_len),
			   "valid UTF-8 request, reply not valid UTF-8: %s", reply);
	ok = cJSON_GetObjectItemCaseSensitive(out, "ok");
	err = cJSON_GetObjectItemCaseSensitive(out, "error");
	FUZZ_CHECK(cJSON_IsBool(ok), "reply without a boolean \"ok\": %s", reply);
	is_ok = cJSON_IsTrue(ok);
	if (is_ok) {
		FUZZ_CHECK(!err, "ok reply with an error: %s", reply);
	} else {
		FUZZ_CHECK(cJSON_IsObject(err), "failed reply without an error object: %s", reply);
		code = cJSON_GetObjectItemCaseSensitive(err, "code");
		FUZZ_CHECK(cJSON_IsString(code), "error without a code: %s", reply);
		for (int i = 0; error_codes[i]; i++)
			if (!strcmp(code->valuestring, error_codes[i]))
				known = 1;
		FUZZ_CHECK(known, "error code outside the contract: %s", reply);
		FUZZ_CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(err, "message")),
			   "error without a message: %s", reply);
		FUZZ_CHECK(allow_internal || strcmp(code->valuestring, "internal"),
			   "internal error for request %.*s: %s", (int)(len > 2000 ? 2000 : len),
			   msg, reply);
	}
	/* rid, of a request that is one JSON object and nothing else: an
	 * integer a JavaScript client can hold (|rid| <= 2^53 - 1, or
	 * OSFUZZ_RID_EXACT_MAX) is echoed exactly; any other finite number as
	 * a number. (Trailing bytes may get the request refused as malformed;
	 * a rid echoed anyway must still be right.) */
	rid = cJSON_IsObject(in) ? cJSON_GetObjectItemCaseSensitive(in, "rid") : NULL;
	if (cJSON_IsNumber(rid) && isfinite(rid->valuedouble)) {
		const cJSON *back = cJSON_GetObjectItemCaseSensitive(out, "rid");
		double d = rid->valuedouble;

		FUZZ_CHECK(cJSON_IsNumber(back) || (!back && !single_json(msg, len)),
			   "rid %.17g not echoed: %s", d, reply);
		if (back && d == floor(d) && fabs(d) <= rid_exact_max)
			FUZZ_CHECK(back->valuedouble == d, "rid %.17g echoed as %.17g: %s", d,
				   back->valuedouble, reply);
	}
	/* Events belong to successful writes only. */
	if (!is_ok || !is_write)
		FUZZ_CHECK(!events_in_request, "%d event(s) emitted by a %s answered %s: %.300s",
			   events_in_request, is_write ? "write" : "read",
			   is_ok ? "ok" : "with an error", msg);
	/* Visibility, for callers who are not moderators. */
	if (caller->role == ROLE_EMPLOYEE || caller->role == ROLE_CUSTOMER) {
		opv = cJSON_IsObject(in) ? cJSON_GetObjectItemCaseSensitive(in, "op") : NULL;
		struct leak_ctx c = {
			.u = caller,
			.op = cJSON_IsString(opv) ? opv->valuestring : "?",
			.reply = reply,
		};

		FUZZ_CHECK(!is_ok || !strcmp(c.op, "round.unsubscribe") || !named_invisible[0],
			   "%s, and the request succeeded: %s", named_invisible, reply);
		walk(&c, NULL, out, 0);
	}
	cJSON_Delete(in);
	cJSON_Delete(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int callers[] = {U_ADA, U_MAX, U_EVE, U_CLEO, U_NICO};
	const struct user *caller;
	size_t out_len = 0, len;
	int is_write = 0;
	char *msg, *reply, named_invisible[512];

	if (size < 1 || size > 65536 + 1)
		return 0;
	if (stateful && ++inputs % stateful == 0) {
		world_down();
		world_up();
	}
	caller = &W.u[callers[data[0] % 5]];
	len = size - 1;
	/* As the transport hands it over: exactly the bytes, NUL after. */
	msg = malloc(len + 1);
	if (!msg)
		return 0;
	memcpy(msg, data + 1, len);
	msg[len] = '\0';

	/* What the request names that the caller may not see, now. */
	named_invisible[0] = '\0';
	if (caller->role == ROLE_EMPLOYEE || caller->role == ROLE_CUSTOMER) {
		cJSON *in = cJSON_ParseWithLength(msg, len);
		const cJSON *opv = cJSON_GetObjectItemCaseSensitive(in, "op");
		struct leak_ctx c = {
			.u = caller,
			.op = cJSON_IsString(opv) ? opv->valuestring : "?",
			.defer = named_invisible,
		};

		if (cJSON_IsObject(in))
			check_request_targets(&c, in);
		cJSON_Delete(in);
	}

	FUZZ_MUST(store_op_begin(W.st));
	in_request = 1;
	events_in_request = 0;
	reply = dispatch_request(D, caller, (void *)0x1, msg, len, &out_len, &is_write);
	in_request = 0;
	if (verbose)
		fprintf(stderr, "[%s] %.*s\n  => %s\n", caller->username, (int)len, msg,
			reply ? reply : "(null)");
	check_reply(caller, msg, len, reply, out_len, is_write, named_invisible);
	FUZZ_MUST(store_op_end(W.st, stateful != 0));
	FUZZ_MUST(store_commit(W.st));
	/* In stateful mode an admin may have let nico in somewhere, or
	 * changed what eve sees: the oracle reads the tables, so it stays
	 * right. */
	free(reply);
	free(msg);
	return 0;
}
