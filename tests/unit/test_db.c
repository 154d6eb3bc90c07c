/*
 * src/store/db.c: opening, pragmas, migrations, the constraints of the
 * schema, the tally triggers, and group commit with per-operation rollback.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/model.h"
#include "base/util.h"
#include "fixture.h"
#include "store/db.h"
#include "store/migrations.h"
#include "store/posts.h"
#include "store/rounds.h"
#include "store/comments.h"
#include "store/sqlite/sqlite_int.h"
#include "store/users.h"
#include "store/votes.h"

static char tmpdir[64];
static char dbpath[128];

static void
tmp_setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/openstrat-unit-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(dbpath, sizeof dbpath, "%s/os.db", tmpdir);
}

static void
tmp_teardown(void)
{
	char p[160];

	unlink(dbpath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
	rmdir(tmpdir);
}

static int
latest_version(void)
{
	ck_assert_int_gt(store_migration_count, 0);
	return store_migrations[store_migration_count - 1].version;
}

static int64_t
count(struct store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;
	int64_t n = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static const char *
pragma_text(struct store *st, const char *sql, char *buf, size_t sz)
{
	sqlite3_stmt *s = NULL;

	buf[0] = '\0';
	ck_assert_int_eq(sqlite3_prepare_v2(store_sqlite(st), sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		snprintf(buf, sz, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return buf;
}

static int64_t
add_user(struct store *st, const char *name, int role)
{
	int64_t id = 0;

	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(store_user_insert(st, name, name, role, "", "x", &id), OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);
	ck_assert_int_eq(store_commit(st), OS_OK);
	return id;
}

static int64_t
add_round(struct store *st, int64_t by)
{
	struct round r = {0};

	r.title = (char *)"R";
	r.description = (char *)"";
	r.phase = PHASE_OPEN;
	r.audience = AUD_INTERNAL;
	r.vote_mode = VOTE_UPDOWN;
	r.created_by = by;
	r.created_at = os_now_ms();
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(store_round_insert(st, &r), OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);
	ck_assert_int_eq(store_commit(st), OS_OK);
	return r.id;
}

static int64_t
add_post(struct store *st, int64_t round, int64_t author)
{
	struct post p;

	memset(&p, 0, sizeof p);
	p.round = round;
	p.kind = KIND_IDEA;
	p.title = (char *)"T";
	p.body = (char *)"B";
	p.body_html = (char *)"<p>B</p>";
	p.author.id = author;
	p.created_at = os_now_ms();
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(store_post_insert(st, &p), OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);
	ck_assert_int_eq(store_commit(st), OS_OK);
	return p.id;
}

START_TEST(open_memory_applies_every_migration)
{
	struct store *st = NULL;
	char buf[64];

	ck_assert_int_eq(store_open(":memory:", STORE_SYNC_FULL, &st), OS_OK);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(store_schema_version(st), latest_version());
	/* Migrations are in increasing version order. */
	for (int i = 1; i < store_migration_count; i++)
		ck_assert_int_lt(store_migrations[i - 1].version, store_migrations[i].version);
	/* The whole data model is there. */
	ck_assert_int_eq(count(st, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
				   "AND name IN ('users', 'sessions', 'invites', 'rounds', "
				   "'round_members', 'posts', 'comments', 'votes', "
				   "'post_tallies', 'chat_messages', 'priorities', "
				   "'priority_posts', 'flags', 'audit_log')"),
			 14);
	ck_assert_str_eq(pragma_text(st, "PRAGMA foreign_keys", buf, sizeof buf), "1");
	ck_assert_int_eq(store_integrity_check(st), OS_OK);
	ck_assert_int_eq(store_group_open(st), 0);
	store_close(st);
	store_close(NULL);
}
END_TEST

