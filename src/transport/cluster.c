/*
 * Several nodes as one forum (cluster.h). Every message a node publishes
 * starts with {"node": its id, "seq": n, "rseq": m, ...}: the id is drawn
 * at start-up (a restarted node is a new origin), seq counts every message
 * the node published, rseq the events of one round. A receiver keeps the
 * last seq of each origin and drops anything not newer (never delivered
 * twice), and the last rseq per origin and round: a jump means events were
 * missed (the bus was down), and the round's subscribers on this node are
 * closed (1011) to reload, as when this node loses an event itself.
 *
 * NATS keeps the order of one publisher's messages on one subscription:
 * each origin's events are delivered in the order of its commits.
 */
#include "transport/cluster.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lang.h"
#include "base/log.h"
#include "cluster/bus.h"
#include "dispatch/view.h"
#include "forum/events.h"
#include "forum/rounds.h"
#include "store/posts.h"
#include "store/rounds.h"
#include "transport/internal.h"

#define TICK_US       (1000 * 1000)
#define HEARTBEAT_US  (3 * 1000 * 1000)
#define EXPIRE_US     (10 * 1000 * 1000)   /* a silent node leaves presence */
/* A silent node's round numbers are kept this long, so that a node cut
 * off for a while still notices what it missed when it hears from it
 * again; one that said goodbye is forgotten at once. */
#define FORGET_US     (24LL * 3600 * 1000 * 1000)
#define BUCKETS       64
#define HB_ROUNDS_MAX 4096                 /* round seqs a heartbeat names */

struct rseq {
	int64_t round;
	uint64_t seq;
	struct rseq *next;
};

/* One other node's online set in one round. */
struct remote_room {
	int64_t round;
	struct user *users;
	size_t n, count;
	uint64_t hash;
	struct remote_room *next;
};

struct origin {
	uint64_t id;
	uint64_t last_seq;
	int64_t heard_us;
	int baselined;            /* its heartbeat gave every round's rseq */
	int gone;                 /* it stopped cleanly */
	struct rseq *rseq[BUCKETS];
	struct remote_room *rooms;
	struct origin *next;
};

struct cluster {
	struct server *s;
	struct bus *bus;
	uint64_t node;
	uint64_t seq;
	struct rseq *rseq[BUCKETS];     /* this node's events per round */
	struct rseq *pub[BUCKETS];      /* hash of the online set last published */
	struct origin *origins;
	int64_t last_hb_us;
	int applying;                   /* handling another node's message */
	int was_up;
	lws_sorted_usec_list_t tick_sul;
	uint64_t delivered, duplicates, gaps, resyncs, bad;
};

static size_t
hb(int64_t round)
{
	return (size_t)((uint64_t)round * 0x9E3779B97F4A7C15ull >> 58) % BUCKETS;
}

static struct rseq *
rseq_find(struct rseq **tab, int64_t round, int create)
{
	struct rseq *e;

	for (e = tab[hb(round)]; e; e = e->next)
		if (e->round == round)
			return e;
	if (!create)
		return NULL;
	e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->round = round;
	e->next = tab[hb(round)];
	tab[hb(round)] = e;
	return e;
}

static void
rseq_free(struct rseq **tab)
{
	for (size_t b = 0; b < BUCKETS; b++)
		while (tab[b]) {
			struct rseq *e = tab[b];

			tab[b] = e->next;
			free(e);
		}
}

/* ---- USER and account as the bus carries them ---- */

static cJSON *
user_json(const struct user *u)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "id", (double)u->id);
	cJSON_AddStringToObject(o, "username", u->username);
	cJSON_AddStringToObject(o, "display_name", u->display_name);
	cJSON_AddStringToObject(o, "org", u->org);
	cJSON_AddNumberToObject(o, "role", u->role);
	cJSON_AddNumberToObject(o, "disabled", u->disabled);
	cJSON_AddNumberToObject(o, "has_lang", u->has_lang);
	cJSON_AddNumberToObject(o, "lang", u->lang);
	return o;
}

/* Numbers from the bus, within what converts to an integer without
 * overflow (anything else is a message no node sends: its default). */
static double
dnum(const cJSON *v, double dflt)
{
	double x = cJSON_IsNumber(v) ? v->valuedouble : dflt;

	return x >= -9007199254740992.0 && x <= 9007199254740992.0 ? x : dflt;
}

static double
num(const cJSON *o, const char *k, double dflt)
{
	return dnum(cJSON_GetObjectItemCaseSensitive(o, k), dflt);
}

static int
small(const cJSON *o, const char *k, int dflt)
{
	double x = num(o, k, dflt);

	return x >= INT_MIN && x <= INT_MAX ? (int)x : dflt;
}

static uint64_t
unum(const cJSON *o, const char *k)
{
	double x = num(o, k, 0);

	return x > 0 ? (uint64_t)x : 0;
}

