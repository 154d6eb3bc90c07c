#ifndef OS_AUTH_PASSWORD_H
#define OS_AUTH_PASSWORD_H

/*
 * Password hashing with argon2id (libsodium crypto_pwhash_str, interactive
 * limits: tens of milliseconds and 64 MiB each). The server never hashes on
 * its event loop: a small pool of worker threads takes jobs from a bounded
 * queue, and finished jobs are handed back on the loop thread by
 * pwpool_drain(), which the loop calls after the pool's wake function (it
 * calls lws_cancel_service) has woken it.
 */

#include <stddef.h>

#define OS_PWHASH_LEN 128 /* crypto_pwhash_STRBYTES */

/* Hashes a password on the calling thread (the command line uses this).
 * out must hold OS_PWHASH_LEN bytes. OS_ENOMEM on failure. */
int password_hash(const char *password, char out[OS_PWHASH_LEN]);

/* Verifies on the calling thread: OS_OK on a match, OS_EBADCRED if not.
 * An empty hash (an account without a password) never matches, and takes
 * as long as a wrong password. */
int password_verify(const char *password, const char *hash);

/* A well-formed hash of a random password, to verify against when the user
 * does not exist, so that both answers cost the same. */
const char *password_dummy_hash(void);

struct pwpool;
struct pw_job;

/* Called on the loop thread with the job's result: OS_OK when the password
 * matched (verify) or was hashed (hash), OS_EBADCRED on a mismatch, another
 * error otherwise. new_hash is the fresh hash for hash jobs, and for verify
 * jobs whose stored hash used weaker parameters (rehash); else NULL. It is
 * valid only during the call. */
typedef void (*pw_done_fn)(void *arg, int result, const char *new_hash);

/* threads workers; at most queue_max jobs waiting. wake(wake_arg) is called
 * from a worker thread after each finished job. */
struct pwpool *pwpool_new(int threads, int queue_max, void (*wake)(void *),
			  void *wake_arg);

/* Queues a verification (or, with hash NULL, a hashing) of password; the
 * password is copied and wiped after use. Returns the job (a handle valid
 * until its callback runs) or NULL with *err set to OS_EBUSY when the queue
 * is full. */
struct pw_job *pwpool_submit(struct pwpool *p, const char *password,
			     const char *hash, pw_done_fn done, void *arg, int *err);

/*
 * Another kind of job that must stay off the loop (a directory sign-in):
 * work(ctx, password) runs on a worker with a private copy of password,
 * which it may wipe itself and which is wiped after it in any case; its
 * result goes to done(arg, result, ctx) on the loop thread. The job owns
 * ctx from this call on: ctx_free(ctx) (may be NULL) runs after done, or
 * when the job is cancelled or dropped, or at once when the submission
 * fails (NULL returned, *err OS_EBUSY or OS_ENOMEM). ctx is therefore the
 * only place work may write to: whoever submitted the job may be gone by
 * the time it runs.
 */
typedef int (*pw_work_fn)(void *ctx, char *password);
typedef void (*pw_work_done_fn)(void *arg, int result, void *ctx);

struct pw_job *pwpool_submit_work(struct pwpool *p, const char *password,
				  pw_work_fn work, void *ctx, void (*ctx_free)(void *),
				  pw_work_done_fn done, void *arg, int *err);
/* Queues a password change: a verification of old_password against hash
 * and, when it matches, the hashing of new_password. The callback gets
 * OS_OK with the new hash, OS_EBADCRED when old_password is wrong, or
 * another error. Both passwords are copied and wiped after use. As
 * pwpool_submit() otherwise. */
struct pw_job *pwpool_submit_change(struct pwpool *p, const char *old_password,
				    const char *hash, const char *new_password,
				    pw_done_fn done, void *arg, int *err);

/* The job's callback will not be called. Loop thread only. */
void pwpool_cancel(struct pwpool *p, struct pw_job *job);

/* Runs the callbacks of finished jobs. Loop thread only. */
void pwpool_drain(struct pwpool *p);

/* Jobs queued or running. */
int pwpool_pending(struct pwpool *p);

/* Stops the workers (waiting for running jobs), drops queued jobs without
 * calling them, and frees the pool. NULL is fine. */
void pwpool_free(struct pwpool *p);

#endif
