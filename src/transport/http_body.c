/*
 * The sign-in and invite-acceptance bodies, from bytes to a decision: what
 * http.c answers, or the password check it waits for. Everything here runs
 * on the loop thread; the password check itself runs on a worker.
 */
#include "transport/http_body.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "auth/password.h"
#include "base/err.h"
#include "base/util.h"
#include "forum/dirusers.h"
#include "forum/invites.h"
#include "store/dirusers.h"
#include "forum/users.h"
#include "store/users.h"

#define BUSY_MESSAGE "the server is busy; try again shortly"

void
http_answer_clear(struct http_answer *a)
{
	free(a->body);
	memset(a, 0, sizeof *a);
}

void
http_answer_error(struct http_answer *a, int err, const char *message)
{
	cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");

	http_answer_clear(a);
	cJSON_AddStringToObject(e, "code", os_err_code(err));
	cJSON_AddStringToObject(e, "message", message ? message : os_err_message(err));
	a->body = o ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	a->status = a->body ? os_err_http_status(err) : 500;
	a->len = a->body ? strlen(a->body) : 0;
}

void
http_answer_invite_error(struct http_answer *a, int err)
{
	switch (err) {
	case OS_ENOTFOUND:
		http_answer_error(a, err, "this invite link is not valid");
		break;
	case OS_EINVUSED:
		http_answer_error(a, err, "this invite has already been used; sign in instead");
		break;
	case OS_EINVEXPIRED:
		http_answer_error(a, err, "this invite has expired; ask for a new one");
		break;
	case OS_EUSERTAKEN:
		http_answer_error(a, err, "that username is taken; choose another");
		break;
	default:
		http_answer_error(a, err, NULL);
		break;
	}
}

/* Parses a body and wipes the bytes it came in (they hold a password):
 * the tree, or NULL when body is absent or not JSON. */
static cJSON *
parse_and_wipe(char *body, size_t len)
{
	cJSON *in;

	if (!body)
		return NULL;
	in = cJSON_ParseWithLength(body, len);
	sodium_memzero(body, len);
	return in;
}

static void
wipe_string(const cJSON *item)
{
	if (cJSON_IsString(item) && item->valuestring)
		sodium_memzero(item->valuestring, strlen(item->valuestring));
}

/* The answer when the password check could not start. */
static int
not_started(struct http_answer *a, int rc)
{
	rc = rc == OS_EBUSY ? OS_EBUSY : OS_EINTERNAL;
	http_answer_error(a, rc, BUSY_MESSAGE);
	return rc;
}

int
http_body_login(struct store *st, struct throttle *t, const char *addr,
		int64_t now_ms, int directory, char *body, size_t len,
		http_pw_start_fn start, void *arg, struct login_attempt *la,
		struct http_answer *a)
{
	char hash[OS_PWHASH_LEN];
	const cJSON *u, *pw;
	cJSON *in;
	int rc, wait;

	memset(la, 0, sizeof *la);
	in = parse_and_wipe(body, len);
	u = cJSON_GetObjectItemCaseSensitive(in, "username");
	pw = cJSON_GetObjectItemCaseSensitive(in, "password");
	if (!cJSON_IsString(u) || !cJSON_IsString(pw)) {
		http_answer_error(a, OS_EBADREQ, "send {\"username\": ..., \"password\": ...}");
		rc = OS_EBADREQ;
		goto out;
	}
	snprintf(la->name, sizeof la->name, "%s", u->valuestring);
	wait = throttle_check(t, la->name, addr, now_ms);
	if (wait) {
		char msg[96];

		snprintf(msg, sizeof msg,
			 "too many failed sign-ins; try again in %d seconds", wait);
		http_answer_error(a, OS_ERATELIMIT, msg);
		a->retry_after = wait;
		rc = OS_ERATELIMIT;
		goto out;
	}
	hash[0] = '\0';
	la->known = strlen(u->valuestring) < OS_USERNAME_SZ &&
		    store_user_by_name(st, u->valuestring, &la->user, hash,
				       sizeof hash) == OS_OK;
	if (!la->known) {
		memset(&la->user, 0, sizeof la->user);
		hash[0] = '\0';
	}
	/* The directory answers for names that are not accounts with a local
	 * password, and for its own accounts; local accounts (the admins,
	 * invited customers) never depend on it. */
	if (directory && os_username_valid(u->valuestring)) {
		char source[STORE_SOURCE_SZ] = "";

		if (la->known && hash[0] &&
		    store_diruser_source(st, la->user.id, source) == OS_EINTERNAL) {
			http_answer_error(a, OS_EINTERNAL, NULL);
			rc = OS_EINTERNAL;
			goto out;
		}
		la->via_directory = !la->known || !hash[0] || !strcmp(source, "directory");
	}
	/* An unknown user, or one without a local password, costs the same
	 * hash as a known one. */
	rc = start(arg, pw->valuestring,
		   la->via_directory ? NULL : hash[0] ? hash : password_dummy_hash());
	sodium_memzero(hash, sizeof hash);
	if (rc)
		rc = not_started(a, rc);
out:
	wipe_string(pw);
	cJSON_Delete(in);
	return rc;
}