static const char *
str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int
user_from(const cJSON *o, struct user *u)
{
	const char *un = str(o, "username"), *dn = str(o, "display_name"), *org = str(o, "org");

	memset(u, 0, sizeof *u);
	if (!cJSON_IsObject(o) || !un || !dn || !org)
		return -1;
	u->id = (int64_t)num(o, "id", 0);
	snprintf(u->username, sizeof u->username, "%s", un);
	snprintf(u->display_name, sizeof u->display_name, "%s", dn);
	snprintf(u->org, sizeof u->org, "%s", org);
	u->role = small(o, "role", ROLE_CUSTOMER);
	u->disabled = small(o, "disabled", 0);
	u->has_lang = small(o, "has_lang", 0);
	u->lang = small(o, "lang", 0);
	if (u->role < 0 || u->role >= ROLE_COUNT || u->lang < 0 || u->lang >= OS_LANG_COUNT)
		return -1;
	return u->id > 0 ? 0 : -1;
}

/* ---- publishing ---- */

static void
queue_json(struct server *s, int64_t round, cJSON *o)
{
	char *json = o ? cJSON_PrintUnformatted(o) : NULL;

	cJSON_Delete(o);
	if (!json) {
		os_err("cluster: out of memory: a message for the other nodes was lost");
		return;
	}
	server_cluster(s, round, json, strlen(json));
}

/* Publishes now (not a write's consequence: presence, rate hits). */
static void
publish_now(struct server *s, int64_t round, cJSON *o)
{
	char *json = o ? cJSON_PrintUnformatted(o) : NULL;
	struct msg *m;

	cJSON_Delete(o);
	m = json ? msg_new(json, strlen(json)) : NULL;
	free(json);
	if (m) {
		cluster_publish(s, round, m);
		msg_unref(m);
	}
}

void
cluster_publish(struct server *s, int64_t round, struct msg *m)
{
	struct cluster *cl = s->cluster;
	const char *body = (const char *)msg_payload(m);
	uint64_t rseq = 0;
	char head[96], tail[40];
	size_t hl;
	char *out;

	if (!cl || m->len < 2 || body[0] != '{')
		return;
	if (round > 0) {
		struct rseq *e = rseq_find(cl->rseq, round, 1);

		if (!e)
			return;
		rseq = ++e->seq;
		snprintf(tail, sizeof tail, "round.%lld", (long long)round);
	} else {
		snprintf(tail, sizeof tail, "%s", round < 0 ? "presence" : "control");
	}
	hl = (size_t)snprintf(head, sizeof head, "{\"node\":\"%016llx\",\"seq\":%llu,\"rseq\":%llu%s",
			      (unsigned long long)cl->node, (unsigned long long)++cl->seq,
			      (unsigned long long)rseq, m->len > 2 ? "," : "");
	out = malloc(hl + m->len);
	if (!out)
		return;
	memcpy(out, head, hl);
	memcpy(out + hl, body + 1, m->len - 1);
	bus_publish(cl->bus, tail, out, hl + m->len - 1);
	free(out);
}

static cJSON *
control(const char *t, int64_t user_id)
{
	cJSON *o = cJSON_CreateObject();

	if (o) {
		cJSON_AddStringToObject(o, "t", t);
		cJSON_AddNumberToObject(o, "user", (double)user_id);
	}
	return o;
}

static int
add_text(cJSON *o, const char *k, char *json)
{
	cJSON *v = json ? cJSON_CreateString(json) : NULL;

	free(json);
	if (!v)
		return -1;
	cJSON_AddItemToObject(o, k, v);
	return 0;
}

