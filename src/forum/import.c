#include "forum/import.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/csv_reader.h"
#include "base/err.h"
#include "base/util.h"
#include "forum/forum_int.h"
#include "forum/users.h"
#include "store/audit.h"
#include "store/users.h"

#define NCOLS 5

enum { DO_CREATE, DO_UPDATE, DO_NOTHING };

struct row {
	int line;
	int ok;                 /* every field is good */
	char key[OS_USERNAME_SZ]; /* the username in lower case; "" when invalid */
	struct account a;       /* what the line says */
	int action;             /* DO_* */
	int64_t id;             /* the existing account's */
	int old_role, old_disabled;
};

struct ctx {
	struct import_result *res;
	struct row *rows;
	size_t nrows, cap;
	int nomem;
};

static void fail(struct ctx *c, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
fail(struct ctx *c, int line, const char *fmt, ...)
{
	struct import_error *e;
	va_list ap;

	if (c->res->nerrors % 64 == 0) {
		e = realloc(c->res->errors, (c->res->nerrors + 64) * sizeof *e);
		if (!e) {
			c->nomem = 1;
			return;
		}
		c->res->errors = e;
	}
	e = &c->res->errors[c->res->nerrors++];
	e->line = line;
	e->seq = (int)c->res->nerrors;
	va_start(ap, fmt);
	vsnprintf(e->reason, sizeof e->reason, fmt, ap);
	va_end(ap);
}

/* The field trimmed into dst (dstsz bytes): -1 when it is longer. */
static int
trimmed_copy(const char *in, char *dst, size_t dstsz)
{
	const char *start;
	size_t n = os_trimmed(in, &start);

	if (n >= dstsz)
		return -1;
	memcpy(dst, start, n);
	dst[n] = '\0';
	return 0;
}

static int
header_ok(const struct csv_record *rec)
{
	static const char *const want[NCOLS] = {"username", "display_name", "email", "role",
						"org"};
	char col[32];

	if (rec->error || rec->nfields != NCOLS || rec->line != 1)
		return 0;
	for (int i = 0; i < NCOLS; i++)
		if (trimmed_copy(rec->fields[i], col, sizeof col) || strcasecmp(col, want[i]))
			return 0;
	return 1;
}

/* A text field through users_text(); the error said in words. */
static int
text_field(struct ctx *c, int line, const char *what, const char *in, size_t max,
	   int may_be_empty, char *dst, size_t dstsz)
{
	char *t;
	int rc = users_text(in, max, may_be_empty, &t);

	if (rc == OS_ENOMEM) {
		c->nomem = 1;
		return -1;
	}
	if (rc == OS_ETOOLARGE) {
		fail(c, line, "the %s is over %zu characters", what, max);
		return -1;
	}
	if (rc) {
		fail(c, line, "the %s has a line break, a tab or another control character",
		     what);
		return -1;
	}
	snprintf(dst, dstsz, "%s", t);
	free(t);
	return 0;
}

/* Checks one line into a row. */
static void
check_line(struct ctx *c, const struct csv_record *rec, struct row *r)
{
	char role[16], tmp[OS_EMAIL_SZ + 1];
	struct account *a = &r->a;
	int bad = 0;

	memset(r, 0, sizeof *r);
	r->line = rec->line;
	if (rec->error) {
		fail(c, rec->line, "%s", rec->error);
		return;
	}
	if (rec->nfields != NCOLS) {
		fail(c, rec->line, "%zu column%s; every line has %d: " IMPORT_HEADER,
		     rec->nfields, rec->nfields == 1 ? "" : "s", NCOLS);
		return;
	}
	/* The username: its key for duplicates, even when the rest is bad. */
	if (trimmed_copy(rec->fields[0], a->user.username, sizeof a->user.username)) {
		fail(c, rec->line, "the username is over %d characters", OS_USERNAME_MAX);
		bad = 1;
	} else if (!a->user.username[0]) {
		fail(c, rec->line, "the username is empty");
		bad = 1;
	} else if (!os_username_valid(a->user.username)) {
		fail(c, rec->line, "the username may only have letters, digits, '.', '_' and "
				   "'-', and starts with a letter or digit");
		bad = 1;
	} else {
		for (size_t i = 0; a->user.username[i]; i++)
			r->key[i] = (char)tolower((unsigned char)a->user.username[i]);
	}
	/* An empty display name is the username, as with `user add`. */
	if (os_trimmed(rec->fields[1], NULL) == 0)
		snprintf(a->user.display_name, sizeof a->user.display_name, "%s",
			 a->user.username);
	else if (text_field(c, rec->line, "display name", rec->fields[1], OS_DISPLAY_MAX, 0,
			    a->user.display_name, sizeof a->user.display_name))
		bad = 1;
	if (trimmed_copy(rec->fields[2], tmp, sizeof tmp) || strlen(tmp) > OS_EMAIL_MAX) {
		fail(c, rec->line, "the email address is over %d characters", OS_EMAIL_MAX);
		bad = 1;
	} else if (tmp[0] && !os_email_valid(tmp)) {
		fail(c, rec->line, "the email address is not valid");
		bad = 1;
	} else {
		snprintf(a->email, sizeof a->email, "%s", tmp);
	}
	if (trimmed_copy(rec->fields[3], role, sizeof role)) {
		a->user.role = -1;
	} else {
		for (char *p = role; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		a->user.role = role[0] ? os_role_parse(role) : ROLE_EMPLOYEE;
	}
	if (a->user.role < 0) {
		fail(c, rec->line, "unknown role; roles are admin, manager, employee and customer "
				   "(empty: employee)");
		bad = 1;
	}
	if (text_field(c, rec->line, "organisation", rec->fields[4], OS_ORG_MAX, 1,
		       a->user.org, sizeof a->user.org))
		bad = 1;
	a->source = SOURCE_LOCAL;
	r->ok = !bad;
}

static int
by_key(const void *x, const void *y)
{
	const struct row *const *a = x, *const *b = y;
	int d = strcmp((*a)->key, (*b)->key);

	return d ? d : (*a)->line - (*b)->line;
}

/* A username twice in the file (in any case): every later line is bad. */
static void
find_duplicates(struct ctx *c)
{
	struct row **v = malloc((c->nrows ? c->nrows : 1) * sizeof *v);
	size_t n = 0;

	if (!v) {
		c->nomem = 1;
		return;
	}
	for (size_t i = 0; i < c->nrows; i++)
		if (c->rows[i].key[0])
			v[n++] = &c->rows[i];
	qsort(v, n, sizeof *v, by_key);
	for (size_t i = 1; i < n; i++) {
		size_t first = i - 1;

		while (first > 0 && !strcmp(v[first - 1]->key, v[i]->key))
			first--;
		if (!strcmp(v[i - 1]->key, v[i]->key)) {
			fail(c, v[i]->line, "the username '%s' is on line %d already", v[i]->key,
			     v[first]->line);
			v[i]->ok = 0;
		}
	}
	free(v);
}

static int
by_line(const void *x, const void *y)
{
	const struct import_error *a = x, *b = y;

	return a->line != b->line ? a->line - b->line : a->seq - b->seq;
}

static int
same(const struct account *now, const struct account *want)
{
	return now->user.role == want->user.role &&
	       !strcmp(now->user.display_name, want->user.display_name) &&
	       !strcmp(now->user.org, want->user.org) && !strcmp(now->email, want->email);
}

/* Finds what each line does, and refuses a file that would leave no
 * enabled admin where there is one. */
static int
plan(struct forum *f, struct ctx *c)
{
	int64_t before = store_admins_enabled(f->st), after;
	int last_demotion = 0;

	if (before < 0)
		return OS_EINTERNAL;
	after = before;
	for (size_t i = 0; i < c->nrows; i++) {
		struct row *r = &c->rows[i];
		struct account now;
		int rc = store_account_by_name(f->st, r->a.user.username, &now, NULL, 0);
		int was, will;

		if (rc == OS_ENOTFOUND) {
			r->action = DO_CREATE;
			c->res->created++;
			if (r->a.user.role == ROLE_ADMIN)
				after++;
			continue;
		}
		if (rc)
			return rc;
		r->id = now.user.id;
		r->old_role = now.user.role;
		r->old_disabled = now.user.disabled;
		/* The account keeps its name as it is spelled, and its source. */
		snprintf(r->a.user.username, sizeof r->a.user.username, "%s", now.user.username);
		r->a.user.id = now.user.id;
		r->a.source = now.source;
		if (same(&now, &r->a)) {
			r->action = DO_NOTHING;
			c->res->unchanged++;
			continue;
		}
		r->action = DO_UPDATE;
		c->res->updated++;
		was = now.user.role == ROLE_ADMIN && !now.user.disabled;
		will = r->a.user.role == ROLE_ADMIN && !now.user.disabled;
		after += will - was;
		if (was && !will)
			last_demotion = r->line;
	}
	if (before > 0 && after <= 0)
		fail(c, last_demotion, "this would leave no enabled admin: keep one");
	return OS_OK;
}

static int
apply(struct forum *f, const struct user *caller, struct ctx *c)
{
	char detail[128];
	int rc = OS_OK;

	for (size_t i = 0; !rc && i < c->nrows; i++) {
		struct row *r = &c->rows[i];

		if (r->action == DO_CREATE) {
			rc = store_account_insert(f->st, &r->a, "", &r->id);
		} else if (r->action == DO_UPDATE) {
			struct os_event ev = {.type = EV_USER_UPDATED, .user_id = r->id,
					      .account = &r->a};

			rc = store_account_update(f->st, &r->a);
			if (!rc)
				forum_emit(f, &ev);
		}
	}
	if (rc)
		return rc;
	snprintf(detail, sizeof detail, "%zu rows: created %zu, updated %zu, unchanged %zu",
		 c->res->rows, c->res->created, c->res->updated, c->res->unchanged);
	return store_audit(f->st, caller ? caller->id : 0, "user.import", NULL, 0, 0, detail);
}

int
import_staff(struct forum *f, const struct user *caller, const char *data, size_t len,
	     int dry_run, struct import_result *result)
{
	struct ctx c = {.res = result};
	struct csv_reader *rd;
	struct csv_record rec;
	int got, rc = OS_OK;

	memset(result, 0, sizeof *result);
	if (caller && caller->role != ROLE_ADMIN)
		return OS_EFORBIDDEN;
	rd = csv_reader_new(data, len);
	if (!rd)
		return OS_ENOMEM;
	got = csv_reader_next(rd, &rec);
	if (got == 0)
		fail(&c, 1, "the file is empty; its first line is the header " IMPORT_HEADER);
	else if (got > 0 && !header_ok(&rec))
		fail(&c, 1, "the first line must be the header " IMPORT_HEADER);
	while (got > 0 && !c.nomem && (got = csv_reader_next(rd, &rec)) > 0) {
		if (c.nrows == c.cap) {
			size_t ncap = c.cap ? c.cap * 2 : 256;
			struct row *n = realloc(c.rows, ncap * sizeof *n);

			if (!n) {
				c.nomem = 1;
				break;
			}
			c.rows = n;
			c.cap = ncap;
		}
		check_line(&c, &rec, &c.rows[c.nrows++]);
	}
	csv_reader_free(rd);
	if (got < 0)
		c.nomem = 1;
	result->rows = c.nrows;
	if (!c.nomem)
		find_duplicates(&c);
	if (!c.nomem && !result->nerrors)
		rc = plan(f, &c);
	if (!rc && !c.nomem && !result->nerrors && !dry_run)
		rc = apply(f, caller, &c);
	free(c.rows);
	if (c.nomem)
		rc = OS_ENOMEM;
	if (result->nerrors)
		qsort(result->errors, result->nerrors, sizeof *result->errors, by_line);
	return rc;
}

void
import_result_clear(struct import_result *result)
{
	if (!result)
		return;
	free(result->errors);
	memset(result, 0, sizeof *result);
}