int
http_body_login_checked(struct store *st, struct throttle *t, const char *addr,
			const struct login_attempt *la, int result,
			const char *new_hash, int64_t now_ms, struct http_answer *a)
{
	if (result == OS_OK && la->known && !la->user.disabled) {
		throttle_success(t, la->name, addr);
		if (new_hash && store_op_begin(st) == OS_OK)
			store_op_end(st, store_user_set_hash(st, la->user.id, new_hash) == OS_OK);
		return OS_OK;
	}
	if (result != OS_OK && result != OS_EBADCRED) {
		http_answer_error(a, OS_EINTERNAL, NULL);
		return OS_EINTERNAL;
	}
	/* A disabled account gets the answer of a wrong password. */
	throttle_fail(t, la->name, addr, now_ms);
	http_answer_error(a, OS_EBADCRED, "wrong username or password");
	return OS_EBADCRED;
}

int
http_body_login_directory(struct forum *f, struct store *st, struct throttle *t,
			  const char *addr, struct login_attempt *la, int result,
			  const char *display_name, const char *email, int role,
			  const char *org, int64_t now_ms, struct http_answer *a)
{
	int rc;

	if (result == OS_OK) {
		rc = store_op_begin(st);
		if (rc == OS_OK) {
			rc = dirusers_sign_in(f, la->name, display_name, email, role, org,
					      &la->user);
			store_op_end(st, rc == OS_OK);
		}
		if (rc == OS_OK) {
			la->known = 1;
			throttle_success(t, la->name, addr);
			return OS_OK;
		}
		if (rc != OS_EBADCRED) {
			http_answer_error(a, OS_EINTERNAL, NULL);
			return OS_EINTERNAL;
		}
		result = OS_EBADCRED;
	}
	if (result == OS_EDIRUNAVAIL) {
		http_answer_error(a, OS_EDIRUNAVAIL, NULL);
		return OS_EDIRUNAVAIL;
	}
	if (result != OS_EBADCRED) {
		http_answer_error(a, OS_EINTERNAL, NULL);
		return OS_EINTERNAL;
	}
	throttle_fail(t, la->name, addr, now_ms);
	http_answer_error(a, OS_EBADCRED, "wrong username or password");
	return OS_EBADCRED;
}

void
invite_claim_clear(struct invite_claim *ic)
{
	if (!ic)
		return;
	free(ic->display_name);
	free(ic->org);
	memset(ic, 0, sizeof *ic);
}

int
http_body_invite(struct forum *f, struct store *st, char *body, size_t len,
		 http_pw_start_fn start, void *arg, struct invite_claim *ic,
		 struct http_answer *a)
{
	const cJSON *tok, *user, *pw, *disp, *org;
	struct invite inv;
	struct user existing;
	cJSON *in;
	int rc;