void
cluster_emit(struct server *s, const struct os_event *ev)
{
	struct cluster *cl = s->cluster;
	cJSON *o;
	size_t len;

	if (!cl || cl->applying)
		return;
	switch (ev->type) {
	case EV_SESSIONS_ENDED:
		o = control("sessions_ended", ev->user_id);
		if (o && ev->session_keep) {
			char hex[65];

			sodium_bin2hex(hex, sizeof hex, ev->session_keep, 32);
			cJSON_AddStringToObject(o, "keep", hex);
		}
		queue_json(s, 0, o);
		return;
	case EV_USER_DISABLED:
		queue_json(s, 0, control("disabled", ev->user_id));
		return;
	case EV_ACCESS_REVOKED:
		o = control("revoked", ev->user_id);
		if (o)
			cJSON_AddNumberToObject(o, "round", (double)ev->round);
		queue_json(s, 0, o);
		return;
	case EV_USER_UPDATED:
		if (!ev->user && ev->account) {
			o = control("account", ev->user_id);
			if (o) {
				cJSON_AddItemToObject(o, "u", user_json(&ev->account->user));
				cJSON_AddStringToObject(o, "email", ev->account->email);
				cJSON_AddNumberToObject(o, "source", ev->account->source);
				cJSON_AddNumberToObject(o, "last_seen_at",
							(double)ev->account->last_seen_at);
			}
		} else if (ev->user) {
			o = control("user", ev->user_id);
			if (o)
				cJSON_AddItemToObject(o, "u", user_json(ev->user));
		} else {
			return;
		}
		queue_json(s, 0, o);
		return;
	case EV_NOTIFICATION:
		o = control("notify", ev->user_id);
		if (o) {
			cJSON_AddNumberToObject(o, "see_all", ev->customers_see_each_other);
			if (add_text(o, "full", dispatch_render_event(ev, &len))) {
				cJSON_Delete(o);
				o = NULL;
			}
		}
		queue_json(s, 0, o);
		return;
	default:
		break;
	}
	if (!ev->round)
		return;
	o = cJSON_CreateObject();
	if (!o)
		goto oom;
	cJSON_AddStringToObject(o, "t", "ev");
	cJSON_AddNumberToObject(o, "round", (double)ev->round);
	cJSON_AddNumberToObject(o, "see_all", ev->customers_see_each_other);
	cJSON_AddNumberToObject(o, "users", dispatch_event_has_users(ev));
	cJSON_AddNumberToObject(o, "privacy",
				ev->round_obj ? ev->round_obj->customers_see_each_other : -1);
	cJSON_AddNumberToObject(o, "round_updated",
				ev->type == EV_ROUND_UPDATED && ev->round_obj);
	if (ev->type == EV_VOTE_TALLY && ev->post) {
		cJSON_AddNumberToObject(o, "tally_post", (double)ev->post->id);
		cJSON_AddNumberToObject(o, "vote_mode", ev->post->vote_mode);
	}
	if (add_text(o, "full", dispatch_render_event(ev, &len)) ||
	    (server_event_hides(ev) && add_text(o, "redacted", dispatch_render_event_redacted(ev, &len)))) {
		cJSON_Delete(o);
		goto oom;
	}
	queue_json(s, ev->round, o);
	return;
oom:
	/* The other nodes' subscribers would miss it: the gap in this
	 * round's sequence tells them to reload. */
	os_err("cluster: out of memory: an event for the other nodes was lost");
	if (rseq_find(cl->rseq, ev->round, 1))
		rseq_find(cl->rseq, ev->round, 1)->seq++;
}

void
cluster_session_ended(struct server *s, const unsigned char hash[32])
{
	char hex[65];
	cJSON *o;

	if (!s->cluster)
		return;
	o = control("session_ended", 0);
	if (o) {
		sodium_bin2hex(hex, sizeof hex, hash, 32);
		cJSON_AddStringToObject(o, "hash", hex);
	}
	queue_json(s, 0, o);
}

void
cluster_rate_hit(struct server *s, int64_t user_id)
{
	if (s->cluster && !s->cluster->applying)
		publish_now(s, 0, control("rate", user_id));
}

void
cluster_signin(struct server *s, const char *username, const char *addr, int ok)
{
	cJSON *o;

	if (!s->cluster || s->cluster->applying)
		return;
	o = control(ok ? "signin_ok" : "signin_failed", 0);
	if (o) {
		cJSON_AddStringToObject(o, "name", username);
		cJSON_AddStringToObject(o, "addr", addr);
	}
	publish_now(s, 0, o);
}

/* ---- presence ---- */

static uint64_t
users_hash(const struct user *u, size_t n, size_t count)
{
	crypto_generichash_state st;
	unsigned char out[8];
	uint64_t h;

	crypto_generichash_init(&st, NULL, 0, sizeof out);
	crypto_generichash_update(&st, (const unsigned char *)&count, sizeof count);
	for (size_t i = 0; i < n; i++) {
		crypto_generichash_update(&st, (const unsigned char *)&u[i].id, sizeof u[i].id);
		crypto_generichash_update(&st, (const unsigned char *)&u[i].role, sizeof u[i].role);
		crypto_generichash_update(&st, (const unsigned char *)u[i].display_name,
					  strlen(u[i].display_name) + 1);
		crypto_generichash_update(&st, (const unsigned char *)u[i].org,
					  strlen(u[i].org) + 1);
	}
	crypto_generichash_final(&st, out, sizeof out);
	memcpy(&h, out, sizeof h);
	return h;
}

/* The local online set of round as the bus carries it; *hash its hash. */
static cJSON *
room_json(struct server *s, int64_t round, uint64_t *hash)
{
	struct user *u = malloc(DISPATCH_PRESENCE_MAX * sizeof *u);
	size_t total, n;
	cJSON *o = cJSON_CreateObject(), *list = cJSON_CreateArray();

	if (!u || !o || !list) {
		free(u);
		cJSON_Delete(o);
		cJSON_Delete(list);
		return NULL;
	}
	n = fanout_local_online(s, round, u, DISPATCH_PRESENCE_MAX, &total);
	*hash = users_hash(u, n, total);
	cJSON_AddNumberToObject(o, "round", (double)round);
	cJSON_AddNumberToObject(o, "count", (double)total);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(list, user_json(&u[i]));
	cJSON_AddItemToObject(o, "online", list);
	free(u);
	return o;
}

