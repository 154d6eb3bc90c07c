/*
 * src/forum/paging.c and users_find(): a big round's posts a page at a
 * time (cursors that neither repeat nor skip a post while others are
 * created, limits, cursors that are not ours), and people to pick by name.
 */
#include "fixture.h"

#include "forum/merge.h"
#include "forum/moderation.h"
#include "forum/paging.h"
#include "forum/posts.h"
#include "forum/users.h"
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
post(const struct user *u, int64_t round, int kind, int n)
{
	char title[64];
	struct post p;
	int64_t id;

	snprintf(title, sizeof title, "Post number %d", n);
	ck_assert_int_eq(FX_W(&X, posts_create(X.f, u, round, kind, title, "Body.", &p)), OS_OK);
	id = p.id;
	post_clear(&p);
	return id;
}

static void
vote(const struct user *u, int64_t post_id, int value)
{
	struct post p;

	ck_assert_int_eq(FX_W(&X, votes_cast(X.f, u, post_id, 1, value, 0, 0, &p)), OS_OK);
	post_clear(&p);
}

/* Reads every page of round in q's order, limit at a time, into ids (at
 * most max); calls between(page number) after each page but the last.
 * Returns how many ids were read. */
static size_t
read_all(const struct user *u, int64_t round, struct posts_query q, int64_t *ids, size_t max,
	 void (*between)(int page))
{
	char cursor[POSTS_CURSOR_SZ] = "";
	size_t n = 0;

	for (int page = 0;; page++) {
		struct posts_page pg;
		size_t got;

		q.cursor = cursor;
		ck_assert_int_eq(posts_list(X.f, u, round, &q, &pg), OS_OK);
		ck_assert_uint_le(pg.n, (size_t)q.limit);
		got = pg.n;
		for (size_t i = 0; i < pg.n; i++) {
			ck_assert_uint_lt(n, max);
			ids[n++] = pg.posts[i].id;
		}
		memcpy(cursor, pg.next, sizeof cursor);
		posts_page_clear(&pg);
		if (!cursor[0])
			break;
		ck_assert_uint_eq(got, (size_t)q.limit);
		if (between)
			between(page);
	}
	return n;
}

static int64_t paging_round;
static int64_t created[64];
static size_t ncreated;

/* While someone pages: two new ideas and a new plan. */
static void
create_some(int page)
{
	int64_t a = post(&X.emp, paging_round, KIND_IDEA, 1000 + page);
	int64_t b = post(&X.emp2, paging_round, KIND_IDEA, 2000 + page);
	int64_t c = post(&X.mgr, paging_round, KIND_PLAN, 3000 + page);

	created[ncreated++] = a;
	created[ncreated++] = b;
	created[ncreated++] = c;
}

static int
count_of(const int64_t *ids, size_t n, int64_t id)
{
	int c = 0;

	for (size_t i = 0; i < n; i++)
		c += ids[i] == id;
	return c;
}

START_TEST(new_order_neither_repeats_nor_skips_while_posts_arrive)
{
	int64_t before[40], got[128];
	size_t n;
	struct posts_query q = {.order = POSTS_NEW, .kind = -1, .limit = 7};

	paging_round = fx_open_round(&X);
	ncreated = 0;
	for (int i = 0; i < 40; i++)
		before[i] = post(i % 10 == 0 ? &X.mgr : &X.emp, paging_round,
				 i % 10 == 0 ? KIND_PLAN : KIND_IDEA, i);
	n = read_all(&X.emp, paging_round, q, got, 128, create_some);
	/* Every post there before paging began, exactly once. */
	for (int i = 0; i < 40; i++)
		ck_assert_msg(count_of(got, n, before[i]) == 1, "post %lld listed %d times",
			      (long long)before[i], count_of(got, n, before[i]));
	/* The new ones come first in their group: never in a later page. */
	for (size_t i = 0; i < ncreated; i++)
		ck_assert_int_eq(count_of(got, n, created[i]), 0);
	ck_assert_uint_eq(n, 40);
	/* Plans first, then ideas; newest first within each. */
	for (size_t i = 0; i < 4; i++)
		ck_assert_int_eq(got[i], before[30 - 10 * (int)i]);
	for (size_t i = 5; i < n; i++)
		ck_assert_int_lt(got[i], got[i - 1]);
}
END_TEST

