#include "store/outbox.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/lang.h"
#include "base/util.h"
#include "store/store_int.h"

int
store_mail_due(struct store *st, int mode, int64_t created_before, size_t max,
	       int64_t **ids, size_t *n)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT n.recipient_id FROM notifications n JOIN users u ON u.id = n.recipient_id "
		"WHERE n.mailed_at IS NULL AND u.notify = ?1 GROUP BY n.recipient_id "
		"HAVING min(n.created_at) < ?2 ORDER BY min(n.id) LIMIT ?3");
	int64_t *arr = NULL;
	size_t cap = 0, cnt = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_text(s, 1, os_notify_mode_name(mode), -1);
	sql_bind_int64(s, 2, created_before);
	sql_bind_int64(s, 3, (int64_t)max);
	while ((rc = sql_step(s)) == SQL_ROW) {
		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			store_done(s);
			free(arr);
			return OS_ENOMEM;
		}
		arr[cnt++] = sql_col_int64(s, 0);
	}
	store_done(s);
	if (rc != SQL_DONE) {
		free(arr);
		return store_rc(st, rc, "mail due");
	}
	*ids = arr;
	*n = cnt;
	return OS_OK;
}

int
store_mail_user(struct store *st, int64_t id, struct mail_user *u)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT display_name, email, coalesce(lang, 'en') FROM users "
		"WHERE id = ?1 AND disabled = 0");
	int rc;

	memset(u, 0, sizeof *u);
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	rc = sql_step(s);
	if (rc == SQL_ROW) {
		u->id = id;
		store_col_text(s, 0, u->display_name, sizeof u->display_name);
		store_col_text(s, 1, u->email, sizeof u->email);
		char lang[8];
		enum os_lang l = OS_LANG_EN;

		/* The language chosen for the client; English without one. */
		store_col_text(s, 2, lang, sizeof lang);
		os_lang_parse(lang, &l);
		u->lang = (int)l;
	}
	store_done(s);
	if (rc == SQL_DONE)
		return OS_ENOTFOUND;
	return store_rc(st, rc, "mail user");
}

/* Copies the text of the row's columns into one growing pool; the
 * notices point into it once it stops growing (offsets until then). */
struct pool {
	struct os_buf b;
};

static size_t
pool_add(struct pool *p, struct sql_stmt *s, int col)
{
	const unsigned char *t = sql_col_text(s, col);
	size_t at = p->b.len;

	os_buf_add(&p->b, t ? (const char *)t : "", t ? (size_t)sql_col_bytes(s, col) : 0);
	os_buf_add(&p->b, "", 1);
	return at;
}

