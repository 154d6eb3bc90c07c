#ifndef OS_TRANSPORT_HTTP_BODY_H
#define OS_TRANSPORT_HTTP_BODY_H

/*
 * The bodies of POST /api/login and POST /api/invite/accept: parsing, type
 * checks, field validation, the throttle, the account and invite checks, and
 * the decision of what to answer. No libwebsockets here: http.c feeds the
 * bytes in and sends what comes out, and the fuzzer (tests/fuzz/
 * fuzz_http_body.c) calls these same functions.
 *
 * Both requests need a password check on a worker thread between their two
 * halves: the first half starts it through a caller's function and the
 * second half takes its result.
 */

#include <stddef.h>
#include <stdint.h>

#include "auth/session.h"
#include "auth/throttle.h"
#include "base/model.h"
#include "forum/forum.h"
#include "store/db.h"

/* An answer decided here: the HTTP status and the JSON body. The functions
 * below fill one that is zeroed, or filled before (its body is freed). */
struct http_answer {
	int status;
	char *body;       /* malloc'd JSON text; NULL when building it failed */
	size_t len;
	int retry_after;  /* seconds for a Retry-After header; 0: none */
};

/* Fills a with the API's error answer for err: its HTTP status and
 * {"error": {"code", "message"}}; message NULL gives err's default. */
void http_answer_error(struct http_answer *a, int err, const char *message);

/* The same for an invite's error, with the words the invite page shows. */
void http_answer_invite_error(struct http_answer *a, int err);

/* Frees the body; a can be filled again. */
void http_answer_clear(struct http_answer *a);

/*
 * Starts the password check: a verification against hash, or with hash NULL
 * the hashing of a new password (an invite) or, for a sign-in whose
 * login_attempt says via_directory, the directory's check of the name and
 * password. Returns 0 once it is under way, OS_EBUSY when the queue is
 * full, another error otherwise. password is valid only during the call
 * (it is wiped afterwards).
 */
typedef int (*http_pw_start_fn)(void *arg, const char *password, const char *hash);

/* A sign-in between its two halves. */
struct login_attempt {
	char name[OS_USERNAME_SZ * 2];  /* as sent, cut to fit: the throttle's key */
	int known;                      /* an account of that name exists */
	struct user user;               /* that account when known */
	int via_directory;              /* the directory checks the password */
};

/*
 * The first half of POST /api/login. Reads the body (body may be NULL),
 * wipes it, asks the throttle whether addr may try this name now, looks the
 * account up and starts the check of the password against its hash (an
 * unknown name, or an account without a local password, against the dummy
 * hash, at the same cost). With a directory (directory not 0), a name that
 * is a valid username and is not an account with a local password, or is a
 * directory account, goes to the directory instead (la->via_directory).
 * Returns 0 when the check is under way; otherwise the error, with the
 * answer in *a: bad_request, rate_limited with retry_after while throttled,
 * and when the check cannot start rate_limited (503, the queue is full) or
 * internal.
 */
int http_body_login(struct store *st, struct throttle *t, const char *addr,
		    int64_t now_ms, int directory, char *body, size_t len,
		    http_pw_start_fn start, void *arg, struct login_attempt *la,
		    struct http_answer *a);

/*
 * The second half: result is the check's (OS_OK on a match, OS_EBADCRED,
 * another error when the check failed). A match of an account that is not
 * disabled clears the failures of name at addr, stores new_hash (not NULL:
 * the password rehashed with today's parameters; a write operation of its
 * own, for the caller to commit) and returns 0: sign la->user in. A
 * mismatch is counted against name and addr and answered unauthorized; a
 * failed check is answered internal. The error is returned.
 */
int http_body_login_checked(struct store *st, struct throttle *t, const char *addr,
			    const struct login_attempt *la, int result,
			    const char *new_hash, int64_t now_ms, struct http_answer *a);

/*
 * The second half of a sign-in through the directory, with its result
 * (OS_OK, OS_EBADCRED, OS_EDIRUNAVAIL, another error) and, on OS_OK, what
 * the directory says of the person. A success creates or updates the
 * account (dirusers_sign_in(), a write operation of its own for the caller
 * to commit), clears the failures of the name at addr, puts the account in
 * la->user and returns 0: sign it in. A refusal is counted against name and
 * addr and answered bad_credentials (401), like a wrong local password; an
 * unreachable directory is answered directory_unavailable (503) and not
 * counted; anything else internal. The error is returned.
 */
