/*
 * The demo: a believable open-strategy round a newcomer can walk into. It is
 * written through the forum layer, as the people in it would have written
 * it, so that every rule (limits, Markdown, tallies) holds for it too.
 */
#include "cli/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/password.h"
#include "base/err.h"
#include "base/log.h"
#include "cli/cli.h"
#include "forum/chat.h"
#include "forum/merge.h"
#include "forum/priorities.h"
#include "forum/posts.h"
#include "forum/rounds.h"
#include "forum/votes.h"
#include "store/rounds.h"
#include "store/users.h"

#define DEMO_PASSWORD "openstrat-demo"

struct person {
	const char *username, *display, *role, *org;
};

static const struct person people[] = {
	{"admin", "Ada Admin", "admin", "Northwind"},
	{"maria", "Maria Lindqvist", "manager", "Northwind"},
	{"jonas", "Jonas Berg", "manager", "Northwind"},
	{"priya", "Priya Raman", "manager", "Northwind"},
	{"erik", "Erik Nygaard", "employee", "Northwind"},
	{"sofia", "Sofia Castro", "employee", "Northwind"},
	{"ahmed", "Ahmed Haddad", "employee", "Northwind"},
	{"lena", "Lena Fischer", "employee", "Northwind"},
	{"tomas", "Tomas Novak", "employee", "Northwind"},
	{"mei", "Mei Chen", "employee", "Northwind"},
	{"oskar", "Oskar Dahl", "employee", "Northwind"},
	{"nora", "Nora Hansen", "employee", "Northwind"},
	{"kwame", "Kwame Mensah", "employee", "Northwind"},
	{"ines", "Ines Duarte", "employee", "Northwind"},
	{"clara", "Clara Jensen", "customer", "Nordbank"},
	{"viktor", "Viktor Aalto", "customer", "Nordbank"},
	{"hanna", "Hanna Svensson", "customer", "Helio Health"},
	{"david", "David Okafor", "customer", "Helio Health"},
};
#define NPEOPLE (sizeof people / sizeof people[0])

static const struct {
	int author;
	const char *title, *body;
} plans[] = {
	{1, "Customer success: from tickets to outcomes",
	 "## Where we are\n\nOur support organisation measures **tickets closed**, "
	 "not customer outcomes. Renewal rates in the mid-market fell from 91% to "
	 "86% last year.\n\n## The plan\n\n1. Give every top-200 account a named "
	 "success lead.\n2. Replace ticket targets with *time to value* and renewal "
	 "health.\n3. Publish a quarterly outcome review with each customer.\n\n"
	 "## What I need from you\n\nTell me where this breaks in your daily work, "
	 "and which accounts we would lose first if we get it wrong."},
	{2, "Platform: one data layer by 2027",
	 "We run **four** customer databases that disagree with each other. "
	 "This plan merges them into one data layer over six quarters.\n\n"
	 "- Q1-Q2: freeze new integrations on the old stores\n"
	 "- Q3-Q4: migrate billing and support\n- 2027: retire the last two\n\n"
	 "Risks: migration fatigue, and the reporting team's dependence on the "
	 "old warehouse. Criticism welcome, especially from the reporting team."},
	{3, "Grow in the Nordics through partners",
	 "Direct sales in Finland and Denmark cost us 2.3x what they cost in "
	 "Sweden. I propose we sell through **three regional partners** and move "
	 "our own people to partner enablement.\n\n> We keep the ten largest "
	 "accounts direct.\n\nWhat would our customers say? What would you say?"},
	{1, "Make hybrid work deliberate",
	 "Office days are decided team by team today. I suggest two shared "
	 "anchor days a week for everyone, and the rest decided by teams. "
	 "Tell me what this does to your work, good and bad."},
};

