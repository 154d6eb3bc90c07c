/*
 * The HTTP bodies: POST /api/login and POST /api/invite/accept, and the
 * session tokens of cookies and Authorization headers.
 *
 * handle_login() and handle_invite_accept() in src/transport/http.c are
 * static and need a libwebsockets request, so this harness walks the same
 * path through the public functions they call, in the same order: cJSON
 * parsing of the body and the type checks, the throttle, the user lookup,
 * invites_check(), invites_validate_fields(), the password length rule,
 * and (what runs after hashing) invites_accept(), rolled back afterwards.
 * The password itself is never hashed (Argon2 would cost the fuzzer a
 * second per input): a fixed hash stands in.
 *
 * Input: the first byte picks the path (byte % 3: login body, invite-accept
 * body, a raw session token as a cookie or bearer header carries it); the
 * rest is the body or token. The fixture (fuzz_common.h) has deterministic
 * tokens: a live session of ada, a revoked and a disabled user's session,
 * valid, used and expired invites. OSFUZZ_PRINT_TOKENS=1 prints them.
 *
 * Invariants (abort() on violation):
 *  login:   a user is found only under its own name, ignoring ASCII case;
 *           every existing name (in any case) is found; the throttle
 *           keys a name the same in any ASCII case; neither the username
 *           nor the password resolves as a session token.
 *  accept:  invites_check() answers exactly: OK for the two valid tokens,
 *           invite_used, invite_expired, and not_found for anything else;
 *           os_username_valid() and invites_validate_fields() agree with
 *           an independent reading of the contract (username 1-32 of
 *           [A-Za-z0-9._-] starting alphanumeric; display name valid UTF-8,
 *           1-80 characters after trimming; organisation at most 80);
 *           invites_accept() fails as the checks before it predict (the
 *           invite's error, bad_request, username_taken), and otherwise
 *           creates exactly the account asked for, with the invite's role,
 *           a customer as member of the invite's round; after the rollback
 *           the invite is unused again.
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

static struct fuzz_world W;
static struct throttle *T;
static const char ADDR[] = "203.0.113.7";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_global_init();
	fuzz_world_build(&W, NULL);
	T = throttle_new();
	FUZZ_CHECK(T, "throttle_new");
	return 0;
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

static void
login(const char *body, size_t len)
{
	static const char *const names[] = {"ada", "max", "eve", "cleo", "nico", "dora", NULL};
	char hash[OS_PWHASH_LEN], login_name[OS_USERNAME_SZ * 2], swapped[OS_USERNAME_SZ * 2];
	const cJSON *u, *pw;
	struct user usr;
	cJSON *in;
	int wait, known, should;

	in = cJSON_ParseWithLength(body, len);
	u = cJSON_GetObjectItemCaseSensitive(in, "username");
	pw = cJSON_GetObjectItemCaseSensitive(in, "password");
	if (!cJSON_IsString(u) || !cJSON_IsString(pw)) {
		cJSON_Delete(in);
		return; /* 400 */
	}
	snprintf(login_name, sizeof login_name, "%s", u->valuestring);
	wait = throttle_check(T, login_name, ADDR, os_now_ms());
	for (size_t i = 0; i <= strlen(login_name); i++) {
		char c = login_name[i];

		swapped[i] = (char)(isupper((unsigned char)c)   ? tolower((unsigned char)c)
				    : islower((unsigned char)c) ? toupper((unsigned char)c)
								: c);
	}
	FUZZ_CHECK(throttle_check(T, swapped, ADDR, os_now_ms()) == wait,
		   "the throttle tells \"%s\" and \"%s\" apart", login_name, swapped);

	memset(hash, 0x55, sizeof hash);
	known = strlen(u->valuestring) < OS_USERNAME_SZ &&
		store_user_by_name(W.st, u->valuestring, &usr, hash, sizeof hash) == OS_OK;
	should = 0;
	for (int i = 0; names[i]; i++)
		if (!strcasecmp(names[i], u->valuestring))
			should = 1;
	FUZZ_CHECK(known == should, "login \"%s\": found %d, should be %d", u->valuestring,
		   known, should);
	if (known) {
		FUZZ_CHECK(!strcasecmp(usr.username, u->valuestring),
			   "login \"%s\" found user \"%s\"", u->valuestring, usr.username);
		FUZZ_CHECK(memchr(hash, '\0', sizeof hash) && hash[0] == '$',
			   "the stored hash is not a string");
	}
	/* The failure the password check would record (the real flow records
	 * it after hashing, for unknown users too). */
	throttle_fail(T, login_name, ADDR, os_now_ms());

	check_not_a_session(u->valuestring, "username");
	check_not_a_session(pw->valuestring, "password");
	if (pw->valuestring)
		sodium_memzero(pw->valuestring, strlen(pw->valuestring));
	cJSON_Delete(in);
}