START_TEST(top_order_follows_the_score)
{
	int64_t ids[12], got[32];
	struct posts_page pg;
	struct posts_query q = {.order = POSTS_TOP, .kind = -1, .limit = 5};
	int64_t r = fx_open_round(&X);
	size_t n;

	for (int i = 0; i < 12; i++)
		ids[i] = post(&X.emp, r, KIND_IDEA, i);
	/* ids[3]: 3 up; ids[7]: 2 up; ids[1]: 1 up; ids[5]: 1 down. */
	vote(&X.admin, ids[3], 1);
	vote(&X.mgr, ids[3], 1);
	vote(&X.emp2, ids[3], 1);
	vote(&X.admin, ids[7], 1);
	vote(&X.mgr, ids[7], 1);
	vote(&X.admin, ids[1], 1);
	vote(&X.admin, ids[5], -1);
	n = read_all(&X.emp, r, q, got, 32, NULL);
	ck_assert_uint_eq(n, 12);
	ck_assert_int_eq(got[0], ids[3]);
	ck_assert_int_eq(got[1], ids[7]);
	ck_assert_int_eq(got[2], ids[1]);
	/* Equal scores (0): newest first; so the down-voted one, scoring 0
	 * as one without votes, sits among them by age. */
	for (size_t i = 4; i < n; i++)
		ck_assert_int_lt(got[i], got[i - 1]);
	for (int i = 0; i < 12; i++)
		ck_assert_int_eq(count_of(got, n, ids[i]), 1);

	/* The first page of the snapshot is the first page of the list. */
	{
		struct round_snapshot snap;
		char next[POSTS_CURSOR_SZ];

		ck_assert_int_eq(posts_snapshot(X.f, &X.emp, r, &q, &snap, next), OS_OK);
		ck_assert_uint_eq(snap.nposts, 5);
		ck_assert_int_eq(snap.posts[0].id, ids[3]);
		ck_assert_int_eq(snap.posts[4].id, got[4]);
		ck_assert_str_ne(next, "");
		q.cursor = next;
		ck_assert_int_eq(posts_list(X.f, &X.emp, r, &q, &pg), OS_OK);
		ck_assert_int_eq(pg.posts[0].id, got[5]);
		posts_page_clear(&pg);
		rounds_snapshot_clear(&snap);
	}
}
END_TEST

START_TEST(groups_kinds_and_hidden_posts)
{
	int64_t a, b, c, d, got[16];
	struct posts_query q = {.order = POSTS_TOP, .kind = -1, .limit = 2};
	struct post out;
	int64_t r = fx_open_round(&X);
	size_t n;

	a = post(&X.emp, r, KIND_IDEA, 1);
	b = post(&X.emp, r, KIND_IDEA, 2);
	c = post(&X.mgr, r, KIND_PLAN, 3);
	d = post(&X.emp, r, KIND_IDEA, 4);
	ck_assert_int_eq(FX_W(&X, posts_merge(X.f, &X.mgr, b, a, &out)), OS_OK);
	post_clear(&out);
	ck_assert_int_eq(FX_W(&X, mod_hide(X.f, &X.mgr, TARGET_POST, d, 1, "spam")), OS_OK);

	/* A moderator: plan, idea, merged, hidden. */
	n = read_all(&X.mgr, r, q, got, 16, NULL);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(got[0], c);
	ck_assert_int_eq(got[1], a);
	ck_assert_int_eq(got[2], b);
	ck_assert_int_eq(got[3], d);
	/* Anyone else never sees the hidden one. */
	n = read_all(&X.emp, r, q, got, 16, NULL);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(count_of(got, n, d), 0);
	/* Ideas only. */
	q.kind = KIND_IDEA;
	q.order = POSTS_NEW;
	n = read_all(&X.emp, r, q, got, 16, NULL);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(got[0], a);
	ck_assert_int_eq(got[1], b);
	/* A page that ends the list has no next, even when it is full. */
	{
		struct posts_page pg;

		q.limit = 2;
		q.cursor = NULL;
		ck_assert_int_eq(posts_list(X.f, &X.emp, r, &q, &pg), OS_OK);
		ck_assert_uint_eq(pg.n, 2);
		ck_assert_str_eq(pg.next, "");
		posts_page_clear(&pg);
	}
}
END_TEST

