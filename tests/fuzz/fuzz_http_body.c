/*
 * The HTTP bodies: POST /api/login and POST /api/invite/accept, and the
 * session tokens of cookies and Authorization headers.
 *
 * The two bodies go through exactly the functions http.c calls for them
 * (src/transport/http_body.c): http_body_login() and then, with the result
 * the password check would give, http_body_login_checked();
 * http_body_invite() and then, with a hash, http_body_invite_hashed(),
 * whose writes are rolled back afterwards. Only what needs libwebsockets
 * stays out: sending the answer and running the password job. The password
 * itself is never hashed (Argon2 would cost the fuzzer a second per input):
 * the harness's start function records what it was given, and a fixed hash
 * stands in for the result.
 *
 * Input: the first byte picks the path (byte % 3: login body, invite-accept
 * body, a raw session token as a cookie or bearer header carries it) and,
 * in byte / 3, what happens around it: bit 0 the name is locked out first
 * (login), bit 1 the password queue is full, bits 2-3 the password check's
 * result (a match, a mismatch, a failure). The rest is the body or token.
 * The fixture (fuzz_common.h) has deterministic tokens: a live session of
 * ada, a revoked and a disabled user's session, valid, used and expired
 * invites. OSFUZZ_PRINT_TOKENS=1 prints them. Every input leaves the
 * store as it found it, and each login happens an hour after the one
 * before (the throttle's clock is the harness's), when everything the
 * throttle held has expired: inputs do not depend on each other.
 *
 * Invariants (abort() on violation):
 *  both:    the body's bytes are wiped; every answer is the API's error
 *           object ({"error": {"code", "message"}}, the code's HTTP status);
 *           the password check starts exactly when no answer was given, and
 *           with the password as sent; a full queue is answered 503.
 *  login:   a body without string username and password is bad_request; a
 *           name that failed 5 times (in any ASCII case) from the address
 *           is rate_limited with the throttle's Retry-After; otherwise a
 *           user is found only under its own name ignoring ASCII case, every
 *           existing name (in any case) is found, its stored hash is what
 *           the password is checked against, and an unknown name is checked
 *           against the dummy hash; only a match of an existing, enabled
 *           account signs in (and then clears the name's failures at the
 *           address and stores the rehash), a mismatch is unauthorized and
 *           counted, a failed check is internal and not counted; neither the
 *           username nor the password resolves as a session token.
 *  accept:  the answer is the first failing check's, predicted by an
 *           independent reading: the invite (invites_check() answers OK for
 *           the two valid tokens, invite_used, invite_expired, not_found for
 *           anything else), the fields (os_username_valid() and
 *           invites_validate_fields() agree with the contract: username 1-32
 *           of [A-Za-z0-9._-] starting alphanumeric; display name valid
 *           UTF-8, 1-80 characters after trimming; organisation at most 80),
 *           the password (8 characters to 1024 bytes), a free name; when all
 *           pass, the hashing starts and the second half creates exactly the
 *           account asked for, with the invite's role, a customer as member
 *           of the invite's round, uses the invite (a second acceptance is
 *           invite_used), and a failed hashing creates nothing. When a check
 *           refuses, invites_accept() called anyway refuses on its own as the
 *           checks predict. After the rollback the invite is unused again.
 *  token:   session_resolve() accepts only ada's live token (and then
 *           gives ada), refuses revoked, disabled and malformed ones;
 *           invites_check() as above; session_revoke() of anything but
 *           ada's token leaves ada signed in.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "auth/password.h"
#include "auth/throttle.h"
#include "fuzz_common.h"
#include "transport/http_body.h"

static struct fuzz_world W;
static struct throttle *T;
static const char ADDR[] = "203.0.113.7";
static const char NEW_HASH[] = "$argon2id$v=19$m=65536,t=2,p=1$fuzz$new";

/* What byte / 3 of the input asks for around the body. */
enum {
	F_LOCKED = 1,      /* login: the name is locked out first */
	F_BUSY = 2,        /* the password queue is full */
	F_RESULT_SHIFT = 2 /* 2 bits: 0, 3 a mismatch, 1 a match, 2 a failure */
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_global_init();
	fuzz_world_build(&W, NULL);
	T = throttle_new();
	FUZZ_CHECK(T, "throttle_new");
	/* Computed once per process, as the server does at start. */
	FUZZ_CHECK(password_dummy_hash()[0] == '$', "no dummy hash");
	return 0;
}

