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
};

char *
dispatch_render_event(const struct os_event *ev, size_t *len)
{
	cJSON *o;
	char *s;

	if (ev->type < 0 || ev->type >= EV_TYPE_COUNT || !names[ev->type])
		return NULL;
	o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "ev", names[ev->type]);
	cJSON_AddNumberToObject(o, "round", (double)ev->round);
	switch (ev->type) {
	case EV_ROUND_UPDATED:
		cJSON_DeleteItemFromObject(o, "round");
		cJSON_AddItemToObject(o, "round", render_round(ev->round_obj));
		break;
	case EV_POST_CREATED:
	case EV_POST_UPDATED:
		cJSON_AddItemToObject(o, "post", render_post(ev->post));
		break;
	case EV_COMMENT_CREATED:
	case EV_COMMENT_UPDATED:
		cJSON_AddItemToObject(o, "comment", render_comment(ev->comment));
		break;
	case EV_VOTE_TALLY:
		cJSON_AddNumberToObject(o, "post", (double)ev->post->id);
		cJSON_AddItemToObject(o, "tally",
				      render_tally(&ev->post->tally, ev->post->vote_mode));
		break;
	case EV_CHAT_MESSAGE:
	case EV_CHAT_UPDATED:
		cJSON_AddItemToObject(o, "chat", render_chat(ev->chat));
		break;
	case EV_PRIORITY_UPDATED:
		cJSON_AddItemToObject(o, "priority", render_priority(ev->priority));
		break;
	}
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (s && len)
		*len = strlen(s);
	return s;
}

char *
dispatch_render_event_redacted(const struct os_event *ev, size_t *len)
{
	struct os_event e = *ev;
	struct post p;
	struct comment c;
	struct chat m;
	static char empty[] = "";

	if (ev->post) {
		p = *ev->post;
		p.title = p.body = p.body_html = empty;
		e.post = &p;
	}
	if (ev->comment) {
		c = *ev->comment;
		c.body = c.body_html = empty;
		e.comment = &c;
	}
	if (ev->chat) {
		m = *ev->chat;
		m.body = empty;
		e.chat = &m;
	}
	return dispatch_render_event(&e, len);
}

char *
dispatch_render_presence(int64_t round, const struct user *users, size_t n,
			 size_t total, size_t *len)
{
	cJSON *o = cJSON_CreateObject(), *list;
	char *s;

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "ev", "presence");
	cJSON_AddNumberToObject(o, "round", (double)round);
	list = cJSON_AddArrayToObject(o, "online");
	for (size_t i = 0; list && i < n; i++)
		cJSON_AddItemToArray(list, render_user(&users[i]));
	cJSON_AddNumberToObject(o, "online_count", (double)total);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (s && len)
		*len = strlen(s);
	return s;
}