void
cluster_local_presence(struct server *s, int64_t round)
{
	struct cluster *cl = s->cluster;
	struct rseq *e;
	uint64_t h;
	cJSON *o, *rooms, *room;

	if (!cl)
		return;
	room = room_json(s, round, &h);
	e = rseq_find(cl->pub, round, 1);
	if (!room || !e || e->seq == h) {
		cJSON_Delete(room);
		return;
	}
	e->seq = h;
	o = cJSON_CreateObject();
	rooms = cJSON_CreateArray();
	if (!o || !rooms) {
		cJSON_Delete(o);
		cJSON_Delete(rooms);
		cJSON_Delete(room);
		e->seq = 0;
		return;
	}
	cJSON_AddStringToObject(o, "t", "presence");
	cJSON_AddItemToArray(rooms, room);
	cJSON_AddItemToObject(o, "rooms", rooms);
	publish_now(s, -1, o);
}

/* Every few seconds: every local online set and this node's round
 * sequences, so that the others keep this node in presence and notice
 * events they missed even when no new one comes. */
static void
heartbeat(struct server *s)
{
	struct cluster *cl = s->cluster;
	cJSON *o = cJSON_CreateObject(), *rooms = cJSON_CreateArray(), *seqs = cJSON_CreateArray();
	size_t nseq = 0;

	if (!o || !rooms || !seqs) {
		cJSON_Delete(o);
		cJSON_Delete(rooms);
		cJSON_Delete(seqs);
		return;
	}
	cJSON_AddStringToObject(o, "t", "presence");
	cJSON_AddNumberToObject(o, "all", 1);
	for (size_t b = 0; b < ROOM_BUCKETS; b++)
		for (struct room *r = s->rooms[b]; r; r = r->next) {
			uint64_t h;
			cJSON *room;
			struct rseq *e;

			if (!r->nonline)
				continue;
			room = room_json(s, r->id, &h);
			if (room)
				cJSON_AddItemToArray(rooms, room);
			if ((e = rseq_find(cl->pub, r->id, 1)))
				e->seq = h;
		}
	for (size_t b = 0; b < BUCKETS; b++)
		for (struct rseq *e = cl->rseq[b]; e && nseq < HB_ROUNDS_MAX; e = e->next, nseq++) {
			cJSON *pair = cJSON_CreateArray();

			cJSON_AddItemToArray(pair, cJSON_CreateNumber((double)e->round));
			cJSON_AddItemToArray(pair, cJSON_CreateNumber((double)e->seq));
			cJSON_AddItemToArray(seqs, pair);
		}
	cJSON_AddItemToObject(o, "rooms", rooms);
	cJSON_AddItemToObject(o, "rseq", seqs);
	publish_now(s, -1, o);
}

static void
remote_room_free(struct remote_room *rr)
{
	free(rr->users);
	free(rr);
}

/* Drops an origin's presence (it went silent or sent an empty set). */
static void
origin_clear_rooms(struct server *s, struct origin *og)
{
	while (og->rooms) {
		struct remote_room *rr = og->rooms;

		og->rooms = rr->next;
		fanout_presence_changed(s, rr->round);
		remote_room_free(rr);
	}
}

static void
apply_room(struct server *s, struct origin *og, const cJSON *room, int64_t now)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(room, "online");
	int64_t round = (int64_t)num(room, "round", 0);
	size_t count = (size_t)unum(room, "count"), n = 0, cap;
	struct remote_room **pp, *rr;
	struct user *users;
	uint64_t h;

	if (round <= 0 || !cJSON_IsArray(list))
		return;
	cap = (size_t)cJSON_GetArraySize(list);
	if (cap > DISPATCH_PRESENCE_MAX)
		cap = DISPATCH_PRESENCE_MAX;
	users = malloc((cap ? cap : 1) * sizeof *users);
	if (!users)
		return;
	for (const cJSON *u = list->child; u && n < cap; u = u->next)
		if (!user_from(u, &users[n]))
			n++;
	if (count < n)
		count = n;
	h = users_hash(users, n, count);
	for (pp = &og->rooms; *pp && (*pp)->round != round; pp = &(*pp)->next)
		;
	rr = *pp;
	if (!count) {
		free(users);
		if (rr) {
			*pp = rr->next;
			remote_room_free(rr);
			fanout_presence_changed(s, round);
		}
		return;
	}
	if (rr && rr->hash == h) {
		free(users);
		return;
	}
	if (!rr) {
		rr = calloc(1, sizeof *rr);
		if (!rr) {
			free(users);
			return;
		}
		rr->round = round;
		rr->next = og->rooms;
		og->rooms = rr;
	}
	free(rr->users);
	rr->users = users;
	rr->n = n;
	rr->count = count;
	rr->hash = h;
	fanout_presence_changed(s, round);
}

/* Closes this node's subscribers of round: they missed another node's
 * events and reload (as when an event is lost here). */
