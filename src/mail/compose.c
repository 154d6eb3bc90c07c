#include "mail/compose.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/util.h"

/*
 * The words of each mail. {a} is the actor's name, {t} a title, {n} a
 * number; every one is escaped in the HTML part.
 */
enum {
	S_REPLY, S_MENTION, S_MENTION_CHAT, S_OPEN, S_VOTING, S_CLOSED, S_MERGED,
	S_LINKED, S_SUBJECT_ONE, S_SUBJECT_MANY, S_SUBJECT_DIGEST, S_HELLO,
	S_INTRO_INSTANT, S_INTRO_DIGEST, S_IDEAS, S_COMMENTS, S_OPEN_LINK,
	S_WHY, S_UNSUBSCRIBE, S_A_CUSTOMER, S_PUPDATE, S_PSTATUS, S_COUNT
};

static const char *const words[OS_LANG_COUNT][S_COUNT] = {
	[OS_LANG_EN] = {
		[S_REPLY] = "{a} replied to \u201c{t}\u201d",
		[S_MENTION] = "{a} mentioned you in \u201c{t}\u201d",
		[S_MENTION_CHAT] = "{a} mentioned you in the chat of \u201c{t}\u201d",
		[S_OPEN] = "\u201c{t}\u201d is open for ideas",
		[S_VOTING] = "\u201c{t}\u201d is open for voting",
		[S_CLOSED] = "\u201c{t}\u201d has closed",
		[S_MERGED] = "Your idea \u201c{t}\u201d was merged into another",
		[S_LINKED] = "Your idea \u201c{t}\u201d was linked to a priority",
		[S_SUBJECT_ONE] = "openstrat: {t}",
		[S_SUBJECT_MANY] = "openstrat: {n} new notifications",
		[S_SUBJECT_DIGEST] = "openstrat: your daily summary",
		[S_HELLO] = "Hello {a},",
		[S_INTRO_INSTANT] = "Something new concerns you:",
		[S_INTRO_DIGEST] = "Here is what concerned you since the last summary:",
		[S_IDEAS] = "Most discussed new ideas",
		[S_COMMENTS] = "{n} comments",
		[S_OPEN_LINK] = "Open",
		[S_WHY] = "You get these mails because of your notification settings in openstrat.",
		[S_UNSUBSCRIBE] = "Stop these mails",
		[S_A_CUSTOMER] = "A customer",
		[S_PUPDATE] = "{a} posted an update on the priority \u201c{t}\u201d",
		[S_PSTATUS] = "The status of the priority \u201c{t}\u201d changed",
	},
	[OS_LANG_NB] = {
		[S_REPLY] = "{a} svarte på \u00ab{t}\u00bb",
		[S_MENTION] = "{a} nevnte deg i \u00ab{t}\u00bb",
		[S_MENTION_CHAT] = "{a} nevnte deg i chatten til \u00ab{t}\u00bb",
		[S_OPEN] = "\u00ab{t}\u00bb er åpen for idéer",
		[S_VOTING] = "\u00ab{t}\u00bb er åpen for avstemning",
		[S_CLOSED] = "\u00ab{t}\u00bb er avsluttet",
		[S_MERGED] = "Idéen din \u00ab{t}\u00bb ble slått sammen med en annen",
		[S_LINKED] = "Idéen din \u00ab{t}\u00bb ble knyttet til en prioritet",
		[S_SUBJECT_ONE] = "openstrat: {t}",
		[S_SUBJECT_MANY] = "openstrat: {n} nye varsler",
		[S_SUBJECT_DIGEST] = "openstrat: ditt daglige sammendrag",
		[S_HELLO] = "Hei {a},",
		[S_INTRO_INSTANT] = "Noe nytt angår deg:",
		[S_INTRO_DIGEST] = "Dette angikk deg siden forrige sammendrag:",
		[S_IDEAS] = "Mest diskuterte nye idéer",
		[S_COMMENTS] = "{n} kommentarer",
		[S_OPEN_LINK] = "Åpne",
		[S_WHY] = "Du får disse e-postene på grunn av varslingsinnstillingene dine i openstrat.",
		[S_UNSUBSCRIBE] = "Stopp disse e-postene",
		[S_A_CUSTOMER] = "En kunde",
		[S_PUPDATE] = "{a} publiserte en oppdatering om prioriteten \u00ab{t}\u00bb",
		[S_PSTATUS] = "Statusen til prioriteten \u00ab{t}\u00bb er endret",
	},
	[OS_LANG_SV] = {
		[S_REPLY] = "{a} svarade på \u201d{t}\u201d",
		[S_MENTION] = "{a} nämnde dig i \u201d{t}\u201d",
		[S_MENTION_CHAT] = "{a} nämnde dig i chatten för \u201d{t}\u201d",
		[S_OPEN] = "\u201d{t}\u201d är öppen för idéer",
		[S_VOTING] = "\u201d{t}\u201d är öppen för röstning",
		[S_CLOSED] = "\u201d{t}\u201d har stängts",
		[S_MERGED] = "Din idé \u201d{t}\u201d slogs ihop med en annan",
		[S_LINKED] = "Din idé \u201d{t}\u201d kopplades till en prioritering",
		[S_SUBJECT_ONE] = "openstrat: {t}",
		[S_SUBJECT_MANY] = "openstrat: {n} nya aviseringar",
		[S_SUBJECT_DIGEST] = "openstrat: din dagliga sammanfattning",
		[S_HELLO] = "Hej {a},",
		[S_INTRO_INSTANT] = "Något nytt berör dig:",
		[S_INTRO_DIGEST] = "Det här berörde dig sedan förra sammanfattningen:",
		[S_IDEAS] = "Mest diskuterade nya idéer",
		[S_COMMENTS] = "{n} kommentarer",
		[S_OPEN_LINK] = "Öppna",
		[S_WHY] = "Du får de här mejlen på grund av dina aviseringsinställningar i openstrat.",
		[S_UNSUBSCRIBE] = "Sluta skicka de här mejlen",
		[S_A_CUSTOMER] = "En kund",
		[S_PUPDATE] = "{a} publicerade en uppdatering om prioriteringen \u201d{t}\u201d",
		[S_PSTATUS] = "Statusen för prioriteringen \u201d{t}\u201d har ändrats",
	},
	[OS_LANG_DA] = {
		[S_REPLY] = "{a} svarede på \u00bb{t}\u00ab",
		[S_MENTION] = "{a} nævnte dig i \u00bb{t}\u00ab",
		[S_MENTION_CHAT] = "{a} nævnte dig i chatten til \u00bb{t}\u00ab",
		[S_OPEN] = "\u00bb{t}\u00ab er åben for idéer",
		[S_VOTING] = "\u00bb{t}\u00ab er åben for afstemning",
		[S_CLOSED] = "\u00bb{t}\u00ab er afsluttet",
		[S_MERGED] = "Din idé \u00bb{t}\u00ab blev lagt sammen med en anden",
		[S_LINKED] = "Din idé \u00bb{t}\u00ab blev knyttet til en prioritet",
		[S_SUBJECT_ONE] = "openstrat: {t}",
		[S_SUBJECT_MANY] = "openstrat: {n} nye notifikationer",
		[S_SUBJECT_DIGEST] = "openstrat: dit daglige resumé",
		[S_HELLO] = "Hej {a},",
		[S_INTRO_INSTANT] = "Noget nyt vedrører dig:",
		[S_INTRO_DIGEST] = "Det her vedrørte dig siden sidste resumé:",
		[S_IDEAS] = "Mest diskuterede nye idéer",
		[S_COMMENTS] = "{n} kommentarer",
		[S_OPEN_LINK] = "Åbn",
		[S_WHY] = "Du får disse mails på grund af dine notifikationsindstillinger i openstrat.",
		[S_UNSUBSCRIBE] = "Stop disse mails",
		[S_A_CUSTOMER] = "En kunde",
		[S_PUPDATE] = "{a} offentliggjorde en opdatering om prioriteten \u00bb{t}\u00ab",
		[S_PSTATUS] = "Status for prioriteten \u00bb{t}\u00ab er ændret",
	},
};

