/*
 * src/forum/outcomes.c: priorities followed through. Who may change goal,
 * status, measures and milestones and post updates (the owner, managers,
 * admins; in every phase, after close too), who reads and comments; the
 * history of a measure; followers and their notices; validation of every
 * field, each refusal changing nothing and telling nobody.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "forum/outcomes.h"
#include "forum/posts.h"
#include "forum/priorities.h"
#include "forum/votes.h"

static struct fx X;
static int64_t R, P, IDEA;

static void
forget(void)
{
	ck_assert_int_eq(fx_exec(&X, "DELETE FROM notifications"),
			 SQL_OK);
	fx_clear_events(&X);
}

/* A round with one priority owned by anna (emp), and an idea by anna
 * linked to it. */
static void
setup(void)
{
	struct priority p;
	struct post post;

	fx_open(&X, 0);
	R = fx_open_round(&X);
	ck_assert_int_eq(FX_W(&X, priorities_create(X.f, &X.mgr, R, "Know our customers", "",
						    X.emp.id, &p)),
			 OS_OK);
	P = p.id;
	priority_clear(&p);
	ck_assert_int_eq(FX_W(&X, posts_create(X.f, &X.emp, R, KIND_IDEA, "Health score",
					       "One number", &post)),
			 OS_OK);
	IDEA = post.id;
	post_clear(&post);
	ck_assert_int_eq(FX_W(&X, priorities_link(X.f, &X.mgr, P, IDEA, &p)), OS_OK);
	priority_clear(&p);
	forget();
}

static void
teardown(void)
{
	fx_close(&X);
}

/* Everything the outcome ops could write (columns as text, so that the
 * UNION has one type per column on every engine). */
#define T(c) "CAST(" c " AS TEXT)"
static uint64_t
ofp(void)
{
	static const char *const sql =
		"SELECT 'p', id, " T("goal") ", " T("status") ", " T("title") ", " T("owner_id")
		", " T("rank") " FROM priorities "
		"UNION ALL SELECT 'm', id, " T("name") ", " T("unit") ", " T("baseline") ", "
		T("target") ", " T("current") " FROM priority_measures "
		"UNION ALL SELECT 'h', id, " T("measure_id") ", " T("value")
		", '0', '0', '0' FROM measure_history "
		"UNION ALL SELECT 'l', id, " T("title") ", " T("due") ", " T("done_at")
		", '0', '0' FROM priority_milestones "
		"UNION ALL SELECT 'u', id, " T("body") ", " T("status") ", " T("author_id")
		", '0', '0' FROM priority_updates "
		"UNION ALL SELECT 'c', id, " T("update_id") ", " T("parent_id") ", " T("body")
		", '0', '0' FROM update_comments "
		"UNION ALL SELECT 'f', priority_id, " T("user_id") ", " T("following")
		", '0', '0', '0' FROM priority_follows "
		"UNION ALL SELECT 'n', id, " T("recipient_id") ", " T("kind")
		", '0', '0', '0' FROM notifications "
		"ORDER BY 1, 2, 3";

	return fx_hash_rows(&X, sql) ^ fx_fingerprint(&X);
}
#undef T

static int
measure_set(const struct user *u, int64_t prio, int64_t id, const char *name,
	    const char *unit, double base, double target, double cur, struct priority *out)
{
	struct measure m = {.id = id, .baseline = base, .target = target, .current = cur};
	struct priority p;
	int rc;

	snprintf(m.name, sizeof m.name, "%s", name);
	snprintf(m.unit, sizeof m.unit, "%s", unit);
	rc = FX_W(&X, outcomes_measure_set(X.f, u, prio, &m, out ? out : &p));
	if (!out)
		priority_clear(&p);
	return rc;
}

static int64_t
new_measure(const struct user *u, double cur)
{
	struct priority p;
	int64_t id;

	ck_assert_int_eq(measure_set(u, P, 0, "NPS", "points", 10, 40, cur, &p), OS_OK);
	ck_assert_uint_ge(p.nmeasures, 1);
	id = p.measures[p.nmeasures - 1].id;
	priority_clear(&p);
	return id;
}