static void
resync(struct server *s, int64_t round)
{
	s->cluster->resyncs++;
	os_warn("cluster: events of round %lld were missed; its subscribers reload",
		(long long)round);
	fanout_close_room(s, round, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, "missed events");
}

static void
apply_presence(struct server *s, struct origin *og, const cJSON *o, int64_t now)
{
	const cJSON *rooms = cJSON_GetObjectItemCaseSensitive(o, "rooms");
	const cJSON *seqs = cJSON_GetObjectItemCaseSensitive(o, "rseq");
	int all = num(o, "all", 0) != 0;

	if (all) {
		/* Rounds it no longer names: nobody is online there. */
		struct remote_room **pp = &og->rooms;

		while (*pp) {
			int named = 0;

			for (const cJSON *r = rooms ? rooms->child : NULL; r; r = r->next)
				if ((int64_t)num(r, "round", 0) == (*pp)->round)
					named = 1;
			if (named) {
				pp = &(*pp)->next;
				continue;
			}
			struct remote_room *gone = *pp;

			*pp = gone->next;
			fanout_presence_changed(s, gone->round);
			remote_room_free(gone);
		}
	}
	for (const cJSON *r = cJSON_IsArray(rooms) ? rooms->child : NULL; r; r = r->next)
		apply_room(s, og, r, now);
	if (num(o, "bye", 0)) {
		os_info("cluster: node %016llx left", (unsigned long long)og->id);
		og->gone = 1;
	}
	if (!cJSON_IsArray(seqs))
		return;
	for (const cJSON *p = seqs->child; p; p = p->next) {
		int64_t round;
		const cJSON *r0 = cJSON_GetArrayItem(p, 0), *s1 = cJSON_GetArrayItem(p, 1);
		struct rseq *e;

		if (!cJSON_IsNumber(r0) || !cJSON_IsNumber(s1) || dnum(s1, -1) < 0)
			continue;
		round = (int64_t)dnum(r0, 0);
		e = rseq_find(og->rseq, round, 1);
		if (!e)
			continue;
		if (og->baselined && (uint64_t)dnum(s1, 0) > e->seq)
			resync(s, round);
		if ((uint64_t)dnum(s1, 0) > e->seq)
			e->seq = (uint64_t)dnum(s1, 0);
	}
	og->baselined = 1;
}

/* ---- events of other nodes ---- */

/* 1 when text has the shape of an event (an object): nothing else goes
 * to a client. */
static int
object_text(const char *text)
{
	size_t n = text ? strlen(text) : 0;

	return n >= 2 && text[0] == '{' && text[n - 1] == '}';
}

static void
send_text(struct conn *c, const char *json, size_t len)
{
	struct msg *m = msg_new(json, len);

	if (!m) {
		conn_close(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, "out of memory");
		return;
	}
	conn_send(c, m);
	msg_unref(m);
}

static void
publish_text(struct server *s, int64_t round, const char *json, int audience)
{
	struct msg *m = msg_new(json, strlen(json));

	if (!m) {
		fanout_close_room(s, round, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
				  "out of memory");
		return;
	}
	fanout_publish_to(s, round, m, audience);
	msg_unref(m);
}

struct for_customer {
	const char *json;
	int see_all;
};

static void
customer_text(void *arg, struct conn *c)
{
	struct for_customer *fc = arg;
	size_t len;
	char *t = dispatch_event_for_viewer(fc->json, strlen(fc->json), &c->user, fc->see_all,
					    &len);

	if (!t) {
		conn_close(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, "out of memory");
		return;
	}
	send_text(c, t, len);
	free(t);
}

/*
 * Votes cast through several nodes: their tallies may arrive here in
 * another order than they were committed, and the last to arrive would
 * stay on screen. The tally is read again from the database instead (all
 * of it, whoever voted where) and sent like this node's own tallies:
 * after this node's open group commits, the latest for a post replacing
 * one still waiting. 1 when sent so.
 */
static int
remote_tally(struct server *s, int64_t round, const cJSON *o)
{
	struct post p;
	struct os_event ev;
	size_t len;
	char *json;

	memset(&p, 0, sizeof p);
	p.id = (int64_t)num(o, "tally_post", 0);
	p.vote_mode = small(o, "vote_mode", 0);
	if (store_post_tally(s->st, p.id, &p.tally)) {
		os_warn("cluster: the tally of post %lld could not be read again",
			(long long)p.id);
		return 0;
	}
	memset(&ev, 0, sizeof ev);
	ev.type = EV_VOTE_TALLY;
	ev.round = round;
	ev.post = &p;
	json = dispatch_render_event(&ev, &len);
	if (!json)
		return 0;
	server_event(s, round, json, len, p.id);
	return 1;
}