int http_body_login_directory(struct forum *f, struct store *st, struct throttle *t,
			      const char *addr, struct login_attempt *la, int result,
			      const char *display_name, const char *email, int role,
			      const char *org, int64_t now_ms, struct http_answer *a);

/* An invite acceptance between its two halves. */
struct invite_claim {
	char token[OS_TOKEN_STR_LEN];
	char username[OS_USERNAME_SZ * 2];
	char *display_name;  /* malloc'd, as sent */
	char *org;           /* malloc'd, as sent; "" when absent or null */
};

/* Frees what ic holds and zeroes it. NULL is fine. */
void invite_claim_clear(struct invite_claim *ic);

/*
 * The first half of POST /api/invite/accept {token, username, password,
 * display_name, org}. Reads the body (may be NULL) and wipes it, checks the
 * invite, the fields, the password's length and that the name is free, in
 * that order, then starts the hashing of the password. Returns 0 when the
 * hashing is under way and ic is filled (invite_claim_clear() frees it in
 * any case); otherwise the error, with the answer in *a.
 */
int http_body_invite(struct forum *f, struct store *st, char *body, size_t len,
		     http_pw_start_fn start, void *arg, struct invite_claim *ic,
		     struct http_answer *a);

/*
 * The second half, with the hashing's result and the new hash: checks the
 * invite again (it may have been used, or the name taken, meanwhile) and
 * accepts it in a write operation of its own, for the caller to commit.
 * Returns 0 with the new account in *out and the invite's round (0: none)
 * in *round; otherwise the error, answered in *a.
 */
int http_body_invite_hashed(struct forum *f, struct store *st,
			    const struct invite_claim *ic, int result,
			    const char *new_hash, struct user *out, int64_t *round,
			    struct http_answer *a);

/* ---- password reset links and password changes ---- */

/* A reset link's error in the words the reset page shows: 404 not_found,
 * 410 reset_used or reset_expired, 409 conflict (a directory account),
 * 403 forbidden (a disabled one). */
void http_answer_reset_error(struct http_answer *a, int err);

/* A password reset between its two halves. */
struct reset_claim {
	char token[OS_TOKEN_STR_LEN];
};

/*
 * The first half of POST /api/password/reset {token, password}. Reads the
 * body (may be NULL) and wipes it, checks the link, then the password's
 * length (as an invite's), then starts the hashing of the password.
 * Returns 0 when the hashing is under way; otherwise the error, with the
 * answer in *a.
 */
int http_body_reset(struct forum *f, char *body, size_t len, http_pw_start_fn start,
		    void *arg, struct reset_claim *rc, struct http_answer *a);

/* The second half: checks the link again and uses it (a write operation of
 * its own, for the caller to commit). Returns 0 with the account to sign
 * in into *out; otherwise the error, answered in *a. */
int http_body_reset_hashed(struct forum *f, struct store *st, const struct reset_claim *rc,
			   int result, const char *new_hash, struct user *out,
			   struct http_answer *a);

/* Starts a password change: a verification of old_password against hash,
 * then the hashing of new_password (see pwpool_submit_change()). */
typedef int (*http_pw_change_fn)(void *arg, const char *old_password, const char *hash,
				 const char *new_password);

/* A password change between its two halves. */
struct password_change {
	struct user user;          /* who is signed in */
	unsigned char session[32]; /* the token hash of the session that asks */
};

/*
 * The first half of POST /api/password {old, new} from caller, signed in
 * with the session whose token hash is session. Reads the body (may be
 * NULL) and wipes it; bad_request for a malformed body or a new password
 * under 8 characters, rate_limited while the throttle holds caller's
 * sign-ins at addr back, conflict for a directory account; then starts the
 * check of old and the hashing of new. Returns 0 when under way;
 * otherwise the error, with the answer in *a.
 */
int http_body_password(struct store *st, struct throttle *t, const char *addr,
		       int64_t now_ms, const struct user *caller,
		       const unsigned char session[32], char *body, size_t len,
		       http_pw_change_fn start, void *arg, struct password_change *pc,
		       struct http_answer *a);

/* The second half: a wrong old password is counted like a failed sign-in
 * and answered 401 bad_credentials; a right one stores new_hash and
 * revokes every other session of the user (a write operation of its own,
 * for the caller to commit) and returns 0: answer 204. */
int http_body_password_changed(struct forum *f, struct store *st, struct throttle *t,
			       const char *addr, const struct password_change *pc,
			       int result, const char *new_hash, int64_t now_ms,
			       struct http_answer *a);

#endif
