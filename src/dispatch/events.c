#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch_int.h"
#include "dispatch/render.h"

static const char *const names[EV_TYPE_COUNT] = {
	[EV_ROUND_UPDATED] = "round.updated",
	[EV_POST_CREATED] = "post.created",
	[EV_POST_UPDATED] = "post.updated",
	[EV_COMMENT_CREATED] = "comment.created",
	[EV_COMMENT_UPDATED] = "comment.updated",
	[EV_VOTE_TALLY] = "vote.tally",
	[EV_CHAT_MESSAGE] = "chat.message",
	[EV_CHAT_UPDATED] = "chat.updated",
	[EV_PRIORITY_UPDATED] = "priority.updated",
	[EV_NOTIFICATION] = "notification",
	[EV_USER_UPDATED] = "user.updated",
	[EV_NEED_UPDATED] = "need.updated",
	[EV_NEED_DELETED] = "need.deleted",
	[EV_PRIORITY_UPDATE_POSTED] = "priority.update_posted",
	[EV_UPDATE_COMMENTED] = "priority.update_commented",
};

/* Prints o and deletes it; NULL when o is NULL or out of memory. */
static char *
print_delete(cJSON *o, size_t *len)
{
	char *s = o ? cJSON_PrintUnformatted(o) : NULL;

	cJSON_Delete(o);
	if (s && len)
		*len = strlen(s);
	return s;
}

static char *
render_event(const struct os_event *ev, size_t *len)
{
	cJSON *o;
	int bad = 0;

	if (ev->type < 0 || ev->type >= EV_TYPE_COUNT || !names[ev->type])
		return NULL;
	o = cJSON_CreateObject();
	if (!o)
		return NULL;
	bad |= render_put(o, "ev", cJSON_CreateString(names[ev->type]));
	/* "round" is the round's id, but the round itself in round.updated;
	 * user.updated is about no round (it goes to the user themself). */
	if (ev->type != EV_USER_UPDATED)
		bad |= render_put(o, "round", ev->type == EV_ROUND_UPDATED
						      ? render_round(ev->round_obj)
						      : cJSON_CreateNumber((double)ev->round));
	switch (ev->type) {
	case EV_POST_CREATED:
	case EV_POST_UPDATED:
		bad |= render_put(o, "post", render_post(ev->post));
		break;
	case EV_COMMENT_CREATED:
	case EV_COMMENT_UPDATED:
	case EV_UPDATE_COMMENTED:
		bad |= render_put(o, "comment", render_comment(ev->comment));
		break;
	case EV_PRIORITY_UPDATE_POSTED:
		bad |= render_put(o, "update", render_update(ev->update));
		break;
	case EV_VOTE_TALLY:
		bad |= render_put(o, "post", cJSON_CreateNumber((double)ev->post->id));
		bad |= render_put(o, "tally",
				  render_tally(&ev->post->tally, ev->post->vote_mode));
		break;
	case EV_CHAT_MESSAGE:
	case EV_CHAT_UPDATED:
		bad |= render_put(o, "chat", render_chat(ev->chat));
		break;
	case EV_PRIORITY_UPDATED:
		bad |= render_put(o, "priority", render_priority(ev->priority));
		break;
	case EV_NOTIFICATION:
		bad |= render_put(o, "notification", render_notification(ev->notification));
		break;
	case EV_USER_UPDATED:
		bad |= render_put(o, "user", ev->account ? render_account(ev->account, 0)
						       : render_user_self(ev->user));
		break;
	case EV_NEED_UPDATED:
		bad |= render_put(o, "need", render_need(ev->need));
		break;
	case EV_NEED_DELETED:
		bad |= render_put(o, "need", cJSON_CreateNumber((double)ev->need->id));
		break;
	}
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return print_delete(o, len);
}

static char *
render_redacted(const struct os_event *ev, size_t *len)
{
	struct os_event e = *ev;
	struct post p;
	struct comment c;
	struct chat m;
	static char empty[] = "";

	if (ev->post) {
		p = *ev->post;
		p.title = p.body = p.body_html = empty;
		p.files = NULL;
		p.nfiles = 0;
		e.post = &p;
	}
	if (ev->comment) {
		c = *ev->comment;
		c.body = c.body_html = empty;
		if (c.anchor_quote)
			c.anchor_quote = empty;
		e.comment = &c;
	}
	if (ev->chat) {
		m = *ev->chat;
		m.body = empty;
		e.chat = &m;
	}
	return render_event(&e, len);
}

int
dispatch_event_has_users(const struct os_event *ev)
{
	switch (ev->type) {
	case EV_POST_CREATED:
	case EV_POST_UPDATED:
	case EV_COMMENT_CREATED:
	case EV_COMMENT_UPDATED:
	case EV_CHAT_MESSAGE:
	case EV_CHAT_UPDATED:
	case EV_PRIORITY_UPDATED:
	case EV_PRIORITY_UPDATE_POSTED:
	case EV_UPDATE_COMMENTED:
		return 1;
	default:
		return 0;
	}
}

/* Events are rendered while a request's view may be set: each sets its own
 * and puts the request's back. */
char *
dispatch_render_event_for(const struct os_event *ev, const struct user *viewer,
			  int redacted, size_t *len)
{
	struct render_view saved = render_view_get();
	char *s;

	render_set_view(viewer, viewer ? ev->customers_see_each_other : 1);
	s = redacted ? render_redacted(ev, len) : render_event(ev, len);
	render_view_restore(&saved);
	return s;
}

char *
dispatch_render_event(const struct os_event *ev, size_t *len)
{
	return dispatch_render_event_for(ev, NULL, 0, len);
}

char *
dispatch_render_event_redacted(const struct os_event *ev, size_t *len)
{
	return dispatch_render_event_for(ev, NULL, 1, len);
}

char *
dispatch_render_presence(int64_t round, const struct user *users, size_t n,
			 size_t total, const struct user *viewer, int see_all, size_t *len)
{
	struct render_view saved = render_view_get();
	cJSON *o = cJSON_CreateObject(), *list;
	char *s;
	int bad = 0;

	if (!o)
		return NULL;
	render_set_view(viewer, see_all);
	bad |= render_put(o, "ev", cJSON_CreateString("presence"));
	bad |= render_put(o, "round", cJSON_CreateNumber((double)round));
	list = cJSON_CreateArray();
	bad |= render_put(o, "online", list);
	for (size_t i = 0; !bad && i < n; i++)
		bad |= render_put(list, NULL, render_user(&users[i]));
	bad |= render_put(o, "online_count", cJSON_CreateNumber((double)total));
	render_view_restore(&saved);
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	s = print_delete(o, len);
	return s;
}

char *
dispatch_render_user_updated(const struct account *a, const int64_t *unsubscribed, size_t n,
			     size_t *len)
{
	cJSON *o = cJSON_CreateObject(), *list;
	int bad = 0;

	if (!o)
		return NULL;
	bad |= render_put(o, "ev", cJSON_CreateString("user.updated"));
	bad |= render_put(o, "user", render_account(a, 0));
	list = cJSON_CreateArray();
	bad |= render_put(o, "unsubscribed", list);
	for (size_t i = 0; !bad && i < n; i++)
		bad |= render_put(list, NULL, cJSON_CreateNumber((double)unsubscribed[i]));
	if (bad) {
		cJSON_Delete(o);
		return NULL;
	}
	return print_delete(o, len);
}