static const struct {
	int author;
	int appeal; /* 0..100: how much the room likes it */
	const char *title, *body;
} ideas[] = {
	{4, 85, "A shared customer timeline for every account",
	 "Sales, support and billing each see a slice. One timeline per account, "
	 "readable by everyone who talks to the customer, would stop us asking "
	 "customers the same question three times."},
	{5, 78, "Let support engineers join renewal calls",
	 "The people who fixed the customer's worst week are rarely in the room "
	 "when the customer decides to renew. Invite them."},
	{6, 40, "Move all internal meetings to Tuesday and Thursday",
	 "Protect three days for deep work. Meetings expand to fill the week "
	 "otherwise."},
	{7, 66, "Publish our roadmap to customers",
	 "A public roadmap, with honest dates and a *we are not doing this* "
	 "list, would save sales weeks of back-and-forth."},
	{8, 72, "Onboarding buddy for every new customer",
	 "Pair each new customer with one engineer for their first 90 days. "
	 "Cheap, human, and it shows up in renewals."},
	{9, 55, "Retire the legacy reporting portal",
	 "Half of our customers never log into it, and the other half export "
	 "to Excel on the first screen. Give them a clean CSV export and move on."},
	{10, 35, "Four-day week pilot in one team",
	 "Run a six-month pilot in one team with clear measures, then decide."},
	{11, 81, "Fix the invoice format before anything else",
	 "Our invoices are the most common reason customers call us. A clear "
	 "invoice is a strategy decision, not an admin task."},
	{12, 60, "Customer advisory board with real power",
	 "Twice a year, let a board of customers veto one roadmap item. It "
	 "forces us to explain ourselves."},
	{13, 48, "Partner certification before partner sales",
	 "If we go through partners in the Nordics, certify them first: a bad "
	 "partner costs us the customer, not them."},
	{4, 62, "Single sign-on for all our products",
	 "Customers log in four times a day. One account, one login."},
	{5, 30, "Replace the intranet with this forum",
	 "Half joking. Half."},
	{6, 70, "Measure time to first value, not time to close",
	 "A deal closed that never delivers value is a churned customer in a "
	 "year. Measure the first real outcome after signing."},
	{7, 52, "Open office hours with the product team",
	 "One hour a week where anyone, staff or customer, can bring a problem "
	 "to the product managers."},
	{9, 44, "Translate the product into Finnish and Danish",
	 "Partners will ask for it on day one."},
	{11, 58, "Anchor days: make them team days, not office days",
	 "If we all come in, let it be for work we do together, not for the "
	 "same video calls from a different desk."},
	{12, 64, "Give every account a health score everyone can see",
	 "Usage, open cases, invoices overdue, last executive contact: one "
	 "number and the reasons behind it, on every account page."},
	{13, 38, "Quarterly hack week for internal tools",
	 "Our own tools are the worst software we ship. One week a quarter to "
	 "fix them."},
	{4, 57, "Train partners in our support tools before they sell",
	 "Partners who can open and follow a case are partners customers "
	 "trust."},
	{8, 69, "Close the loop on every piece of customer feedback",
	 "Tell customers what happened to their suggestion, even when the "
	 "answer is no."},
	{10, 46, "A shared glossary for sales, support and product",
	 "We use \"account\", \"tenant\" and \"customer\" for three different "
	 "things in three departments."},
	{6, 74, "Renewal risk review every month, not every quarter",
	 "By the time the quarterly review flags an account it has usually "
	 "decided already."},
	{12, 33, "Move the all-hands to Thursday afternoon",
	 "Monday mornings are for customers."},
	{9, 51, "Document every integration we support, publicly",
	 "Half of our support cases are about integrations we never wrote down."},
	{5, 61, "One login for all our products",
	 "Four passwords a day is three too many. Same account everywhere."},
};

static const char *comments[][3] = {
	{"This would have saved me two escalations last month.",
	 "Agreed. Who owns the timeline, though? If nobody does it rots.",
	 "Success leads could own it, as in the customer success plan."},
	{"Yes. Customers trust the person who fixed their problem.",
	 "We tried this in 2022; it worked until the calendars got full.", NULL},
	{"Deep work matters, but customers call on Mondays too.", NULL, NULL},
	{"Honest dates are the hard part. Do we have them?",
	 "Then publish ranges. Customers prefer ranges to surprises.", NULL},
};

static const char *chats[][2] = {
	{"1", "Welcome to the Strategy 2027 round! Plans are up; ideas welcome until "
	      "the end of the month."},
	{"4", "Is the data layer plan also covering the support tool?"},
	{"2", "Yes, support is in the Q3-Q4 wave."},
	{"7", "The invoice idea is getting a lot of votes. Good."},
	{"1", "I will take the top ideas to the leadership offsite in three weeks."},
	{"9", "Thanks for opening this up. First time I have read the plans before "
	      "they were final."},
};

