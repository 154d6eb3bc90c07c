#include "mail/mailer.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/session.h"
#include "base/err.h"
#include "base/log.h"
#include "base/util.h"
#include "mail/compose.h"
#include "store/db.h"
#include "store/notifications.h"
#include "store/outbox.h"

#define RETRY_FOR_MS (24LL * 3600 * 1000)
#define BACKOFF_MAX_MS (15LL * 60 * 1000)
#define DUE_BATCH 100

struct mailer {
	struct mailer_opts o;
	char domain[256];
	struct store *st;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	int64_t logged_pending, logged_failed;
	struct mailer_stats stats; /* under mu */
};

/* Runs fn inside one store operation, committed on success. */
static int
in_tx(struct mailer *m, int (*fn)(struct mailer *, void *), void *arg)
{
	int rc = store_op_begin(m->st);

	if (rc)
		return rc;
	rc = fn(m, arg);
	if (store_op_end(m->st, rc == OS_OK) && !rc)
		rc = OS_EINTERNAL;
	if (store_commit(m->st) && !rc)
		rc = OS_EINTERNAL;
	return rc;
}

struct compose_job {
	int64_t user;
	int digest;
	int64_t since;   /* digest: ideas created since */
	int queued;
};

static void
message_id(struct mailer *m, char *buf, size_t sz)
{
	unsigned char r[16];
	char hex[33];

	randombytes_buf(r, sizeof r);
	sodium_bin2hex(hex, sizeof hex, r, sizeof r);
	snprintf(buf, sz, "<%s.%lld@%s>", hex, (long long)os_now_ms(), m->domain);
}

static int
compose_one(struct mailer *m, void *arg)
{
	struct compose_job *j = arg;
	struct mail_user u;
	struct mail_notice *ns = NULL;
	struct mail_idea *ideas = NULL;
	char *pool = NULL, *ipool = NULL, *mime = NULL;
	struct mail_out out = {0};
	int64_t upto, now = os_now_ms(), *rounds = NULL;
	size_t n = 0, nideas = 0, nrounds = 0;
	char token[OS_TOKEN_STR_LEN], unsub[1200], mid[400];
	unsigned char hash[32];
	int rc;

	rc = store_mail_user(m->st, j->user, &u);
	if (rc == OS_ENOTFOUND) {
		/* disabled: told nothing */
		memset(&u, 0, sizeof u);
	} else if (rc) {
		return rc;
	}
	if ((rc = store_mail_notices(m->st, j->user, &upto, &ns, &n, &pool)))
		return rc;
	if (!n || !u.email[0] || strpbrk(u.email, "\r\n<>")) {
		/* Nothing left to tell (hidden since, access gone), or no
		 * address: these notices are done with. */
		rc = store_mail_mark(m->st, j->user, upto, now);
		goto out;
	}
	if (j->digest) {
		rounds = calloc(n, sizeof *rounds);
		if (!rounds) {
			rc = OS_ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			size_t k = 0;

			while (k < nrounds && rounds[k] != ns[i].round)
				k++;
			if (k == nrounds)
				rounds[nrounds++] = ns[i].round;
		}
		if ((rc = store_mail_ideas(m->st, rounds, nrounds, j->since, &ideas, &nideas,
					   &ipool)))
			goto out;
	}
	session_token_new(token);
	session_token_hash(token, hash);
	if ((rc = store_unsub_token_add(m->st, j->user, hash)))
		goto out;
	snprintf(unsub, sizeof unsub, "%s/api/unsubscribe?token=%s", m->o.public_url, token);
	{
		struct mail_in in = {
			.lang = (enum os_lang)u.lang,
			.digest = j->digest,
			.name = u.display_name,
			.public_url = m->o.public_url,
			.unsubscribe_url = unsub,
			.notices = ns,
			.n = n,
			.ideas = ideas,
			.nideas = nideas,
		};

		if ((rc = mail_compose(&in, &out)))
			goto out;
	}
	message_id(m, mid, sizeof mid);
	if ((rc = mail_mime(m->o.mail_from, u.email, mid, now, unsub, &out, &mime)) ||
	    (rc = store_outbox_add(m->st, j->user, u.email, mid, out.subject, mime, now)) ||
	    (rc = store_mail_mark(m->st, j->user, upto, now)))
		goto out;
	j->queued = 1;
out:
	sodium_memzero(token, sizeof token);
	mail_out_clear(&out);
	free(mime);
	free(ns);
	free(pool);
	free(ideas);
	free(ipool);
	free(rounds);
	return rc;
}