	memset(ic, 0, sizeof *ic);
	in = parse_and_wipe(body, len);
	tok = cJSON_GetObjectItemCaseSensitive(in, "token");
	user = cJSON_GetObjectItemCaseSensitive(in, "username");
	pw = cJSON_GetObjectItemCaseSensitive(in, "password");
	disp = cJSON_GetObjectItemCaseSensitive(in, "display_name");
	org = cJSON_GetObjectItemCaseSensitive(in, "org");
	if (!cJSON_IsString(tok) || !cJSON_IsString(user) || !cJSON_IsString(pw) ||
	    !cJSON_IsString(disp) || (org && !cJSON_IsNull(org) && !cJSON_IsString(org))) {
		http_answer_error(a, OS_EBADREQ,
				  "send {\"token\", \"username\", \"password\", "
				  "\"display_name\", \"org\"}");
		rc = OS_EBADREQ;
		goto out;
	}
	if ((rc = invites_check(f, tok->valuestring, &inv))) {
		http_answer_invite_error(a, rc);
		goto out;
	}
	if (invites_validate_fields(user->valuestring, disp->valuestring,
				    cJSON_IsString(org) ? org->valuestring : "")) {
		http_answer_error(a, OS_EBADREQ,
				  "a username is 1 to 32 letters, digits, '.', '_' or '-'; a "
				  "display name 1 to 80 characters, an organisation at most 80");
		rc = OS_EBADREQ;
		goto out;
	}
	if (invites_org_differs(&inv, cJSON_IsString(org) ? org->valuestring : NULL)) {
		http_answer_error(a, OS_EBADREQ,
				  "'org' is set by the invite; leave it out or send the same");
		rc = OS_EBADREQ;
		goto out;
	}
	if (os_utf8_len(pw->valuestring) < OS_PASSWORD_MIN ||
	    strlen(pw->valuestring) > OS_PASSWORD_MAX) {
		http_answer_error(a, OS_EBADREQ, "the password must be at least 8 characters");
		rc = OS_EBADREQ;
		goto out;
	}
	if (store_user_by_name(st, user->valuestring, &existing, NULL, 0) == OS_OK) {
		rc = OS_EUSERTAKEN;
		http_answer_invite_error(a, rc);
		goto out;
	}
	snprintf(ic->token, sizeof ic->token, "%s", tok->valuestring);
	snprintf(ic->username, sizeof ic->username, "%s", user->valuestring);
	ic->display_name = strdup(disp->valuestring);
	ic->org = strdup(cJSON_IsString(org) ? org->valuestring : "");
	if (!ic->display_name || !ic->org) {
		rc = OS_EINTERNAL;
		http_answer_error(a, rc, NULL);
		goto out;
	}
	if ((rc = start(arg, pw->valuestring, NULL)))
		rc = not_started(a, rc);
out:
	wipe_string(pw);
	cJSON_Delete(in);
	return rc;
}

int
http_body_invite_hashed(struct forum *f, struct store *st,
			const struct invite_claim *ic, int result,
			const char *new_hash, struct user *out, int64_t *round,
			struct http_answer *a)
{
	struct invite inv;
	int rc;

	*round = 0;
	if (result != OS_OK || !new_hash) {
		http_answer_error(a, OS_EINTERNAL, NULL);
		return OS_EINTERNAL;
	}
	/* Everything is checked again: the invite may have been used, or the
	 * name taken, while the password was hashed. */
	rc = invites_check(f, ic->token, &inv);
	if (!rc)
		rc = store_op_begin(st);
	if (!rc) {
		rc = invites_accept(f, ic->token, ic->username, ic->display_name, ic->org,
				    new_hash, out);
		store_op_end(st, rc == OS_OK);
	}
	if (rc) {
		http_answer_invite_error(a, rc);
		return rc;
	}
	*round = inv.round;
	return OS_OK;
}

void
http_answer_reset_error(struct http_answer *a, int err)
{
	switch (err) {
	case OS_ENOTFOUND:
		http_answer_error(a, err, "this link is not valid");
		break;
	case OS_ERESETUSED:
		http_answer_error(a, err, "this link has already been used; ask for a new one");
		break;
	case OS_ERESETEXPIRED:
		http_answer_error(a, err, "this link has expired; ask for a new one");
		break;
	case OS_ECONFLICT:
		http_answer_error(a, err, "this account signs in with the company directory; "
					  "change the password there");
		break;
	case OS_EFORBIDDEN:
		http_answer_error(a, err, "this account is disabled");
		break;
	default:
		http_answer_error(a, err, NULL);
		break;
	}
}

/* The contract's minimum for a new password, and a bound on its size. */
static int
password_ok(const char *pw)
{
	return os_utf8_len(pw) >= OS_PASSWORD_MIN && strlen(pw) <= OS_PASSWORD_MAX;
}

int
http_body_reset(struct forum *f, char *body, size_t len, http_pw_start_fn start, void *arg,
		struct reset_claim *rc, struct http_answer *a)
{
	const cJSON *tok, *pw;
	struct password_reset r;
	struct account acc;
	cJSON *in;
	int err;

	memset(rc, 0, sizeof *rc);
	in = parse_and_wipe(body, len);
	tok = cJSON_GetObjectItemCaseSensitive(in, "token");
	pw = cJSON_GetObjectItemCaseSensitive(in, "password");
	if (!cJSON_IsString(tok) || !cJSON_IsString(pw)) {
		http_answer_error(a, OS_EBADREQ, "send {\"token\", \"password\"}");
		err = OS_EBADREQ;
		goto out;
	}
	if ((err = users_reset_check(f, tok->valuestring, &r, &acc))) {
		http_answer_reset_error(a, err);
		goto out;
	}
	if (!password_ok(pw->valuestring)) {
		http_answer_error(a, OS_EBADREQ, "the password must be at least 8 characters");
		err = OS_EBADREQ;
		goto out;
	}
	snprintf(rc->token, sizeof rc->token, "%s", tok->valuestring);
	if ((err = start(arg, pw->valuestring, NULL)))
		err = not_started(a, err);
out:
	wipe_string(pw);
	cJSON_Delete(in);
	return err;
}

