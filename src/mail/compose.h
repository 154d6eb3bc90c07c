#ifndef OS_MAIL_COMPOSE_H
#define OS_MAIL_COMPOSE_H

/*
 * Mails about notices: the words in each language, the plain text and the
 * HTML (every piece of user text escaped: nothing a user wrote becomes
 * markup), and the whole MIME message. Pure functions, no I/O.
 */

#include <stddef.h>
#include <stdint.h>

#include "base/lang.h"
#include "base/model.h"

/* One notice as a mail shows it. Strings are borrowed. */
struct mail_notice {
	int64_t id;
	int kind;               /* enum os_notify_kind */
	int64_t round;
	const char *round_title;
	int64_t post;           /* 0: none */
	const char *post_title; /* "" when no post */
	int64_t comment;        /* 0: none */
	int64_t chat;           /* 0: none */
	const char *actor;      /* display name */
	int64_t created_at;
	int64_t priority;       /* priority notices: the priority (its title in
				   post_title); 0: none */
};

/* A round's most discussed new idea, for the digest. */
struct mail_idea {
	int64_t round;
	int64_t post;
	const char *title;
	int64_t comments;
};

struct mail_in {
	enum os_lang lang;
	int digest;                   /* 1: the daily digest; 0: an instant mail */
	const char *name;             /* the recipient's display name */
	const char *public_url;       /* no trailing slash */
	const char *unsubscribe_url;  /* PUBLIC_URL/api/unsubscribe?token=... */
	const struct mail_notice *notices;
	size_t n;
	const struct mail_idea *ideas; /* digest only, any order */
	size_t nideas;
};

struct mail_out {
	char *subject;
	char *text;
	char *html;
};

/* Composes the mail. The digest groups the notices by round (rounds in the
 * order of their first notice, notices oldest first within each) and
 * lists each round's ideas after its notices. OS_OK or OS_ENOMEM. */
int mail_compose(const struct mail_in *in, struct mail_out *out);
void mail_out_clear(struct mail_out *out);

/* The link to a notice's item: the post (with #comment-ID for a comment),
 * or the round. Writes into buf. */
void mail_item_url(const char *public_url, const struct mail_notice *n, char *buf,
		   size_t sz);

/* The whole message, CRLF line ends: headers (From, To, Subject in RFC 2047
 * words, Date, Message-ID, List-Unsubscribe, List-Unsubscribe-Post,
 * Auto-Submitted) and multipart/alternative with the text and HTML parts
 * in base64. *mime is malloc'd. */
int mail_mime(const char *from, const char *to, const char *message_id, int64_t date_ms,
	      const char *unsubscribe_url, const struct mail_out *m, char **mime);

/* Appends s to the buffer with & < > " ' escaped. */
struct os_buf;
int mail_html_escape(struct os_buf *b, const char *s);

#endif
