/*
 * Fan-out: which connections are subscribed to which round, who is online
 * in each, and delivery of one shared message to every subscriber. Each
 * room keeps its members in an array and each connection remembers its slot
 * in it, so that subscribing and leaving cost O(1) whatever the room's size.
 */
#include "transport/internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "transport/cluster.h"

/* Presence changes are pushed at most this often per room. */
#define PRESENCE_DELAY_US (250 * 1000)

static size_t
bucket(int64_t round)
{
	return (size_t)((uint64_t)round * 0x9E3779B97F4A7C15ull >> 54) % ROOM_BUCKETS;
}

static struct room *
room_find(struct server *s, int64_t round, int create)
{
	size_t b = bucket(round);
	struct room *r;

	for (r = s->rooms[b]; r; r = r->next)
		if (r->id == round)
			return r;
	if (!create)
		return NULL;
	r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->id = round;
	r->next = s->rooms[b];
	s->rooms[b] = r;
	return r;
}

static void presence_changed(struct server *s, struct room *r);

/* Sends a room's presence to its members: 0, or -1 when out of memory. */
static int
presence_send(struct server *s, struct room *r)
{
	size_t n = r->nonline < DISPATCH_PRESENCE_MAX ? r->nonline : DISPATCH_PRESENCE_MAX;
	struct user *users = malloc(DISPATCH_PRESENCE_MAX * sizeof *users);
	struct msg *m = NULL;
	size_t len, total = r->nonline;
	char *json;

	if (!users)
		return -1;
	for (size_t i = 0; i < n; i++)
		users[i] = r->online[i].user;
	/* With other nodes: everyone online on any of them. */
	if (s->cluster)
		cluster_online_union(s, r->id, users, &n, DISPATCH_PRESENCE_MAX, &total);
	json = dispatch_render_presence(r->id, users, n, total, NULL, 1, &len);
	if (json)
		m = msg_new(json, len);
	free(json);
	if (!m) {
		free(users);
		return -1;
	}
	if (r->customers_see_all) {
		fanout_publish(s, r->id, m);
		msg_unref(m);
		free(users);
		return 0;
	}
	/* Each customer sees other organisations' customers anonymously:
	 * their list is rendered for them. */
	fanout_publish_to(s, r->id, m, AUD_STAFF);
	msg_unref(m);
	for (size_t i = 0; i < r->nmembers; i++) {
		struct conn *c = r->members[i].conn;

		if (c->user.role != ROLE_CUSTOMER || c->closing)
			continue;
		json = dispatch_render_presence(r->id, users, n, total, &c->user, 0, &len);
		m = json ? msg_new(json, len) : NULL;
		free(json);
		if (!m) {
			free(users);
			return -1;
		}
		conn_send(c, m);
		msg_unref(m);
	}
	free(users);
	return 0;
}

static void
presence_flush(struct server *s)
{
	struct room *r = s->dirty_rooms, *next;

	s->dirty_rooms = NULL;
	s->presence_scheduled = 0;
	for (; r; r = next) {
		next = r->dirty_next;
		r->presence_dirty = 0;
		/* Out of memory: the room goes with the next flush. Dropped,
		 * its members would see the wrong people online until someone
		 * else came or went. */
		if (presence_send(s, r))
			presence_changed(s, r);
		else if (s->cluster)
			cluster_local_presence(s, r->id);
	}
}

static void
presence_sul_cb(lws_sorted_usec_list_t *sul)
{
	presence_flush(lws_container_of(sul, struct server, presence_sul));
}

static void
presence_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	presence_flush(w->data);
}

static void
presence_changed(struct server *s, struct room *r)
{
	if (!r->presence_dirty) {
		r->presence_dirty = 1;
		r->dirty_next = s->dirty_rooms;
		s->dirty_rooms = r;
	}
	if (s->presence_scheduled)
		return;
	s->presence_scheduled = 1;
	if (s->loop) {
		ev_timer_init(&s->presence_timer, presence_timer_cb,
			      PRESENCE_DELAY_US / 1e6, 0);
		s->presence_timer.data = s;
		ev_timer_start(s->loop, &s->presence_timer);
		return;
	}
	lws_sul_schedule(s->ctx, 0, &s->presence_sul, presence_sul_cb, PRESENCE_DELAY_US);
}

/*
 * Who is online in a room: an array of users with their connection counts
 * (unordered: a leaving user's place is taken by the last one) and an
 * open-addressing index from user id to place (linear probing, at most
 * half full, place + 1 stored, 0 free). Joining and leaving cost O(1)
 * whatever the room's size: a round of thousands connecting or dropping at
 * once must not cost the square of its size.
 */
static size_t
id_hash(int64_t id, size_t mask)
{
	return (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ull >> 32) & mask;
}

/* The index position holding id's place, or of the free cell where it
 * would go. */
static size_t
online_pos(const struct room *r, int64_t id)
{
	size_t mask = r->idx_cap - 1, h = id_hash(id, mask);

	while (r->idx[h] && r->online[r->idx[h] - 1].user.id != id)
		h = (h + 1) & mask;
	return h;
}