/* The same audiences as emit_event() (server.c) gives its own events. */
static void
apply_event(struct server *s, struct origin *og, const cJSON *o, uint64_t rs)
{
	int64_t round = (int64_t)num(o, "round", 0);
	const char *full = str(o, "full"), *redacted = str(o, "redacted");
	int privacy = small(o, "privacy", -1), see_all = small(o, "see_all", 0);
	struct rseq *e;

	if (round <= 0 || !object_text(full) || (redacted && !object_text(redacted))) {
		s->cluster->bad++;
		return;
	}
	e = rseq_find(og->rseq, round, 1);
	if (e) {
		if (rs && rs <= e->seq) {
			s->cluster->duplicates++;
			return;
		}
		if (rs > e->seq + 1 && (og->baselined || e->seq))
			resync(s, round);
		e->seq = rs;
	}
	s->cluster->delivered++;
	if (privacy >= 0)
		fanout_set_privacy(s, round, privacy);
	if (num(o, "tally_post", 0) > 0 && remote_tally(s, round, o))
		return;
	if (!fanout_privacy(s, round) && num(o, "users", 0)) {
		struct for_customer fc = {redacted ? redacted : full, see_all};

		if (redacted) {
			publish_text(s, round, full, AUD_MODERATORS);
			publish_text(s, round, redacted, AUD_EMPLOYEES);
		} else {
			publish_text(s, round, full, AUD_STAFF);
		}
		fanout_each_customer(s, round, customer_text, &fc);
		return;
	}
	if (redacted) {
		publish_text(s, round, full, AUD_MODERATORS);
		publish_text(s, round, redacted, AUD_OTHERS);
		return;
	}
	if (num(o, "round_updated", 0)) {
		/* Everyone who may see the round, subscribed or not. */
		struct round r;
		struct msg *m;

		if (store_round_get(s->st, round, &r))
			return;
		m = msg_new(full, strlen(full));
		for (struct conn *c = s->conns; m && c; c = c->next)
			if (!c->closing && c->user.id && rounds_visible(s->forum, &c->user, &r))
				conn_send(c, m);
		if (m)
			msg_unref(m);
		round_clear(&r);
		return;
	}
	publish_text(s, round, full, AUD_ALL);
}

/* Sign-outs, revocations, account changes: the same as this node does
 * with its own (emit_event()), without telling the others again. */
static void
apply_control(struct server *s, const cJSON *o)
{
	const char *t = str(o, "t");
	int64_t uid = (int64_t)num(o, "user", 0);
	struct os_event ev;
	struct user u;
	struct account a;
	unsigned char keep[32];

	memset(&ev, 0, sizeof ev);
	ev.user_id = uid;
	if (!strcmp(t, "rate")) {
		forum_rate_charge(s->forum, uid);
		return;
	}
	if (!strcmp(t, "signin_failed") || !strcmp(t, "signin_ok")) {
		const char *name = str(o, "name"), *addr = str(o, "addr");

		if (!name || !addr)
			return;
		if (t[7] == 'f')
			throttle_fail(s->throttle, name, addr, os_now_ms());
		else
			throttle_success(s->throttle, name, addr);
		return;
	}
	if (!strcmp(t, "session_ended")) {
		const char *hex = str(o, "hash");
		unsigned char h[32];

		if (!hex || sodium_hex2bin(h, sizeof h, hex, strlen(hex), NULL, NULL, NULL))
			return;
		for (struct conn *c = s->conns; c; c = c->next)
			if (!memcmp(c->session_hash, h, sizeof h))
				conn_close(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "signed out");
		return;
	}
	if (uid <= 0)
		return;
	if (!strcmp(t, "sessions_ended")) {
		const char *hex = str(o, "keep");

		ev.type = EV_SESSIONS_ENDED;
		if (hex && !sodium_hex2bin(keep, sizeof keep, hex, strlen(hex), NULL, NULL, NULL))
			ev.session_keep = keep;
	} else if (!strcmp(t, "disabled")) {
		ev.type = EV_USER_DISABLED;
	} else if (!strcmp(t, "revoked")) {
		ev.type = EV_ACCESS_REVOKED;
		ev.round = (int64_t)num(o, "round", 0);
		if (ev.round <= 0)
			return;
	} else if (!strcmp(t, "account")) {
		memset(&a, 0, sizeof a);
		if (user_from(cJSON_GetObjectItemCaseSensitive(o, "u"), &a.user))
			return;
		snprintf(a.email, sizeof a.email, "%s", str(o, "email") ? str(o, "email") : "");
		a.source = small(o, "source", 0);
		a.last_seen_at = (int64_t)num(o, "last_seen_at", 0);
		ev.type = EV_USER_UPDATED;
		ev.account = &a;
	} else if (!strcmp(t, "user")) {
		if (user_from(cJSON_GetObjectItemCaseSensitive(o, "u"), &u))
			return;
		ev.type = EV_USER_UPDATED;
		ev.user = &u;
	} else if (!strcmp(t, "notify")) {
		const char *full = str(o, "full");
		int see_all = small(o, "see_all", 0);

		if (!object_text(full))
			return;
		for (struct conn *c = s->conns; c; c = c->next) {
			size_t len;
			char *text;

			if (c->user.id != uid || c->closing)
				continue;
			text = dispatch_event_for_viewer(full, strlen(full), &c->user, see_all, &len);
			if (text)
				send_text(c, text, len);
			free(text);
		}
		return;
	} else {
		return;
	}
	server_apply_event(s, &ev);
}