START_TEST(limits_cursors_and_access)
{
	static const char *const bad[] = {
		"x", "t", "n:", "n:1", "n:1:", "n:4:5", "n:-1:5", "n:1:0", "n:1:05", "n:1:5x",
		"n:1:5:", " n:1:5", "n:1:99999999999999999999", "t:1:5",
		"t:1:-3:5", "t:1:3:5:6", "n:1:1\n",
		"n:1:1111111111111111111111111111111111111111111111111111111111111111111111111111111",
	};
	struct posts_page pg;
	struct posts_query q = {.order = POSTS_NEW, .kind = -1, .limit = 3};
	int64_t r = fx_open_round(&X), inv = fx_round(&X, VOTE_UPDOWN, 0, AUD_INVITED, PHASE_OPEN);

	for (int i = 0; i < 5; i++)
		post(&X.emp, r, KIND_IDEA, i);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		q.cursor = bad[i];
		ck_assert_msg(posts_list(X.f, &X.emp, r, &q, &pg) == OS_EBADREQ,
			      "cursor '%s' taken", bad[i]);
		ck_assert_uint_eq(pg.n, 0);
	}
	/* A cursor of the other order. */
	q.cursor = NULL;
	q.order = POSTS_TOP;
	ck_assert_int_eq(posts_list(X.f, &X.emp, r, &q, &pg), OS_OK);
	ck_assert_str_ne(pg.next, "");
	{
		char next[POSTS_CURSOR_SZ];

		memcpy(next, pg.next, sizeof next);
		posts_page_clear(&pg);
		q.order = POSTS_NEW;
		q.cursor = next;
		ck_assert_int_eq(posts_list(X.f, &X.emp, r, &q, &pg), OS_EBADREQ);
		q.order = POSTS_TOP;
		ck_assert_int_eq(posts_list(X.f, &X.emp, r, &q, &pg), OS_OK);
		ck_assert_uint_eq(pg.n, 2);
		posts_page_clear(&pg);
	}
	/* Limits. */
	q.cursor = NULL;
	q.limit = 0;
	ck_assert_int_eq(posts_list(X.f, &X.emp, r, &q, &pg), OS_EBADREQ);
	q.limit = POSTS_PAGE_MAX + 1;
	ck_assert_int_eq(posts_list(X.f, &X.emp, r, &q, &pg), OS_EBADREQ);
	q.limit = POSTS_PAGE_MAX;
	ck_assert_int_eq(posts_list(X.f, &X.emp, r, &q, &pg), OS_OK);
	ck_assert_uint_eq(pg.n, 5);
	ck_assert_str_eq(pg.next, "");
	posts_page_clear(&pg);
	/* Not a member: the round is not there, whatever the cursor. */
	q.cursor = "x";
	ck_assert_int_eq(posts_list(X.f, &X.cust, r, &q, &pg), OS_ENOTFOUND);
	ck_assert_int_eq(posts_list(X.f, &X.cust, inv, &q, &pg), OS_ENOTFOUND);
	ck_assert_int_eq(posts_list(X.f, &X.emp, 999999, &q, &pg), OS_ENOTFOUND);
}
END_TEST

START_TEST(dots_spent_across_the_round)
{
	int64_t r = fx_round(&X, VOTE_DOTS, 10, AUD_INTERNAL, PHASE_OPEN), spent = -1;
	int64_t a = post(&X.emp, r, KIND_IDEA, 1), b = post(&X.emp, r, KIND_IDEA, 2);
	struct post p;

	ck_assert_int_eq(FX_W(&X, votes_cast(X.f, &X.emp2, a, 0, 0, 1, 3, &p)), OS_OK);
	post_clear(&p);
	ck_assert_int_eq(FX_W(&X, votes_cast(X.f, &X.emp2, b, 0, 0, 1, 4, &p)), OS_OK);
	post_clear(&p);
	ck_assert_int_eq(posts_dots_spent(X.f, &X.emp2, r, &spent), OS_OK);
	ck_assert_int_eq(spent, 7);
	ck_assert_int_eq(posts_dots_spent(X.f, &X.emp, r, &spent), OS_OK);
	ck_assert_int_eq(spent, 0);
}
END_TEST

