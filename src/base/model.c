#include "base/model.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

static const char *const roles[] = {"admin", "manager", "employee", "customer"};
static const char *const phases[] = {"draft", "open", "voting", "closed"};
static const char *const audiences[] = {"internal", "invited"};
static const char *const modes[] = {"updown", "dots"};
static const char *const kinds[] = {"plan", "idea"};
static const char *const statuses[] = {"open", "merged", "promoted", "hidden"};
static const char *const targets[] = {"post", "comment", "chat"};
static const char *const nkinds[] = {"reply", "mention", "round_open", "round_voting",
				     "round_closed", "merged", "linked", "priority_update",
				     "priority_status"};
static const char *const pstatuses[] = {"planned", "active", "at_risk", "done", "dropped"};
static const char *const nmodes[] = {"instant", "daily", "off"};
static const char *const sources[] = {"local", "directory", "invite"};

static const char *
name_of(const char *const *names, int count, int v)
{
	return v >= 0 && v < count ? names[v] : "unknown";
}

static int
parse(const char *const *names, int count, const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < count; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

#define PAIR(fn, arr, n)                                                     \
	const char *os_##fn##_name(int v) { return name_of(arr, n, v); }     \
	int os_##fn##_parse(const char *s) { return parse(arr, n, s); }

PAIR(role, roles, ROLE_COUNT)
PAIR(phase, phases, PHASE_COUNT)
PAIR(audience, audiences, AUD_COUNT)
PAIR(vote_mode, modes, VOTE_MODE_COUNT)
PAIR(kind, kinds, KIND_COUNT)
PAIR(status, statuses, STATUS_COUNT)
PAIR(target, targets, TARGET_COUNT)
PAIR(notify_kind, nkinds, NK_COUNT)
PAIR(notify_mode, nmodes, NOTIFY_MODE_COUNT)
PAIR(source, sources, SOURCE_COUNT)
PAIR(prio_status, pstatuses, PST_COUNT)

int64_t
tally_up(const struct tally *t)
{
	int64_t n = 0;

	for (int r = 0; r < ROLE_COUNT; r++)
		n += t->up[r];
	return n;
}

int64_t
tally_down(const struct tally *t)
{
	int64_t n = 0;

	for (int r = 0; r < ROLE_COUNT; r++)
		n += t->down[r];
	return n;
}

int64_t
tally_dots(const struct tally *t)
{
	int64_t n = 0;

	for (int r = 0; r < ROLE_COUNT; r++)
		n += t->dots[r];
	return n;
}

double
os_wilson_lower(int64_t up, int64_t down)
{
	const double z = 1.959963984540054;
	double n = (double)(up + down), p, centre, margin;

	/* No up votes: no evidence of support (and no rounding noise). */
	if (n <= 0 || up <= 0)
		return 0.0;
	p = (double)up / n;
	centre = p + z * z / (2 * n);
	margin = z * sqrt((p * (1 - p) + z * z / (4 * n)) / n);
	return (centre - margin) / (1 + z * z / n);
}

#include <stdlib.h>

void
round_clear(struct round *r)
{
	if (!r)
		return;
	free(r->title);
	free(r->description);
	memset(r, 0, sizeof *r);
}

void
post_clear(struct post *p)
{
	if (!p)
		return;
	free(p->title);
	free(p->body);
	free(p->body_html);
	free(p->files);
	memset(p, 0, sizeof *p);
}

void
comment_clear(struct comment *c)
{
	if (!c)
		return;
	free(c->body);
	free(c->body_html);
	free(c->anchor_quote);
	memset(c, 0, sizeof *c);
}

void
chat_clear(struct chat *c)
{
	if (!c)
		return;
	free(c->body);
	memset(c, 0, sizeof *c);
}

void
priority_clear(struct priority *p)
{
	if (!p)
		return;
	free(p->title);
	free(p->description);
	free(p->posts);
	free(p->goal);
	free(p->goal_html);
	free(p->measures);
	free(p->milestones);
	memset(p, 0, sizeof *p);
}

void
need_clear(struct need *n)
{
	if (!n)
		return;
	free(n->title);
	free(n->description);
	free(n->description_html);
	free(n->posts);
	free(n->priorities);
	memset(n, 0, sizeof *n);
}

void
priority_update_clear(struct priority_update *u)
{
	if (!u)
		return;
	free(u->body);
	free(u->body_html);
	memset(u, 0, sizeof *u);
}

int
post_status(const struct post *p)
{
	return p->hidden ? STATUS_HIDDEN : p->status;
}

double
post_score(const struct post *p)
{
	if (p->vote_mode == VOTE_DOTS)
		return (double)tally_dots(&p->tally);
	return os_wilson_lower(tally_up(&p->tally), tally_down(&p->tally));
}

int
os_username_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > OS_USERNAME_MAX || !isalnum((unsigned char)s[0]))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!(isalnum(c) || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static int
local_char(unsigned char c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+/=?^_`{|}~.-", c));
}

int
os_email_valid(const char *s)
{
	const char *at = strchr(s, '@'), *p;
	size_t n = strlen(s), local, labels = 0, label = 0;

	if (!at || n > OS_EMAIL_MAX || strchr(at + 1, '@'))
		return 0;
	local = (size_t)(at - s);
	if (local < 1 || local > 64 || s[0] == '.' || at[-1] == '.')
		return 0;
	for (p = s; p < at; p++)
		if (!local_char((unsigned char)*p) || (p[0] == '.' && p[1] == '.'))
			return 0;
	/* The domain: labels of letters, digits and inner hyphens. */
	for (p = at + 1;; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '.' || c == '\0') {
			if (!label || p[-1] == '-' || label > 63)
				return 0;
			labels++;
			label = 0;
			if (!c)
				break;
			continue;
		}
		if (!isalnum(c) && !(c == '-' && label))
			return 0;
		label++;
	}
	return labels >= 2;
}