static int
drop_off(struct mailer *m, void *arg)
{
	int64_t *ids = NULL, now = os_now_ms();
	size_t n;
	int rc = store_mail_due(m->st, NOTIFY_OFF, now + 1, DUE_BATCH, &ids, &n);

	for (size_t i = 0; !rc && i < n; i++)
		rc = store_mail_mark(m->st, ids[i], INT64_MAX, now);
	free(ids);
	*(size_t *)arg = n;
	return rc;
}

/* Turns the due notices of mode into mails, DUE_BATCH recipients at a
 * time, until none is due. */
static int
compose_due(struct mailer *m, int mode, int64_t created_before, int64_t since)
{
	for (;;) {
		int64_t *ids = NULL;
		size_t n;
		int rc = store_mail_due(m->st, mode, created_before, DUE_BATCH, &ids, &n);

		if (rc)
			return rc;
		for (size_t i = 0; !rc && i < n; i++) {
			struct compose_job j = {.user = ids[i], .digest = mode == NOTIFY_DAILY,
						.since = since};

			rc = in_tx(m, compose_one, &j);
		}
		free(ids);
		if (rc)
			return rc;
		if (n < DUE_BATCH)
			return OS_OK;
	}
}

/* The start of today's digest hour, local time. */
static int64_t
digest_time(int hour, int64_t now)
{
	time_t t = (time_t)(now / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_hour = hour;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}

static int
digest_mark(struct mailer *m, void *arg)
{
	return store_mail_run_set(m->st, "digest", *(int64_t *)arg);
}

/*
 * The digest goes once a day, at the first tick at or after the digest
 * hour; one that was missed (the server was down) goes at start-up, if
 * the hour has passed today, or else at the hour.
 */
static void
maybe_digest(struct mailer *m, int64_t now)
{
	int64_t due = digest_time(m->o.digest_hour, now), last = 0;

	if (now < due || store_mail_run_get(m->st, "digest", &last) || last >= due)
		return;
	if (compose_due(m, NOTIFY_DAILY, now + 1, last ? last : now - 86400000LL) == OS_OK &&
	    in_tx(m, digest_mark, &now) == OS_OK)
		os_info("mail: daily digest queued");
}

struct reader {
	const char *data;
	size_t len, off;
};

static size_t
read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct reader *r = arg;
	size_t n = size * nitems;

	if (n > r->len - r->off)
		n = r->len - r->off;
	memcpy(buf, r->data + r->off, n);
	r->off += n;
	return n;
}

/* One SMTP transaction. 0 when the server accepted the mail. */
static int
smtp_send(struct mailer *m, const struct outbox_mail *mail, char *err, size_t errsz)
{
	CURL *c = curl_easy_init();
	struct curl_slist *rcpt = NULL;
	struct reader rd = {.data = mail->mime, .len = strlen(mail->mime)};
	char from[400], to[400];
	CURLcode rc;

	err[0] = '\0';
	if (!c) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	snprintf(from, sizeof from, "<%s>", m->o.mail_from);
	snprintf(to, sizeof to, "<%s>", mail->rcpt);
	rcpt = curl_slist_append(NULL, to);
	curl_easy_setopt(c, CURLOPT_URL, m->o.smtp_url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	if (!strncmp(m->o.smtp_url, "smtps://", 8))
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	else
		curl_easy_setopt(c, CURLOPT_USE_SSL,
				 (long)(m->o.insecure ? CURLUSESSL_NONE : CURLUSESSL_TRY));
	if (m->o.smtp_user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, m->o.smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD,
				 m->o.smtp_password ? m->o.smtp_password : "");
	}
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &rd);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	rc = rcpt ? curl_easy_perform(c) : CURLE_OUT_OF_MEMORY;
	if (rc != CURLE_OK && !err[0])
		snprintf(err, errsz, "%s", curl_easy_strerror(rc));
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -1;
}

struct send_result {
	int64_t id;
	int64_t now;
	int64_t next_at; /* 0: failed for good */
	const char *err;
	int ok;
};

static int
send_mark(struct mailer *m, void *arg)
{
	struct send_result *r = arg;

	if (r->ok)
		return store_outbox_sent(m->st, r->id, r->now);
	return store_outbox_retry(m->st, r->id, r->next_at, r->err);
}

static int
stopping(struct mailer *m)
{
	int s;

	pthread_mutex_lock(&m->mu);
	s = m->stop;
	pthread_mutex_unlock(&m->mu);
	return s;
}

