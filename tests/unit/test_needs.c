/*
 * src/forum/needs.c: needs (who may make and link them, links within the
 * round only), what a need's ideas gather by role and organisation, what
 * became of a person's posts (my_ideas), and the customer organisations
 * overview (orgs_list).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "forum/merge.h"
#include "forum/moderation.h"
#include "forum/needs.h"
#include "forum/posts.h"
#include "forum/priorities.h"
#include "forum/ranking.h"
#include "forum/votes.h"

static struct fx X;

static void
setup(void)
{
	fx_open(&X, 0);
}

static void
teardown(void)
{
	fx_close(&X);
}

static int64_t
idea_t(const struct user *u, int64_t round, const char *title)
{
	struct post p;

	ck_assert_int_eq(FX_W(&X, posts_create(X.f, u, round, KIND_IDEA, title, "Body", &p)),
			 OS_OK);
	int64_t id = p.id;
	post_clear(&p);
	fx_clear_events(&X);
	return id;
}

static int64_t
idea(const struct user *u, int64_t round)
{
	return idea_t(u, round, "An idea");
}

static int
create(const struct user *u, int64_t round, const char *title, int64_t *id)
{
	struct need n;
	int rc = FX_W(&X, needs_create(X.f, u, round, title, "Why *this*", &n));

	if (id)
		*id = rc ? 0 : n.id;
	need_clear(&n);
	return rc;
}

static int64_t
need(int64_t round, const char *title)
{
	int64_t id;

	ck_assert_int_eq(create(&X.mgr, round, title, &id), OS_OK);
	fx_clear_events(&X);
	return id;
}

static int
link(const struct user *u, int64_t need_id, int target, int64_t id, int on)
{
	struct need n;
	int rc = FX_W(&X, needs_link(X.f, u, need_id, target, id, on, &n));

	need_clear(&n);
	return rc;
}

static void
vote(const struct user *u, int64_t post, int value)
{
	struct post p;

	ck_assert_int_eq(FX_W(&X, votes_cast(X.f, u, post, 1, value, 0, 0, &p)), OS_OK);
	post_clear(&p);
	fx_clear_events(&X);
}

static void
comment(const struct user *u, int64_t post)
{
	struct comment c;

	ck_assert_int_eq(FX_W(&X, comments_create(X.f, u, post, 0, "I agree", &c)), OS_OK);
	comment_clear(&c);
	fx_clear_events(&X);
}

static int64_t
priority(int64_t round, const char *title)
{
	struct priority p;
	int64_t id;

	ck_assert_int_eq(FX_W(&X, priorities_create(X.f, &X.mgr, round, title, "", 0, &p)),
			 OS_OK);
	id = p.id;
	priority_clear(&p);
	fx_clear_events(&X);
	return id;
}

static void
set_org(const struct user *u, const char *org)
{
	char sql[160];

	snprintf(sql, sizeof sql, "UPDATE users SET org = '%s' WHERE id = %lld", org,
		 (long long)u->id);
	ck_assert_int_eq(fx_exec(&X, sql), SQL_OK);
}

static struct need
get(int64_t id)
{
	struct need n;

	ck_assert_int_eq(store_need_get(X.st, id, &n), OS_OK);
	return n;
}

START_TEST(test_create_roles)
{
	int64_t round = fx_open_round(&X), id = 0;
	uint64_t before;
	struct need n;

	ck_assert_int_eq(create(&X.mgr, round, "Faster delivery", &id), OS_OK);
	fx_assert_one_event(&X, EV_NEED_UPDATED, round, id);
	fx_clear_events(&X);
	n = get(id);
	ck_assert_str_eq(n.title, "Faster delivery");
	ck_assert_ptr_nonnull(strstr(n.description_html, "<em>this</em>"));
	need_clear(&n);
	ck_assert_int_eq(create(&X.admin, round, "Cheaper", NULL), OS_OK);
	fx_clear_events(&X);

	before = fx_fingerprint(&X);
	ck_assert_int_eq(create(&X.emp, round, "Mine", NULL), OS_EFORBIDDEN);
	/* An internal round does not exist for a customer. */
	ck_assert_int_eq(create(&X.cust, round, "Mine", NULL), OS_ENOTFOUND);
	ck_assert_int_eq(create(&X.mgr, round, "   ", NULL), OS_EBADREQ);
	ck_assert_int_eq(create(&X.mgr, 99999, "Lost", NULL), OS_ENOTFOUND);
	ck_assert_int_eq(fx_count(&X, "needs"), 2);
	ck_assert_uint_eq(fx_fingerprint(&X), before);
	fx_assert_no_event(&X);

	/* A closed round is leadership's history: admins only. */
	fx_set_phase(&X, round, PHASE_CLOSED);
	ck_assert_int_eq(create(&X.mgr, round, "Late", NULL), OS_EPHASE);
	ck_assert_int_eq(create(&X.admin, round, "Late", NULL), OS_OK);
}
END_TEST