/* ---- the password check, as the harness stands in for it ---- */

struct pw_seen {
	int calls;
	int refuse;        /* what start answers: 0 or OS_EBUSY */
	char *password;    /* a copy, wiped and freed by pw_seen_clear */
	char hash[OS_PWHASH_LEN];
	int had_hash;
};

static int
pw_start(void *arg, const char *password, const char *hash)
{
	struct pw_seen *pw = arg;

	pw->calls++;
	FUZZ_CHECK(password, "the check started without a password");
	free(pw->password);
	pw->password = strdup(password);
	FUZZ_CHECK(pw->password, "strdup");
	pw->had_hash = hash != NULL;
	if (hash) {
		FUZZ_CHECK(strlen(hash) < sizeof pw->hash, "a hash of %zu bytes", strlen(hash));
		snprintf(pw->hash, sizeof pw->hash, "%s", hash);
	}
	return pw->refuse;
}

static void
pw_seen_clear(struct pw_seen *pw)
{
	if (pw->password) {
		sodium_memzero(pw->password, strlen(pw->password));
		free(pw->password);
	}
	memset(pw, 0, sizeof *pw);
}

/* ---- answers ---- */

/* a is the API's error object for err, and nothing else. */
static void
check_answer(const struct http_answer *a, int err, const char *what)
{
	const cJSON *e, *code, *msg;
	cJSON *o;

	FUZZ_CHECK(a->body && a->len == strlen(a->body), "%s: answer without a body", what);
	FUZZ_CHECK(a->status == os_err_http_status(err), "%s: HTTP %d for %s", what, a->status,
		   os_err_code(err));
	o = cJSON_Parse(a->body);
	e = cJSON_GetObjectItemCaseSensitive(o, "error");
	code = cJSON_GetObjectItemCaseSensitive(e, "code");
	msg = cJSON_GetObjectItemCaseSensitive(e, "message");
	FUZZ_CHECK(cJSON_IsObject(o) && cJSON_GetArraySize(o) == 1 && cJSON_IsString(code) &&
			   !strcmp(code->valuestring, os_err_code(err)) && cJSON_IsString(msg) &&
			   msg->valuestring[0],
		   "%s: answer %s, expected code %s", what, a->body, os_err_code(err));
	FUZZ_CHECK(err == OS_ERATELIMIT || !a->retry_after, "%s: Retry-After on %s", what,
		   a->body);
	cJSON_Delete(o);
}

static void
check_wiped(const char *body, size_t len, const char *what)
{
	for (size_t i = 0; i < len; i++)
		FUZZ_CHECK(!body[i], "%s: byte %zu of the body was not wiped", what, i);
}

/* ---- the contract, read independently ---- */

static int
ref_username_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return 0;
	}
	return 1;
}

