/*
 * src/auth/password.c: argon2id hashing and verification, the dummy hash,
 * and the worker pool that keeps hashing off the event loop.
 */
#include <check.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/password.h"
#include "base/err.h"
#include "fixture.h"

#define PW "correct horse battery staple"

START_TEST(hash_then_verify)
{
	char h1[OS_PWHASH_LEN], h2[OS_PWHASH_LEN];

	ck_assert_int_eq(password_hash(PW, h1), OS_OK);
	ck_assert_msg(!strncmp(h1, "$argon2id$", 10), "not an argon2id hash: %s", h1);
	ck_assert_ptr_null(strstr(h1, PW));
	ck_assert_int_eq(password_verify(PW, h1), OS_OK);
	/* A fresh salt each time. */
	ck_assert_int_eq(password_hash(PW, h2), OS_OK);
	ck_assert_str_ne(h1, h2);
	ck_assert_int_eq(password_verify(PW, h2), OS_OK);
	/* Interactive limits, so that no rehash is asked for. */
	ck_assert_int_eq(crypto_pwhash_str_needs_rehash(h1, crypto_pwhash_OPSLIMIT_INTERACTIVE,
							crypto_pwhash_MEMLIMIT_INTERACTIVE),
			 0);
}
END_TEST

START_TEST(wrong_password_is_bad_credentials)
{
	char h[OS_PWHASH_LEN];

	ck_assert_int_eq(password_hash(PW, h), OS_OK);
	ck_assert_int_eq(password_verify("correct horse battery stapl", h), OS_EBADCRED);
	ck_assert_int_eq(password_verify("correct horse battery staple ", h), OS_EBADCRED);
	ck_assert_int_eq(password_verify("Correct horse battery staple", h), OS_EBADCRED);
	ck_assert_int_eq(password_verify("", h), OS_EBADCRED);
	/* A stored hash that is not a hash verifies nothing and does not
	 * crash. */
	ck_assert_int_eq(password_verify(PW, "not-a-hash"), OS_EBADCRED);
	ck_assert_int_eq(password_verify(PW, ""), OS_EBADCRED);
	ck_assert_int_eq(password_verify("", ""), OS_EBADCRED);
}
END_TEST

START_TEST(dummy_hash_verifies_nothing)
{
	const char *d = password_dummy_hash();
	static const char *const guesses[] = {
		"", "password", "12345678", PW, "admin", "dummy", "0000000000000000",
	};

	ck_assert_ptr_nonnull(d);
	ck_assert_msg(!strncmp(d, "$argon2id$", 10), "the dummy is not a real hash: '%s'", d);
	/* The same hash every time, so that every miss costs the same. */
	ck_assert_ptr_eq(password_dummy_hash(), d);
	for (size_t i = 0; i < sizeof guesses / sizeof guesses[0]; i++)
		ck_assert_int_eq(password_verify(guesses[i], d), OS_EBADCRED);
}
END_TEST

/* ---- the worker pool ---- */

static pthread_t main_thread;
static atomic_int wakes;
static atomic_int wakes_off_loop;

struct result {
	int called;
	int result;
	int on_main;
	char new_hash[OS_PWHASH_LEN];
	int has_new_hash;
};

static void
wake(void *arg)
{
	(void)arg;
	if (!pthread_equal(pthread_self(), main_thread))
		atomic_fetch_add(&wakes_off_loop, 1);
	atomic_fetch_add(&wakes, 1);
}

static void
done(void *arg, int result, const char *new_hash)
{
	struct result *r = arg;

	r->called++;
	r->result = result;
	r->on_main = pthread_equal(pthread_self(), main_thread);
	r->has_new_hash = new_hash != NULL;
	if (new_hash)
		snprintf(r->new_hash, sizeof r->new_hash, "%s", new_hash);
}

static void
pool_setup(void)
{
	main_thread = pthread_self();
	atomic_store(&wakes, 0);
	atomic_store(&wakes_off_loop, 0);
}

/* Waits until n jobs have woken the loop (or a minute has passed). */
static void
wait_wakes(int n)
{
	for (int i = 0; i < 6000 && atomic_load(&wakes) < n; i++)
		usleep(10000);
	ck_assert_int_ge(atomic_load(&wakes), n);
}