START_TEST(reopen_file_is_idempotent)
{
	struct store *st = NULL;
	char buf[64];

	ck_assert_int_eq(store_open(dbpath, STORE_SYNC_FULL, &st), OS_OK);
	ck_assert_int_eq(store_schema_version(st), latest_version());
	ck_assert_str_eq(pragma_text(st, "PRAGMA journal_mode", buf, sizeof buf), "wal");
	ck_assert_str_eq(pragma_text(st, "PRAGMA synchronous", buf, sizeof buf), "2");
	ck_assert_str_eq(pragma_text(st, "PRAGMA foreign_keys", buf, sizeof buf), "1");
	ck_assert_int_gt(atoi(pragma_text(st, "PRAGMA busy_timeout", buf, sizeof buf)), 0);
	add_user(st, "anna", ROLE_EMPLOYEE);
	store_close(st);

	for (int i = 0; i < 3; i++) {
		st = NULL;
		ck_assert_int_eq(store_open(dbpath, STORE_SYNC_NORMAL, &st), OS_OK);
		ck_assert_int_eq(store_schema_version(st), latest_version());
		ck_assert_int_eq(store_user_count(st), 1);
		ck_assert_int_eq(store_integrity_check(st), OS_OK);
		store_close(st);
	}
}
END_TEST

START_TEST(open_refuses_a_newer_schema)
{
	struct store *st = NULL;
	sqlite3 *db = NULL;
	char sql[64];

	ck_assert_int_eq(store_open(dbpath, STORE_SYNC_FULL, &st), OS_OK);
	store_close(st);
	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", latest_version() + 1);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	st = (struct store *)1;
	ck_assert_int_ne(store_open(dbpath, STORE_SYNC_FULL, &st), OS_OK);
	ck_assert_ptr_null(st);
}
END_TEST

START_TEST(store_close_commits_an_open_group)
{
	struct store *st = NULL;

	ck_assert_int_eq(store_open(dbpath, STORE_SYNC_FULL, &st), OS_OK);
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(store_user_insert(st, "late", "Late", ROLE_EMPLOYEE, "", "x", NULL),
			 OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);
	ck_assert_int_eq(store_group_open(st), 1);
	store_close(st);
	ck_assert_int_eq(store_open(dbpath, STORE_SYNC_FULL, &st), OS_OK);
	ck_assert_int_eq(store_user_count(st), 1);
	store_close(st);
}
END_TEST

START_TEST(foreign_keys_are_enforced)
{
	struct store *st = NULL;
	struct post p;
	int64_t uid;

	ck_assert_int_eq(store_open(":memory:", STORE_SYNC_FULL, &st), OS_OK);
	uid = add_user(st, "anna", ROLE_EMPLOYEE);
	memset(&p, 0, sizeof p);
	p.round = 4242; /* no such round */
	p.kind = KIND_IDEA;
	p.title = (char *)"T";
	p.body = (char *)"B";
	p.body_html = (char *)"B";
	p.author.id = uid;
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_ne(store_post_insert(st, &p), OS_OK);
	/* A vote by a missing user on a missing post. */
	ck_assert_int_ne(store_vote_set(st, 999, 999, 999, ROLE_EMPLOYEE, 1, 0), OS_OK);
	ck_assert_int_eq(store_op_end(st, 0), OS_OK);
	ck_assert_int_eq(store_commit(st), OS_OK);
	ck_assert_int_eq(count(st, "SELECT count(*) FROM posts"), 0);
	ck_assert_int_eq(count(st, "SELECT count(*) FROM votes"), 0);
	store_close(st);
}
END_TEST