int
store_mail_notices(struct store *st, int64_t user_id, int64_t *upto,
		   struct mail_notice **out, size_t *n, char **pool_out)
{
	struct sql_stmt *mx = store_stmt(st,
		"SELECT coalesce(max(id), 0) FROM notifications "
		"WHERE recipient_id = ?1 AND mailed_at IS NULL");
	struct sql_stmt *s = store_stmt(st,
		"SELECT n.id, n.kind, n.round_id, r.title, coalesce(n.post_id, 0), "
		"coalesce(p.title, pr.title, ''), coalesce(n.comment_id, 0), "
		"coalesce(n.chat_id, 0), "
		/* A customer does not learn the name of another organisation's
		 * customer unless the round shows them to each other. */
		"CASE WHEN me.role = 'customer' AND a.role = 'customer' AND a.id <> me.id "
		"AND NOT r.customers_see_each_other AND (me.org = '' OR me.org <> a.org) "
		"THEN '' ELSE a.display_name END, n.created_at, "
		"coalesce(n.priority_id, 0) FROM notifications n "
		"LEFT JOIN priorities pr ON pr.id = n.priority_id" STORE_NOTIF_VISIBLE
		" AND n.mailed_at IS NULL AND n.id <= ?2 ORDER BY n.id");
	struct mail_notice *arr = NULL;
	size_t cap = 0, cnt = 0;
	struct pool pl;
	size_t (*offs)[3] = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	*pool_out = NULL;
	*upto = 0;
	if (!mx || !s)
		return OS_EINTERNAL;
	sql_bind_int64(mx, 1, user_id);
	rc = sql_step(mx);
	if (rc == SQL_ROW)
		*upto = sql_col_int64(mx, 0);
	store_done(mx);
	if (rc != SQL_ROW)
		return store_rc(st, rc, "mail notices");
	os_buf_init(&pl.b);
	sql_bind_int64(s, 1, user_id);
	sql_bind_int64(s, 2, *upto);
	while ((rc = sql_step(s)) == SQL_ROW) {
		struct mail_notice *x;
		char kind[32];
		size_t ocap = cap;

		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr))
			goto nomem;
		if (cap != ocap) {
			void *p = realloc(offs, cap * sizeof *offs);

			if (!p)
				goto nomem;
			offs = p;
		}
		x = &arr[cnt];
		memset(x, 0, sizeof *x);
		x->id = sql_col_int64(s, 0);
		store_col_text(s, 1, kind, sizeof kind);
		x->kind = os_notify_kind_parse(kind);
		x->round = sql_col_int64(s, 2);
		offs[cnt][0] = pool_add(&pl, s, 3);
		x->post = sql_col_int64(s, 4);
		offs[cnt][1] = pool_add(&pl, s, 5);
		x->comment = sql_col_int64(s, 6);
		x->chat = sql_col_int64(s, 7);
		offs[cnt][2] = pool_add(&pl, s, 8);
		x->created_at = sql_col_int64(s, 9);
		x->priority = sql_col_int64(s, 10);
		cnt++;
	}
	store_done(s);
	if (rc != SQL_DONE) {
		free(arr);
		free(offs);
		os_buf_free(&pl.b);
		return store_rc(st, rc, "mail notices");
	}
	if (pl.b.failed)
		goto nomem_done;
	*pool_out = os_buf_detach(&pl.b, NULL);
	if (!*pool_out && cnt)
		goto nomem_done;
	for (size_t i = 0; i < cnt; i++) {
		arr[i].round_title = *pool_out + offs[i][0];
		arr[i].post_title = *pool_out + offs[i][1];
		arr[i].actor = *pool_out + offs[i][2];
	}
	free(offs);
	*out = arr;
	*n = cnt;
	return OS_OK;
nomem:
	store_done(s);
nomem_done:
	free(arr);
	free(offs);
	free(*pool_out);
	*pool_out = NULL;
	os_buf_free(&pl.b);
	return OS_ENOMEM;
}

int
store_mail_mark(struct store *st, int64_t user_id, int64_t upto, int64_t now)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE notifications SET mailed_at = ?3 WHERE recipient_id = ?1 "
		"AND id <= ?2 AND mailed_at IS NULL");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, user_id);
	sql_bind_int64(s, 2, upto);
	sql_bind_int64(s, 3, now);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "mail mark");
}

int
store_mail_ideas(struct store *st, const int64_t *rounds, size_t nrounds, int64_t since,
		 struct mail_idea **out, size_t *n, char **pool_out)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT id, title, comment_count FROM posts WHERE round_id = ?1 "
		"AND kind = 'idea' AND hidden = 0 AND status <> 'merged' AND created_at >= ?2 "
		"AND comment_count > 0 ORDER BY comment_count DESC, id DESC LIMIT 3");
	struct mail_idea *arr = NULL;
	size_t cap = 0, cnt = 0, *offs = NULL;
	struct pool pl;
	int rc = SQL_DONE;

	*out = NULL;
	*n = 0;
	*pool_out = NULL;
	if (!s)
		return OS_EINTERNAL;
	os_buf_init(&pl.b);
	for (size_t r = 0; r < nrounds && rc == SQL_DONE; r++) {
		sql_bind_int64(s, 1, rounds[r]);
		sql_bind_int64(s, 2, since);
		while ((rc = sql_step(s)) == SQL_ROW) {
			size_t ocap = cap;

			if (store_grow((void **)&arr, &cap, cnt, sizeof *arr))
				goto nomem;
			if (cap != ocap) {
				void *p = realloc(offs, cap * sizeof *offs);

				if (!p)
					goto nomem;
				offs = p;
			}
			arr[cnt].round = rounds[r];
			arr[cnt].post = sql_col_int64(s, 0);
			offs[cnt] = pool_add(&pl, s, 1);
			arr[cnt].comments = sql_col_int64(s, 2);
			cnt++;
		}
		store_done(s);
	}
	if (rc != SQL_DONE) {
		free(arr);
		free(offs);
		os_buf_free(&pl.b);
		return store_rc(st, rc, "mail ideas");
	}
	*pool_out = os_buf_detach(&pl.b, NULL);
	if (pl.b.failed || (!*pool_out && cnt))
		goto nomem_done;
	for (size_t i = 0; i < cnt; i++)
		arr[i].title = *pool_out + offs[i];
	free(offs);
	*out = arr;
	*n = cnt;
	return OS_OK;
