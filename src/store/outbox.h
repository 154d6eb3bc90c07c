#ifndef OS_STORE_OUTBOX_H
#define OS_STORE_OUTBOX_H

/*
 * What the mailer reads and writes: the notices not yet mailed, the
 * recipients' addresses, the digest's ideas, the mail outbox and the time
 * of the last digest. Runs on the mailer's own connection.
 */

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "mail/compose.h"
#include "store/db.h"

/* Recipients with notices not yet mailed whose notify is mode (enum
 * os_notify_mode) and whose oldest such notice is from before
 * created_before. At most max. The caller frees *ids. */
int store_mail_due(struct store *st, int mode, int64_t created_before, size_t max,
		   int64_t **ids, size_t *n);

struct mail_user {
	int64_t id;
	char display_name[OS_DISPLAY_SZ];
	char email[321];
	int lang; /* enum os_lang */
};
int store_mail_user(struct store *st, int64_t id, struct mail_user *u);

/* The user's notices not yet mailed, up to id upto, that the user may still
 * see, oldest first. The strings live in *pool (one block the caller frees
 * along with *out). upto gets the highest id not yet mailed. */
int store_mail_notices(struct store *st, int64_t user_id, int64_t *upto,
		       struct mail_notice **out, size_t *n, char **pool);

/* Marks the user's notices up to upto mailed at now. */
int store_mail_mark(struct store *st, int64_t user_id, int64_t upto, int64_t now);

/* Each round's up to three ideas created since since, most comments
 * first (live ones only), for the rounds of notices. Strings in *pool. */
int store_mail_ideas(struct store *st, const int64_t *rounds, size_t nrounds, int64_t since,
		     struct mail_idea **out, size_t *n, char **pool);

int store_outbox_add(struct store *st, int64_t recipient, const char *rcpt,
		     const char *message_id, const char *subject, const char *mime,
		     int64_t now);

struct outbox_mail {
	int64_t id;
	char *rcpt;
	char *message_id;
	char *mime;
	int attempts;
	int64_t created_at;
};
/* The oldest pending mail due at now; OS_ENOTFOUND when none. */
int store_outbox_next(struct store *st, int64_t now, struct outbox_mail *m);
void outbox_mail_clear(struct outbox_mail *m);
int store_outbox_sent(struct store *st, int64_t id, int64_t now);
/* A failed attempt: tried again at next_at, or failed for good when
 * next_at is 0. */
int store_outbox_retry(struct store *st, int64_t id, int64_t next_at, const char *err);
int store_outbox_counts(struct store *st, int64_t *pending, int64_t *failed);

/* When run name last ran (0: never), and recording it. */
int store_mail_run_get(struct store *st, const char *name, int64_t *at);
int store_mail_run_set(struct store *st, const char *name, int64_t at);

#endif