START_TEST(check_constraints_reject_bad_enums)
{
	struct store *st = NULL;
	sqlite3 *db;
	struct round r = {0};
	int64_t uid;

	ck_assert_int_eq(store_open(":memory:", STORE_SYNC_FULL, &st), OS_OK);
	db = store_sqlite(st);
	uid = add_user(st, "mgr", ROLE_MANAGER);

	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO users (username, display_name, role, "
					  "pw_hash, created_at) VALUES ('eve', 'Eve', "
					  "'superuser', 'x', 0)", NULL, NULL, NULL) & 0xff,
			 SQLITE_CONSTRAINT);
	ck_assert_int_ne(store_user_insert(st, "eve", "Eve", ROLE_COUNT, "", "x", NULL), OS_OK);
	ck_assert_int_eq(store_user_count(st), 1);

	r.title = (char *)"R";
	r.phase = PHASE_COUNT; /* spelled "unknown" */
	r.audience = AUD_INTERNAL;
	r.vote_mode = VOTE_UPDOWN;
	r.created_by = uid;
	ck_assert_int_ne(store_round_insert(st, &r), OS_OK);
	r.phase = PHASE_OPEN;
	r.audience = 7;
	ck_assert_int_ne(store_round_insert(st, &r), OS_OK);
	r.audience = AUD_INTERNAL;
	r.vote_mode = -1;
	ck_assert_int_ne(store_round_insert(st, &r), OS_OK);
	ck_assert_int_eq(count(st, "SELECT count(*) FROM rounds"), 0);

	/* A valid round, then an update to a phase that does not exist. */
	r.vote_mode = VOTE_UPDOWN;
	ck_assert_int_eq(store_round_insert(st, &r), OS_OK);
	ck_assert_int_eq(sqlite3_exec(db, "UPDATE rounds SET phase = 'archived'", NULL, NULL,
				      NULL) & 0xff,
			 SQLITE_CONSTRAINT);
	r.phase = PHASE_COUNT;
	ck_assert_int_ne(store_round_update(st, &r), OS_OK);
	ck_assert_int_eq(count(st, "SELECT count(*) FROM rounds WHERE phase = 'open'"), 1);

	/* Votes: value outside -1..1, negative dots, unknown role. */
	{
		int64_t post = add_post(st, r.id, uid);
		char sql[256];

		snprintf(sql, sizeof sql, "INSERT INTO votes (post_id, user_id, round_id, "
			 "voter_role, value, dots, updated_at) VALUES (%lld, %lld, %lld, "
			 "'employee', 2, 0, 0)", (long long)post, (long long)uid, (long long)r.id);
		ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL) & 0xff, SQLITE_CONSTRAINT);
		ck_assert_int_ne(store_vote_set(st, post, uid, r.id, ROLE_EMPLOYEE, 0, -3), OS_OK);
		ck_assert_int_ne(store_vote_set(st, post, uid, r.id, ROLE_COUNT, 1, 0), OS_OK);
		ck_assert_int_eq(count(st, "SELECT count(*) FROM votes"), 0);
	}
	store_close(st);
}
END_TEST

START_TEST(usernames_are_unique_regardless_of_case)
{
	struct store *st = NULL;

	ck_assert_int_eq(store_open(":memory:", STORE_SYNC_FULL, &st), OS_OK);
	add_user(st, "Anna", ROLE_EMPLOYEE);
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(store_user_insert(st, "anna", "x", ROLE_EMPLOYEE, "", "x", NULL),
			 OS_EUSERTAKEN);
	ck_assert_int_eq(store_user_insert(st, "ANNA", "x", ROLE_ADMIN, "", "x", NULL),
			 OS_EUSERTAKEN);
	ck_assert_int_eq(store_op_end(st, 0), OS_OK);
	ck_assert_int_eq(store_commit(st), OS_OK);
	ck_assert_int_eq(store_user_count(st), 1);
	store_close(st);
}
END_TEST

/* post_tallies must equal what the votes table says, per post and role. */
static void
assert_tallies_exact(struct store *st)
{
	static const char *const sql =
		"SELECT count(*) FROM ("
		" SELECT post_id, voter_role AS role, sum(value = 1) AS up, "
		"        sum(value = -1) AS down, sum(dots) AS dots FROM votes "
		"  GROUP BY post_id, voter_role"
		") v FULL OUTER JOIN post_tallies t "
		"  ON t.post_id = v.post_id AND t.role = v.role "
		"WHERE coalesce(v.up, 0) != coalesce(t.up, 0) "
		"   OR coalesce(v.down, 0) != coalesce(t.down, 0) "
		"   OR coalesce(v.dots, 0) != coalesce(t.dots, 0)";

	ck_assert_int_eq(count(st, sql), 0);
}