static int
ref_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Trims ASCII white space into out (malloc'd); the length in code points,
 * or -1 when not valid UTF-8. */
static long
ref_text(const char *s, char **out)
{
	const char *b = s, *e = s + strlen(s);
	long chars = 0;

	while (b < e && ref_space(*b))
		b++;
	while (e > b && ref_space(e[-1]))
		e--;
	*out = strndup(b, (size_t)(e - b));
	if (!*out)
		abort();
	if (!fuzz_utf8_ok((const unsigned char *)b, (size_t)(e - b)))
		return -1;
	for (const char *p = b; p < e; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			chars++;
	return chars;
}

/* What invites_check() must answer for a token. */
static int
expected_invite(const char *tok, int *role, int64_t *round)
{
	*role = -1;
	*round = 0;
	if (!strcmp(tok, W.invite_customer)) {
		*role = ROLE_CUSTOMER;
		*round = W.round_invited;
		return OS_OK;
	}
	if (!strcmp(tok, W.invite_employee)) {
		*role = ROLE_EMPLOYEE;
		return OS_OK;
	}
	if (!strcmp(tok, W.invite_used))
		return OS_EINVUSED;
	if (!strcmp(tok, W.invite_expired))
		return OS_EINVEXPIRED;
	return OS_ENOTFOUND;
}

static void
check_not_a_session(const char *s, const char *what)
{
	struct user u;
	int rc;

	if (!strcmp(s, W.session_ada))
		return;
	FUZZ_MUST(store_op_begin(W.st));
	rc = session_resolve(W.st, &session_default_policy, s, 1, &u);
	FUZZ_MUST(store_op_end(W.st, 0));
	FUZZ_MUST(store_commit(W.st));
	FUZZ_CHECK(rc == OS_EUNAUTH, "%s \"%.80s\" resolved as a session (%d)", what, s, rc);
}

/* ---- login ---- */

/* The fixture's password hash (every account of fuzz_common.h has it). */
static const char FIXTURE_HASH[] = "$argon2id$v=19$m=65536,t=2,p=1$fuzz$fuzz";

/* The result the password check gives, from the input's flags. */
static int
check_result(unsigned flags)
{
	switch ((flags >> F_RESULT_SHIFT) & 3) {
	case 1:
		return OS_OK;
	case 2:
		return OS_ENOMEM;
	default:
		return OS_EBADCRED;
	}
}

static void
swap_case(const char *in, char *out, size_t outsz)
{
	size_t i = 0;

	for (; in[i] && i + 1 < outsz; i++) {
		unsigned char c = (unsigned char)in[i];

		out[i] = (char)(isupper(c) ? tolower(c) : islower(c) ? toupper(c) : c);
	}
	out[i] = '\0';
}

/* After the second half: the name's failures at ADDR. signed_in: the pair
 * was cleared (4 more fail freely); counted: 5 now (locked); otherwise
 * still the 4 from before (one more locks). */
static void
check_counted(struct throttle *t, const char *name, int signed_in, int counted, int64_t now)
{
	if (signed_in) {
		for (int i = 0; i < 4; i++)
			throttle_fail(t, name, ADDR, now);
		FUZZ_CHECK(!throttle_check(t, name, ADDR, now),
			   "a sign-in of \"%s\" did not clear its failures", name);
	} else if (counted) {
		FUZZ_CHECK(throttle_check(t, name, ADDR, now) > 0,
			   "a wrong password for \"%s\" was not counted", name);
	} else {
		FUZZ_CHECK(!throttle_check(t, name, ADDR, now),
			   "a failed check of \"%s\" was counted", name);
		throttle_fail(t, name, ADDR, now);
		FUZZ_CHECK(throttle_check(t, name, ADDR, now) > 0,
			   "the failures of \"%s\" before the check were lost", name);
	}
}

/* The throttle's clock: an hour later at every call, past every back-off
 * (15 minutes at most) and every counting window (15 minutes). */
static int64_t
next_hour(void)
{
	static int64_t now = 1700000000000;

	return now += 3600 * 1000;
}

static void
login(const char *raw, size_t len, unsigned flags)
{
	static const char *const names[] = {"ada", "max", "eve", "cleo", "nico", "dora", NULL};
	char name[OS_USERNAME_SZ * 2], swapped[OS_USERNAME_SZ * 2], *body;
	const int64_t now = next_hour();
	struct throttle *t = T;
	struct http_answer a = {0};
	struct pw_seen seen = {0};
	struct login_attempt la;
	const cJSON *u, *pw;
	cJSON *ref;
	int rc, should, result, signs_in;

	ref = cJSON_ParseWithLength(raw, len);
	u = cJSON_GetObjectItemCaseSensitive(ref, "username");
	pw = cJSON_GetObjectItemCaseSensitive(ref, "password");
	body = malloc(len + 1);
	FUZZ_CHECK(body, "out of memory");
	memcpy(body, raw, len);
	body[len] = '\0';
	seen.refuse = flags & F_BUSY ? OS_EBUSY : 0;
	/* Failures under the name in the other ASCII case: four leave it
	 * free, five lock it out, if the throttle keys names without case. */
	if (cJSON_IsString(u)) {
		snprintf(name, sizeof name, "%s", u->valuestring);
		swap_case(name, swapped, sizeof swapped);
		for (int i = 0; i < (flags & F_LOCKED ? 5 : 4); i++)
			throttle_fail(t, swapped, ADDR, now);
	}

	rc = http_body_login(W.st, t, ADDR, now, 0, body, len, pw_start, &seen, &la, &a);
	check_wiped(body, len, "login");
	if (!cJSON_IsString(u) || !cJSON_IsString(pw)) {
		FUZZ_CHECK(rc == OS_EBADREQ && !seen.calls, "login: a malformed body gave %d", rc);
		check_answer(&a, OS_EBADREQ, "login, malformed");
		goto out;
	}
	FUZZ_CHECK(!strcmp(la.name, name), "login: throttled as \"%s\", sent \"%s\"", la.name,
		   name);
	if (flags & F_LOCKED) {
		int wait = throttle_check(t, name, ADDR, now);

		FUZZ_CHECK(wait > 0, "the throttle tells \"%s\" and \"%s\" apart", name, swapped);
		FUZZ_CHECK(rc == OS_ERATELIMIT && !seen.calls && a.retry_after == wait,
			   "login: a locked name gave %d, %d checks, Retry-After %d (wait %d)", rc,
			   seen.calls, a.retry_after, wait);
		check_answer(&a, OS_ERATELIMIT, "login, locked");
		goto out;
	}
	FUZZ_CHECK(seen.calls == 1 && seen.had_hash && !strcmp(seen.password, pw->valuestring),
		   "login: %d checks, of the password as sent: %d", seen.calls,
		   seen.password && !strcmp(seen.password, pw->valuestring));

	should = 0;
	for (int i = 0; names[i]; i++)
		if (!strcasecmp(names[i], u->valuestring))
			should = 1;
	FUZZ_CHECK(la.known == should, "login \"%s\": found %d, should be %d", u->valuestring,
		   la.known, should);
	if (la.known)
		FUZZ_CHECK(!strcasecmp(la.user.username, u->valuestring) &&
				   !strcmp(seen.hash, FIXTURE_HASH),
			   "login \"%s\" found user \"%s\", checked against %s", u->valuestring,
			   la.user.username, seen.hash);
	else
		FUZZ_CHECK(!strcmp(seen.hash, password_dummy_hash()),
			   "login \"%s\": an unknown name checked against %s", u->valuestring,
			   seen.hash);
	if (flags & F_BUSY) {
		FUZZ_CHECK(rc == OS_EBUSY, "login: a full queue gave %d", rc);
		check_answer(&a, OS_EBUSY, "login, busy");
		goto out;
	}
	FUZZ_CHECK(rc == OS_OK && !a.status && !a.body, "login: %d with the check under way", rc);

	/* The second half, with what the check would give. */
	result = check_result(flags);
	signs_in = result == OS_OK && should && strcasecmp(u->valuestring, "dora");
	FUZZ_MUST(store_op_begin(W.st));
	rc = http_body_login_checked(W.st, t, ADDR, &la, result,
				     result == OS_OK ? NEW_HASH : NULL, now, &a);
	if (signs_in) {
		struct user again;
		char hash[OS_PWHASH_LEN];

		FUZZ_CHECK(rc == OS_OK && !a.body, "login \"%s\": a match gave %d", u->valuestring,
			   rc);
		FUZZ_CHECK(store_user_by_name(W.st, u->valuestring, &again, hash, sizeof hash) ==
					   OS_OK &&
				   !strcmp(hash, NEW_HASH),
			   "login \"%s\": the rehash was not stored", u->valuestring);
	} else if (result == OS_OK || result == OS_EBADCRED) {
		FUZZ_CHECK(rc == OS_EBADCRED, "login \"%s\": %d for result %d (known %d)",
			   u->valuestring, rc, result, should);
		check_answer(&a, OS_EBADCRED, "login, refused");
	} else {
		FUZZ_CHECK(rc == OS_EINTERNAL, "login: a failed check gave %d", rc);
		check_answer(&a, OS_EINTERNAL, "login, failed check");
	}
	FUZZ_MUST(store_op_end(W.st, 0));
	FUZZ_MUST(store_commit(W.st));
	check_counted(t, name, signs_in, !signs_in && result != OS_ENOMEM, now);

	check_not_a_session(u->valuestring, "username");
	check_not_a_session(pw->valuestring, "password");
out:
	if (cJSON_IsString(pw))
		sodium_memzero(pw->valuestring, strlen(pw->valuestring));
	http_answer_clear(&a);
	pw_seen_clear(&seen);
	free(body);
	cJSON_Delete(ref);
}

/* ---- invite acceptance ---- */

/*
 * When http_body_invite() refused: invites_accept() called anyway, with the
 * checks' verdicts (the invite's rc, the fields' v, taken), refuses on its
 * own; with only the password refused it would accept, exactly as asked.
 */
static void
accept_anyway(const char *tok, const char *user, const char *disp, const char *org,
	      int rc, int v, int taken, int role, int64_t round, const char *tdisp,
	      const char *torg)
{
	struct user out, existing;
	struct invite inv;
	int arc;

	FUZZ_MUST(store_op_begin(W.st));
	arc = invites_accept(W.f, tok, user, disp, org, NEW_HASH, &out);
	if (rc != OS_OK) {
		FUZZ_CHECK(arc == rc, "invites_accept = %d for an invite that checks %d", arc, rc);
	} else if (v != OS_OK) {
		FUZZ_CHECK(arc == OS_EBADREQ, "invites_accept = %d for invalid fields", arc);
	} else if (taken) {
		FUZZ_CHECK(arc == OS_EUSERTAKEN, "invites_accept = %d for taken \"%s\"", arc, user);
	} else {
		FUZZ_CHECK(arc == OS_OK, "invites_accept = %d for a valid acceptance (\"%s\")", arc,
			   user);
		FUZZ_CHECK(!strcmp(out.username, user) && out.role == role &&
				   !strcmp(out.display_name, tdisp) && !strcmp(out.org, torg),
			   "account created as \"%s\"/\"%s\"/\"%s\" role %d", out.username,
			   out.display_name, out.org, out.role);
		if (role == ROLE_CUSTOMER)
			FUZZ_CHECK(store_member_active(W.st, round, out.id) == 1,
				   "the new customer is not a member of round %lld", (long long)round);
		FUZZ_CHECK(invites_check(W.f, tok, &inv) == OS_EINVUSED,
			   "an accepted invite is not used");
		FUZZ_CHECK(invites_accept(W.f, tok, "someone-else", "Someone", "", "$x",
					  &existing) == OS_EINVUSED,
			   "an invite was accepted twice");
	}
	FUZZ_MUST(store_op_end(W.st, 0));
	FUZZ_MUST(store_commit(W.st));
}

/* The two halves, with the check under way: the account, or nothing when
 * the hashing failed. Rolled back. */
static void
accept_hashed(const struct invite_claim *ic, unsigned flags, const char *user, int role,
	      int64_t round, const char *tdisp, const char *torg)
{
	struct http_answer a = {0};
	struct user out, existing;
	struct invite inv;
	int64_t got_round;
	int rc;

	FUZZ_MUST(store_op_begin(W.st));
	if (check_result(flags) == OS_ENOMEM) {
		rc = http_body_invite_hashed(W.f, W.st, ic, OS_ENOMEM, NULL, &out, &got_round, &a);
		FUZZ_CHECK(rc == OS_EINTERNAL, "accept: a failed hashing gave %d", rc);
		check_answer(&a, OS_EINTERNAL, "accept, failed hashing");
		FUZZ_CHECK(store_user_by_name(W.st, user, &existing, NULL, 0) == OS_ENOTFOUND &&
				   invites_check(W.f, ic->token, &inv) == OS_OK,
			   "a failed hashing created \"%s\" or used the invite", user);
		goto out;
	}
	rc = http_body_invite_hashed(W.f, W.st, ic, OS_OK, NEW_HASH, &out, &got_round, &a);
	FUZZ_CHECK(rc == OS_OK && !a.body, "accept \"%s\": the second half gave %d (%s)", user,
		   rc, a.body ? a.body : "");
	FUZZ_CHECK(!strcmp(out.username, user) && out.role == role &&
			   !strcmp(out.display_name, tdisp) && !strcmp(out.org, torg) &&
			   !out.disabled && out.id > U_COUNT - 1 && got_round == round,
		   "account created as \"%s\"/\"%s\"/\"%s\" role %d round %lld, asked \"%s\"/\"%s\"/"
		   "\"%s\" role %d round %lld",
		   out.username, out.display_name, out.org, out.role, (long long)got_round, user,
		   tdisp, torg, role, (long long)round);
	if (role == ROLE_CUSTOMER)
		FUZZ_CHECK(store_member_active(W.st, round, out.id) == 1,
			   "the new customer is not a member of round %lld", (long long)round);
	FUZZ_CHECK(invites_check(W.f, ic->token, &inv) == OS_EINVUSED,
		   "an accepted invite is not used");
	/* The same acceptance again, as a second tab would send it. */
	rc = http_body_invite_hashed(W.f, W.st, ic, OS_OK, NEW_HASH, &existing, &got_round, &a);
	FUZZ_CHECK(rc == OS_EINVUSED, "an invite was accepted twice (%d)", rc);
	check_answer(&a, OS_EINVUSED, "accept, twice");
out:
	http_answer_clear(&a);
	FUZZ_MUST(store_op_end(W.st, 0));
	FUZZ_MUST(store_commit(W.st));
}

static void
accept(const char *raw, size_t len, unsigned flags)
{
	const cJSON *tok, *user, *pw, *disp, *org;
	const char *orgs;
	char *body, *tdisp = NULL, *torg = NULL;
	struct http_answer a = {0};
	struct pw_seen seen = {0};
	struct invite_claim ic;
	struct invite inv;
	struct user existing;
	cJSON *ref;
	int rc, hrc, want, expect, role, v, uok, pw_ok, taken;
	long dchars, ochars, pchars = 0;
	int64_t round;

	ref = cJSON_ParseWithLength(raw, len);
	tok = cJSON_GetObjectItemCaseSensitive(ref, "token");
	user = cJSON_GetObjectItemCaseSensitive(ref, "username");
	pw = cJSON_GetObjectItemCaseSensitive(ref, "password");
	disp = cJSON_GetObjectItemCaseSensitive(ref, "display_name");
	org = cJSON_GetObjectItemCaseSensitive(ref, "org");
	body = malloc(len + 1);
	FUZZ_CHECK(body, "out of memory");
	memcpy(body, raw, len);
	body[len] = '\0';
	seen.refuse = flags & F_BUSY ? OS_EBUSY : 0;

	hrc = http_body_invite(W.f, W.st, body, len, pw_start, &seen, &ic, &a);
	check_wiped(body, len, "accept");
	if (!cJSON_IsString(tok) || !cJSON_IsString(user) || !cJSON_IsString(pw) ||
	    !cJSON_IsString(disp) || (org && !cJSON_IsNull(org) && !cJSON_IsString(org))) {
		FUZZ_CHECK(hrc == OS_EBADREQ && !seen.calls, "accept: a malformed body gave %d",
			   hrc);
		check_answer(&a, OS_EBADREQ, "accept, malformed");
		goto out;
	}
	orgs = cJSON_IsString(org) ? org->valuestring : "";

	want = expected_invite(tok->valuestring, &role, &round);
	rc = invites_check(W.f, tok->valuestring, &inv);
	FUZZ_CHECK(rc == want, "invites_check(\"%.80s\") = %d, expected %d", tok->valuestring,
		   rc, want);
	if (rc == OS_OK)
		FUZZ_CHECK(inv.role == role && inv.round == round && !inv.used_at,
			   "invite read back wrong: role %d round %lld", inv.role,
			   (long long)inv.round);

	uok = ref_username_ok(user->valuestring);
	FUZZ_CHECK(os_username_valid(user->valuestring) == uok,
		   "os_username_valid(\"%s\") = %d, the contract says %d", user->valuestring,
		   os_username_valid(user->valuestring), uok);
	dchars = ref_text(disp->valuestring, &tdisp);
	ochars = ref_text(orgs, &torg);
	v = invites_validate_fields(user->valuestring, disp->valuestring, orgs);
	FUZZ_CHECK((v == OS_OK) == (uok && dchars >= 1 && dchars <= OS_DISPLAY_MAX &&
				    ochars >= 0 && ochars <= OS_ORG_MAX),
		   "invites_validate_fields(\"%s\", \"%s\", \"%s\") = %d; username %d, display "
		   "%ld characters, org %ld",
		   user->valuestring, disp->valuestring, orgs, v, uok, dchars, ochars);
	/* Characters as the contract counts them: not the UTF-8 continuation
	 * bytes. */
	for (const char *q = pw->valuestring; *q; q++)
		if (((unsigned char)*q & 0xc0) != 0x80)
			pchars++;
	pw_ok = pchars >= OS_PASSWORD_MIN && strlen(pw->valuestring) <= OS_PASSWORD_MAX;
	taken = store_user_by_name(W.st, user->valuestring, &existing, NULL, 0) == OS_OK;
	if (taken)
		FUZZ_CHECK(!strcasecmp(existing.username, user->valuestring),
			   "\"%s\" found \"%s\"", user->valuestring, existing.username);

	/* The first check that fails gives the answer. */
	expect = want != OS_OK ? want
		 : v != OS_OK  ? OS_EBADREQ
		 : !pw_ok      ? OS_EBADREQ
		 : taken       ? OS_EUSERTAKEN
			       : OS_OK;
	if (getenv("OSFUZZ_VERBOSE"))
		fprintf(stderr, "accept \"%s\": check %d, fields %d, password %d, taken %d: %d\n",
			user->valuestring, rc, v, pw_ok, taken, hrc);
	if (expect != OS_OK) {
		FUZZ_CHECK(hrc == expect && !seen.calls,
			   "accept \"%s\": %d (%d checks), expected %d", user->valuestring, hrc,
			   seen.calls, expect);
		check_answer(&a, expect, "accept, refused");
		accept_anyway(tok->valuestring, user->valuestring, disp->valuestring,
			      cJSON_IsString(org) ? org->valuestring : NULL, rc, v, taken, role,
			      round, tdisp, torg);
		goto out;
	}
	FUZZ_CHECK(seen.calls == 1 && !seen.had_hash && !strcmp(seen.password, pw->valuestring),
		   "accept: %d hashings, with a hash %d", seen.calls, seen.had_hash);
	FUZZ_CHECK(!strcmp(ic.token, tok->valuestring) && !strcmp(ic.username, user->valuestring) &&
			   !strcmp(ic.display_name, disp->valuestring) && !strcmp(ic.org, orgs),
		   "accept: the claim does not hold what was sent");
	if (flags & F_BUSY) {
		FUZZ_CHECK(hrc == OS_EBUSY, "accept: a full queue gave %d", hrc);
		check_answer(&a, OS_EBUSY, "accept, busy");
		goto out;
	}
	FUZZ_CHECK(hrc == OS_OK && !a.status && !a.body, "accept: %d with the hashing under way",
		   hrc);
	accept_hashed(&ic, flags, user->valuestring, role, round, tdisp, torg);
out:
	FUZZ_CHECK(!cJSON_IsString(tok) || invites_check(W.f, tok->valuestring, &inv) ==
						   expected_invite(tok->valuestring, &role, &round),
		   "the rollback did not restore the invite");
	if (cJSON_IsString(pw))
		sodium_memzero(pw->valuestring, strlen(pw->valuestring));
	invite_claim_clear(&ic);
	http_answer_clear(&a);
	pw_seen_clear(&seen);
	free(tdisp);
	free(torg);
	free(body);
	cJSON_Delete(ref);
}

/* ---- raw tokens ---- */

static void
token(const char *s)
{
	char tok[128];
	struct invite inv;
	struct user u;
	int rc, role, want;
	int64_t round;

	/* http_request_token() copies into 128 bytes. */
	snprintf(tok, sizeof tok, "%s", s);
	FUZZ_MUST(store_op_begin(W.st));
	rc = session_resolve(W.st, &session_default_policy, tok, 1, &u);
	if (!strcmp(tok, W.session_ada))
		FUZZ_CHECK(rc == OS_OK && u.id == U_ADA && u.role == ROLE_ADMIN,
			   "ada's session resolves to %d (user %lld)", rc, (long long)u.id);
	else
		FUZZ_CHECK(rc == OS_EUNAUTH, "token \"%s\" resolves (%d)", tok, rc);
	want = expected_invite(tok, &role, &round);
	rc = invites_check(W.f, tok, &inv);
	FUZZ_CHECK(rc == want, "invites_check(\"%s\") = %d, expected %d", tok, rc, want);
	FUZZ_CHECK(session_revoke(W.st, tok) == OS_OK, "session_revoke failed");
	if (strcmp(tok, W.session_ada))
		FUZZ_CHECK(session_resolve(W.st, &session_default_policy, W.session_ada, 0, &u) ==
				   OS_OK,
			   "revoking \"%s\" signed ada out", tok);
	else
		FUZZ_CHECK(session_resolve(W.st, &session_default_policy, W.session_ada, 0, &u) ==
				   OS_EUNAUTH,
			   "ada's session survives its revocation");
	FUZZ_MUST(store_op_end(W.st, 0));
	FUZZ_MUST(store_commit(W.st));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body;

	if (size < 1 || size > 65536)
		return 0;
	/* As the transport keeps a body: the bytes and a NUL after them. */
	body = malloc(size);
	if (!body)
		return 0;
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';
	switch (data[0] % 3) {
	case 0:
		login(body, size - 1, data[0] / 3u);
		break;
	case 1:
		accept(body, size - 1, data[0] / 3u);
		break;
	default:
		token(body);
		break;
	}
	free(body);
	return 0;
}
