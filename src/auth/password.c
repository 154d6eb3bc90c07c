#include "auth/password.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"

int
password_hash(const char *password, char out[OS_PWHASH_LEN])
{
	if (crypto_pwhash_str(out, password, strlen(password),
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return OS_ENOMEM;
	return OS_OK;
}

int
password_verify(const char *password, const char *hash)
{
	/* An account without a password (imported, or from the directory)
	 * never matches, after the work a wrong password costs, so that the
	 * answer does not tell which accounts have none. */
	if (!hash[0]) {
		const char *dummy = password_dummy_hash();

		if (dummy[0] &&
		    crypto_pwhash_str_verify(dummy, password, strlen(password)) == 0)
			return OS_EBADCRED; /* (a random password: never) */
		return OS_EBADCRED;
	}
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0
		       ? OS_OK
		       : OS_EBADCRED;
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy[OS_PWHASH_LEN];

static void
make_dummy(void)
{
	unsigned char raw[24];
	char pw[sizeof raw * 2 + 1];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(pw, sizeof pw, raw, sizeof raw);
	if (password_hash(pw, dummy))
		dummy[0] = '\0';
	sodium_memzero(pw, sizeof pw);
}

const char *
password_dummy_hash(void)
{
	pthread_once(&dummy_once, make_dummy);
	return dummy;
}

struct pw_job {
	struct pw_job *next;
	char *password;
	size_t password_len;   /* wiped by this length: work may zero it first */
	char *new_password;  /* a change: hashed once password matched */
	char hash[OS_PWHASH_LEN];
	int verify;
	int result;
	char new_hash[OS_PWHASH_LEN];
	int has_new_hash;
	int cancelled;
	pw_done_fn done;
	void *arg;
	/* A job of another kind (pwpool_submit_work). */
	pw_work_fn work;
	pw_work_done_fn work_done;
	void *ctx;
	void (*ctx_free)(void *);
};

struct pwpool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t *threads;
	int nthreads;
	int queue_max;
	int queued;
	int running;
	int stopping;
	struct pw_job *head, *tail;           /* waiting */
	struct pw_job *done_head, *done_tail; /* finished, for the loop */
	void (*wake)(void *);
	void *wake_arg;
};

static void
job_free(struct pw_job *j)
{
	if (!j)
		return;
	if (j->password) {
		sodium_memzero(j->password, j->password_len);
		free(j->password);
	}
	if (j->new_password) {
		sodium_memzero(j->new_password, strlen(j->new_password));
		free(j->new_password);
	}
	sodium_memzero(j->new_hash, sizeof j->new_hash);
	if (j->ctx_free)
		j->ctx_free(j->ctx);
	free(j);
}

static void
run_job(struct pw_job *j)
{
	if (j->work) {
		j->result = j->work(j->ctx, j->password);
		return;
	}
	if (!j->verify) {
		j->result = password_hash(j->password, j->new_hash);
		j->has_new_hash = j->result == OS_OK;
		return;
	}
	j->result = password_verify(j->password, j->hash);
	if (j->new_password) {
		if (j->result == OS_OK) {
			j->result = password_hash(j->new_password, j->new_hash);
			j->has_new_hash = j->result == OS_OK;
		}
		return;
	}
	if (j->result == OS_OK &&
	    crypto_pwhash_str_needs_rehash(j->hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
					   crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		j->has_new_hash = password_hash(j->password, j->new_hash) == OS_OK;
}

/* Hashing threads run at a lower priority than the event loop: a burst of
 * sign-ins (each argon2id costs tens of milliseconds of CPU) then takes
 * the cores the loop leaves idle instead of delaying every delivery.
 * (On Linux the nice value is per thread.) */
#define WORKER_NICE 10

static void *
worker(void *arg)
{
	struct pwpool *p = arg;

	if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), WORKER_NICE))
		os_warn("password pool: cannot lower the hashing threads' priority");
	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct pw_job *j;

		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stopping)
			break;
		j = p->head;
		p->head = j->next;
		if (!p->head)
			p->tail = NULL;
		p->queued--;
		p->running++;
		pthread_mutex_unlock(&p->mu);

		run_job(j);
		sodium_memzero(j->password, j->password_len);
		if (j->new_password)
			sodium_memzero(j->new_password, strlen(j->new_password));

		pthread_mutex_lock(&p->mu);
		p->running--;
		j->next = NULL;
		if (p->done_tail)
			p->done_tail->next = j;
		else
			p->done_head = j;
		p->done_tail = j;
		pthread_mutex_unlock(&p->mu);
		if (p->wake)
			p->wake(p->wake_arg);
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct pwpool *
pwpool_new(int threads, int queue_max, void (*wake)(void *), void *wake_arg)
{
	struct pwpool *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->queue_max = queue_max;
	p->wake = wake;
	p->wake_arg = wake_arg;
	p->threads = calloc((size_t)threads, sizeof *p->threads);
	if (!p->threads) {
		free(p);
		return NULL;
	}
	for (int i = 0; i < threads; i++) {
		if (pthread_create(&p->threads[i], NULL, worker, p) != 0) {
			os_err("password pool: cannot start a worker thread");
			break;
		}
		p->nthreads++;
	}
	if (!p->nthreads) {
		free(p->threads);
		free(p);
		return NULL;
	}
	return p;
}

/* Queues j unless the queue is full; frees it then. */
static struct pw_job *
enqueue(struct pwpool *p, struct pw_job *j, int *err)
{
	pthread_mutex_lock(&p->mu);
	if (p->queued >= p->queue_max) {
		pthread_mutex_unlock(&p->mu);
		job_free(j);
		*err = OS_EBUSY;
		return NULL;
	}
	if (p->tail)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	p->queued++;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	*err = OS_OK;
	return j;
}
static struct pw_job *submit(struct pwpool *p, const char *password, const char *hash,
			     const char *new_password, pw_done_fn done, void *arg,
			     int *err);

struct pw_job *
pwpool_submit(struct pwpool *p, const char *password, const char *hash,
	      pw_done_fn done, void *arg, int *err)
{
	return submit(p, password, hash, NULL, done, arg, err);
}

struct pw_job *
pwpool_submit_change(struct pwpool *p, const char *old_password, const char *hash,
		     const char *new_password, pw_done_fn done, void *arg, int *err)
{
	return submit(p, old_password, hash, new_password, done, arg, err);
}

static struct pw_job *
submit(struct pwpool *p, const char *password, const char *hash, const char *new_password,
       pw_done_fn done, void *arg, int *err)
{
	struct pw_job *j;

	pthread_mutex_lock(&p->mu);
	if (p->queued >= p->queue_max) {
		pthread_mutex_unlock(&p->mu);
		*err = OS_EBUSY;
		return NULL;
	}
	pthread_mutex_unlock(&p->mu);

	j = calloc(1, sizeof *j);
	if (!j || !(j->password = strdup(password)) ||
	    (new_password && !(j->new_password = strdup(new_password)))) {
		job_free(j);
		*err = OS_ENOMEM;
		return NULL;
	}
	j->password_len = strlen(password);
	j->verify = hash != NULL;
	if (hash)
		snprintf(j->hash, sizeof j->hash, "%s", hash);
	j->done = done;
	j->arg = arg;
	return enqueue(p, j, err);
}

struct pw_job *
pwpool_submit_work(struct pwpool *p, const char *password, pw_work_fn work,
		   void *ctx, void (*ctx_free)(void *), pw_work_done_fn done,
		   void *arg, int *err)
{
	struct pw_job *j = calloc(1, sizeof *j);

	if (!j || !(j->password = strdup(password))) {
		free(j);
		if (ctx_free)
			ctx_free(ctx);
		*err = OS_ENOMEM;
		return NULL;
	}
	j->password_len = strlen(password);
	j->work = work;
	j->work_done = done;
	j->ctx = ctx;
	j->ctx_free = ctx_free;
	j->arg = arg;
	return enqueue(p, j, err);
}

void
pwpool_cancel(struct pwpool *p, struct pw_job *job)
{
	pthread_mutex_lock(&p->mu);
	job->cancelled = 1;
	pthread_mutex_unlock(&p->mu);
}

void
pwpool_drain(struct pwpool *p)
{
	struct pw_job *list, *next;

	pthread_mutex_lock(&p->mu);
	list = p->done_head;
	p->done_head = p->done_tail = NULL;
	pthread_mutex_unlock(&p->mu);

	for (; list; list = next) {
		next = list->next;
		if (!list->cancelled && list->work_done)
			list->work_done(list->arg, list->result, list->ctx);
		else if (!list->cancelled && list->done)
			list->done(list->arg, list->result,
				   list->has_new_hash ? list->new_hash : NULL);
		job_free(list);
	}
}

int
pwpool_pending(struct pwpool *p)
{
	int n;

	pthread_mutex_lock(&p->mu);
	n = p->queued + p->running;
	pthread_mutex_unlock(&p->mu);
	return n;
}

void
pwpool_free(struct pwpool *p)
{
	struct pw_job *j, *next;

	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stopping = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	for (j = p->head; j; j = next) {
		next = j->next;
		job_free(j);
	}
	for (j = p->done_head; j; j = next) {
		next = j->next;
		job_free(j);
	}
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p->threads);
	free(p);
}