START_TEST(tally_triggers_stay_exact)
{
	struct store *st = NULL;
	int64_t users[6], posts[3], round, mgr;
	struct tally t;
	uint32_t seed = 12345;

	ck_assert_int_eq(store_open(":memory:", STORE_SYNC_FULL, &st), OS_OK);
	mgr = add_user(st, "mgr", ROLE_MANAGER);
	for (int i = 0; i < 6; i++) {
		char name[16];

		snprintf(name, sizeof name, "u%d", i);
		users[i] = add_user(st, name, i % ROLE_COUNT);
	}
	round = add_round(st, mgr);
	for (int i = 0; i < 3; i++)
		posts[i] = add_post(st, round, mgr);

	/* The simple path first, checked against known numbers. */
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(store_vote_set(st, posts[0], users[2], round, ROLE_EMPLOYEE, 1, 0), OS_OK);
	ck_assert_int_eq(store_post_tally(st, posts[0], &t), OS_OK);
	ck_assert_int_eq(t.up[ROLE_EMPLOYEE], 1);
	ck_assert_int_eq(store_vote_set(st, posts[0], users[2], round, ROLE_EMPLOYEE, -1, 0), OS_OK);
	ck_assert_int_eq(store_post_tally(st, posts[0], &t), OS_OK);
	ck_assert_int_eq(t.up[ROLE_EMPLOYEE], 0);
	ck_assert_int_eq(t.down[ROLE_EMPLOYEE], 1);
	/* The voter's role changed between two votes: the old role gives the
	 * vote back, the new one takes it. */
	ck_assert_int_eq(store_vote_set(st, posts[0], users[2], round, ROLE_MANAGER, -1, 0), OS_OK);
	ck_assert_int_eq(store_post_tally(st, posts[0], &t), OS_OK);
	ck_assert_int_eq(t.down[ROLE_EMPLOYEE], 0);
	ck_assert_int_eq(t.down[ROLE_MANAGER], 1);
	ck_assert_int_eq(store_vote_set(st, posts[0], users[2], round, ROLE_MANAGER, 0, 0), OS_OK);
	ck_assert_int_eq(store_post_tally(st, posts[0], &t), OS_OK);
	ck_assert_int_eq(tally_up(&t) + tally_down(&t) + tally_dots(&t), 0);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);
	ck_assert_int_eq(store_commit(st), OS_OK);
	assert_tallies_exact(st);

	/* Then a long random walk of inserts, updates and deletes. */
	for (int step = 0; step < 600; step++) {
		int u, p, role, value, dots;

		seed = seed * 1103515245u + 12345u;
		u = (int)((seed >> 8) % 6);
		p = (int)((seed >> 12) % 3);
		role = (int)((seed >> 16) % ROLE_COUNT);
		value = (int)((seed >> 20) % 3) - 1;
		dots = (int)((seed >> 24) % 4);
		if ((seed >> 28) % 3 == 0)
			value = dots = 0; /* a withdrawal */
		ck_assert_int_eq(store_op_begin(st), OS_OK);
		if ((seed >> 30) == 3) {
			char sql[128];

			/* Deleting outside store_vote_set must count as well. */
			snprintf(sql, sizeof sql, "DELETE FROM votes WHERE post_id = %lld",
				 (long long)posts[p]);
			ck_assert_int_eq(sqlite3_exec(store_sqlite(st), sql, NULL, NULL, NULL),
					 SQLITE_OK);
		} else {
			ck_assert_int_eq(store_vote_set(st, posts[p], users[u], round, role,
							value, dots),
					 OS_OK);
		}
		/* Every fifth operation is rolled back: the triggers' writes
		 * must go with it. */
		ck_assert_int_eq(store_op_end(st, step % 5 != 0), OS_OK);
		if (step % 7 == 0)
			ck_assert_int_eq(store_commit(st), OS_OK);
		assert_tallies_exact(st);
	}
	ck_assert_int_eq(store_commit(st), OS_OK);
	assert_tallies_exact(st);
	store_close(st);
}
END_TEST

