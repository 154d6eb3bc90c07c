#ifndef OS_MAIL_MAILER_H
#define OS_MAIL_MAILER_H

/*
 * The mailer: a thread of its own with its own connection to the database
 * (never the event loop's). Every second it turns notices into mails in
 * the outbox (instant ones once the first of a recipient's new notices is
 * batch_seconds old; the daily digest at digest_hour) and sends what the
 * outbox holds through SMTP (libcurl), marking each mail sent in a commit
 * after the server accepted it. A mail the server refuses or cannot take
 * is tried again with growing delays (1 s doubling up to 15 min) for 24
 * hours, then marked failed.
 */

#include <stdint.h>

struct mailer_opts {
	const char *db_path;
	const char *smtp_url;      /* smtp://host:port or smtps://host:port */
	const char *smtp_user;     /* NULL: no authentication */
	const char *smtp_password; /* read from --smtp-password-file */
	int insecure;              /* no STARTTLS even when offered */
	const char *mail_from;     /* the envelope and From: address */
	const char *public_url;    /* links in mails; no trailing slash */
	int digest_hour;           /* 0..23, server local time */
	int batch_seconds;         /* instant mails collect notices this long */
};

struct mailer;

/* Opens the database and starts the thread. OS_OK or an os_err. */
int mailer_start(const struct mailer_opts *o, struct mailer **out);

/* What the mailer has seen: the outbox's pending and failed mails (as of
 * its last tick) and the mails sent since start. Any thread. */
struct mailer_stats {
	int64_t pending, failed;
	uint64_t sent, attempts_failed;
};
void mailer_stats(struct mailer *m, struct mailer_stats *out);

/* Stops the thread (after the mail being sent, if any) and frees m. */
void mailer_stop(struct mailer *m);

#endif
