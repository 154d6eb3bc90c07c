/*
 * The demo: a believable open-strategy round a newcomer can walk into. It is
 * written through the forum layer, as the people in it would have written
 * it, so that every rule (limits, Markdown, tallies) holds for it too.
 * This file holds its shape; its words, one table per language, are in
 * demo_text_*.c.
 */
#include "cli/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/password.h"
#include "base/err.h"
#include "base/log.h"
#include "cli/cli.h"
#include "cli/demo_text.h"
#include "forum/chat.h"
#include "forum/merge.h"
#include "forum/needs.h"
#include "forum/outcomes.h"
#include "forum/priorities.h"
#include "forum/posts.h"
#include "forum/revise.h"
#include "forum/rounds.h"
#include "forum/votes.h"
#include "store/rounds.h"
#include "store/users.h"

#define DEMO_PASSWORD "openstrat-demo"

/* The demo's shape, the same in every language; the words are in the
 * tables of demo_text.h. Indexes below are into people[]. */
struct person {
	const char *username, *role;
	int org; /* 0: the company; 1, 2: the text's customers[0], [1] */
};

static const struct person people[DEMO_NPEOPLE] = {
	{"admin", "admin", 0},     {"maria", "manager", 0},  {"jonas", "manager", 0},
	{"priya", "manager", 0},   {"erik", "employee", 0},  {"sofia", "employee", 0},
	{"ahmed", "employee", 0},  {"lena", "employee", 0},  {"tomas", "employee", 0},
	{"mei", "employee", 0},    {"oskar", "employee", 0}, {"nora", "employee", 0},
	{"kwame", "employee", 0},  {"ines", "employee", 0},  {"clara", "customer", 1},
	{"viktor", "customer", 1}, {"hanna", "customer", 2}, {"david", "customer", 2},
};

static const int plan_authors[DEMO_NPLANS] = {1, 2, 3, 1};

/* Who wrote each idea, and how much the room likes it (0..100): it decides
 * the votes. */
static const struct {
	int author, appeal;
} ideas[DEMO_NIDEAS] = {
	{4, 85}, {5, 78}, {6, 40}, {7, 66}, {8, 72}, {9, 55}, {10, 35}, {11, 81},
	{12, 60}, {13, 48}, {4, 62}, {5, 30}, {6, 70}, {7, 52}, {9, 44}, {11, 58},
	{12, 64}, {13, 38}, {4, 57}, {8, 69}, {10, 46}, {6, 74}, {12, 33}, {9, 51},
	{5, 61},
};

static const int thread_len[DEMO_NTHREADS] = DEMO_THREAD_LEN;
static const int chat_authors[DEMO_NCHATS] = {1, 4, 2, 7, 1, 9};

/* The last idea says the single sign-on idea again: leadership merges it. */
#define MERGED_IDEA 24
#define MERGED_INTO 10

static const struct {
	int owner;
	size_t feeds[3]; /* the ideas that feed it */
} priorities[DEMO_NPRIORITIES] = {{1, {0, 7, 16}}, {3, {1, 4, 12}}};

/* How the priorities are going: priorities[0] on track, priorities[1] at
 * risk. Each measure's current moves twice after it is set up, so that its
 * history shows; measure2 (a second one of priorities[1]) likewise. */
static const int prio_status[DEMO_NPRIORITIES] = {PST_ACTIVE, PST_AT_RISK};
static const struct {
	int priority;
	double baseline, target, current[3];
} measures[DEMO_NPRIORITIES + 1] = {
	{0, 0, 100, {0, 12, 31}},
	{1, 86, 91, {86, 85, 84}},
	{1, 64, 30, {64, 55, 47}},
};
/* priorities[0]'s milestones, the first done. */
static const char *const milestone_due[DEMO_NMILESTONES] = {"2027-03-31", "2027-09-30"};
#define UPDATE_PRIORITY 1
#define UPDATE_COMMENTER 4

/* The needs behind the ideas (see demo_text.h), named by maria. */
#define NEED_NAMER 1
static const struct {
	size_t ideas[4];
	size_t nideas;
	size_t priority;
} needs[DEMO_NNEEDS] = {{{0, 10, 16, 20}, 4, 0}, {{3, 8, 19}, 3, 1}};