int
mail_html_escape(struct os_buf *b, const char *s)
{
	for (; *s; s++) {
		const char *e = NULL;

		switch (*s) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		}
		if (e ? os_buf_adds(b, e) : os_buf_add(b, s, 1))
			return -1;
	}
	return 0;
}

/* Fills template tpl; html escapes the values. */
static int
fill(struct os_buf *b, const char *tpl, const char *a, const char *t, int64_t n, int html)
{
	for (const char *p = tpl; *p; p++) {
		const char *v = NULL;
		char num[24];

		if (p[0] == '{' && p[1] && p[2] == '}') {
			if (p[1] == 'a')
				v = a;
			else if (p[1] == 't')
				v = t;
			else if (p[1] == 'n') {
				snprintf(num, sizeof num, "%lld", (long long)n);
				v = num;
			}
		}
		if (v) {
			if (html ? mail_html_escape(b, v) : os_buf_adds(b, v))
				return -1;
			p += 2;
			continue;
		}
		if (html && (*p == '<' || *p == '>' || *p == '&')) {
			if (mail_html_escape(b, (char[]){*p, 0}))
				return -1;
		} else if (os_buf_add(b, p, 1)) {
			return -1;
		}
	}
	return 0;
}

static const char *
line_of(const struct mail_notice *n, const char *const *w, const char **title)
{
	*title = n->post_title && *n->post_title ? n->post_title : n->round_title;
	switch (n->kind) {
	case NK_REPLY:
		return w[S_REPLY];
	case NK_MENTION:
		if (n->chat || !n->post) {
			*title = n->round_title;
			return w[S_MENTION_CHAT];
		}
		return w[S_MENTION];
	case NK_ROUND_OPEN:
		*title = n->round_title;
		return w[S_OPEN];
	case NK_ROUND_VOTING:
		*title = n->round_title;
		return w[S_VOTING];
	case NK_ROUND_CLOSED:
		*title = n->round_title;
		return w[S_CLOSED];
	case NK_MERGED:
		return w[S_MERGED];
	case NK_PRIORITY_UPDATE:
		return w[S_PUPDATE];
	case NK_PRIORITY_STATUS:
		return w[S_PSTATUS];
	default:
		return w[S_LINKED];
	}
}