static int
online_rehash(struct room *r, size_t cap)
{
	uint32_t *idx = calloc(cap, sizeof *idx), *old = r->idx;

	if (!idx)
		return -1;
	r->idx = idx;
	r->idx_cap = cap;
	for (size_t i = 0; i < r->nonline; i++)
		r->idx[online_pos(r, r->online[i].user.id)] = (uint32_t)i + 1;
	free(old);
	return 0;
}

/* Makes sure that online_add() of u cannot fail: 0, or -1 when out of
 * memory. */
static int
online_reserve(struct room *r, const struct user *u)
{
	if (r->idx_cap && r->idx[online_pos(r, u->id)])
		return 0; /* there already */
	if (r->nonline == r->online_cap) {
		size_t ncap = r->online_cap ? r->online_cap * 2 : 8;
		struct online *p = realloc(r->online, ncap * sizeof *p);

		if (!p)
			return -1;
		r->online = p;
		r->online_cap = ncap;
	}
	if ((r->nonline + 1) * 2 > r->idx_cap &&
	    online_rehash(r, r->idx_cap ? r->idx_cap * 2 : 16))
		return -1;
	return 0;
}

/* Counts one more connection of u in the room (online_reserve() first). */
static void
online_add(struct server *s, struct room *r, const struct user *u)
{
	size_t h = online_pos(r, u->id);

	if (r->idx[h]) {
		r->online[r->idx[h] - 1].count++;
		return;
	}
	r->online[r->nonline].user = *u;
	r->online[r->nonline].count = 1;
	r->idx[h] = (uint32_t)++r->nonline;
	presence_changed(s, r);
}

/* Frees index position h, moving later entries of its probe run back so
 * that every id stays reachable from its hash. */
static void
online_unindex(struct room *r, size_t h)
{
	size_t mask = r->idx_cap - 1, j = h;

	r->idx[h] = 0;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!r->idx[j])
			return;
		home = id_hash(r->online[r->idx[j] - 1].user.id, mask);
		/* The entry at j may move to h when h lies on its way from
		 * home to j (cyclically). */
		if ((j > h && (home <= h || home > j)) || (j < h && home <= h && home > j)) {
			r->idx[h] = r->idx[j];
			r->idx[j] = 0;
			h = j;
		}
	}
}

static void
online_remove(struct server *s, struct room *r, int64_t user_id)
{
	size_t h, slot, last;

	if (!r->idx_cap)
		return;
	h = online_pos(r, user_id);
	if (!r->idx[h])
		return;
	slot = r->idx[h] - 1;
	if (--r->online[slot].count > 0)
		return;
	online_unindex(r, h);
	last = --r->nonline;
	if (slot != last) {
		r->online[slot] = r->online[last];
		r->idx[online_pos(r, r->online[slot].user.id)] = (uint32_t)slot + 1;
	}
	presence_changed(s, r);
}

int
fanout_subscribe(struct server *s, struct conn *c, int64_t round)
{
	struct room *r;

	for (size_t i = 0; i < c->nsubs; i++)
		if (c->subs[i].round == round)
			return OS_OK;
	r = room_find(s, round, 1);
	if (!r)
		return OS_ENOMEM;
	/* Everything is allocated before anything changes: a subscription
	 * that fails leaves no member behind, and one that succeeds always
	 * has its user shown online. */
	if (online_reserve(r, &c->user))
		return OS_ENOMEM;
	if (c->nsubs == c->subs_cap) {
		size_t ncap = c->subs_cap ? c->subs_cap * 2 : 2;
		struct sub *p = realloc(c->subs, ncap * sizeof *p);

		if (!p)
			return OS_ENOMEM;
		c->subs = p;
		c->subs_cap = ncap;
	}
	if (r->nmembers == r->members_cap) {
		size_t ncap = r->members_cap ? r->members_cap * 2 : 8;
		struct member *p = realloc(r->members, ncap * sizeof *p);

		if (!p)
			return OS_ENOMEM;
		r->members = p;
		r->members_cap = ncap;
	}
	r->members[r->nmembers].conn = c;
	r->members[r->nmembers].sub = c->nsubs;
	c->subs[c->nsubs].round = round;
	c->subs[c->nsubs].slot = r->nmembers;
	r->nmembers++;
	c->nsubs++;
	online_add(s, r, &c->user);
	return OS_OK;
}

static void
unsubscribe_at(struct server *s, struct conn *c, size_t si)
{
	struct room *r = room_find(s, c->subs[si].round, 0);
	size_t slot = c->subs[si].slot;

	if (r && slot < r->nmembers && r->members[slot].conn == c) {
		/* Swap-remove from the room, fixing the moved member's slot. */
		r->nmembers--;
		if (slot != r->nmembers) {
			struct member *moved = &r->members[r->nmembers];

			r->members[slot] = *moved;
			moved->conn->subs[moved->sub].slot = slot;
		}
		online_remove(s, r, c->user.id);
	}
	/* Swap-remove from the connection, fixing the room's back index. */
	c->nsubs--;
	if (si != c->nsubs) {
		struct room *mr;

		c->subs[si] = c->subs[c->nsubs];
		mr = room_find(s, c->subs[si].round, 0);
		if (mr && c->subs[si].slot < mr->nmembers)
			mr->members[c->subs[si].slot].sub = si;
	}
}