/* lena's comment anchored to plans[0]'s second block; maria revises the
 * plan after it. */
#define REVISED_PLAN 0
#define ANCHOR_AUTHOR 7
#define ANCHOR_BLOCK 1

/* The innovation round: its opener, the ideas' authors, and the exchange
 * under the first idea. */
#define INNOVATION_OWNER 2
#define FIRST_CUSTOMER 14
static const int cidea_authors[DEMO_NCIDEAS] = {14, 16, 15, 17, 5};
static const int ccomment_authors[DEMO_NCCOMMENTS] = {5, 14};

/* A small deterministic generator: the demo is the same on every machine,
 * and its votes the same in every language. */
static unsigned
next_rand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

static const char *
org_of(const struct demo_text *t, size_t person)
{
	return people[person].org ? t->customers[people[person].org - 1] : t->company;
}

static int
make_users(struct store *st, const struct demo_text *t, int64_t *ids)
{
	char hash[OS_PWHASH_LEN];
	int rc = password_hash(DEMO_PASSWORD, hash);

	for (size_t i = 0; !rc && i < DEMO_NPEOPLE; i++)
		rc = store_user_insert(st, people[i].username, t->people[i],
				       os_role_parse(people[i].role), org_of(t, i), hash,
				       &ids[i]);
	return rc;
}

static int
post(struct forum *f, const struct user *u, int64_t round, int kind,
     const struct demo_words *w, int64_t *id)
{
	struct post p;
	int rc = posts_create(f, u, round, kind, w->title, w->body, &p);

	if (!rc) {
		if (id)
			*id = p.id;
		post_clear(&p);
	}
	return rc;
}

static int
comment(struct forum *f, const struct user *u, int64_t post_id, int64_t parent,
	const char *body, int64_t *id)
{
	struct comment c;
	int rc = comments_create(f, u, post_id, parent, body, &c);

	if (!rc) {
		if (id)
			*id = c.id;
		comment_clear(&c);
	}
	return rc;
}

/* A priority with its owner and the ideas that feed it, made by the admin. */
static int
priority(struct forum *f, const struct user *u, int64_t round, size_t k,
	 const struct demo_text *t, const int64_t *idea_ids, int64_t *id)
{
	struct priority pr;
	int64_t pid;
	int rc = priorities_create(f, &u[0], round, t->priorities[k].title,
				   t->priorities[k].body, u[priorities[k].owner].id, &pr);

	if (rc)
		return rc;
	pid = pr.id;
	*id = pid;
	for (size_t i = 0; !rc && i < 3; i++) {
		priority_clear(&pr);
		rc = priorities_link(f, &u[0], pid, idea_ids[priorities[k].feeds[i]], &pr);
	}
	if (!rc)
		priority_clear(&pr);
	return rc;
}

/* Goal, status, measures with their history, milestones, and a progress
 * update with a comment, as the owners and the admin would set them. */
static int
outcomes(struct forum *f, const struct user *u, const struct demo_text *t,
	 const int64_t *prio_ids)
{
	struct priority pr;
	int rc = OS_OK;

	for (size_t k = 0; !rc && k < DEMO_NPRIORITIES; k++) {
		struct priority_changes ch = {0};

		ch.goal = t->goals[k];
		ch.has_status = 1;
		ch.status = prio_status[k];
		if (!(rc = priorities_update(f, &u[0], prio_ids[k], &ch, &pr)))
			priority_clear(&pr);
	}
	for (size_t i = 0; !rc && i < DEMO_NPRIORITIES + 1; i++) {
		const struct demo_words *w = i < DEMO_NPRIORITIES ? &t->measures[i] : &t->measure2;
		const struct user *owner = &u[priorities[measures[i].priority].owner];
		int64_t prio = prio_ids[measures[i].priority];
		struct measure m = {0};

		snprintf(m.name, sizeof m.name, "%s", w->title);
		snprintf(m.unit, sizeof m.unit, "%s", w->body);
		m.baseline = measures[i].baseline;
		m.target = measures[i].target;
		for (size_t h = 0; !rc && h < 3; h++) {
			m.current = measures[i].current[h];
			if ((rc = outcomes_measure_set(f, owner, prio, &m, &pr)))
				break;
			/* The new measure is the priority's last. */
			if (!m.id && pr.nmeasures)
				m.id = pr.measures[pr.nmeasures - 1].id;
			priority_clear(&pr);
		}
	}
	for (size_t i = 0; !rc && i < DEMO_NMILESTONES; i++) {
		if (!(rc = outcomes_milestone_set(f, &u[priorities[0].owner], prio_ids[0], 0,
						  t->milestones[i], milestone_due[i], i == 0,
						  &pr)))
			priority_clear(&pr);
	}
	if (!rc) {
		struct priority_update up;
		struct comment c;

		rc = outcomes_post_update(f, &u[priorities[UPDATE_PRIORITY].owner],
					  prio_ids[UPDATE_PRIORITY], t->update, &up);
		if (rc)
			return rc;
		rc = outcomes_comment(f, &u[UPDATE_COMMENTER], up.id, 0, t->update_comment, &c);
		priority_update_clear(&up);
		if (!rc)
			comment_clear(&c);
	}
	return rc;
}