/* ---- invite acceptance ---- */

static void
accept(const char *body, size_t len)
{
	const cJSON *tok, *user, *pw, *disp, *org;
	const char *orgs;
	char *tdisp = NULL, *torg = NULL;
	struct invite inv;
	struct user existing, out;
	cJSON *in;
	int rc, want, role, v, uok, pw_ok, taken, arc;
	long dchars, ochars;
	int64_t round;

	in = cJSON_ParseWithLength(body, len);
	tok = cJSON_GetObjectItemCaseSensitive(in, "token");
	user = cJSON_GetObjectItemCaseSensitive(in, "username");
	pw = cJSON_GetObjectItemCaseSensitive(in, "password");
	disp = cJSON_GetObjectItemCaseSensitive(in, "display_name");
	org = cJSON_GetObjectItemCaseSensitive(in, "org");
	if (!cJSON_IsString(tok) || !cJSON_IsString(user) || !cJSON_IsString(pw) ||
	    !cJSON_IsString(disp) || (org && !cJSON_IsNull(org) && !cJSON_IsString(org))) {
		cJSON_Delete(in);
		return; /* 400 */
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
	pw_ok = os_utf8_len(pw->valuestring) >= OS_PASSWORD_MIN &&
		strlen(pw->valuestring) <= OS_PASSWORD_MAX;
	taken = store_user_by_name(W.st, user->valuestring, &existing, NULL, 0) == OS_OK;
	if (taken)
		FUZZ_CHECK(!strcasecmp(existing.username, user->valuestring),
			   "\"%s\" found \"%s\"", user->valuestring, existing.username);

	/* What runs once the password is hashed (http.c checks the invite
	 * again and accepts). It runs here whatever the checks said, to see
	 * that invites_accept() refuses on its own. */
	FUZZ_MUST(store_op_begin(W.st));
	arc = invites_accept(W.f, tok->valuestring, user->valuestring, disp->valuestring,
			     cJSON_IsString(org) ? org->valuestring : NULL,
			     "$argon2id$v=19$m=65536,t=2,p=1$fuzz$new", &out);
	if (rc != OS_OK) {
		FUZZ_CHECK(arc == rc, "invites_accept = %d for an invite that checks %d", arc, rc);
	} else if (v != OS_OK) {
		FUZZ_CHECK(arc == OS_EBADREQ, "invites_accept = %d for invalid fields", arc);
	} else if (taken) {
		FUZZ_CHECK(arc == OS_EUSERTAKEN, "invites_accept = %d for taken \"%s\"", arc,
			   user->valuestring);
	} else {
		FUZZ_CHECK(arc == OS_OK, "invites_accept = %d for a valid acceptance (\"%s\")",
			   arc, user->valuestring);
		FUZZ_CHECK(!strcmp(out.username, user->valuestring) && out.role == role &&
				   !strcmp(out.display_name, tdisp) && !strcmp(out.org, torg) &&
				   !out.disabled && out.id > U_COUNT - 1,
			   "account created as \"%s\"/\"%s\"/\"%s\" role %d, asked \"%s\"/\"%s\"/"
			   "\"%s\" role %d",
			   out.username, out.display_name, out.org, out.role, user->valuestring,
			   tdisp, torg, role);
		if (role == ROLE_CUSTOMER)
			FUZZ_CHECK(store_member_active(W.st, round, out.id) == 1,
				   "the new customer is not a member of round %lld", (long long)round);
		FUZZ_CHECK(invites_check(W.f, tok->valuestring, &inv) == OS_EINVUSED,
			   "an accepted invite is not used");
		FUZZ_CHECK(invites_accept(W.f, tok->valuestring, "someone-else", "Someone", "",
					  "$x", &existing) == OS_EINVUSED,
			   "an invite was accepted twice");
	}
	if (getenv("OSFUZZ_VERBOSE"))
		fprintf(stderr, "accept \"%s\": check %d, fields %d, taken %d, accept %d\n",
			user->valuestring, rc, v, taken, arc);
	FUZZ_MUST(store_op_end(W.st, 0));
	FUZZ_MUST(store_commit(W.st));
	FUZZ_CHECK(invites_check(W.f, tok->valuestring, &inv) == want,
		   "the rollback did not restore the invite");
	(void)pw_ok;
	if (pw->valuestring)
		sodium_memzero(pw->valuestring, strlen(pw->valuestring));
	free(tdisp);
	free(torg);
	cJSON_Delete(in);
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
		login(body, size - 1);
		break;
	case 1:
		accept(body, size - 1);
		break;
	default:
		token(body);
		break;
	}
	free(body);
	return 0;
}