static void
send_due(struct mailer *m)
{
	while (!stopping(m)) {
		struct outbox_mail mail;
		struct send_result r = {0};
		char err[CURL_ERROR_SIZE + 1];
		int64_t delay;

		if (store_outbox_next(m->st, os_now_ms(), &mail))
			return;
		r.id = mail.id;
		r.ok = smtp_send(m, &mail, err, sizeof err) == 0;
		r.now = os_now_ms();
		r.err = err;
		if (!r.ok) {
			delay = 1000LL << (mail.attempts < 20 ? mail.attempts : 20);
			if (delay > BACKOFF_MAX_MS)
				delay = BACKOFF_MAX_MS;
			r.next_at = r.now + delay;
			if (r.next_at - mail.created_at > RETRY_FOR_MS) {
				r.next_at = 0;
				os_err("mail: %s to %s failed for good: %s", mail.message_id,
				       mail.rcpt, err);
			} else {
				os_warn("mail: %s to %s: %s (attempt %d; again in %lld s)",
					mail.message_id, mail.rcpt, err, mail.attempts + 1,
					(long long)(delay / 1000));
			}
		}
		/* The sent mark is committed only now that the server has the
		 * mail; should it be lost (a crash just here), the mail goes
		 * again with the same Message-ID. */
		for (int i = 0; i < 5 && in_tx(m, send_mark, &r); i++)
			;
		pthread_mutex_lock(&m->mu);
		if (r.ok)
			m->stats.sent++;
		else
			m->stats.attempts_failed++;
		pthread_mutex_unlock(&m->mu);
		if (r.ok)
			os_info("mail: sent %s to %s", mail.message_id, mail.rcpt);
		outbox_mail_clear(&mail);
		if (!r.ok)
			return; /* the server is unwell: the rest waits for the next tick */
	}
}

static void
log_depth(struct mailer *m)
{
	int64_t pending, failed;

	if (store_outbox_counts(m->st, &pending, &failed))
		return;
	pthread_mutex_lock(&m->mu);
	m->stats.pending = pending;
	m->stats.failed = failed;
	pthread_mutex_unlock(&m->mu);
	if (pending != m->logged_pending || failed != m->logged_failed)
		os_info("mail: outbox: %lld pending, %lld failed", (long long)pending,
			(long long)failed);
	m->logged_pending = pending;
	m->logged_failed = failed;
}

static void *
mailer_main(void *arg)
{
	struct mailer *m = arg;

	int led = -2;

	while (!stopping(m)) {
		int64_t now = os_now_ms();
		size_t dropped = 0;
		struct timespec until;
		/* Of several nodes on one database, one mails (the others
		 * would send every mail again); another takes over when its
		 * connection ends. */
		int lead = store_try_lead(m->st, STORE_LEAD_MAILER);

		if (lead != led && lead >= 0)
			os_info(lead ? "mail: this node sends the forum's mail"
				     : "mail: another node sends the forum's mail; this one stands by");
		led = lead;
		if (lead != 1)
			goto wait;
		in_tx(m, drop_off, &dropped);
		compose_due(m, NOTIFY_INSTANT, now - (int64_t)m->o.batch_seconds * 1000 + 1, 0);
		maybe_digest(m, now);
		send_due(m);
		log_depth(m);
wait:
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_mutex_lock(&m->mu);
		if (!m->stop)
			pthread_cond_timedwait(&m->cv, &m->mu, &until);
		pthread_mutex_unlock(&m->mu);
	}
	return NULL;
}

int
mailer_start(const struct mailer_opts *o, struct mailer **out)
{
	struct mailer *m;
	const char *at;
	int rc;

	*out = NULL;
	m = calloc(1, sizeof *m);
	if (!m)
		return OS_ENOMEM;
	m->o = *o;
	m->logged_pending = m->logged_failed = -1;
	at = strrchr(o->mail_from, '@');
	snprintf(m->domain, sizeof m->domain, "%s", at ? at + 1 : "openstrat.invalid");
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		free(m);
		return OS_EINTERNAL;
	}
	if ((rc = store_open(o->db_path, STORE_SYNC_FULL, &m->st))) {
		free(m);
		return rc;
	}
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->cv, NULL);
	if (pthread_create(&m->thread, NULL, mailer_main, m)) {
		store_close(m->st);
		free(m);
		return OS_EINTERNAL;
	}
	os_info("mail: sending through %s as %s", o->smtp_url, o->mail_from);
	*out = m;
	return OS_OK;
}

void
mailer_stats(struct mailer *m, struct mailer_stats *out)
{
	pthread_mutex_lock(&m->mu);
	*out = m->stats;
	pthread_mutex_unlock(&m->mu);
}

void
mailer_stop(struct mailer *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->mu);
	m->stop = 1;
	pthread_cond_signal(&m->cv);
	pthread_mutex_unlock(&m->mu);
	pthread_join(m->thread, NULL);
	store_close(m->st);
	pthread_mutex_destroy(&m->mu);
	pthread_cond_destroy(&m->cv);
	curl_global_cleanup();
	free(m);
}