/* A small deterministic generator: the demo is the same on every machine. */
static unsigned
next_rand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

static int
make_users(struct store *st, int64_t *ids)
{
	char hash[OS_PWHASH_LEN];
	int rc = password_hash(DEMO_PASSWORD, hash);

	for (size_t i = 0; !rc && i < NPEOPLE; i++)
		rc = store_user_insert(st, people[i].username, people[i].display,
				       os_role_parse(people[i].role), people[i].org, hash,
				       &ids[i]);
	return rc;
}

static int
demo_fill(struct forum *f)
{
	struct store *st = forum_store(f);
	struct user u[NPEOPLE];
	int64_t ids[NPEOPLE], round, cround, idea_ids[sizeof ideas / sizeof ideas[0]];
	struct round r = {0};
	struct round_changes ch = {0};
	unsigned seed = 2027;
	int rc;

	if ((rc = make_users(st, ids)))
		return rc;
	for (size_t i = 0; i < NPEOPLE; i++)
		if ((rc = store_user_by_id(st, ids[i], &u[i])))
			return rc;

	/* The strategy round, internal, up/down votes. */
	r.title = (char *)"Strategy 2027: growing with our customers";
	r.description = (char *)"Leadership has drafted four plans for 2027. Read "
		"them, tear them apart, and add your own ideas. The best ideas "
		"become our priorities for next year, each with a named owner.";
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

	for (size_t i = 0; i < sizeof plans / sizeof plans[0]; i++) {
		struct post p;

		if ((rc = posts_create(f, &u[plans[i].author], round, KIND_PLAN,
				       plans[i].title, plans[i].body, &p)))
			return rc;
		post_clear(&p);
	}
	for (size_t i = 0; i < sizeof ideas / sizeof ideas[0]; i++) {
		struct post p;

		if ((rc = posts_create(f, &u[ideas[i].author], round, KIND_IDEA,
				       ideas[i].title, ideas[i].body, &p)))
			return rc;
		idea_ids[i] = p.id;
		post_clear(&p);
	}
	for (size_t i = 0; i < sizeof comments / sizeof comments[0]; i++) {
		int64_t parent = 0;

		for (int k = 0; k < 3 && comments[i][k]; k++) {
			struct comment c;
			int who = 4 + (int)((i * 3 + (size_t)k * 5) % 10);

			if ((rc = comments_create(f, &u[who], idea_ids[i], parent,
						  comments[i][k], &c)))
				return rc;
			/* The second reply answers the first, the third the
			 * second: a real thread. */
			parent = c.id;
			comment_clear(&c);
		}
	}
	/* Everyone on staff votes on what they care about. */
	for (size_t v = 1; v < 14; v++)
		for (size_t i = 0; i < sizeof ideas / sizeof ideas[0]; i++) {
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
	for (size_t i = 0; i < sizeof chats / sizeof chats[0]; i++) {
		struct chat c;

		if ((rc = chat_send(f, &u[atoi(chats[i][0])], round, chats[i][1], &c)))
			return rc;
		chat_clear(&c);
	}
	/* Leadership at work: a duplicate merged, two priorities with owners. */
	{
		const size_t nideas = sizeof ideas / sizeof ideas[0];
		struct priority pr;
		struct post merged;

		/* "One login for all our products" is "Single sign-on" again. */
		if ((rc = posts_merge(f, &u[1], idea_ids[nideas - 1], idea_ids[10], &merged)))
			return rc;
		post_clear(&merged);
		if ((rc = priorities_create(f, &u[0], round, "Know every customer as one account",
					    "One timeline, one health score and one invoice "
					    "everyone understands, for every account.",
					    u[1].id, &pr)))
			return rc;
		{
			int64_t pid = pr.id;
			const size_t feeds[] = {0, 7, 16};

			for (size_t k = 0; k < 3; k++) {
				priority_clear(&pr);
				if ((rc = priorities_link(f, &u[0], pid, idea_ids[feeds[k]], &pr)))
					return rc;
			}
		}
		priority_clear(&pr);
		if ((rc = priorities_create(f, &u[0], round, "Outcomes over tickets",
					    "Measure what customers get from us, and bring the "
					    "people who fixed their problems into the room.",
					    u[3].id, &pr)))
			return rc;
		{
			int64_t pid = pr.id;
			const size_t feeds[] = {1, 4, 12};

			for (size_t k = 0; k < 3; k++) {
				priority_clear(&pr);
				if ((rc = priorities_link(f, &u[0], pid, idea_ids[feeds[k]], &pr)))
					return rc;
			}
		}
		priority_clear(&pr);
	}

	/* The customer innovation round: invited customers, dots. */
	memset(&r, 0, sizeof r);
	r.title = (char *)"Innovation round: the service desk of the future";
	r.description = (char *)"We have invited customers from Nordbank and Helio "
		"Health to tell us what their service desk should do in three "
		"years. Tell us the problem behind the wish: that is what we build "
		"for. Each member has 10 dots to spend.";
	r.audience = AUD_INVITED;
	r.vote_mode = VOTE_DOTS;
	r.dots_per_member = 10;
	if ((rc = rounds_create(f, &u[2], &r)))
		return rc;
	cround = r.id;
	round_clear(&r);
	if ((rc = rounds_update(f, &u[2], cround, &ch, &r)))
		return rc;
	round_clear(&r);
	for (size_t i = 14; i < NPEOPLE; i++)
		if ((rc = store_member_add(st, cround, u[i].id, u[2].id)))
			return rc;
	{
		static const struct {
			int author;
			const char *title, *body;
		} cideas[] = {
			{14, "Tell us before we notice",
			 "When something breaks on your side, we want to hear it from "
			 "you first, with an estimate, not from our own customers."},
			{16, "One place for all our cases",
			 "Our teams open cases by email, phone and portal. We lose "
			 "track. One list, whatever the channel."},
			{15, "Answers in Finnish",
			 "Our branch staff work in Finnish. Even a good machine "
			 "translation of the knowledge base would help."},
			{17, "Let our admins fix the simple things themselves",
			 "Password resets and user provisioning should not need a "
			 "ticket."},
			{5, "Status page per customer",
			 "A status page that shows what affects *this* customer, not "
			 "the whole platform."},
		};
		int64_t cids[sizeof cideas / sizeof cideas[0]];

		for (size_t i = 0; i < sizeof cideas / sizeof cideas[0]; i++) {
			struct post p;

			if ((rc = posts_create(f, &u[cideas[i].author], cround, KIND_IDEA,
					       cideas[i].title, cideas[i].body, &p)))
				return rc;
			cids[i] = p.id;
			post_clear(&p);
		}
		for (size_t v = 4; v < NPEOPLE; v++) {
			int left = 10;

			for (size_t i = 0; i < sizeof cids / sizeof cids[0] && left > 0; i++) {
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
		{
			struct comment c;

			if ((rc = comments_create(f, &u[5], cids[0], 0,
						  "What would a good estimate look like for "
						  "you: an hour, a day?", &c)))
				return rc;
			comment_clear(&c);
			if ((rc = comments_create(f, &u[14], cids[0], 0,
						  "Within the hour, even if it is wrong. "
						  "Silence is worse than a bad estimate.", &c)))
				return rc;
			comment_clear(&c);
		}
	}
	return OS_OK;
}

static void
print_accounts(FILE *out)
{
	fprintf(out, "openstrat: demo accounts (password for all: %s)\n", DEMO_PASSWORD);
	for (size_t i = 0; i < NPEOPLE; i++)
		fprintf(out, "  %-8s %-9s %s, %s\n", people[i].username, people[i].role,
			people[i].display, people[i].org);
	fflush(out);
}

int
demo_fill_if_empty(struct forum *f, int refuse, FILE *out)
{
	struct store *st = forum_store(f);
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
		rc = demo_fill(quiet);
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
	print_accounts(out);
	return OS_OK;
}

int
cli_demo(int argc, char **argv)
{
	struct cli_opt opts[] = {{"db", 1, NULL}, {NULL, 0, NULL}};
	const char *usage = "openstrat demo --db PATH";
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
	if (store_open(cli_get(opts, "db"), STORE_SYNC_FULL, &st)) {
		fprintf(stderr, "openstrat: cannot open %s\n", cli_get(opts, "db"));
		return 1;
	}
	rc = forum_new(st, NULL, &o, &f);
	if (!rc)
		rc = demo_fill_if_empty(f, 1, stdout);
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