void
mail_item_url(const char *public_url, const struct mail_notice *n, char *buf, size_t sz)
{
	if (n->post && n->comment)
		snprintf(buf, sz, "%s/round/%lld/post/%lld#comment-%lld", public_url,
			 (long long)n->round, (long long)n->post, (long long)n->comment);
	else if (n->post)
		snprintf(buf, sz, "%s/round/%lld/post/%lld", public_url, (long long)n->round,
			 (long long)n->post);
	else if (n->priority)
		snprintf(buf, sz, "%s/round/%lld/outcomes#priority-%lld", public_url,
			 (long long)n->round, (long long)n->priority);
	else
		snprintf(buf, sz, "%s/round/%lld", public_url, (long long)n->round);
}

/* Who did it, as the recipient may know them: an empty name is a customer
 * of another organisation (store_mail_notices()). */
static const char *
actor_name(const struct mail_notice *n, const char *const *w)
{
	return n->actor[0] ? n->actor : w[S_A_CUSTOMER];
}

static int
notice_lines(struct os_buf *t, struct os_buf *h, const struct mail_in *in,
	     const struct mail_notice *n, const char *const *w)
{
	const char *title, *tpl = line_of(n, w, &title);
	char url[1024];
	int bad = 0;

	mail_item_url(in->public_url, n, url, sizeof url);
	bad |= os_buf_adds(t, "- ");
	bad |= fill(t, tpl, actor_name(n, w), title, 0, 0);
	bad |= os_buf_addf(t, "\r\n  %s\r\n", url);
	bad |= os_buf_adds(h, "<li>");
	bad |= fill(h, tpl, actor_name(n, w), title, 0, 1);
	bad |= os_buf_adds(h, " &middot; <a href=\"");
	bad |= mail_html_escape(h, url);
	bad |= os_buf_adds(h, "\">");
	bad |= fill(h, w[S_OPEN_LINK], "", "", 0, 1);
	bad |= os_buf_adds(h, "</a></li>\n");
	return bad ? -1 : 0;
}

static int
idea_lines(struct os_buf *t, struct os_buf *h, const struct mail_in *in, int64_t round,
	   const char *const *w)
{
	int bad = 0, any = 0;

	for (size_t i = 0; i < in->nideas; i++) {
		const struct mail_idea *x = &in->ideas[i];
		char url[1024];

		if (x->round != round)
			continue;
		if (!any) {
			bad |= os_buf_addf(t, "  %s:\r\n", w[S_IDEAS]);
			bad |= os_buf_adds(h, "<p>");
			bad |= fill(h, w[S_IDEAS], "", "", 0, 1);
			bad |= os_buf_adds(h, ":</p>\n<ul>\n");
			any = 1;
		}
		snprintf(url, sizeof url, "%s/round/%lld/post/%lld", in->public_url,
			 (long long)round, (long long)x->post);
		bad |= os_buf_addf(t, "  * %s (", x->title);
		bad |= fill(t, w[S_COMMENTS], "", "", x->comments, 0);
		bad |= os_buf_addf(t, ")\r\n    %s\r\n", url);
		bad |= os_buf_adds(h, "<li><a href=\"");
		bad |= mail_html_escape(h, url);
		bad |= os_buf_adds(h, "\">");
		bad |= mail_html_escape(h, x->title);
		bad |= os_buf_adds(h, "</a> (");
		bad |= fill(h, w[S_COMMENTS], "", "", x->comments, 1);
		bad |= os_buf_adds(h, ")</li>\n");
	}
	if (any)
		bad |= os_buf_adds(h, "</ul>\n");
	return bad ? -1 : 0;
}