/* The needs behind the ideas, with the ideas that say them and the
 * priorities that answer them. */
static int
make_needs(struct forum *f, const struct user *u, int64_t round, const struct demo_text *t,
	   const int64_t *idea_ids, const int64_t *prio_ids)
{
	int rc = OS_OK;

	for (size_t k = 0; !rc && k < DEMO_NNEEDS; k++) {
		struct need n;
		int64_t id;

		if ((rc = needs_create(f, &u[NEED_NAMER], round, t->needs[k].title,
				       t->needs[k].body, &n)))
			break;
		id = n.id;
		need_clear(&n);
		for (size_t i = 0; !rc && i < needs[k].nideas; i++)
			if (!(rc = needs_link(f, &u[NEED_NAMER], id, NEED_POST,
					      idea_ids[needs[k].ideas[i]], 1, &n)))
				need_clear(&n);
		if (!rc && !(rc = needs_link(f, &u[NEED_NAMER], id, NEED_PRIORITY,
					     prio_ids[needs[k].priority], 1, &n)))
			need_clear(&n);
	}
	return rc;
}

/* A comment anchored to a paragraph of a plan, and the plan revised after
 * it: the comment follows its words into revision 2. */
static int
revise_plan(struct forum *f, const struct user *u, const struct demo_text *t,
	    int64_t plan)
{
	struct comment_anchor a = {ANCHOR_BLOCK, t->anchor_quote, 0};
	const char *body = t->plans[REVISED_PLAN].body;
	size_t len = strlen(body) + strlen(t->revision) + 3;
	char *revised = malloc(len);
	struct comment c;
	struct post p;
	int rc;

	if (!revised)
		return OS_ENOMEM;
	rc = comments_create_at(f, &u[ANCHOR_AUTHOR], plan, 0, t->anchored_comment, &a, &c);
	if (!rc) {
		comment_clear(&c);
		snprintf(revised, len, "%s\n\n%s", body, t->revision);
		rc = posts_update(f, &u[plan_authors[REVISED_PLAN]], plan, NULL, revised, &p);
		if (!rc)
			post_clear(&p);
	}
	free(revised);
	return rc;
}