static int
milestone(const struct user *u, int64_t id, const char *title, const char *due, int done)
{
	struct priority p;
	int rc = FX_W(&X, outcomes_milestone_set(X.f, u, P, id, title, due, done, &p));

	priority_clear(&p);
	return rc;
}

static int
post_update(const struct user *u, int64_t prio, const char *body, int64_t *id)
{
	struct priority_update up;
	int rc = FX_W(&X, outcomes_post_update(X.f, u, prio, body, &up));

	if (id)
		*id = up.id;
	priority_update_clear(&up);
	return rc;
}

static int
set_status(const struct user *u, int status, const char *goal)
{
	struct priority_changes ch = {.goal = goal, .has_status = status >= 0,
				      .status = status};
	struct priority p;
	int rc = FX_W(&X, priorities_update(X.f, u, P, &ch, &p));

	priority_clear(&p);
	return rc;
}

static int
comment(const struct user *u, int64_t update, int64_t parent, const char *body, int64_t *id)
{
	struct comment c;
	int rc = FX_W(&X, outcomes_comment(X.f, u, update, parent, body, &c));

	if (id)
		*id = c.id;
	comment_clear(&c);
	return rc;
}

/* A refused write: the expected error, nothing written, nobody told. */
#define REFUSED(call, want)                                                  \
	do {                                                                 \
		uint64_t before_ = ofp();                                    \
		fx_clear_events(&X);                                         \
		ck_assert_int_eq((call), (want));                            \
		ck_assert_msg(ofp() == before_, "a refused write changed data"); \
		fx_assert_no_event(&X);                                      \
		ck_assert_uint_eq(X.nnotes, 0);                              \
	} while (0)

START_TEST(owner_managers_and_admins_change_outcomes)
{
	const struct user *may[] = {&X.emp, &X.mgr, &X.admin};

	for (size_t i = 0; i < 3; i++) {
		fx_clear_events(&X);
		new_measure(may[i], 20);
		fx_assert_one_event(&X, EV_PRIORITY_UPDATED, R, P);
		ck_assert_int_eq(milestone(may[i], 0, "Pilot", "2027-03-31", -1), OS_OK);
		ck_assert_int_eq(post_update(may[i], P, "Going well", NULL), OS_OK);
		ck_assert_int_eq(set_status(may[i], PST_ACTIVE, "Know *every* customer"), OS_OK);
	}
	ck_assert_int_eq(fx_count(&X, "priority_measures"), 3);
	ck_assert_int_eq(fx_count(&X, "priority_milestones"), 3);
	ck_assert_int_eq(fx_count(&X, "priority_updates"), 3);
}
END_TEST