START_TEST(test_link_round_only)
{
	int64_t a = fx_open_round(&X), b = fx_open_round(&X);
	int64_t pa = idea(&X.emp, a), pa2 = idea(&X.emp2, a), pb = idea(&X.emp, b);
	int64_t na = need(a, "Need A"), na2 = need(a, "Need A2");
	int64_t qa = priority(a, "Prio A"), qb = priority(b, "Prio B");
	uint64_t before;
	struct need n;

	ck_assert_int_eq(link(&X.mgr, na, NEED_POST, pa, 1), OS_OK);
	fx_assert_one_event(&X, EV_NEED_UPDATED, a, na);
	fx_clear_events(&X);
	/* An idea may serve several needs; a priority answer several. */
	ck_assert_int_eq(link(&X.admin, na2, NEED_POST, pa, 1), OS_OK);
	ck_assert_int_eq(link(&X.mgr, na, NEED_POST, pa2, 1), OS_OK);
	ck_assert_int_eq(link(&X.mgr, na, NEED_PRIORITY, qa, 1), OS_OK);
	ck_assert_int_eq(link(&X.mgr, na2, NEED_PRIORITY, qa, 1), OS_OK);
	/* Linking again changes nothing. */
	ck_assert_int_eq(link(&X.mgr, na, NEED_POST, pa, 1), OS_OK);
	fx_clear_events(&X);
	n = get(na);
	ck_assert_uint_eq(n.nposts, 2);
	ck_assert_int_eq(n.posts[0], pa);
	ck_assert_int_eq(n.posts[1], pa2);
	ck_assert_uint_eq(n.npriorities, 1);
	ck_assert_int_eq(n.priorities[0], qa);
	need_clear(&n);

	before = fx_fingerprint(&X);
	ck_assert_int_eq(fx_count(&X, "need_posts"), 3);
	/* Another round's post or priority is refused, and so is everyone
	 * but managers and admins. */
	ck_assert_int_eq(link(&X.mgr, na, NEED_POST, pb, 1), OS_EBADREQ);
	ck_assert_int_eq(link(&X.mgr, na, NEED_PRIORITY, qb, 1), OS_EBADREQ);
	ck_assert_int_eq(link(&X.mgr, na, NEED_POST, 99999, 1), OS_ENOTFOUND);
	ck_assert_int_eq(link(&X.mgr, na, NEED_PRIORITY, 99999, 1), OS_ENOTFOUND);
	ck_assert_int_eq(link(&X.mgr, 99999, NEED_POST, pa, 1), OS_ENOTFOUND);
	ck_assert_int_eq(link(&X.emp, na, NEED_POST, pa2, 0), OS_EFORBIDDEN);
	ck_assert_int_eq(link(&X.cust, na, NEED_POST, pa2, 0), OS_ENOTFOUND);
	ck_assert_int_eq(link(&X.mgr, na2, NEED_POST, pa2, 0), OS_ENOTFOUND);
	ck_assert_int_eq(fx_count(&X, "need_posts"), 3);
	ck_assert_int_eq(fx_count(&X, "need_priorities"), 2);
	ck_assert_uint_eq(fx_fingerprint(&X), before);
	fx_assert_no_event(&X);

	ck_assert_int_eq(link(&X.mgr, na, NEED_POST, pa2, 0), OS_OK);
	fx_assert_one_event(&X, EV_NEED_UPDATED, a, na);
	ck_assert_int_eq(link(&X.mgr, na, NEED_PRIORITY, qa, 0), OS_OK);
	n = get(na);
	ck_assert_uint_eq(n.nposts, 1);
	ck_assert_uint_eq(n.npriorities, 0);
	need_clear(&n);
}
END_TEST