static struct origin *
origin_get(struct cluster *cl, uint64_t id)
{
	struct origin *og;

	for (og = cl->origins; og; og = og->next)
		if (og->id == id)
			return og;
	og = calloc(1, sizeof *og);
	if (!og)
		return NULL;
	og->id = id;
	og->next = cl->origins;
	cl->origins = og;
	os_info("cluster: node %016llx joined", (unsigned long long)id);
	return og;
}

static void
handle(struct server *s, struct bus_msg *bm, int64_t now)
{
	struct cluster *cl = s->cluster;
	cJSON *o = cJSON_ParseWithLength(bm->data, bm->len);
	const char *node = str(o, "node"), *t = str(o, "t");
	uint64_t id, seq = unum(o, "seq"), rs = unum(o, "rseq");
	struct origin *og;
	char *end;

	if (!node || !t || !seq) {
		cl->bad++;
		goto out;
	}
	id = strtoull(node, &end, 16);
	if (*end || id == cl->node)
		goto out;
	og = origin_get(cl, id);
	if (!og)
		goto out;
	if (seq <= og->last_seq) {
		cl->duplicates++;
		goto out;
	}
	if (og->last_seq && seq > og->last_seq + 1)
		cl->gaps++;
	og->last_seq = seq;
	og->heard_us = now;
	cl->applying = 1;
	if (!strcmp(t, "ev"))
		apply_event(s, og, o, rs);
	else if (!strcmp(t, "presence"))
		apply_presence(s, og, o, now);
	else
		apply_control(s, o);
	cl->applying = 0;
out:
	cJSON_Delete(o);
}

void
cluster_drain(struct server *s)
{
	struct cluster *cl = s->cluster;
	struct bus_msg *m, *next;
	int64_t now = os_mono_us();
	int up;

	if (!cl)
		return;
	for (m = bus_take(cl->bus); m; m = next) {
		next = m->next;
		handle(s, m, now);
		free(m);
	}
	up = bus_connected(cl->bus);
	if (up && !cl->was_up)
		/* Back: the others hear of this node at once. */
		cl->last_hb_us = 0;
	cl->was_up = up;
	if (store_group_open(s->st))
		server_schedule_flush(s);
}

static void
tick_cb(lws_sorted_usec_list_t *sul)
{
	struct cluster *cl = lws_container_of(sul, struct cluster, tick_sul);
	struct server *s = cl->s;
	int64_t now = os_mono_us();

	cluster_drain(s);
	if (!cl->last_hb_us || now - cl->last_hb_us >= HEARTBEAT_US - TICK_US / 2) {
		cl->last_hb_us = now;
		heartbeat(s);
	}
	for (struct origin **pp = &cl->origins; *pp;) {
		struct origin *og = *pp;

		if (og->rooms && now - og->heard_us > EXPIRE_US) {
			os_warn("cluster: node %016llx silent for 10 s; it leaves presence",
				(unsigned long long)og->id);
			origin_clear_rooms(s, og);
		}
		if (og->gone || now - og->heard_us > FORGET_US) {
			*pp = og->next;
			rseq_free(og->rseq);
			free(og);
			continue;
		}
		pp = &og->next;
	}
	lws_sul_schedule(s->ctx, 0, &cl->tick_sul, tick_cb, TICK_US);
}

static void
wake(void *arg)
{
	struct server *s = arg;

	lws_cancel_service(s->ctx);
}

static void
rate_hook(void *arg, int64_t user)
{
	cluster_rate_hit(arg, user);
}

static void
signin_hook(void *arg, const char *username, const char *addr, int ok)
{
	cluster_signin(arg, username, addr, ok);
}

int
cluster_start(struct server *s)
{
	struct cluster *cl = calloc(1, sizeof *cl);
	struct bus_opts bo;

	if (!cl) {
		fprintf(stderr, "openstrat: out of memory\n");
		return -1;
	}
	cl->s = s;
	randombytes_buf(&cl->node, sizeof cl->node);
	cl->node |= 1; /* never 0 */
	bo.url = s->opts.nats_url;
	bo.forum = s->opts.forum && *s->opts.forum ? s->opts.forum : "openstrat";
	bo.wake = wake;
	bo.wake_arg = s;
	s->cluster = cl;
	if (bus_open(&bo, &cl->bus)) {
		s->cluster = NULL;
		free(cl);
		return -1;
	}
	cl->was_up = bus_connected(cl->bus);
	forum_set_rate_hook(s->forum, rate_hook, s);
	throttle_set_hook(s->throttle, signin_hook, s);
	os_info("cluster: node %016llx, forum %s", (unsigned long long)cl->node, bo.forum);
	lws_sul_schedule(s->ctx, 0, &cl->tick_sul, tick_cb, TICK_US);
	return 0;
}