START_TEST(pool_delivers_results_through_drain_on_the_loop_thread)
{
	char h[OS_PWHASH_LEN];
	struct result ok = {0}, bad = {0}, hashed = {0};
	struct pwpool *p;
	int err = -1;

	ck_assert_int_eq(password_hash(PW, h), OS_OK);
	p = pwpool_new(2, 8, wake, NULL);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(pwpool_submit(p, PW, h, done, &ok, &err));
	ck_assert_int_eq(err, OS_OK);
	ck_assert_ptr_nonnull(pwpool_submit(p, "wrong password", h, done, &bad, &err));
	ck_assert_int_eq(err, OS_OK);
	ck_assert_ptr_nonnull(pwpool_submit(p, "a new password", NULL, done, &hashed, &err));
	ck_assert_int_eq(err, OS_OK);

	wait_wakes(3);
	/* Finished is not delivered: nothing runs until the loop drains. */
	ck_assert_int_eq(ok.called + bad.called + hashed.called, 0);
	ck_assert_int_eq(pwpool_pending(p), 0);
	/* The wake came from a worker, not from the loop. */
	ck_assert_int_eq(atomic_load(&wakes_off_loop), 3);

	pwpool_drain(p);
	ck_assert_int_eq(ok.called, 1);
	ck_assert_int_eq(bad.called, 1);
	ck_assert_int_eq(hashed.called, 1);
	ck_assert(ok.on_main && bad.on_main && hashed.on_main);
	ck_assert_int_eq(ok.result, OS_OK);
	ck_assert_int_eq(ok.has_new_hash, 0);
	ck_assert_int_eq(bad.result, OS_EBADCRED);
	ck_assert_int_eq(bad.has_new_hash, 0);
	ck_assert_int_eq(hashed.result, OS_OK);
	ck_assert_int_eq(hashed.has_new_hash, 1);
	ck_assert_int_eq(password_verify("a new password", hashed.new_hash), OS_OK);

	/* Draining again calls nobody twice. */
	pwpool_drain(p);
	ck_assert_int_eq(ok.called + bad.called + hashed.called, 3);
	pwpool_free(p);
}
END_TEST

START_TEST(pool_rehashes_weak_hashes)
{
	char weak[OS_PWHASH_LEN];
	struct result r = {0};
	struct pwpool *p;
	int err;

	ck_assert_int_eq(crypto_pwhash_str(weak, PW, strlen(PW), crypto_pwhash_OPSLIMIT_MIN,
					   crypto_pwhash_MEMLIMIT_MIN),
			 0);
	p = pwpool_new(1, 4, wake, NULL);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(pwpool_submit(p, PW, weak, done, &r, &err));
	wait_wakes(1);
	pwpool_drain(p);
	ck_assert_int_eq(r.called, 1);
	ck_assert_int_eq(r.result, OS_OK);
	ck_assert_int_eq(r.has_new_hash, 1);
	ck_assert_int_eq(password_verify(PW, r.new_hash), OS_OK);
	ck_assert_int_eq(crypto_pwhash_str_needs_rehash(r.new_hash,
							crypto_pwhash_OPSLIMIT_INTERACTIVE,
							crypto_pwhash_MEMLIMIT_INTERACTIVE),
			 0);
	pwpool_free(p);
}
END_TEST