int
mail_compose(const struct mail_in *in, struct mail_out *out)
{
	const char *const *w = words[in->lang < OS_LANG_COUNT ? in->lang : OS_LANG_EN];
	struct os_buf t, h, s;
	int bad = 0;

	memset(out, 0, sizeof *out);
	os_buf_init(&t);
	os_buf_init(&h);
	os_buf_init(&s);
	if (in->digest) {
		bad |= fill(&s, w[S_SUBJECT_DIGEST], "", "", 0, 0);
	} else if (in->n == 1) {
		const char *title, *tpl = line_of(&in->notices[0], w, &title);
		struct os_buf line;

		os_buf_init(&line);
		bad |= fill(&line, tpl, actor_name(&in->notices[0], w), title, 0, 0);
		bad |= os_buf_add(&line, "", 1);
		if (!bad)
			bad |= fill(&s, w[S_SUBJECT_ONE], "", line.data, 0, 0);
		os_buf_free(&line);
	} else {
		bad |= fill(&s, w[S_SUBJECT_MANY], "", "", (int64_t)in->n, 0);
	}
	bad |= os_buf_adds(&h, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>"
			       "<body>\n<p>");
	bad |= fill(&t, w[S_HELLO], in->name, "", 0, 0);
	bad |= os_buf_adds(&t, "\r\n\r\n");
	bad |= fill(&h, w[S_HELLO], in->name, "", 0, 1);
	bad |= os_buf_adds(&h, "</p>\n<p>");
	bad |= fill(&t, w[in->digest ? S_INTRO_DIGEST : S_INTRO_INSTANT], "", "", 0, 0);
	bad |= os_buf_adds(&t, "\r\n\r\n");
	bad |= fill(&h, w[in->digest ? S_INTRO_DIGEST : S_INTRO_INSTANT], "", "", 0, 1);
	bad |= os_buf_adds(&h, "</p>\n");
	if (!in->digest) {
		bad |= os_buf_adds(&h, "<ul>\n");
		for (size_t i = 0; i < in->n; i++)
			bad |= notice_lines(&t, &h, in, &in->notices[i], w);
		bad |= os_buf_adds(&h, "</ul>\n");
	} else {
		/* Rounds in the order of their first notice; each round's
		 * notices together, oldest first, then its ideas. */
		for (size_t i = 0; i < in->n; i++) {
			int64_t round = in->notices[i].round;
			int seen = 0;

			for (size_t j = 0; j < i; j++)
				seen |= in->notices[j].round == round;
			if (seen)
				continue;
			bad |= os_buf_addf(&t, "%s\r\n", in->notices[i].round_title);
			bad |= os_buf_adds(&h, "<h3>");
			bad |= mail_html_escape(&h, in->notices[i].round_title);
			bad |= os_buf_adds(&h, "</h3>\n<ul>\n");
			for (size_t j = i; j < in->n; j++)
				if (in->notices[j].round == round)
					bad |= notice_lines(&t, &h, in, &in->notices[j], w);
			bad |= os_buf_adds(&h, "</ul>\n");
			bad |= idea_lines(&t, &h, in, round, w);
			bad |= os_buf_adds(&t, "\r\n");
		}
	}
	bad |= os_buf_adds(&t, "\r\n-- \r\n");
	bad |= fill(&t, w[S_WHY], "", "", 0, 0);
	bad |= os_buf_adds(&t, "\r\n");
	bad |= fill(&t, w[S_UNSUBSCRIBE], "", "", 0, 0);
	bad |= os_buf_addf(&t, ": %s\r\n", in->unsubscribe_url);
	bad |= os_buf_adds(&h, "<hr><p><small>");
	bad |= fill(&h, w[S_WHY], "", "", 0, 1);
	bad |= os_buf_adds(&h, " <a href=\"");
	bad |= mail_html_escape(&h, in->unsubscribe_url);
	bad |= os_buf_adds(&h, "\">");
	bad |= fill(&h, w[S_UNSUBSCRIBE], "", "", 0, 1);
	bad |= os_buf_adds(&h, "</a></small></p>\n</body></html>\n");
	out->subject = bad ? NULL : os_buf_detach(&s, NULL);
	out->text = bad ? NULL : os_buf_detach(&t, NULL);
	out->html = bad ? NULL : os_buf_detach(&h, NULL);
	os_buf_free(&s);
	os_buf_free(&t);
	os_buf_free(&h);
	if (!out->subject || !out->text || !out->html) {
		mail_out_clear(out);
		return OS_ENOMEM;
	}
	return OS_OK;
}

