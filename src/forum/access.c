/* Who may see and write what, and the checks every text field passes. */
#include "forum/forum_int.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "store/posts.h"
#include "store/rounds.h"

int
forum_is_moderator(const struct user *u)
{
	return u->role == ROLE_ADMIN || u->role == ROLE_MANAGER;
}

int
forum_round_access(struct forum *f, const struct user *u, const struct round *r)
{
	int member;

	if (forum_is_moderator(u))
		return OS_OK;
	if (r->phase == PHASE_DRAFT)
		return OS_ENOTFOUND;
	if (u->role == ROLE_EMPLOYEE)
		return OS_OK;
	if (u->role != ROLE_CUSTOMER || r->audience != AUD_INVITED)
		return OS_ENOTFOUND;
	/* A membership the store cannot read is an error, not a "no": the
	 * customer would be told the round is gone. */
	member = store_member_active(f->st, r->id, u->id);
	if (member < 0)
		return OS_EINTERNAL;
	return member ? OS_OK : OS_ENOTFOUND;
}

int
forum_round_for(struct forum *f, const struct user *u, int64_t id, struct round *out)
{
	int rc = store_round_get(f->st, id, out);

	if (rc)
		return rc;
	if ((rc = forum_round_access(f, u, out)))
		round_clear(out);
	return rc;
}

int
forum_round_visible(struct forum *f, const struct user *u, int64_t id)
{
	struct round r;
	int rc = forum_round_for(f, u, id, &r);

	if (rc == OS_OK)
		round_clear(&r);
	return rc == OS_OK ? 1 : rc == OS_ENOTFOUND ? 0 : -1;
}

int
forum_phase_now(const struct round *r)
{
	if (r->phase != PHASE_DRAFT && r->phase != PHASE_CLOSED && r->closes_at &&
	    os_now_ms() >= r->closes_at)
		return PHASE_CLOSED;
	return r->phase;
}

int
forum_phase_allows(const struct user *u, const struct round *r, enum write_kind k)
{
	int phase = forum_phase_now(r);

	if (phase == PHASE_CLOSED)
		return u->role == ROLE_ADMIN ? OS_OK : OS_EPHASE;
	switch (k) {
	case W_CONTRIBUTE:
		return phase == PHASE_OPEN ? OS_OK : OS_EPHASE;
	case W_VOTE:
		return phase == PHASE_OPEN || phase == PHASE_VOTING ? OS_OK : OS_EPHASE;
	case W_TALK:
	case W_MANAGE:
		return OS_OK;
	}
	return OS_EPHASE;
}

int
forum_text(const char *in, size_t max, int may_be_empty, char **out)
{
	const char *start;
	size_t n, chars = 0;

	*out = NULL;
	if (!in)
		return OS_EBADREQ;
	n = os_trimmed(in, &start);
	if (!os_utf8_valid(start, n))
		return OS_EBADREQ;
	if (!n && !may_be_empty)
		return OS_EBADREQ;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)start[i] & 0xc0) != 0x80)
			chars++;
	if (chars > max)
		return OS_ETOOLARGE;
	*out = malloc(n + 1);
	if (!*out)
		return OS_ENOMEM;
	memcpy(*out, start, n);
	(*out)[n] = '\0';
	return OS_OK;
}

#ifndef CMARK_OPT_SAFE
#define CMARK_OPT_SAFE 0 /* safe is the default from cmark 0.29 on */
#endif

int
forum_markdown(const char *src, char **html)
{
	/* CMARK_OPT_SAFE drops raw HTML and javascript:, vbscript:, file:
	 * and non-image data: links. */
	char *r = cmark_markdown_to_html(src, strlen(src),
					 CMARK_OPT_DEFAULT | CMARK_OPT_SAFE |
						 CMARK_OPT_VALIDATE_UTF8);

	*html = NULL;
	if (!r)
		return OS_ENOMEM;
	/* cmark 0.30 writes &#xFFFE; and &#xFFFF; as single bytes that are
	 * not UTF-8; nothing that is not UTF-8 may reach a client. */
	*html = os_utf8_repair(r, strlen(r));
	free(r);
	return *html ? OS_OK : OS_ENOMEM;
}

int
forum_post_for(struct forum *f, const struct user *u, int64_t id, struct post *p,
	       struct round *r)
{
	struct round tmp = {0}, *rr = r ? r : &tmp;
	int rc = store_post_get(f->st, id, u->id, p);

	if (rc)
		return rc;
	rc = forum_round_for(f, u, p->round, rr);
	if (!rc && p->hidden && !forum_is_moderator(u)) {
		round_clear(rr);
		rc = OS_ENOTFOUND;
	}
	round_clear(&tmp);
	if (rc)
		post_clear(p);
	return rc;
}

int
forum_text_error(const char *in, size_t max, int may_be_empty)
{
	char *tmp;
	int rc = forum_text(in, max, may_be_empty, &tmp);

	free(tmp);
	return rc;
}