static int
demo_fill(struct forum *f, const struct demo_text *t)
{
	struct store *st = forum_store(f);
	struct user u[DEMO_NPEOPLE];
	int64_t ids[DEMO_NPEOPLE], round, cround, idea_ids[DEMO_NIDEAS], cids[DEMO_NCIDEAS];
	int64_t plan_ids[DEMO_NPLANS], prio_ids[DEMO_NPRIORITIES];
	struct round r = {0};
	struct round_changes ch = {0};
	unsigned seed = 2027;
	int rc;

	if ((rc = make_users(st, t, ids)))
		return rc;
	for (size_t i = 0; i < DEMO_NPEOPLE; i++)
		if ((rc = store_user_by_id(st, ids[i], &u[i])))
			return rc;

	/* The strategy round, internal, up/down votes. */
	r.title = (char *)t->round.title;
	r.description = (char *)t->round.body;
	r.audience = AUD_INTERNAL;
	r.vote_mode = VOTE_UPDOWN;
	if ((rc = rounds_create(f, &u[1], &r)))
		return rc;
	round = r.id;
	round_clear(&r);
	ch.has_phase = 1;
	ch.phase = PHASE_OPEN;
	if ((rc = rounds_update(f, &u[1], round, &ch, &r)))
		return rc;
	round_clear(&r);

	for (size_t i = 0; i < DEMO_NPLANS; i++)
		if ((rc = post(f, &u[plan_authors[i]], round, KIND_PLAN, &t->plans[i],
			       &plan_ids[i])))
			return rc;
	for (size_t i = 0; i < DEMO_NIDEAS; i++)
		if ((rc = post(f, &u[ideas[i].author], round, KIND_IDEA, &t->ideas[i],
			       &idea_ids[i])))
			return rc;
	for (size_t i = 0; i < DEMO_NTHREADS; i++) {
		int64_t parent = 0;

		/* The second reply answers the first, the third the second: a
		 * real thread. */
		for (int k = 0; k < thread_len[i]; k++) {
			int who = 4 + (int)((i * 3 + (size_t)k * 5) % 10);

			if ((rc = comment(f, &u[who], idea_ids[i], parent, t->comments[i][k],
					  &parent)))
				return rc;
		}
	}
	/* Everyone on staff votes on what they care about. */
	for (size_t v = 1; v < 14; v++)
		for (size_t i = 0; i < DEMO_NIDEAS; i++) {
			unsigned roll = next_rand(&seed) % 100;
			int value = 0;
			struct post p;

			if (roll < (unsigned)ideas[i].appeal * 7 / 10)
				value = 1;
			else if (roll > 100 - (unsigned)(100 - ideas[i].appeal) / 4)
				value = -1;
			if (!value)
				continue;
			if ((rc = votes_cast(f, &u[v], idea_ids[i], 1, value, 0, 0, &p)))
				return rc;
			post_clear(&p);
		}
	for (size_t i = 0; i < DEMO_NCHATS; i++) {
		struct chat c;

		if ((rc = chat_send(f, &u[chat_authors[i]], round, t->chats[i], &c)))
			return rc;
		chat_clear(&c);
	}
	/* Leadership at work: a duplicate merged, two priorities with owners. */
	{
		struct post merged;

		if ((rc = posts_merge(f, &u[1], idea_ids[MERGED_IDEA], idea_ids[MERGED_INTO],
				      &merged)))
			return rc;
		post_clear(&merged);
	}
	for (size_t k = 0; k < DEMO_NPRIORITIES; k++)
		if ((rc = priority(f, u, round, k, t, idea_ids, &prio_ids[k])))
			return rc;
	/* And the new ways of following through: outcomes of the priorities,
	 * the needs behind the ideas, a plan revised after a comment. */
	if ((rc = outcomes(f, u, t, prio_ids)) ||
	    (rc = make_needs(f, u, round, t, idea_ids, prio_ids)) ||
	    (rc = revise_plan(f, u, t, plan_ids[REVISED_PLAN])))
		return rc;

	/* The customer innovation round: invited customers, dots. */
	memset(&r, 0, sizeof r);
	r.title = (char *)t->innovation.title;
	r.description = (char *)t->innovation.body;
	r.audience = AUD_INVITED;
	r.vote_mode = VOTE_DOTS;
	r.dots_per_member = 10;
	if ((rc = rounds_create(f, &u[INNOVATION_OWNER], &r)))
		return rc;
	cround = r.id;
	round_clear(&r);
	if ((rc = rounds_update(f, &u[INNOVATION_OWNER], cround, &ch, &r)))
		return rc;
	round_clear(&r);
	for (size_t i = FIRST_CUSTOMER; i < DEMO_NPEOPLE; i++)
		if ((rc = store_member_add(st, cround, u[i].id, u[INNOVATION_OWNER].id)))
			return rc;
	for (size_t i = 0; i < DEMO_NCIDEAS; i++)
		if ((rc = post(f, &u[cidea_authors[i]], cround, KIND_IDEA, &t->cideas[i],
			       &cids[i])))
			return rc;
	for (size_t v = 4; v < DEMO_NPEOPLE; v++) {
		int left = 10;

		for (size_t i = 0; i < DEMO_NCIDEAS && left > 0; i++) {
			int dots = (int)(next_rand(&seed) % 5);
			struct post p;

			if (dots > left)
				dots = left;
			if (!dots)
				continue;
			if ((rc = votes_cast(f, &u[v], cids[i], 0, 0, 1, dots, &p)))
				return rc;
			left -= dots;
			post_clear(&p);
		}
	}
	for (size_t i = 0; i < DEMO_NCCOMMENTS; i++)
		if ((rc = comment(f, &u[ccomment_authors[i]], cids[0], 0, t->ccomments[i],
				  NULL)))
			return rc;
	return OS_OK;
}