START_TEST(failed_op_rolls_back_alone)
{
	struct store *st = NULL;

	ck_assert_int_eq(store_open(":memory:", STORE_SYNC_FULL, &st), OS_OK);
	ck_assert_int_eq(store_group_open(st), 0);

	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(store_group_open(st), 1);
	ck_assert_int_eq(store_user_insert(st, "first", "F", ROLE_EMPLOYEE, "", "x", NULL), OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);

	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(store_user_insert(st, "second", "S", ROLE_EMPLOYEE, "", "x", NULL), OS_OK);
	ck_assert_int_eq(store_user_insert(st, "second2", "S", ROLE_EMPLOYEE, "", "x", NULL), OS_OK);
	ck_assert_int_eq(store_op_end(st, 0), OS_OK);

	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(store_user_insert(st, "third", "T", ROLE_EMPLOYEE, "", "x", NULL), OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);

	ck_assert_int_eq(store_group_open(st), 1);
	ck_assert_int_eq(store_commit(st), OS_OK);
	ck_assert_int_eq(store_group_open(st), 0);

	ck_assert_int_eq(store_user_count(st), 2);
	ck_assert_int_eq(count(st, "SELECT count(*) FROM users WHERE username IN "
				   "('first', 'third')"), 2);
	ck_assert_int_eq(count(st, "SELECT count(*) FROM users WHERE username LIKE 'second%'"),
			 0);
	/* Committing with nothing open is harmless; ending an op that was
	 * never begun too. */
	ck_assert_int_eq(store_commit(st), OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);
	store_close(st);
}
END_TEST