int
http_body_reset_hashed(struct forum *f, struct store *st, const struct reset_claim *rc,
		       int result, const char *new_hash, struct user *out,
		       struct http_answer *a)
{
	int err;

	if (result != OS_OK || !new_hash) {
		http_answer_error(a, OS_EINTERNAL, NULL);
		return OS_EINTERNAL;
	}
	/* The link may have been used, or the account disabled, while the
	 * password was hashed: users_reset_use() checks it all again. */
	err = store_op_begin(st);
	if (!err) {
		err = users_reset_use(f, rc->token, new_hash, out);
		store_op_end(st, err == OS_OK);
	}
	if (err)
		http_answer_reset_error(a, err);
	return err;
}

int
http_body_password(struct store *st, struct throttle *t, const char *addr, int64_t now_ms,
		   const struct user *caller, const unsigned char session[32], char *body,
		   size_t len, http_pw_change_fn start, void *arg, struct password_change *pc,
		   struct http_answer *a)
{
	char hash[OS_PWHASH_LEN] = "";
	const cJSON *old, *pw;
	struct account acc;
	cJSON *in;
	int err, wait;

	memset(pc, 0, sizeof *pc);
	in = parse_and_wipe(body, len);
	old = cJSON_GetObjectItemCaseSensitive(in, "old");
	pw = cJSON_GetObjectItemCaseSensitive(in, "new");
	if (!cJSON_IsString(old) || !cJSON_IsString(pw)) {
		http_answer_error(a, OS_EBADREQ, "send {\"old\", \"new\"}");
		err = OS_EBADREQ;
		goto out;
	}
	wait = throttle_check(t, caller->username, addr, now_ms);
	if (wait) {
		char msg[96];

		snprintf(msg, sizeof msg,
			 "too many wrong passwords; try again in %d seconds", wait);
		http_answer_error(a, OS_ERATELIMIT, msg);
		a->retry_after = wait;
		err = OS_ERATELIMIT;
		goto out;
	}
	if ((err = store_account_by_name(st, caller->username, &acc, hash, sizeof hash))) {
		http_answer_error(a, err == OS_ENOTFOUND ? OS_EUNAUTH : err, NULL);
		err = err == OS_ENOTFOUND ? OS_EUNAUTH : err;
		goto out;
	}
	if (acc.source == SOURCE_DIRECTORY) {
		http_answer_error(a, OS_ECONFLICT, "your password is kept in the company "
						   "directory; change it there");
		err = OS_ECONFLICT;
		goto out;
	}
	if (!password_ok(pw->valuestring)) {
		http_answer_error(a, OS_EBADREQ,
				  "the new password must be at least 8 characters");
		err = OS_EBADREQ;
		goto out;
	}
	pc->user = acc.user;
	memcpy(pc->session, session, sizeof pc->session);
	if ((err = start(arg, old->valuestring, hash, pw->valuestring)))
		err = not_started(a, err);
out:
	sodium_memzero(hash, sizeof hash);
	wipe_string(old);
	wipe_string(pw);
	cJSON_Delete(in);
	return err;
}

int
http_body_password_changed(struct forum *f, struct store *st, struct throttle *t,
			   const char *addr, const struct password_change *pc, int result,
			   const char *new_hash, int64_t now_ms, struct http_answer *a)
{
	int err;

	if (result == OS_EBADCRED) {
		throttle_fail(t, pc->user.username, addr, now_ms);
		http_answer_error(a, OS_EBADCRED, "the current password is wrong");
		return OS_EBADCRED;
	}
	if (result != OS_OK || !new_hash) {
		http_answer_error(a, OS_EINTERNAL, NULL);
		return OS_EINTERNAL;
	}
	err = store_op_begin(st);
	if (!err) {
		err = users_set_password(f, pc->user.id, new_hash, pc->session);
		store_op_end(st, err == OS_OK);
	}
	if (err) {
		http_answer_error(a, OS_EINTERNAL, NULL);
		return OS_EINTERNAL;
	}
	throttle_success(t, pc->user.username, addr);
	return OS_OK;
}