START_TEST(test_update_delete_list)
{
	int64_t round = fx_open_round(&X), id = need(round, "Old"), other = need(round, "Other");
	struct need_changes ch = {.title = "New", .description = "**bold**"};
	struct need n, *all;
	size_t cnt;

	ck_assert_int_eq(FX_W(&X, needs_update(X.f, &X.emp, id, &ch, &n)), OS_EFORBIDDEN);
	fx_assert_no_event(&X);
	ck_assert_int_eq(FX_W(&X, needs_update(X.f, &X.mgr, id, &ch, &n)), OS_OK);
	ck_assert_str_eq(n.title, "New");
	ck_assert_ptr_nonnull(strstr(n.description_html, "<strong>bold</strong>"));
	need_clear(&n);
	fx_assert_one_event(&X, EV_NEED_UPDATED, round, id);
	fx_clear_events(&X);

	/* Members read the needs; a customer not in the round does not. */
	ck_assert_int_eq(needs_list(X.f, &X.emp, round, &all, &cnt), OS_OK);
	ck_assert_uint_eq(cnt, 2);
	for (size_t i = 0; i < cnt; i++)
		need_clear(&all[i]);
	free(all);
	ck_assert_int_eq(needs_list(X.f, &X.cust, round, &all, &cnt), OS_ENOTFOUND);

	ck_assert_int_eq(FX_W(&X, needs_delete(X.f, &X.emp, id)), OS_EFORBIDDEN);
	ck_assert_int_eq(FX_W(&X, needs_delete(X.f, &X.mgr, id)), OS_OK);
	fx_assert_one_event(&X, EV_NEED_DELETED, round, id);
	ck_assert_int_eq(FX_W(&X, needs_delete(X.f, &X.mgr, id)), OS_ENOTFOUND);
	ck_assert_int_eq(FX_W(&X, needs_update(X.f, &X.mgr, id, &ch, &n)), OS_ENOTFOUND);
	ck_assert_int_eq(needs_list(X.f, &X.emp, round, &all, &cnt), OS_OK);
	ck_assert_uint_eq(cnt, 1);
	ck_assert_int_eq(all[0].id, other);
	need_clear(&all[0]);
	free(all);
}
END_TEST