START_TEST(commit_makes_writes_visible_to_other_connections)
{
	struct store *st = NULL;
	sqlite3 *other = NULL;
	sqlite3_stmt *s = NULL;
	int n = -1;

	ck_assert_int_eq(store_open(dbpath, STORE_SYNC_FULL, &st), OS_OK);
	ck_assert_int_eq(sqlite3_open(dbpath, &other), SQLITE_OK);
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(store_user_insert(st, "anna", "A", ROLE_EMPLOYEE, "", "x", NULL), OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);

	ck_assert_int_eq(sqlite3_prepare_v2(other, "SELECT count(*) FROM users", -1, &s, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	ck_assert_msg(n == 0, "a write is visible before store_commit");

	ck_assert_int_eq(store_commit(st), OS_OK);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	n = sqlite3_column_int(s, 0);
	ck_assert_int_eq(n, 1);
	sqlite3_finalize(s);
	sqlite3_close(other);
	store_close(st);
}
END_TEST

START_TEST(failed_commit_returns_error_and_rolls_back_the_group)
{
	struct store *st = NULL;
	char sql[200];

	ck_assert_int_eq(store_open(":memory:", STORE_SYNC_FULL, &st), OS_OK);
	add_user(st, "kept", ROLE_EMPLOYEE);

	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(store_user_insert(st, "lost", "L", ROLE_EMPLOYEE, "", "x", NULL), OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);
	/* A foreign key violation deferred to COMMIT makes the commit fail. */
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(sqlite3_exec(store_sqlite(st), "PRAGMA defer_foreign_keys = ON", NULL,
				      NULL, NULL),
			 SQLITE_OK);
	snprintf(sql, sizeof sql, "INSERT INTO round_members (round_id, user_id, added_at) "
		 "VALUES (777, 888, 0)");
	ck_assert_int_eq(sqlite3_exec(store_sqlite(st), sql, NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);

	ck_assert_int_ne(store_commit(st), OS_OK);
	ck_assert_int_eq(store_group_open(st), 0);
	/* The whole group is gone, what was committed before stays. */
	ck_assert_int_eq(store_user_count(st), 1);
	ck_assert_int_eq(count(st, "SELECT count(*) FROM users WHERE username = 'kept'"), 1);
	ck_assert_int_eq(count(st, "SELECT count(*) FROM round_members"), 0);

	/* And the next group starts clean. */
	add_user(st, "next", ROLE_EMPLOYEE);
	ck_assert_int_eq(store_user_count(st), 2);
	ck_assert_int_eq(store_integrity_check(st), OS_OK);
	store_close(st);
}
END_TEST

/* What the server's metrics show of group commit: one commit per group,
 * and in it the write operations that kept their writes (the outermost
 * of nested ones), not the failed ones; a failed commit apart. */
START_TEST(group_stats_count_commits_and_kept_writes)
{
	const struct store_stats *ss;
	struct store *st = NULL;
	char sql[200];

	ck_assert_int_eq(store_open(":memory:", STORE_SYNC_FULL, &st), OS_OK);
	ss = store_stats(st);
	ck_assert_uint_eq(ss->commits, 0);
	ck_assert_uint_eq(ss->group_writes.count, 0);

	add_user(st, "one", ROLE_EMPLOYEE); /* a group of one, committed */
	ck_assert_uint_eq(ss->commits, 1);
	ck_assert_uint_eq(ss->group_writes.counts[0], 1); /* <= 1 */

	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(store_user_insert(st, "a", "A", ROLE_EMPLOYEE, "", "x", NULL), OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(store_user_insert(st, "b", "B", ROLE_EMPLOYEE, "", "x", NULL), OS_OK);
	ck_assert_int_eq(store_op_end(st, 0), OS_OK); /* rolled back: not a write */
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(store_user_insert(st, "c", "C", ROLE_EMPLOYEE, "", "x", NULL), OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK); /* nested: one write */
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(store_user_insert(st, "d", "D", ROLE_EMPLOYEE, "", "x", NULL), OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);
	ck_assert_uint_eq(ss->commits, 1); /* nothing counted before the commit */
	ck_assert_int_eq(store_commit(st), OS_OK);
	ck_assert_uint_eq(ss->commits, 2);
	ck_assert_uint_eq(ss->group_writes.count, 2);
	ck_assert_uint_eq(ss->group_writes.sum, 1 + 3);
	ck_assert_uint_eq(ss->group_writes.counts[1], 0); /* (1, 2] */
	ck_assert_uint_eq(ss->group_writes.counts[2], 1); /* (2, 4] */

	/* Nothing open: no commit. */
	ck_assert_int_eq(store_commit(st), OS_OK);
	ck_assert_uint_eq(ss->commits, 2);

	/* A commit that fails is a failure, not a commit. */
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	ck_assert_int_eq(sqlite3_exec(store_sqlite(st), "PRAGMA defer_foreign_keys = ON", NULL,
				      NULL, NULL),
			 SQLITE_OK);
	snprintf(sql, sizeof sql, "INSERT INTO round_members (round_id, user_id, added_at) "
		 "VALUES (777, 888, 0)");
	ck_assert_int_eq(sqlite3_exec(store_sqlite(st), sql, NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);
	ck_assert_int_ne(store_commit(st), OS_OK);
	ck_assert_uint_eq(ss->commits, 2);
	ck_assert_uint_eq(ss->commit_failures, 1);
	ck_assert_uint_eq(ss->group_writes.count, 2);
	store_close(st);
}
END_TEST

static struct comment
comment_on(int64_t post, int64_t author, const char *body)
{
	struct comment c;

	memset(&c, 0, sizeof c);
	c.post = post;
	c.body = (char *)body;
	c.body_html = (char *)body;
	c.author.id = author;
	c.created_at = os_now_ms();
	return c;
}

static int64_t
matches(struct store *st, const char *word)
{
	char sql[160];

	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM comments_fts WHERE comments_fts MATCH '%s'", word);
	return count(st, sql);
}

/* New comments reach the search index with their group's commit, all of
 * them, and only those whose write was not rolled back; the index passes
 * FTS5's own integrity check. */
START_TEST(search_index_follows_the_committed_group)
{
	struct store *st = NULL;
	int64_t u, r, p;
	struct comment c;

	ck_assert_int_eq(store_open(dbpath, STORE_SYNC_FULL, &st), OS_OK);
	u = add_user(st, "indexer", ROLE_EMPLOYEE);
	r = add_round(st, u);
	p = add_post(st, r, u);

	ck_assert_int_eq(store_op_begin(st), OS_OK);
	c = comment_on(p, u, "alpha kept");
	ck_assert_int_eq(store_comment_insert(st, &c), OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	c = comment_on(p, u, "beta rolledback");
	ck_assert_int_eq(store_comment_insert(st, &c), OS_OK);
	ck_assert_int_eq(store_op_end(st, 0), OS_OK);
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	c = comment_on(p, u, "gamma kept");
	ck_assert_int_eq(store_comment_insert(st, &c), OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);
	ck_assert_int_eq(store_commit(st), OS_OK);

	ck_assert_int_eq(matches(st, "kept"), 2);
	ck_assert_int_eq(matches(st, "alpha"), 1);
	ck_assert_int_eq(matches(st, "gamma"), 1);
	ck_assert_int_eq(matches(st, "rolledback"), 0);

	/* Outside a group a comment is indexed at once. */
	c = comment_on(p, u, "delta alone");
	ck_assert_int_eq(store_comment_insert(st, &c), OS_OK);
	ck_assert_int_eq(matches(st, "delta"), 1);

	/* A group whose commit fails leaves neither rows nor index entries,
	 * and the next group indexes from its own first row. */
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	c = comment_on(p, u, "epsilon lost");
	ck_assert_int_eq(store_comment_insert(st, &c), OS_OK);
	ck_assert_int_eq(sqlite3_exec(store_sqlite(st), "PRAGMA defer_foreign_keys = ON", NULL,
				      NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(store_sqlite(st),
				      "INSERT INTO round_members (round_id, user_id, added_at) "
				      "VALUES (777, 888, 0)", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);
	ck_assert_int_ne(store_commit(st), OS_OK);
	ck_assert_int_eq(matches(st, "epsilon"), 0);
	ck_assert_int_eq(store_op_begin(st), OS_OK);
	c = comment_on(p, u, "zeta kept");
	ck_assert_int_eq(store_comment_insert(st, &c), OS_OK);
	ck_assert_int_eq(store_op_end(st, 1), OS_OK);
	ck_assert_int_eq(store_commit(st), OS_OK);
	ck_assert_int_eq(matches(st, "zeta"), 1);
	ck_assert_int_eq(matches(st, "kept"), 3);
	ck_assert_int_eq(count(st, "SELECT count(*) FROM comments"), 4);

	ck_assert_int_eq(sqlite3_exec(store_sqlite(st),
				      "INSERT INTO comments_fts (comments_fts) VALUES ('integrity-check');"
				      "INSERT INTO posts_fts (posts_fts) VALUES ('integrity-check')",
				      NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(store_integrity_check(st), OS_OK);
	store_close(st);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("db");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, open_memory_applies_every_migration);
	tcase_add_test(tc, reopen_file_is_idempotent);
	tcase_add_test(tc, open_refuses_a_newer_schema);
	tcase_add_test(tc, store_close_commits_an_open_group);
	tcase_add_test(tc, foreign_keys_are_enforced);
	tcase_add_test(tc, check_constraints_reject_bad_enums);
	tcase_add_test(tc, usernames_are_unique_regardless_of_case);
	tcase_add_test(tc, tally_triggers_stay_exact);
	tcase_add_test(tc, failed_op_rolls_back_alone);
	tcase_add_test(tc, commit_makes_writes_visible_to_other_connections);
	tcase_add_test(tc, failed_commit_returns_error_and_rolls_back_the_group);
	tcase_add_test(tc, group_stats_count_commits_and_kept_writes);
	tcase_add_test(tc, search_index_follows_the_committed_group);
	suite_add_tcase(s, tc);
	return fx_run(s);
}