START_TEST(others_read_but_may_not_change)
{
	int64_t m = new_measure(&X.mgr, 20), up;
	struct measure_point *pts;
	struct measure mm;
	struct priority p;
	size_t n;

	ck_assert_int_eq(post_update(&X.mgr, P, "First", &up), OS_OK);
	forget();
	/* bert is an employee who does not own the priority. */
	REFUSED(measure_set(&X.emp2, P, 0, "Churn", "%", 9, 5, 8, NULL), OS_EFORBIDDEN);
	REFUSED(measure_set(&X.emp2, P, m, "NPS", "", 1, 2, 3, NULL), OS_EFORBIDDEN);
	REFUSED(FX_W(&X, outcomes_measure_delete(X.f, &X.emp2, m, &p)), OS_EFORBIDDEN);
	REFUSED(milestone(&X.emp2, 0, "Pilot", "2027-03-31", -1), OS_EFORBIDDEN);
	REFUSED(post_update(&X.emp2, P, "Mine", NULL), OS_EFORBIDDEN);
	REFUSED(set_status(&X.emp2, PST_DONE, NULL), OS_EFORBIDDEN);
	REFUSED(set_status(&X.emp2, -1, "A goal"), OS_EFORBIDDEN);
	/* The owner changes goal and status, not what managers decide. */
	{
		struct priority_changes ch = {.title = "Mine now"};

		REFUSED(FX_W(&X, priorities_update(X.f, &X.emp, P, &ch, &p)), OS_EFORBIDDEN);
		ch.has_status = 1;
		ch.status = PST_ACTIVE;
		REFUSED(FX_W(&X, priorities_update(X.f, &X.emp, P, &ch, &p)), OS_EFORBIDDEN);
	}
	/* A customer who cannot see the internal round finds nothing. */
	REFUSED(measure_set(&X.cust, P, 0, "Churn", "%", 9, 5, 8, NULL), OS_ENOTFOUND);
	REFUSED(post_update(&X.cust, P, "Hello", NULL), OS_ENOTFOUND);
	REFUSED(comment(&X.cust, up, 0, "Hi", NULL), OS_ENOTFOUND);
	ck_assert_int_eq(outcomes_measure_history(X.f, &X.cust, m, &mm, &pts, &n), OS_ENOTFOUND);
	ck_assert_int_eq(outcomes_priority_for(X.f, &X.cust, P, &p), OS_ENOTFOUND);
	/* bert reads everything, and comments. */
	ck_assert_int_eq(outcomes_measure_history(X.f, &X.emp2, m, &mm, &pts, &n), OS_OK);
	free(pts);
	ck_assert_int_eq(comment(&X.emp2, up, 0, "How do we measure it?", NULL), OS_OK);
}
END_TEST