/* Support by role: employees, customers, managers with admins. */
START_TEST(test_support_by_role)
{
	int64_t round = fx_round(&X, VOTE_UPDOWN, 0, AUD_INVITED, PHASE_OPEN);
	struct user c3;
	int64_t p1, p2, p3, id;
	struct ranking rk;
	const struct need_support *s;

	fx_user(&X, "cora", ROLE_CUSTOMER, &c3);
	set_org(&X.cust, "Helio");
	set_org(&X.cust2, "Nordic");
	set_org(&c3, "Orbit");
	fx_member(&X, round, &X.cust);
	fx_member(&X, round, &X.cust2);
	fx_member(&X, round, &c3);
	p1 = idea(&X.emp, round);
	p2 = idea(&X.emp2, round);
	p3 = idea(&X.emp2, round);
	id = need(round, "Speed");
	ck_assert_int_eq(link(&X.mgr, id, NEED_POST, p1, 1), OS_OK);
	ck_assert_int_eq(link(&X.mgr, id, NEED_POST, p2, 1), OS_OK);
	ck_assert_int_eq(link(&X.mgr, id, NEED_POST, p3, 1), OS_OK);
	vote(&X.emp, p1, 1);
	vote(&X.emp, p2, 1);
	vote(&X.emp2, p1, -1);
	vote(&X.cust, p2, 1);
	vote(&X.mgr, p1, 1);
	vote(&X.admin, p2, -1);
	/* Standing behind by a comment; a down vote is no backing. */
	comment(&X.cust2, p1);
	vote(&c3, p1, -1);
	/* A hidden idea's votes do not count. */
	vote(&X.emp2, p3, 1);
	ck_assert_int_eq(FX_W(&X, mod_hide(X.f, &X.mgr, TARGET_POST, p3, 1, "spam")), OS_OK);

	ck_assert_int_eq(ranking_build(X.f, &X.emp, round, &rk), OS_EFORBIDDEN);
	ck_assert_int_eq(ranking_build(X.f, &X.mgr, round, &rk), OS_OK);
	ck_assert_uint_eq(rk.nneeds, 1);
	s = &rk.needs[0];
	ck_assert_int_eq(s->need.id, id);
	ck_assert_int_eq(s->g[0].up, 2);
	ck_assert_int_eq(s->g[0].down, 1);
	ck_assert_int_eq(s->g[0].people, 1);
	ck_assert_int_eq(needs_group_support(&s->g[0], VOTE_UPDOWN), 1);
	ck_assert_int_eq(s->g[1].up, 1);
	ck_assert_int_eq(s->g[1].down, 1);
	ck_assert_int_eq(s->g[1].people, 1);
	ck_assert_int_eq(s->g[2].up, 1);
	ck_assert_int_eq(s->g[2].down, 1);
	ck_assert_int_eq(needs_group_support(&s->g[2], VOTE_UPDOWN), 0);
	ck_assert_int_eq(s->support, 1);
	ck_assert_uint_eq(s->norgs, 2);
	ck_assert_str_eq(s->orgs[0].org, "Helio");
	ck_assert_str_eq(s->orgs[1].org, "Nordic");
	ranking_clear(&rk);
}
END_TEST

START_TEST(test_support_dots)
{
	int64_t round = fx_round(&X, VOTE_DOTS, 5, AUD_INTERNAL, PHASE_OPEN);
	int64_t p1 = idea(&X.emp, round), id = need(round, "Dots");
	struct ranking rk;
	struct post p;

	ck_assert_int_eq(link(&X.mgr, id, NEED_POST, p1, 1), OS_OK);
	ck_assert_int_eq(FX_W(&X, votes_cast(X.f, &X.emp2, p1, 0, 0, 1, 3, &p)), OS_OK);
	post_clear(&p);
	ck_assert_int_eq(ranking_build(X.f, &X.admin, round, &rk), OS_OK);
	ck_assert_int_eq(rk.needs[0].g[0].dots, 3);
	ck_assert_int_eq(rk.needs[0].g[0].people, 1);
	ck_assert_int_eq(rk.needs[0].support, 3);
	ranking_clear(&rk);
}
END_TEST

static const struct my_idea *
find_idea(const struct my_idea *a, size_t n, int64_t post)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].post.id == post)
			return &a[i];
	return NULL;
}