void
fanout_unsubscribe(struct server *s, struct conn *c, int64_t round)
{
	for (size_t i = 0; i < c->nsubs; i++)
		if (c->subs[i].round == round) {
			unsubscribe_at(s, c, i);
			return;
		}
}

void
fanout_unsubscribe_all(struct server *s, struct conn *c)
{
	while (c->nsubs)
		unsubscribe_at(s, c, c->nsubs - 1);
}

void
fanout_close_room(struct server *s, int64_t round, int code, const char *reason)
{
	struct room *r = room_find(s, round, 0);

	/* Members leave the array in LWS_CALLBACK_CLOSED, not here. */
	for (size_t i = 0; r && i < r->nmembers; i++)
		conn_close(r->members[i].conn, code, reason);
}

void
fanout_publish(struct server *s, int64_t round, struct msg *m)
{
	struct room *r = room_find(s, round, 0);

	if (!r)
		return;
	/* conn_send may drop a slow member, but dropping only marks it
	 * closing; members leave the array in LWS_CALLBACK_CLOSED. */
	for (size_t i = 0; i < r->nmembers; i++)
		conn_send(r->members[i].conn, m);
}

void
fanout_publish_to(struct server *s, int64_t round, struct msg *m, int audience)
{
	struct room *r = room_find(s, round, 0);

	if (!r)
		return;
	for (size_t i = 0; i < r->nmembers; i++) {
		struct conn *c = r->members[i].conn;
		int role = c->user.role, mod = role == ROLE_ADMIN || role == ROLE_MANAGER;
		int in;

		switch (audience) {
		case AUD_MODERATORS: in = mod; break;
		case AUD_OTHERS: in = !mod; break;
		case AUD_STAFF: in = role != ROLE_CUSTOMER; break;
		case AUD_EMPLOYEES: in = role == ROLE_EMPLOYEE; break;
		default: in = 1; break;
		}
		if (in)
			conn_send(c, m);
	}
}

void
fanout_each_customer(struct server *s, int64_t round,
		     void (*fn)(void *arg, struct conn *c), void *arg)
{
	struct room *r = room_find(s, round, 0);

	for (size_t i = 0; r && i < r->nmembers; i++)
		if (r->members[i].conn->user.role == ROLE_CUSTOMER &&
		    !r->members[i].conn->closing)
			fn(arg, r->members[i].conn);
}

void
fanout_set_privacy(struct server *s, int64_t round, int customers_see_all)
{
	struct room *r = room_find(s, round, 0);

	if (r && r->customers_see_all != customers_see_all) {
		r->customers_see_all = customers_see_all;
		presence_changed(s, r);
	}
}

int
fanout_privacy(struct server *s, int64_t round)
{
	struct room *r = room_find(s, round, 0);

	return r && r->customers_see_all;
}

void
fanout_presence_changed(struct server *s, int64_t round)
{
	struct room *r = room_find(s, round, 0);

	if (r)
		presence_changed(s, r);
}

size_t
fanout_online(struct server *s, int64_t round, struct user *out, size_t max,
	      size_t *total)
{
	size_t n = fanout_local_online(s, round, out, max, total);

	if (s->cluster)
		cluster_online_union(s, round, out, &n, max, total);
	return n;
}

size_t
fanout_local_online(struct server *s, int64_t round, struct user *out, size_t max,
		    size_t *total)
{
	struct room *r = room_find(s, round, 0);
	size_t n = 0;

	*total = r ? r->nonline : 0;
	for (; r && n < max && n < r->nonline; n++)
		out[n] = r->online[n].user;
	return n;
}

void
fanout_user_changed(struct server *s, struct conn *c)
{
	for (size_t i = 0; i < c->nsubs; i++) {
		struct room *r = room_find(s, c->subs[i].round, 0);
		size_t h;

		if (!r || !r->idx_cap)
			continue;
		h = online_pos(r, c->user.id);
		if (!r->idx[h])
			continue;
		r->online[r->idx[h] - 1].user = c->user;
		presence_changed(s, r);
	}
}

void
fanout_revoke(struct server *s, int64_t round, int64_t user_id)
{
	struct room *r = room_find(s, round, 0);

	if (!r)
		return;
	for (size_t i = 0; i < r->nmembers;) {
		struct conn *c = r->members[i].conn;

		if (c->user.id == user_id)
			unsubscribe_at(s, c, r->members[i].sub); /* slot i refilled */
		else
			i++;
	}
}

void
fanout_free(struct server *s)
{
	for (size_t b = 0; b < ROOM_BUCKETS; b++) {
		struct room *r = s->rooms[b], *next;

		for (; r; r = next) {
			next = r->next;
			free(r->members);
			free(r->online);
			free(r->idx);
			free(r);
		}
		s->rooms[b] = NULL;
	}
	s->dirty_rooms = NULL;
}