nomem:
	store_done(s);
nomem_done:
	free(arr);
	free(offs);
	free(*pool_out);
	*pool_out = NULL;
	os_buf_free(&pl.b);
	return OS_ENOMEM;
}

int
store_outbox_add(struct store *st, int64_t recipient, const char *rcpt,
		 const char *message_id, const char *subject, const char *mime, int64_t now)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO mail_outbox (recipient_id, rcpt, message_id, subject, mime, "
		"next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, recipient);
	sql_bind_text(s, 2, rcpt, -1);
	sql_bind_text(s, 3, message_id, -1);
	sql_bind_text(s, 4, subject, -1);
	sql_bind_text(s, 5, mime, -1);
	sql_bind_int64(s, 6, now);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "outbox add");
}

void
outbox_mail_clear(struct outbox_mail *m)
{
	free(m->rcpt);
	free(m->message_id);
	free(m->mime);
	memset(m, 0, sizeof *m);
}

int
store_outbox_next(struct store *st, int64_t now, struct outbox_mail *m)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT id, rcpt, message_id, mime, attempts, created_at FROM mail_outbox "
		"WHERE state = 'pending' AND next_attempt_at <= ?1 "
		"ORDER BY next_attempt_at, id LIMIT 1");
	int rc;

	memset(m, 0, sizeof *m);
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, now);
	rc = sql_step(s);
	if (rc == SQL_ROW) {
		m->id = sql_col_int64(s, 0);
		m->rcpt = store_col_dup(s, 1);
		m->message_id = store_col_dup(s, 2);
		m->mime = store_col_dup(s, 3);
		m->attempts = sql_col_int(s, 4);
		m->created_at = sql_col_int64(s, 5);
		store_done(s);
		if (!m->rcpt || !m->message_id || !m->mime) {
			outbox_mail_clear(m);
			return OS_ENOMEM;
		}
		return OS_OK;
	}
	store_done(s);
	return rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "outbox next");
}

int
store_outbox_sent(struct store *st, int64_t id, int64_t now)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE mail_outbox SET state = 'sent', sent_at = ?2, attempts = attempts + 1 "
		"WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	sql_bind_int64(s, 2, now);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "outbox sent");
}

int
store_outbox_retry(struct store *st, int64_t id, int64_t next_at, const char *err)
{
	struct sql_stmt *s = store_stmt(st,
		"UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?3, "
		"state = CASE WHEN ?2 = 0 THEN 'failed' ELSE 'pending' END, "
		"next_attempt_at = CASE WHEN ?2 = 0 THEN next_attempt_at ELSE ?2 END "
		"WHERE id = ?1");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	sql_bind_int64(s, 2, next_at);
	sql_bind_text(s, 3, err ? err : "", -1);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "outbox retry");
}

int
store_outbox_counts(struct store *st, int64_t *pending, int64_t *failed)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT coalesce(sum(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0), "
		"coalesce(sum(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0) "
		"FROM mail_outbox");
	int rc;

	*pending = *failed = 0;
	if (!s)
		return OS_EINTERNAL;
	rc = sql_step(s);
	if (rc == SQL_ROW) {
		*pending = sql_col_int64(s, 0);
		*failed = sql_col_int64(s, 1);
	}
	store_done(s);
	return store_rc(st, rc, "outbox counts");
}

int
store_mail_run_get(struct store *st, const char *name, int64_t *at)
{
	struct sql_stmt *s = store_stmt(st, "SELECT at FROM mail_runs WHERE name = ?1");
	int rc;

	*at = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_text(s, 1, name, -1);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		*at = sql_col_int64(s, 0);
	store_done(s);
	return store_rc(st, rc, "mail run");
}

int
store_mail_run_set(struct store *st, const char *name, int64_t at)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO mail_runs (name, at) VALUES (?1, ?2) "
		"ON CONFLICT (name) DO UPDATE SET at = excluded.at");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_text(s, 1, name, -1);
	sql_bind_int64(s, 2, at);
	rc = sql_step(s);
	store_done(s);
	return store_rc(st, rc, "mail run");
}
