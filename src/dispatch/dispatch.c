#include "dispatch/dispatch_int.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "base/util.h"
#include "dispatch/render.h"
#include "forum/rounds.h"
#include "store/db.h"

static const struct op *const tables[] = {ops_session, ops_forum, ops_people, ops_lead,
					  ops_notify, ops_paging, ops_revise, ops_needs,
					  ops_outcomes};

#define NTABLES (sizeof tables / sizeof tables[0])

/* The op called name and its number (see dispatch_ops()), or NULL. */
static const struct op *
find_op(const char *name, size_t *num)
{
	size_t i = 0;

	for (size_t t = 0; t < NTABLES; t++)
		for (const struct op *o = tables[t]; o->name; o++, i++)
			if (!strcmp(o->name, name)) {
				*num = i;
				return o;
			}
	return NULL;
}

/* The op numbered num, or NULL. */
static const struct op *
op_at(size_t num)
{
	for (size_t t = 0; t < NTABLES; t++)
		for (const struct op *o = tables[t]; o->name; o++)
			if (!num--)
				return o;
	return NULL;
}

size_t
dispatch_ops(void)
{
	size_t n = 0;

	for (size_t t = 0; t < NTABLES; t++)
		for (const struct op *o = tables[t]; o->name; o++)
			n++;
	return n;
}

const char *
dispatch_op_name(size_t op)
{
	const struct op *o = op_at(op);

	if (o)
		return o->name;
	return op == dispatch_ops() ? "unknown" : NULL;
}

uint64_t
dispatch_requests(const struct dispatch *d, size_t op, int err)
{
	if (op > DISPATCH_OPS_MAX || err < 0 || err >= OS_ERR_COUNT)
		return 0;
	return d->requests[op][err];
}

struct dispatch *
dispatch_new(struct forum *f, const struct dispatch_hub *hub)
{
	struct dispatch *d = calloc(1, sizeof *d);

	if (!d)
		return NULL;
	d->nops = dispatch_ops();
	if (d->nops > DISPATCH_OPS_MAX) {
		/* The op table outgrew its counters: raise DISPATCH_OPS_MAX. */
		os_err("dispatch: %zu ops, at most %d", d->nops, DISPATCH_OPS_MAX);
		free(d);
		return NULL;
	}
	d->forum = f;
	if (hub)
		d->hub = *hub;
	return d;
}

void
dispatch_free(struct dispatch *d)
{
	free(d);
}

int
req_nomem(struct req *r)
{
	r->incomplete = 1;
	return OS_ENOMEM;
}

int
req_put(struct req *r, const char *name, cJSON *item)
{
	return render_put(r->out, name, item) ? req_nomem(r) : OS_OK;
}

int
req_fail(struct req *r, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof r->msg, fmt, ap);
	va_end(ap);
	return err;
}

static const cJSON *
field(struct req *r, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->in, name);

	return cJSON_IsNull(v) ? NULL : v;
}

int
req_int(struct req *r, const char *name, int required, int64_t min, int64_t max,
	int64_t *out)
{
	const cJSON *v = field(r, name);
	double d;

	if (!v) {
		if (required)
			return req_fail(r, OS_EBADREQ, "missing field '%s'", name);
		return OS_OK;
	}
	d = v->valuedouble;
	if (!cJSON_IsNumber(v) || d != floor(d) || d < (double)min || d > (double)max)
		return req_fail(r, OS_EBADREQ,
				"field '%s' must be an integer from %lld to %lld", name,
				(long long)min, (long long)max);
	*out = (int64_t)d;
	return OS_OK;
}

int
req_id(struct req *r, const char *name, int required, int64_t *out)
{
	const cJSON *v = field(r, name);

	if (v && (!cJSON_IsNumber(v) || v->valuedouble < 1 ||
		  v->valuedouble != floor(v->valuedouble) || v->valuedouble > 9007199254740991.0))
		return req_fail(r, OS_EBADREQ, "field '%s' must be a positive integer id",
				name);
	return req_int(r, name, required, 1, INT64_C(9007199254740991), out);
}