START_TEST(test_my_ideas)
{
	int64_t round = fx_open_round(&X);
	int64_t mine1 = idea_t(&X.emp, round, "First of mine");
	int64_t mine2 = idea_t(&X.emp, round, "Second of mine");
	int64_t theirs = idea_t(&X.emp2, round, "Theirs");
	int64_t tie = idea_t(&X.emp2, round, "Newer, no votes");
	int64_t nid = need(round, "Reach"), qid = priority(round, "Grow abroad");
	const struct my_idea *m;
	struct my_idea *a;
	struct post p;
	size_t n;

	vote(&X.mgr, mine2, 1);
	vote(&X.admin, mine2, 1);
	vote(&X.emp2, mine2, 1);
	vote(&X.emp2, theirs, 1);
	vote(&X.mgr, tie, 1);
	ck_assert_int_eq(link(&X.mgr, nid, NEED_POST, mine2, 1), OS_OK);
	{
		struct priority pr;

		ck_assert_int_eq(FX_W(&X, priorities_link(X.f, &X.mgr, qid, mine2, &pr)), OS_OK);
		priority_clear(&pr);
	}
	ck_assert_int_eq(FX_W(&X, posts_merge(X.f, &X.mgr, mine1, theirs, &p)), OS_OK);
	post_clear(&p);

	ck_assert_int_eq(my_ideas(X.f, &X.emp, &a, &n), OS_OK);
	ck_assert_uint_eq(n, 2);
	/* Newest first. */
	ck_assert_int_eq(a[0].post.id, mine2);
	ck_assert_int_eq(a[1].post.id, mine1);
	m = find_idea(a, n, mine2);
	ck_assert_int_eq(m->rank, 1);
	ck_assert_int_eq(m->of, 3);
	ck_assert_int_eq(m->round.id, round);
	ck_assert_uint_eq(m->nneeds, 1);
	ck_assert_str_eq(m->needs[0].title, "Reach");
	ck_assert_int_eq(m->has_priority, 1);
	ck_assert_str_eq(m->priority.title, "Grow abroad");
	m = find_idea(a, n, mine1);
	ck_assert_int_eq(post_status(&m->post), STATUS_MERGED);
	ck_assert_int_eq(m->post.merged_into, theirs);
	ck_assert_str_eq(m->merged_title, "Theirs");
	ck_assert_int_eq(m->rank, 0);
	ck_assert_int_eq(m->has_priority, 0);
	my_ideas_free(a, n);

	/* "Theirs" and the newer post have one up vote each, fewer than the
	 * author's second idea: equal scores go newest first, as in the
	 * round's Top view. */
	ck_assert_int_eq(my_ideas(X.f, &X.emp2, &a, &n), OS_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(find_idea(a, n, tie)->rank, 2);
	ck_assert_int_eq(find_idea(a, n, theirs)->rank, 3);
	my_ideas_free(a, n);

	/* Nothing written, nothing listed. */
	ck_assert_int_eq(my_ideas(X.f, &X.cust, &a, &n), OS_OK);
	ck_assert_uint_eq(n, 0);
	my_ideas_free(a, n);
}
END_TEST

START_TEST(test_my_ideas_only_visible_rounds)
{
	int64_t round = fx_round(&X, VOTE_UPDOWN, 0, AUD_INVITED, PHASE_OPEN), hid;
	struct my_idea *a;
	size_t n;

	fx_member(&X, round, &X.cust);
	hid = idea(&X.cust, round);
	ck_assert_int_eq(FX_W(&X, mod_hide(X.f, &X.mgr, TARGET_POST, hid, 1, "off topic")), OS_OK);
	/* Hidden: gone for its author as for every other member. */
	ck_assert_int_eq(my_ideas(X.f, &X.cust, &a, &n), OS_OK);
	ck_assert_uint_eq(n, 0);
	my_ideas_free(a, n);
	ck_assert_int_eq(FX_W(&X, mod_hide(X.f, &X.mgr, TARGET_POST, hid, 0, "fine")), OS_OK);
	ck_assert_int_eq(my_ideas(X.f, &X.cust, &a, &n), OS_OK);
	ck_assert_uint_eq(n, 1);
	my_ideas_free(a, n);
	ck_assert_int_eq(FX_W(&X, store_member_revoke(X.st, round, X.cust.id)), OS_OK);
	ck_assert_int_eq(my_ideas(X.f, &X.cust, &a, &n), OS_OK);
	ck_assert_uint_eq(n, 0);
	my_ideas_free(a, n);
}
END_TEST

static const struct org_summary *
find_org(const struct org_summary *a, size_t n, const char *org)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(a[i].org, org))
			return &a[i];
	return NULL;
}