static void
print_accounts(FILE *out, const struct demo_text *t)
{
	fprintf(out, "openstrat: demo accounts (password for all: %s)\n", DEMO_PASSWORD);
	for (size_t i = 0; i < DEMO_NPEOPLE; i++)
		fprintf(out, "  %-8s %-9s %s, %s\n", people[i].username, people[i].role,
			t->people[i], org_of(t, i));
	fflush(out);
}

const struct demo_text *
demo_text(enum os_lang lang)
{
	switch (lang) {
	case OS_LANG_NB:
		return &demo_text_nb;
	case OS_LANG_SV:
		return &demo_text_sv;
	case OS_LANG_DA:
		return &demo_text_da;
	default:
		return &demo_text_en;
	}
}

int
demo_fill_if_empty(struct forum *f, enum os_lang lang, int refuse, FILE *out)
{
	struct store *st = forum_store(f);
	const struct demo_text *t = demo_text(lang);
	struct forum *quiet;
	struct forum_opts o = {0};
	int64_t users = store_user_count(st);
	int rc;

	if (users < 0)
		return OS_EINTERNAL;
	if (users > 0) {
		if (refuse) {
			fprintf(stderr, "openstrat: the database has users already; "
					"the demo fills only an empty one\n");
			return OS_ECONFLICT;
		}
		fprintf(out, "openstrat: the database has data already, so no demo was "
			     "added; demo accounts, if it is the demo's, use the password %s\n",
			DEMO_PASSWORD);
		return OS_OK;
	}
	/* Its own forum: no rate limit, and no events to deliver. */
	if ((rc = forum_new(st, NULL, &o, &quiet)))
		return rc;
	rc = store_op_begin(st);
	if (!rc) {
		rc = demo_fill(quiet, t);
		store_op_end(st, rc == OS_OK);
	}
	if (!rc)
		rc = store_commit(st);
	else
		store_commit(st);
	forum_free(quiet);
	if (rc) {
		os_err("demo: filling the database failed (%d)", rc);
		return rc;
	}
	print_accounts(out, t);
	return OS_OK;
}

int
cli_demo(int argc, char **argv)
{
	struct cli_opt opts[] = {{"db", 1, NULL}, {"lang", 1, NULL}, {NULL, 0, NULL}};
	const char *usage = "openstrat demo --db PATH [--lang en|nb|sv|da]";
	enum os_lang lang = OS_LANG_EN;
	struct store *st;
	struct forum *f;
	struct forum_opts o = {0};
	int rc = cli_parse(argc, argv, opts, usage);

	if (rc)
		return rc;
	if (!cli_get(opts, "db")) {
		fprintf(stderr, "openstrat: --db is required\nusage: %s\n", usage);
		return 2;
	}
	if (cli_get(opts, "lang") && os_lang_parse(cli_get(opts, "lang"), &lang)) {
		fprintf(stderr, "openstrat: --lang must be en, nb, sv or da, not '%s'\n"
				"usage: %s\n", cli_get(opts, "lang"), usage);
		return 2;
	}
	if (store_open(cli_get(opts, "db"), STORE_SYNC_FULL, &st)) {
		fprintf(stderr, "openstrat: cannot open %s\n", cli_get(opts, "db"));
		return 1;
	}
	rc = forum_new(st, NULL, &o, &f);
	if (!rc)
		rc = demo_fill_if_empty(f, lang, 1, stdout);
	forum_free(f);
	store_close(st);
	if (rc == OS_ECONFLICT)
		return 1;
	if (rc) {
		fprintf(stderr, "openstrat: the demo could not be written\n");
		return 1;
	}
	return 0;
}