START_TEST(pool_respects_its_queue_bound)
{
	enum { N = 12, QMAX = 2 };
	char h[OS_PWHASH_LEN];
	struct result res[N];
	struct pw_job *jobs[N];
	struct pwpool *p;
	int accepted = 0, busy = 0, called = 0, err;

	memset(res, 0, sizeof res);
	ck_assert_int_eq(password_hash(PW, h), OS_OK);
	p = pwpool_new(1, QMAX, wake, NULL);
	ck_assert_ptr_nonnull(p);
	/* argon2id takes tens of milliseconds; these submissions take
	 * microseconds, so the one worker can hold at most one of them. */
	for (int i = 0; i < N; i++) {
		err = -1;
		jobs[i] = pwpool_submit(p, PW, h, done, &res[i], &err);
		if (jobs[i]) {
			ck_assert_int_eq(err, OS_OK);
			accepted++;
		} else {
			ck_assert_int_eq(err, OS_EBUSY);
			busy++;
		}
	}
	/* At most QMAX waiting and one running; should a loaded machine let
	 * the worker finish jobs during the loop (each wakes the loop once,
	 * and one may be finished but not yet woken), those made room. */
	{
		int finished = atomic_load(&wakes);

		ck_assert_int_le(accepted, QMAX + 1 + (finished ? finished + 1 : 0));
	}
	ck_assert_int_ge(accepted, QMAX);
	ck_assert_int_ge(busy, 1);
	ck_assert_int_eq(busy, N - accepted);
	ck_assert_int_le(pwpool_pending(p), QMAX + 1);

	wait_wakes(accepted);
	pwpool_drain(p);
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(res[i].called, jobs[i] ? 1 : 0);
		if (jobs[i])
			ck_assert_int_eq(res[i].result, OS_OK);
		called += res[i].called;
	}
	ck_assert_int_eq(called, accepted);

	/* The queue has room again. */
	{
		struct result again = {0};

		ck_assert_ptr_nonnull(pwpool_submit(p, PW, h, done, &again, &err));
		ck_assert_int_eq(err, OS_OK);
		wait_wakes(accepted + 1);
		pwpool_drain(p);
		ck_assert_int_eq(again.called, 1);
	}
	pwpool_free(p);
}
END_TEST

START_TEST(pool_cancelled_jobs_never_call_back)
{
	char h[OS_PWHASH_LEN];
	struct result a = {0}, b = {0}, c = {0};
	struct pw_job *jb, *jc;
	struct pwpool *p;
	int err;

	ck_assert_int_eq(password_hash(PW, h), OS_OK);
	p = pwpool_new(1, 8, wake, NULL);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(pwpool_submit(p, PW, h, done, &a, &err));
	jb = pwpool_submit(p, PW, h, done, &b, &err);
	ck_assert_ptr_nonnull(jb);
	jc = pwpool_submit(p, "wrong", h, done, &c, &err);
	ck_assert_ptr_nonnull(jc);
	/* One cancelled while it waits in the queue... */
	pwpool_cancel(p, jb);
	wait_wakes(1);
	/* ...and one after it may already have run, before the drain. */
	wait_wakes(3);
	pwpool_cancel(p, jc);
	pwpool_drain(p);
	ck_assert_int_eq(a.called, 1);
	ck_assert_int_eq(a.result, OS_OK);
	ck_assert_int_eq(b.called, 0);
	ck_assert_int_eq(c.called, 0);
	pwpool_free(p);
}
END_TEST

START_TEST(pool_free_drops_queued_jobs_without_calling_them)
{
	char h[OS_PWHASH_LEN];
	struct result r[5];
	struct pwpool *p;
	int err;

	memset(r, 0, sizeof r);
	ck_assert_int_eq(password_hash(PW, h), OS_OK);
	p = pwpool_new(1, 8, wake, NULL);
	ck_assert_ptr_nonnull(p);
	for (int i = 0; i < 5; i++)
		ck_assert_ptr_nonnull(pwpool_submit(p, PW, h, done, &r[i], &err));
	ck_assert_int_ge(pwpool_pending(p), 1);
	pwpool_free(p);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(r[i].called, 0);
	pwpool_free(NULL);
}
END_TEST

/* ---- jobs of another kind (directory sign-ins) ---- */

struct work_ctx {
	char seen[64];        /* the password as work saw it */
	int ran_on_main;
	int result;
	int *freed;           /* set by ctx_free */
};

static int
work(void *ctx, char *password)
{
	struct work_ctx *c = ctx;

	snprintf(c->seen, sizeof c->seen, "%s", password);
	c->ran_on_main = pthread_equal(pthread_self(), main_thread);
	/* It may wipe the password itself: the pool wipes it anyway. */
	password[0] = '\0';
	return c->result;
}

static void
work_ctx_free(void *ctx)
{
	struct work_ctx *c = ctx;

	(*c->freed)++;
	free(c);
}

struct work_result {
	int called;
	int result;
	int on_main;
	char seen[64];
};

static void
work_done(void *arg, int result, void *ctx)
{
	struct work_result *r = arg;
	struct work_ctx *c = ctx;

	r->called++;
	r->result = result;
	r->on_main = pthread_equal(pthread_self(), main_thread);
	snprintf(r->seen, sizeof r->seen, "%s", c->seen);
}

static struct work_ctx *
new_ctx(int result, int *freed)
{
	struct work_ctx *c = calloc(1, sizeof *c);

	ck_assert_ptr_nonnull(c);
	c->result = result;
	c->ran_on_main = -1;
	c->freed = freed;
	return c;
}

