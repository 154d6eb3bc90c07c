#ifndef OS_DISPATCH_INT_H
#define OS_DISPATCH_INT_H

/* Private to src/dispatch/: the request context handlers work with. */

#include <cjson/cJSON.h>

#include "base/err.h"
#include "dispatch/dispatch.h"

struct dispatch {
	struct forum *forum;
	struct dispatch_hub hub;
	size_t nops;       /* dispatch_ops() */
	/* Requests by op number (see dispatch_ops()) and outcome. */
	uint64_t requests[DISPATCH_OPS_MAX + 1][OS_ERR_COUNT];
};

struct req {
	struct dispatch *d;
	const struct user *caller;
	void *conn;
	const cJSON *in;   /* the request object */
	cJSON *out;        /* the reply object; handlers add their fields */
	char msg[160];     /* an error message more precise than the default */
	int incomplete;    /* the reply could not be built: out of memory */
};

typedef int (*op_fn)(struct req *r);

struct op {
	const char *name;
	op_fn fn;
	int write;         /* runs inside a store operation, reply after commit */
};

/* Field access. Each returns OS_OK, or OS_EBADREQ (missing when required,
 * or of the wrong type) with r->msg saying which field and why. */
int req_id(struct req *r, const char *name, int required, int64_t *out);
int req_int(struct req *r, const char *name, int required, int64_t min,
	    int64_t max, int64_t *out);
int req_str(struct req *r, const char *name, int required, const char **out);
int req_bool(struct req *r, const char *name, int required, int *out);
/* USER objects from here on are rendered as round's customers_see_each_other
 * setting lets the caller see them (see render_set_view()). */
void req_view_round(struct req *r, int64_t round);
/* Adds item to the reply under name, taking it (see render_put()). OS_OK,
 * or OS_ENOMEM with the reply marked incomplete. */
int req_put(struct req *r, const char *name, cJSON *item);
/* Marks the reply incomplete; returns OS_ENOMEM. A write whose reply is
 * incomplete is kept (its events are out already) and gets no reply. */
int req_nomem(struct req *r);
/* Sets r->msg from a format; returns err for chaining. */
int req_fail(struct req *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The op tables of each area, ending with a {NULL} entry. */
extern const struct op ops_session[];
extern const struct op ops_forum[];
extern const struct op ops_people[];
extern const struct op ops_lead[];
extern const struct op ops_notify[];
extern const struct op ops_paging[];

/* Big rounds (ops_paging.c). The order and kind of a page of posts from
 * the fields named so (both optional: top, both kinds); q->cursor and
 * q->limit are left as they are. */
struct posts_query;
int req_posts_query(struct req *r, const char *order_name, const char *kind_name,
		    struct posts_query *q);
/* Adds "next": the cursor, or null when next is NULL or "". */
int req_put_next(struct req *r, const char *next);
extern const struct op ops_revise[];

/* comment.create's "anchor" (ops_revise.c): absent or null leaves *at
 * NULL; {"block", "quote"} fills *anchor and points *at at it; anything
 * else is a bad_request naming the field. */
struct comment_anchor;
int dispatch_parse_anchor(struct req *r, struct comment_anchor *anchor,
			  struct comment_anchor **at);
/* The bad_request for an anchor the forum refused (anchor->fault). */
int dispatch_anchor_error(struct req *r, const struct comment_anchor *anchor);
extern const struct op ops_needs[];

/* ops_needs.c: a round's needs into the reply as "needs" (round.subscribe),
 * and their support (round.insights). */
struct ranking;
int needs_put_round(struct req *r, int64_t round);
int needs_put_insights(struct req *r, const struct ranking *rk);
extern const struct op ops_outcomes[];
/* comment.create with "update": a comment on a progress update. */
int ops_outcomes_comment(struct req *r);

#endif