int
req_str(struct req *r, const char *name, int required, const char **out)
{
	const cJSON *v = field(r, name);

	if (!v) {
		if (required)
			return req_fail(r, OS_EBADREQ, "missing field '%s'", name);
		return OS_OK;
	}
	if (!cJSON_IsString(v) || !v->valuestring)
		return req_fail(r, OS_EBADREQ, "field '%s' must be a string", name);
	/* JSON strings may carry \u0000; the C layers below cannot. */
	*out = v->valuestring;
	return OS_OK;
}

void
req_view_round(struct req *r, int64_t round)
{
	if (r->caller && r->caller->role == ROLE_CUSTOMER)
		render_set_view(r->caller, rounds_customers_see_each_other(r->d->forum, round));
}

int
req_bool(struct req *r, const char *name, int required, int *out)
{
	const cJSON *v = field(r, name);

	if (!v) {
		if (required)
			return req_fail(r, OS_EBADREQ, "missing field '%s'", name);
		return OS_OK;
	}
	if (!cJSON_IsBool(v))
		return req_fail(r, OS_EBADREQ, "field '%s' must be true or false", name);
	*out = cJSON_IsTrue(v);
	return OS_OK;
}

/* Exactly one JSON value, with nothing but white space after it. NULL with
 * *nomem set when memory ran out: a failed malloc sets errno to ENOMEM, and
 * nothing else in cJSON's parser does. */
static cJSON *
parse_one(const char *msg, size_t len, int *nomem)
{
	const char *end = NULL;
	cJSON *in;

	errno = 0;
	in = cJSON_ParseWithLengthOpts(msg, len, &end, 0);
	*nomem = !in && errno == ENOMEM;
	if (!in)
		return NULL;
	for (; end && end < msg + len; end++)
		if (*end != ' ' && *end != '\t' && *end != '\n' && *end != '\r') {
			cJSON_Delete(in);
			return NULL;
		}
	return in;
}

/* The rid to echo. cJSON prints large integers in exponent form with too
 * few digits; an integral rid (|rid| <= 2^53) is echoed digit for digit. */
static cJSON *
echo_rid(const cJSON *rid)
{
	double d = rid->valuedouble;
	char buf[32];

	if (cJSON_IsNumber(rid) && d == floor(d) && fabs(d) <= 9007199254740992.0) {
		snprintf(buf, sizeof buf, "%lld", (long long)d);
		return cJSON_CreateRaw(buf);
	}
	return cJSON_Duplicate(rid, 1);
}

static char *
print(cJSON *o, size_t *len)
{
	char *s = cJSON_PrintUnformatted(o);

	if (s && len)
		*len = strlen(s);
	return s;
}