void
cluster_stop(struct server *s)
{
	struct cluster *cl = s->cluster;

	if (!cl)
		return;
	lws_sul_cancel(&cl->tick_sul);
	/* Leaving: the others drop this node from presence now rather than
	 * in 10 s. */
	{
		cJSON *o = cJSON_CreateObject();

		if (o) {
			cJSON_AddStringToObject(o, "t", "presence");
			cJSON_AddNumberToObject(o, "all", 1);
			cJSON_AddNumberToObject(o, "bye", 1);
			cJSON_AddItemToObject(o, "rooms", cJSON_CreateArray());
		}
		publish_now(s, -1, o);
	}
	forum_set_rate_hook(s->forum, NULL, NULL);
	throttle_set_hook(s->throttle, NULL, NULL);
	bus_close(cl->bus);
	while (cl->origins) {
		struct origin *og = cl->origins;

		cl->origins = og->next;
		while (og->rooms) {
			struct remote_room *rr = og->rooms;

			og->rooms = rr->next;
			remote_room_free(rr);
		}
		rseq_free(og->rseq);
		free(og);
	}
	rseq_free(cl->rseq);
	rseq_free(cl->pub);
	s->cluster = NULL;
	free(cl);
}

int
cluster_degraded(struct server *s)
{
	return s->cluster && !bus_connected(s->cluster->bus);
}

void
cluster_online_union(struct server *s, int64_t round, struct user *users, size_t *n,
		     size_t max, size_t *total)
{
	struct cluster *cl = s->cluster;

	if (!cl)
		return;
	for (struct origin *og = cl->origins; og; og = og->next)
		for (struct remote_room *rr = og->rooms; rr; rr = rr->next) {
			size_t listed = 0;

			if (rr->round != round)
				continue;
			for (size_t i = 0; i < rr->n; i++) {
				size_t j;

				for (j = 0; j < *n && users[j].id != rr->users[i].id; j++)
					;
				if (j < *n)
					continue; /* online on this node or another too */
				listed++;
				if (*n < max)
					users[(*n)++] = rr->users[i];
			}
			/* Those past its list are counted as they are. */
			*total += listed + (rr->count - rr->n);
		}
}

int
cluster_metrics(struct server *s, struct os_buf *b)
{
	struct cluster *cl = s->cluster;
	struct bus_stats st;

	if (!cl)
		return 0;
	bus_stats(cl->bus, &st);
	os_buf_adds(b, "# HELP openstrat_cluster_connected 1 while the NATS connection is up\n"
		       "# TYPE openstrat_cluster_connected gauge\n");
	os_buf_addf(b, "openstrat_cluster_connected %d\n", st.connected);
	os_buf_adds(b, "# HELP openstrat_cluster_messages_total Messages between the nodes\n"
		       "# TYPE openstrat_cluster_messages_total counter\n");
	os_buf_addf(b, "openstrat_cluster_messages_total{outcome=\"published\"} %llu\n",
		    (unsigned long long)st.published);
	os_buf_addf(b, "openstrat_cluster_messages_total{outcome=\"publish_failed\"} %llu\n",
		    (unsigned long long)st.publish_failed);
	os_buf_addf(b, "openstrat_cluster_messages_total{outcome=\"received\"} %llu\n",
		    (unsigned long long)st.received);
	os_buf_addf(b, "openstrat_cluster_messages_total{outcome=\"dropped\"} %llu\n",
		    (unsigned long long)st.dropped);
	os_buf_addf(b, "openstrat_cluster_messages_total{outcome=\"duplicate\"} %llu\n",
		    (unsigned long long)cl->duplicates);
	os_buf_addf(b, "openstrat_cluster_messages_total{outcome=\"invalid\"} %llu\n",
		    (unsigned long long)cl->bad);
	os_buf_adds(b, "# HELP openstrat_cluster_events_delivered_total Other nodes' events "
		       "delivered here\n# TYPE openstrat_cluster_events_delivered_total counter\n");
	os_buf_addf(b, "openstrat_cluster_events_delivered_total %llu\n",
		    (unsigned long long)cl->delivered);
	os_buf_adds(b, "# HELP openstrat_cluster_resyncs_total Rounds whose subscribers were "
		       "closed to reload after missed events\n"
		       "# TYPE openstrat_cluster_resyncs_total counter\n");
	os_buf_addf(b, "openstrat_cluster_resyncs_total %llu\n",
		    (unsigned long long)cl->resyncs);
	os_buf_adds(b, "# HELP openstrat_cluster_reconnects_total NATS reconnections\n"
		       "# TYPE openstrat_cluster_reconnects_total counter\n");
	return os_buf_addf(b, "openstrat_cluster_reconnects_total %llu\n",
			   (unsigned long long)st.reconnects);
}