START_TEST(work_goes_on_after_the_round_closed)
{
	int64_t m = new_measure(&X.emp, 20), up, c;
	struct priority_changes ch = {.title = "Renamed"};
	struct priority_update *ups;
	struct comment **cs;
	struct priority p;
	size_t n, *ncs;

	fx_set_phase(&X, R, PHASE_CLOSED);
	/* The owner and a manager carry on. */
	ck_assert_int_eq(measure_set(&X.emp, P, m, "NPS", "points", 10, 40, 25, NULL), OS_OK);
	ck_assert_int_eq(measure_set(&X.mgr, P, 0, "Churn", "%", 9, 5, 8, NULL), OS_OK);
	ck_assert_int_eq(milestone(&X.mgr, 0, "Pilot", "2027-03-31", 1), OS_OK);
	ck_assert_int_eq(set_status(&X.emp, PST_AT_RISK, NULL), OS_OK);
	ck_assert_int_eq(post_update(&X.emp, P, "Slower than planned", &up), OS_OK);
	/* Management of the priority itself keeps the phase rules. */
	REFUSED(FX_W(&X, priorities_update(X.f, &X.mgr, P, &ch, &p)), OS_EPHASE);
	/* Members still read, comment and follow. */
	ck_assert_int_eq(comment(&X.emp2, up, 0, "What slows it?", &c), OS_OK);
	ck_assert_int_eq(comment(&X.emp, up, c, "Data access", NULL), OS_OK);
	ck_assert_int_eq(FX_W(&X, outcomes_follow(X.f, &X.emp2, P, 1, &p)), OS_OK);
	ck_assert(p.following);
	priority_clear(&p);
	ck_assert_int_eq(outcomes_updates(X.f, &X.emp2, P, &ups, &n, &cs, &ncs), OS_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(ups[0].status, PST_AT_RISK);
	ck_assert_uint_eq(ncs[0], 2);
	ck_assert_int_eq(cs[0][1].parent, c);
	outcomes_updates_free(ups, n, cs, ncs);
	/* bert still may not change anything. */
	REFUSED(post_update(&X.emp2, P, "Mine", NULL), OS_EFORBIDDEN);
}
END_TEST

START_TEST(a_measure_keeps_every_current_with_its_time)
{
	int64_t m = new_measure(&X.emp, 10);
	struct measure_point *pts;
	struct measure mm;
	struct priority p;
	size_t n;

	ck_assert_int_eq(measure_set(&X.emp, P, m, "NPS", "points", 10, 40, 12, NULL), OS_OK);
	/* Renaming keeps current: no new point. */
	ck_assert_int_eq(measure_set(&X.emp, P, m, "Net promoter", "points", 10, 40, 12, NULL),
			 OS_OK);
	ck_assert_int_eq(measure_set(&X.mgr, P, m, "Net promoter", "points", 10, 40, 15.5, &p),
			 OS_OK);
	ck_assert_uint_eq(p.nmeasures, 1);
	ck_assert_str_eq(p.measures[0].name, "Net promoter");
	ck_assert(p.measures[0].current == 15.5);
	ck_assert(p.measures[0].updated_at > 0);
	priority_clear(&p);
	ck_assert_int_eq(outcomes_measure_history(X.f, &X.emp2, m, &mm, &pts, &n), OS_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert(pts[0].value == 10 && pts[1].value == 12 && pts[2].value == 15.5);
	ck_assert(pts[0].at > 0 && pts[0].at <= pts[1].at && pts[1].at <= pts[2].at);
	free(pts);
	/* Deleting a measure deletes its history. */
	ck_assert_int_eq(FX_W(&X, outcomes_measure_delete(X.f, &X.emp, m, &p)), OS_OK);
	ck_assert_uint_eq(p.nmeasures, 0);
	priority_clear(&p);
	ck_assert_int_eq(fx_count(&X, "measure_history"), 0);
	ck_assert_int_eq(outcomes_measure_history(X.f, &X.emp, m, &mm, &pts, &n), OS_ENOTFOUND);
}
END_TEST

START_TEST(bad_input_is_refused_and_changes_nothing)
{
	int64_t m = new_measure(&X.emp, 10), up, other, om, ol;
	char *big = fx_repeat("x", OS_TITLE_MAX + 1), *unit = fx_repeat("u", OS_UNIT_MAX + 1);
	char *body = fx_repeat("y", OS_UPDATE_MAX + 1);
	struct priority p;
	struct priority_changes ch = {.has_status = 1, .status = PST_COUNT};

	ck_assert_int_eq(FX_W(&X, priorities_create(X.f, &X.mgr, R, "Other", "", 0, &p)), OS_OK);
	other = p.id;
	priority_clear(&p);
	ck_assert_int_eq(measure_set(&X.mgr, other, 0, "Cost", "", 1, 2, 1, &p), OS_OK);
	om = p.measures[0].id;
	priority_clear(&p);
	ck_assert_int_eq(FX_W(&X, outcomes_milestone_set(X.f, &X.mgr, other, 0, "M", "2027-01-01",
							 -1, &p)),
			 OS_OK);
	ol = p.milestones[0].id;
	priority_clear(&p);
	ck_assert_int_eq(post_update(&X.emp, P, "First", &up), OS_OK);
	forget();

	REFUSED(measure_set(&X.emp, P, 0, "", "", 1, 2, 3, NULL), OS_EBADREQ);
	REFUSED(measure_set(&X.emp, P, 0, "   ", "", 1, 2, 3, NULL), OS_EBADREQ);
	REFUSED(measure_set(&X.emp, P, 0, "NPS", "", NAN, 2, 3, NULL), OS_EBADREQ);
	REFUSED(measure_set(&X.emp, P, 0, "NPS", "", 1, INFINITY, 3, NULL), OS_EBADREQ);
	REFUSED(measure_set(&X.emp, P, 0, "NPS", "", 1, 2, -2e15, NULL), OS_EBADREQ);
	REFUSED(measure_set(&X.emp, P, m, "NPS", "", 1, 2, NAN, NULL), OS_EBADREQ);
	REFUSED(measure_set(&X.emp, P, 0, big, "", 1, 2, 3, NULL), OS_ETOOLARGE);
	REFUSED(measure_set(&X.emp, P, 0, "NPS", unit, 1, 2, 3, NULL), OS_ETOOLARGE);
	/* A measure of another priority is not one of this one. */
	REFUSED(measure_set(&X.emp, P, om, "Cost", "", 1, 2, 3, NULL), OS_ENOTFOUND);
	REFUSED(measure_set(&X.emp, P, 999999, "Cost", "", 1, 2, 3, NULL), OS_ENOTFOUND);
	REFUSED(measure_set(&X.emp, 999999, 0, "Cost", "", 1, 2, 3, NULL), OS_ENOTFOUND);
	REFUSED(FX_W(&X, outcomes_measure_delete(X.f, &X.emp, 999999, &p)), OS_ENOTFOUND);

	REFUSED(milestone(&X.emp, 0, "Pilot", "2027-02-30", -1), OS_EBADREQ);
	REFUSED(milestone(&X.emp, 0, "Pilot", "2026-02-29", -1), OS_EBADREQ);
	REFUSED(milestone(&X.emp, 0, "Pilot", "2027-13-01", -1), OS_EBADREQ);
	REFUSED(milestone(&X.emp, 0, "Pilot", "2027-1-01", -1), OS_EBADREQ);
	REFUSED(milestone(&X.emp, 0, "Pilot", "27-01-01xx", -1), OS_EBADREQ);
	REFUSED(milestone(&X.emp, 0, "Pilot", "", -1), OS_EBADREQ);
	REFUSED(milestone(&X.emp, 0, "Pilot", NULL, -1), OS_EBADREQ);
	REFUSED(milestone(&X.emp, 0, "", "2027-01-01", -1), OS_EBADREQ);
	REFUSED(milestone(&X.emp, 0, big, "2027-01-01", -1), OS_ETOOLARGE);
	REFUSED(milestone(&X.emp, ol, "Mine", "2027-01-01", -1), OS_ENOTFOUND);
	ck_assert_int_eq(milestone(&X.emp, 0, "Leap day", "2028-02-29", -1), OS_OK);
	forget();

	REFUSED(post_update(&X.emp, P, "", NULL), OS_EBADREQ);
	REFUSED(post_update(&X.emp, P, body, NULL), OS_ETOOLARGE);
	REFUSED(set_status(&X.emp, -1, body), OS_ETOOLARGE);
	REFUSED(FX_W(&X, priorities_update(X.f, &X.emp, P, &ch, &p)), OS_EBADREQ);
	REFUSED(comment(&X.emp2, up, 0, "", NULL), OS_EBADREQ);
	REFUSED(comment(&X.emp2, 999999, 0, "Hi", NULL), OS_ENOTFOUND);
	REFUSED(comment(&X.emp2, up, 999999, "Hi", NULL), OS_EBADREQ);
	free(big);
	free(unit);
	free(body);
}
END_TEST

START_TEST(a_priority_holds_at_most_so_many_measures)
{
	for (int i = 0; i < OUTCOME_MEASURES_MAX; i++)
		ck_assert_int_eq(measure_set(&X.mgr, P, 0, "M", "", 0, 1, 0, NULL), OS_OK);
	REFUSED(measure_set(&X.mgr, P, 0, "One too many", "", 0, 1, 0, NULL), OS_ETOOLARGE);
}
END_TEST

START_TEST(milestones_are_done_and_undone)
{
	struct priority p;
	int64_t id;

	ck_assert_int_eq(FX_W(&X, outcomes_milestone_set(X.f, &X.emp, P, 0, "Pilot",
							 "2027-06-30", -1, &p)),
			 OS_OK);
	id = p.milestones[0].id;
	ck_assert_int_eq(p.milestones[0].done_at, 0);
	priority_clear(&p);
	ck_assert_int_eq(milestone(&X.emp, 0, "Kick-off", "2027-01-15", -1), OS_OK);
	ck_assert_int_eq(FX_W(&X, outcomes_milestone_set(X.f, &X.emp, P, id, "Pilot done",
							 "2027-06-30", 1, &p)),
			 OS_OK);
	/* By due date. */
	ck_assert_uint_eq(p.nmilestones, 2);
	ck_assert_str_eq(p.milestones[0].title, "Kick-off");
	ck_assert_str_eq(p.milestones[1].title, "Pilot done");
	ck_assert(p.milestones[1].done_at > 0);
	priority_clear(&p);
	/* Left out, done stays as it was. */
	ck_assert_int_eq(FX_W(&X, outcomes_milestone_set(X.f, &X.emp, P, id, "Pilot",
							 "2027-07-01", -1, &p)),
			 OS_OK);
	ck_assert(p.milestones[1].done_at > 0);
	ck_assert_str_eq(p.milestones[1].due, "2027-07-01");
	priority_clear(&p);
	ck_assert_int_eq(FX_W(&X, outcomes_milestone_set(X.f, &X.emp, P, id, "Pilot",
							 "2027-07-01", 0, &p)),
			 OS_OK);
	ck_assert_int_eq(p.milestones[1].done_at, 0);
	priority_clear(&p);
	ck_assert_int_eq(FX_W(&X, outcomes_milestone_delete(X.f, &X.emp, id, &p)), OS_OK);
	ck_assert_uint_eq(p.nmilestones, 1);
	priority_clear(&p);
}
END_TEST

static size_t
notes_for(int64_t user, int kind)
{
	size_t n = 0;

	for (size_t i = 0; i < X.nnotes; i++)
		if (X.notes[i].recipient == user && X.notes[i].kind == kind)
			n++;
	return n;
}

START_TEST(contributors_follow_and_hear_of_updates_and_status)
{
	struct post post;
	struct priority p;
	struct comment c;
	int64_t up;

	/* anna wrote the linked idea; bert comments on it; the admin votes. */
	ck_assert_int_eq(FX_W(&X, comments_create(X.f, &X.emp2, IDEA, 0, "Yes", &c)), OS_OK);
	comment_clear(&c);
	ck_assert_int_eq(FX_W(&X, votes_cast(X.f, &X.admin, IDEA, 1, 1, 0, 0, &post)), OS_OK);
	post_clear(&post);
	ck_assert_int_eq(outcomes_priority_for(X.f, &X.emp2, P, &p), OS_OK);
	ck_assert(p.has_following && p.following);
	priority_clear(&p);
	ck_assert_int_eq(outcomes_priority_for(X.f, &X.mgr, P, &p), OS_OK);
	ck_assert(p.has_following && !p.following);
	priority_clear(&p);
	forget();

	ck_assert_int_eq(post_update(&X.mgr, P, "We started", &up), OS_OK);
	ck_assert_uint_eq(notes_for(X.emp.id, NK_PRIORITY_UPDATE), 1);
	ck_assert_uint_eq(notes_for(X.emp2.id, NK_PRIORITY_UPDATE), 1);
	ck_assert_uint_eq(notes_for(X.admin.id, NK_PRIORITY_UPDATE), 1);
	ck_assert_uint_eq(notes_for(X.mgr.id, NK_PRIORITY_UPDATE), 0); /* the author */
	ck_assert_uint_eq(X.nnotes, 3);
	ck_assert_int_eq(fx_count(&X, "notifications"), 3);
	forget();

	/* A status change tells them; the same status again, or a new goal,
	 * does not. */
	ck_assert_int_eq(set_status(&X.mgr, PST_ACTIVE, NULL), OS_OK);
	ck_assert_uint_eq(notes_for(X.emp2.id, NK_PRIORITY_STATUS), 1);
	ck_assert_uint_eq(X.nnotes, 3);
	forget();
	ck_assert_int_eq(set_status(&X.mgr, PST_ACTIVE, "A goal"), OS_OK);
	ck_assert_uint_eq(X.nnotes, 0);

	/* bert stops following; carl... cannot see it; the manager follows. */
	ck_assert_int_eq(FX_W(&X, outcomes_follow(X.f, &X.emp2, P, 0, &p)), OS_OK);
	ck_assert(!p.following);
	priority_clear(&p);
	ck_assert_int_eq(FX_W(&X, outcomes_follow(X.f, &X.cust2, P, 1, &p)), OS_ENOTFOUND);
	ck_assert_int_eq(FX_W(&X, outcomes_follow(X.f, &X.mgr, P, 1, &p)), OS_OK);
	ck_assert(p.following);
	priority_clear(&p);
	forget();
	ck_assert_int_eq(post_update(&X.emp, P, "Halfway", NULL), OS_OK);
	ck_assert_uint_eq(notes_for(X.emp2.id, NK_PRIORITY_UPDATE), 0);
	ck_assert_uint_eq(notes_for(X.mgr.id, NK_PRIORITY_UPDATE), 1);
	ck_assert_uint_eq(notes_for(X.admin.id, NK_PRIORITY_UPDATE), 1);
	ck_assert_uint_eq(notes_for(X.emp.id, NK_PRIORITY_UPDATE), 0); /* the author */
	for (size_t i = 0; i < X.nnotes; i++)
		ck_assert_int_eq(X.notes[i].round, R);
}
END_TEST

START_TEST(customers_follow_only_what_they_can_see)
{
	struct priority p;
	struct post post;
	int64_t rb, pb, idea;

	rb = fx_round(&X, VOTE_UPDOWN, 0, AUD_INVITED, PHASE_OPEN);
	fx_member(&X, rb, &X.cust);
	ck_assert_int_eq(FX_W(&X, priorities_create(X.f, &X.mgr, rb, "Onboarding", "", 0, &p)),
			 OS_OK);
	pb = p.id;
	priority_clear(&p);
	ck_assert_int_eq(FX_W(&X, posts_create(X.f, &X.cust, rb, KIND_IDEA, "Faster set-up",
					       "Please", &post)),
			 OS_OK);
	idea = post.id;
	post_clear(&post);
	ck_assert_int_eq(FX_W(&X, priorities_link(X.f, &X.mgr, pb, idea, &p)), OS_OK);
	priority_clear(&p);
	forget();
	ck_assert_int_eq(post_update(&X.mgr, pb, "Shipped", NULL), OS_OK);
	ck_assert_uint_eq(notes_for(X.cust.id, NK_PRIORITY_UPDATE), 1);
	/* Access revoked: no more notices. */
	ck_assert_int_eq(fx_exec(&X, "UPDATE round_members SET revoked_at = 1"),
			 SQL_OK);
	forget();
	ck_assert_int_eq(post_update(&X.mgr, pb, "Again", NULL), OS_OK);
	ck_assert_uint_eq(X.nnotes, 0);
}
END_TEST

START_TEST(an_update_carries_the_status_and_is_news)
{
	struct priority_update *ups;
	struct comment **cs;
	struct priority p;
	size_t n, *ncs;
	int64_t a, b;

	ck_assert_int_eq(post_update(&X.emp, P, "Planning", &a), OS_OK);
	ck_assert_int_eq(set_status(&X.emp, PST_DONE, NULL), OS_OK);
	fx_clear_events(&X);
	ck_assert_int_eq(post_update(&X.emp, P, "**Done**", &b), OS_OK);
	ck_assert_uint_eq(X.nev, 2);
	ck_assert_int_eq(X.ev[0].type, EV_PRIORITY_UPDATE_POSTED);
	ck_assert_int_eq(X.ev[1].type, EV_PRIORITY_UPDATED);
	ck_assert_int_eq(X.ev[1].round, R);
	ck_assert_int_eq(outcomes_updates(X.f, &X.emp2, P, &ups, &n, &cs, &ncs), OS_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(ups[0].id, b); /* newest first */
	ck_assert_int_eq(ups[0].status, PST_DONE);
	ck_assert_int_eq(ups[1].status, PST_PLANNED);
	ck_assert_ptr_nonnull(strstr(ups[0].body_html, "<strong>Done</strong>"));
	ck_assert_int_eq(ups[0].author.id, X.emp.id);
	outcomes_updates_free(ups, n, cs, ncs);
	ck_assert_int_eq(outcomes_priority_for(X.f, &X.emp2, P, &p), OS_OK);
	ck_assert_int_eq(p.nupdates, 2);
	ck_assert_int_eq(p.status, PST_DONE);
	priority_clear(&p);
	/* A comment on an update is news in the round. */
	fx_clear_events(&X);
	ck_assert_int_eq(comment(&X.emp2, a, 0, "Thanks", NULL), OS_OK);
	fx_assert_one_event(&X, EV_UPDATE_COMMENTED, R, 0);
}
END_TEST

START_TEST(the_goal_is_markdown_rendered_safely)
{
	struct priority p;

	ck_assert_int_eq(set_status(&X.emp, -1, "  Know *every* customer <script>x</script> "),
			 OS_OK);
	ck_assert_int_eq(outcomes_priority_for(X.f, &X.emp2, P, &p), OS_OK);
	ck_assert_str_eq(p.goal, "Know *every* customer <script>x</script>");
	ck_assert_ptr_nonnull(strstr(p.goal_html, "<em>every</em>"));
	ck_assert_ptr_null(strstr(p.goal_html, "<script>"));
	priority_clear(&p);
}
END_TEST

START_TEST(dates_are_calendar_days)
{
	ck_assert(outcomes_date_valid("2027-01-31"));
	ck_assert(outcomes_date_valid("2024-02-29"));
	ck_assert(outcomes_date_valid("2000-02-29"));
	ck_assert(!outcomes_date_valid("1900-02-29"));
	ck_assert(!outcomes_date_valid("2027-04-31"));
	ck_assert(!outcomes_date_valid("2027-00-10"));
	ck_assert(!outcomes_date_valid("2027-01-00"));
	ck_assert(!outcomes_date_valid("2027/01/10"));
	ck_assert(!outcomes_date_valid("2027-01-10T00"));
	ck_assert(!outcomes_date_valid("+027-01-10"));
}
END_TEST

START_TEST(leadership_sees_every_round_with_priorities)
{
	struct outcome_round *o;
	struct priority p;
	size_t n;
	int64_t other = fx_open_round(&X), empty = fx_open_round(&X);

	(void)empty;
	ck_assert_int_eq(FX_W(&X, priorities_create(X.f, &X.mgr, other, "Cost", "", 0, &p)), OS_OK);
	priority_clear(&p);
	new_measure(&X.emp, 20);
	ck_assert_int_eq(outcomes_overview(X.f, &X.emp, &o, &n), OS_EFORBIDDEN);
	ck_assert_int_eq(outcomes_overview(X.f, &X.cust, &o, &n), OS_EFORBIDDEN);
	ck_assert_int_eq(outcomes_overview(X.f, &X.admin, &o, &n), OS_OK);
	/* The round without priorities is left out. */
	ck_assert_uint_eq(n, 2);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(o[i].npriorities, 1);
		ck_assert(o[i].round.id == R || o[i].round.id == other);
		if (o[i].round.id == R)
			ck_assert_uint_eq(o[i].priorities[0].nmeasures, 1);
	}
	outcomes_overview_free(o, n);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("outcomes");
	TCase *t = tcase_create("rules");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, owner_managers_and_admins_change_outcomes);
	tcase_add_test(t, others_read_but_may_not_change);
	tcase_add_test(t, work_goes_on_after_the_round_closed);
	tcase_add_test(t, a_measure_keeps_every_current_with_its_time);
	tcase_add_test(t, bad_input_is_refused_and_changes_nothing);
	tcase_add_test(t, a_priority_holds_at_most_so_many_measures);
	tcase_add_test(t, milestones_are_done_and_undone);
	tcase_add_test(t, contributors_follow_and_hear_of_updates_and_status);
	tcase_add_test(t, customers_follow_only_what_they_can_see);
	tcase_add_test(t, an_update_carries_the_status_and_is_news);
	tcase_add_test(t, the_goal_is_markdown_rendered_safely);
	tcase_add_test(t, dates_are_calendar_days);
	tcase_add_test(t, leadership_sees_every_round_with_priorities);
	suite_add_tcase(s, t);
	return s;
}

int
main(void)
{
	return fx_run(suite());
}