/* The whole error reply, or NULL when out of memory. */
static cJSON *
error_object(const cJSON *rid, int err, const char *message)
{
	cJSON *o = cJSON_CreateObject(), *e;
	int bad = 0;

	if (!o)
		return NULL;
	if (rid)
		bad |= render_put(o, "rid", echo_rid(rid));
	bad |= render_put(o, "ok", cJSON_CreateFalse());
	e = cJSON_CreateObject();
	bad |= render_put(o, "error", e);
	if (!bad) {
		bad |= render_put(e, "code", cJSON_CreateString(os_err_code(err)));
		bad |= render_put(e, "message",
				  cJSON_CreateString(message && *message ? message
									: os_err_message(err)));
	}
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

char *
dispatch_error_reply(int has_rid, double rid, int err, const char *message,
		     size_t *len)
{
	cJSON *r = has_rid ? cJSON_CreateNumber(rid) : NULL;
	cJSON *o = !has_rid || r ? error_object(r, err, message) : NULL;
	char *s = o ? print(o, len) : NULL;

	cJSON_Delete(r);
	cJSON_Delete(o);
	return s;
}

char *
dispatch_reply_to_error(const char *reply, size_t len, int err, size_t *out_len)
{
	/* The reply is ours and well-formed: failing to parse it is running
	 * out of memory, and an error without the rid would answer nothing. */
	cJSON *in = cJSON_ParseWithLength(reply, len);
	cJSON *o = in ? error_object(cJSON_GetObjectItemCaseSensitive(in, "rid"), err, NULL)
		      : NULL;
	char *s = o ? print(o, out_len) : NULL;

	cJSON_Delete(in);
	cJSON_Delete(o);
	return s;
}

char *
dispatch_request(struct dispatch *d, const struct user *caller, void *conn,
		 const char *msg, size_t len, size_t *out_len, int *is_write)
{
	struct req r = {.d = d, .caller = caller, .conn = conn};
	const cJSON *rid = NULL, *opv;
	const struct op *op;
	cJSON *in, *reply = NULL;
	char *s = NULL;
	size_t num = d->nops;
	int err, nomem;

	*is_write = 0;
	in = parse_one(msg, len, &nomem);
	if (!in && nomem) {
		err = OS_ENOMEM;
		goto fail;
	}
	if (!in || !cJSON_IsObject(in)) {
		err = req_fail(&r, OS_EBADREQ, in ? "a request must be a JSON object"
						  : "malformed JSON");
		goto fail;
	}
	r.in = in;
	rid = cJSON_GetObjectItemCaseSensitive(in, "rid");
	if (rid && !cJSON_IsNumber(rid)) {
		err = req_fail(&r, OS_EBADREQ, "'rid' must be an integer");
		goto fail;
	}
	opv = cJSON_GetObjectItemCaseSensitive(in, "op");
	if (!cJSON_IsString(opv)) {
		err = req_fail(&r, OS_EBADREQ, "missing field 'op'");
		goto fail;
	}
	op = find_op(opv->valuestring, &num);
	if (!op) {
		err = req_fail(&r, OS_EUNKNOWNOP, "unknown op '%.*s'",
			       (int)os_utf8_prefix(opv->valuestring, 60), opv->valuestring);
		goto fail;
	}
	reply = cJSON_CreateObject();
	if (!reply || (rid && render_put(reply, "rid", echo_rid(rid))) ||
	    render_put(reply, "ok", cJSON_CreateTrue())) {
		err = OS_ENOMEM;
		goto fail;
	}
	r.out = reply;
	/* A customer sees other organisations' customers anonymously unless
	 * the round at hand lets them (req_view_round()). */
	render_set_view(caller, 0);
	if (op->write) {
		struct store *st = forum_store(d->forum);
		int keep;

		*is_write = 1;
		err = store_op_begin(st);
		if (err == OS_OK) {
			err = op->fn(&r);
			/* A write that was done, but whose reply could not be
			 * built, stays done: its events are on their way. */
			keep = err == OS_OK || r.incomplete;
			if (store_op_end(st, keep) && keep) {
				err = OS_EINTERNAL;
				r.incomplete = 0;
			}
		}
	} else {
		err = op->fn(&r);
	}
	if (!err) {
		s = print(reply, out_len);
		if (s)
			goto out;
		err = req_nomem(&r);
	}
	if (r.incomplete && *is_write) {
		/* An error would say that nothing changed. No reply has the
		 * transport close the connection instead; the client finds
		 * its write when it reconnects. */
		s = NULL;
		goto out;
	}
fail:
	{
		cJSON *o = error_object(rid, err, r.msg);

		s = o ? print(o, out_len) : NULL;
		cJSON_Delete(o);
	}
out:
	render_set_view(NULL, 1);
	d->requests[num][err >= 0 && err < OS_ERR_COUNT ? err : OS_EINTERNAL]++;
	cJSON_Delete(reply);
	cJSON_Delete(in);
	return s;
}