START_TEST(test_orgs)
{
	int64_t round = fx_round(&X, VOTE_UPDOWN, 0, AUD_INVITED, PHASE_OPEN);
	int64_t p1, p2, nid;
	const struct org_summary *o;
	struct org_summary *a;
	struct user c3;
	size_t n;

	fx_user(&X, "cora", ROLE_CUSTOMER, &c3);
	set_org(&X.cust, "Helio");
	set_org(&c3, "Helio");
	set_org(&X.cust2, "Nordic");
	fx_member(&X, round, &X.cust);
	fx_member(&X, round, &X.cust2);
	fx_member(&X, round, &c3);
	p1 = idea_t(&X.cust, round, "Customer idea");
	p2 = idea_t(&X.emp, round, "Staff idea");
	comment(&X.cust, p2);
	vote(&X.cust, p2, 1);
	vote(&c3, p2, 1);
	/* Staff are against what Helio wants: a disagreement. On p1 they
	 * agree. */
	vote(&X.emp, p2, -1);
	vote(&X.emp2, p2, -1);
	vote(&X.mgr, p2, -1);
	vote(&X.emp, p1, 1);
	vote(&c3, p1, 1);
	nid = need(round, "Lower cost");
	ck_assert_int_eq(link(&X.mgr, nid, NEED_POST, p2, 1), OS_OK);

	ck_assert_int_eq(orgs_list(X.f, &X.emp, &a, &n), OS_EFORBIDDEN);
	ck_assert_int_eq(orgs_list(X.f, &X.cust, &a, &n), OS_EFORBIDDEN);
	ck_assert_int_eq(orgs_list(X.f, &X.mgr, &a, &n), OS_OK);
	ck_assert_uint_eq(n, 2);
	o = find_org(a, n, "Helio");
	ck_assert_ptr_nonnull(o);
	ck_assert_uint_eq(o->npeople, 2);
	ck_assert_int_eq(o->ideas, 1);
	ck_assert_int_eq(o->comments, 1);
	ck_assert_int_eq(o->votes, 3);
	ck_assert_uint_eq(o->nrounds, 1);
	ck_assert_int_eq(o->rounds[0].id, round);
	ck_assert_int_gt(o->last_active, 0);
	ck_assert_uint_eq(o->nneeds, 1);
	ck_assert_int_eq(o->needs[0].id, nid);
	ck_assert_uint_eq(o->ndisagree, 1);
	ck_assert_int_eq(o->disagree[0].post, p2);
	ck_assert_int_eq(o->disagree[0].org_net, 2);
	ck_assert_int_eq(o->disagree[0].staff_net, -3);
	o = find_org(a, n, "Nordic");
	ck_assert_ptr_nonnull(o);
	ck_assert_uint_eq(o->npeople, 1);
	ck_assert_int_eq(o->ideas + o->comments + o->votes, 0);
	ck_assert_int_eq(o->last_active, 0);
	ck_assert_uint_eq(o->nneeds, 0);
	ck_assert_uint_eq(o->ndisagree, 0);
	store_orgs_free(a, n);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("needs");
	TCase *tc = tcase_create("needs");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_create_roles);
	tcase_add_test(tc, test_link_round_only);
	tcase_add_test(tc, test_update_delete_list);
	tcase_add_test(tc, test_support_by_role);
	tcase_add_test(tc, test_support_dots);
	tcase_add_test(tc, test_my_ideas);
	tcase_add_test(tc, test_my_ideas_only_visible_rounds);
	tcase_add_test(tc, test_orgs);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return fx_run(suite());
}