START_TEST(pool_runs_work_off_the_loop_and_owns_its_context)
{
	struct work_result ok = {0}, refused = {0};
	struct work_ctx *c1, *c2;
	struct pwpool *p;
	int freed = 0, err = -1;

	p = pwpool_new(2, 8, wake, NULL);
	ck_assert_ptr_nonnull(p);
	c1 = new_ctx(OS_OK, &freed);
	c2 = new_ctx(OS_EDIRUNAVAIL, &freed);
	ck_assert_ptr_nonnull(pwpool_submit_work(p, PW, work, c1, work_ctx_free, work_done,
						 &ok, &err));
	ck_assert_int_eq(err, OS_OK);
	ck_assert_ptr_nonnull(pwpool_submit_work(p, "other", work, c2, work_ctx_free,
						 work_done, &refused, &err));
	wait_wakes(2);
	ck_assert_int_eq(ok.called + refused.called, 0);
	/* The work ran on a worker, with the password as submitted. */
	ck_assert_int_eq(c1->ran_on_main, 0);
	ck_assert_int_eq(c2->ran_on_main, 0);
	ck_assert_int_eq(freed, 0);
	pwpool_drain(p);
	ck_assert_int_eq(ok.called, 1);
	ck_assert_int_eq(refused.called, 1);
	ck_assert(ok.on_main && refused.on_main);
	ck_assert_int_eq(ok.result, OS_OK);
	ck_assert_int_eq(refused.result, OS_EDIRUNAVAIL);
	ck_assert_str_eq(ok.seen, PW);
	ck_assert_str_eq(refused.seen, "other");
	/* The contexts were freed after their callbacks, once each. */
	ck_assert_int_eq(freed, 2);
	pwpool_free(p);
}
END_TEST

START_TEST(pool_frees_the_context_of_cancelled_dropped_and_refused_work)
{
	struct work_result r[4];
	struct pw_job *cancelled;
	struct pwpool *p;
	int freed = 0, err;

	memset(r, 0, sizeof r);
	p = pwpool_new(1, 2, wake, NULL);
	ck_assert_ptr_nonnull(p);
	cancelled = pwpool_submit_work(p, PW, work, new_ctx(OS_OK, &freed), work_ctx_free,
				       work_done, &r[0], &err);
	ck_assert_ptr_nonnull(cancelled);
	pwpool_cancel(p, cancelled);
	wait_wakes(1);
	pwpool_drain(p);
	ck_assert_int_eq(r[0].called, 0);
	ck_assert_int_eq(freed, 1);

	/* A full queue refuses, and frees the context at once. */
	for (int i = 1; i < 4; i++)
		pwpool_submit_work(p, PW, work, new_ctx(OS_OK, &freed), work_ctx_free,
				   work_done, &r[i], &err);
	ck_assert_int_ge(freed, 1);
	/* What is still queued or done when the pool goes is freed too. */
	pwpool_free(p);
	ck_assert_int_eq(freed, 4);
	for (int i = 1; i < 4; i++)
		ck_assert_int_eq(r[i].called, 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("password");
	TCase *tc = tcase_create("hashing");
	TCase *pool = tcase_create("pool");

	if (sodium_init() < 0)
		return 1;
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, hash_then_verify);
	tcase_add_test(tc, wrong_password_is_bad_credentials);
	tcase_add_test(tc, dummy_hash_verifies_nothing);
	suite_add_tcase(s, tc);

	tcase_set_timeout(pool, 120);
	tcase_add_checked_fixture(pool, pool_setup, NULL);
	tcase_add_test(pool, pool_delivers_results_through_drain_on_the_loop_thread);
	tcase_add_test(pool, pool_rehashes_weak_hashes);
	tcase_add_test(pool, pool_respects_its_queue_bound);
	tcase_add_test(pool, pool_cancelled_jobs_never_call_back);
	tcase_add_test(pool, pool_free_drops_queued_jobs_without_calling_them);
	tcase_add_test(pool, pool_runs_work_off_the_loop_and_owns_its_context);
	tcase_add_test(pool, pool_frees_the_context_of_cancelled_dropped_and_refused_work);
	suite_add_tcase(s, pool);
	return fx_run(s);
}