void
mail_out_clear(struct mail_out *out)
{
	free(out->subject);
	free(out->text);
	free(out->html);
	memset(out, 0, sizeof *out);
}

/* base64 in lines of 76 characters, CRLF. */
static int
add_base64(struct os_buf *b, const char *s, size_t n)
{
	char line[80];

	for (size_t i = 0; i < n; i += 57) {
		size_t k = n - i < 57 ? n - i : 57;

		sodium_bin2base64(line, sizeof line, (const unsigned char *)s + i, k,
				  sodium_base64_VARIANT_ORIGINAL);
		if (os_buf_adds(b, line) || os_buf_adds(b, "\r\n"))
			return -1;
	}
	return 0;
}

/* A header value in RFC 2047 encoded words of at most 45 bytes of UTF-8
 * each, cut between characters; folded. */
static int
add_encoded_words(struct os_buf *b, const char *s)
{
	size_t n = strlen(s), i = 0;
	char enc[80];

	if (!n)
		return 0;
	while (i < n) {
		size_t k = n - i < 45 ? n - i : 45;

		while (i + k < n && ((unsigned char)s[i + k] & 0xc0) == 0x80)
			k--;
		sodium_bin2base64(enc, sizeof enc, (const unsigned char *)s + i, k,
				  sodium_base64_VARIANT_ORIGINAL);
		if (os_buf_addf(b, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", enc))
			return -1;
		i += k;
	}
	return 0;
}

/* A header value of ours must not carry line breaks. */
static int
safe_header(const char *v)
{
	return !strpbrk(v, "\r\n");
}

int
mail_mime(const char *from, const char *to, const char *message_id, int64_t date_ms,
	  const char *unsubscribe_url, const struct mail_out *m, char **mime)
{
	char date[64], boundary[48];
	time_t t = (time_t)(date_ms / 1000);
	struct tm tm;
	struct os_buf b;
	int bad = 0;

	*mime = NULL;
	if (!safe_header(from) || !safe_header(to) || !safe_header(message_id) ||
	    !safe_header(unsubscribe_url))
		return OS_EBADREQ;
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	/* Base64 never contains "=_", so the boundary cannot occur in a part. */
	snprintf(boundary, sizeof boundary, "=_openstrat_%lld", (long long)date_ms);
	os_buf_init(&b);
	bad |= os_buf_addf(&b, "From: openstrat <%s>\r\nTo: <%s>\r\nSubject: ", from, to);
	bad |= add_encoded_words(&b, m->subject);
	bad |= os_buf_addf(&b, "\r\nDate: %s\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\n"
			       "List-Unsubscribe: <%s>\r\n"
			       "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
			       "Auto-Submitted: auto-generated\r\n"
			       "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n",
			   date, message_id, unsubscribe_url, boundary);
	bad |= os_buf_addf(&b, "--%s\r\nContent-Type: text/plain; charset=UTF-8\r\n"
			       "Content-Transfer-Encoding: base64\r\n\r\n", boundary);
	bad |= add_base64(&b, m->text, strlen(m->text));
	bad |= os_buf_addf(&b, "--%s\r\nContent-Type: text/html; charset=UTF-8\r\n"
			       "Content-Transfer-Encoding: base64\r\n\r\n", boundary);
	bad |= add_base64(&b, m->html, strlen(m->html));
	bad |= os_buf_addf(&b, "--%s--\r\n", boundary);
	*mime = bad ? NULL : os_buf_detach(&b, NULL);
	os_buf_free(&b);
	return *mime ? OS_OK : OS_ENOMEM;
}
