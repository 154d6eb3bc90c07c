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

static void
presence_flush(lws_sorted_usec_list_t *sul)
{
	struct server *s = lws_container_of(sul, struct server, presence_sul);
	struct room *r = s->dirty_rooms;

	s->dirty_rooms = NULL;
	s->presence_scheduled = 0;
	for (; r; r = r->dirty_next) {
		struct user *users;
		size_t n = r->nonline < DISPATCH_PRESENCE_MAX ? r->nonline
							       : DISPATCH_PRESENCE_MAX;
		size_t len;
		char *json;

		r->presence_dirty = 0;
		users = malloc((n ? n : 1) * sizeof *users);
		if (!users)
			continue;
		for (size_t i = 0; i < n; i++)
			users[i] = r->online[i].user;
		json = dispatch_render_presence(r->id, users, n, r->nonline, &len);
		free(users);
		if (json) {
			struct msg *m = msg_new(json, len);

			if (m) {
				fanout_publish(s, r->id, m);
				msg_unref(m);
			}
			free(json);
		}
	}
}

static void
presence_changed(struct server *s, struct room *r)
{
	if (!r->presence_dirty) {
		r->presence_dirty = 1;
		r->dirty_next = s->dirty_rooms;
		s->dirty_rooms = r;
	}
	if (!s->presence_scheduled) {
		s->presence_scheduled = 1;
		lws_sul_schedule(s->ctx, 0, &s->presence_sul, presence_flush,
				 PRESENCE_DELAY_US);
	}
}

static void
online_add(struct server *s, struct room *r, const struct user *u)
{
	for (size_t i = 0; i < r->nonline; i++)
		if (r->online[i].user.id == u->id) {
			r->online[i].count++;
			return;
		}
	if (r->nonline == r->online_cap) {
		size_t ncap = r->online_cap ? r->online_cap * 2 : 8;
		struct online *p = realloc(r->online, ncap * sizeof *p);

		if (!p)
			return;
		r->online = p;
		r->online_cap = ncap;
	}
	r->online[r->nonline].user = *u;
	r->online[r->nonline].count = 1;
	r->nonline++;
	presence_changed(s, r);
}

static void
online_remove(struct server *s, struct room *r, int64_t user_id)
{
	for (size_t i = 0; i < r->nonline; i++)
		if (r->online[i].user.id == user_id) {
			if (--r->online[i].count > 0)
				return;
			/* Keep the order of arrival for the ones who stay. */
			memmove(&r->online[i], &r->online[i + 1],
				(r->nonline - i - 1) * sizeof *r->online);
			r->nonline--;
			presence_changed(s, r);
			return;
		}
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
		int mod = c->user.role == ROLE_ADMIN || c->user.role == ROLE_MANAGER;

		if (audience == AUD_ALL || (audience == AUD_MODERATORS) == mod)
			conn_send(c, m);
	}
}

size_t
fanout_online(struct server *s, int64_t round, struct user *out, size_t max,
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
			free(r);
		}
		s->rooms[b] = NULL;
	}
	s->dirty_rooms = NULL;
}