static size_t
find(const struct user *u, const char *text, int role, int staff_only, int limit,
     struct account **out, int *rc)
{
	struct account_query q = {.text = text, .role = role, .disabled = -1, .limit = limit,
				  .staff_only = staff_only};
	size_t n = 0;

	*rc = users_find(X.f, u, &q, out, &n);
	return n;
}

static int
has_name(const struct account *a, size_t n, const char *username)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(a[i].user.username, username))
			return 1;
	return 0;
}

START_TEST(users_find_by_name_for_managers)
{
	struct account acc = {0}, *out;
	int64_t id;
	int rc;
	size_t n;

	/* Somebody nobody has met: found by part of the display name, any case. */
	snprintf(acc.user.username, sizeof acc.user.username, "%s", "solveig");
	snprintf(acc.user.display_name, sizeof acc.user.display_name, "%s", "Solveig Åsheim");
	snprintf(acc.user.org, sizeof acc.user.org, "%s", "Northwind");
	snprintf(acc.email, sizeof acc.email, "%s", "zed@example.com");
	acc.user.role = ROLE_EMPLOYEE;
	ck_assert_int_eq(FX_W(&X, store_account_insert(X.st, &acc, "not-a-real-hash", &id)), OS_OK);
	n = find(&X.mgr, "åshei", -1, 0, 20, &out, &rc);
	ck_assert_int_eq(rc, OS_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(out[0].user.username, "solveig");
	free(out);
	n = find(&X.admin, "SOLV", -1, 1, 20, &out, &rc);
	ck_assert_int_eq(rc, OS_OK);
	ck_assert_uint_eq(n, 1);
	free(out);
	/* Not by email or organisation: those are not the caller's to search. */
	n = find(&X.mgr, "zed@", -1, 0, 20, &out, &rc);
	ck_assert_int_eq(rc, OS_OK);
	ck_assert_uint_eq(n, 0);
	free(out);
	n = find(&X.mgr, "northwind", -1, 0, 20, &out, &rc);
	ck_assert_uint_eq(n, 0);
	free(out);
	/* Staff only leaves customers out; a role picks one. */
	n = find(&X.mgr, "c", -1, 0, 20, &out, &rc);
	ck_assert(has_name(out, n, "cust") && has_name(out, n, "carl"));
	free(out);
	n = find(&X.mgr, "c", -1, 1, 20, &out, &rc);
	ck_assert(!has_name(out, n, "cust") && !has_name(out, n, "carl"));
	free(out);
	n = find(&X.mgr, "c", ROLE_CUSTOMER, 0, 20, &out, &rc);
	ck_assert_uint_eq(n, 2);
	free(out);
	/* The limit, and disabled people are not offered. */
	n = find(&X.mgr, "r", -1, 0, 1, &out, &rc);
	ck_assert_uint_eq(n, 1);
	free(out);
	ck_assert_int_eq(FX_W(&X, store_user_set_disabled(X.st, id, 1)), OS_OK);
	n = find(&X.mgr, "solveig", -1, 0, 20, &out, &rc);
	ck_assert_uint_eq(n, 0);
	free(out);
	/* Only managers and admins; an empty text is no search. */
	find(&X.emp, "a", -1, 0, 20, &out, &rc);
	ck_assert_int_eq(rc, OS_EFORBIDDEN);
	ck_assert_ptr_null(out);
	find(&X.cust, "a", -1, 0, 20, &out, &rc);
	ck_assert_int_eq(rc, OS_EFORBIDDEN);
	find(&X.mgr, "", -1, 0, 20, &out, &rc);
	ck_assert_int_eq(rc, OS_EBADREQ);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("paging");
	TCase *tc = tcase_create("paging");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, new_order_neither_repeats_nor_skips_while_posts_arrive);
	tcase_add_test(tc, top_order_follows_the_score);
	tcase_add_test(tc, groups_kinds_and_hidden_posts);
	tcase_add_test(tc, limits_cursors_and_access);
	tcase_add_test(tc, dots_spent_across_the_round);
	tcase_add_test(tc, users_find_by_name_for_managers);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
