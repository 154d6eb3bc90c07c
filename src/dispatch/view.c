/*
 * A staff rendering of an event, re-rendered for a customer (view.h). The
 * USER objects are the ones render_user() makes: exactly the members id,
 * username, display_name, role and org.
 */
#include "dispatch/view.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/render.h"

static int
is_user(const cJSON *o)
{
	static const char *const keys[] = {"id", "username", "display_name", "role", "org"};
	size_t n = 0;

	for (const cJSON *k = o->child; k; k = k->next)
		n++;
	if (n != 5)
		return 0;
	for (size_t i = 0; i < 5; i++)
		if (!cJSON_GetObjectItemCaseSensitive(o, keys[i]))
			return 0;
	return cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "id")) &&
	       cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "role")) &&
	       cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "org"));
}

/* Rewrites the USER objects under o that the current view hides: 0, or
 * -1 when out of memory. */
static int
walk(cJSON *o)
{
	if (cJSON_IsObject(o) && is_user(o)) {
		struct user u;
		cJSON *anon;

		memset(&u, 0, sizeof u);
		double id = cJSON_GetObjectItemCaseSensitive(o, "id")->valuedouble;

		/* An id no rendering makes: nobody's, so anonymous. */
		u.id = id >= 0 && id <= 9007199254740992.0 ? (int64_t)id : 0;
		u.role = os_role_parse(cJSON_GetObjectItemCaseSensitive(o, "role")->valuestring);
		snprintf(u.org, sizeof u.org, "%s",
			 cJSON_GetObjectItemCaseSensitive(o, "org")->valuestring);
		if (!render_user_anonymous(&u))
			return 0;
		anon = render_user(&u);
		if (!anon)
			return -1;
		/* The anonymous USER's members replace the named one's. */
		while (o->child)
			cJSON_Delete(cJSON_DetachItemViaPointer(o, o->child));
		o->child = anon->child;
		anon->child = NULL;
		cJSON_Delete(anon);
		return 0;
	}
	for (cJSON *k = o->child; k; k = k->next)
		if ((cJSON_IsObject(k) || cJSON_IsArray(k)) && walk(k))
			return -1;
	return 0;
}

char *
dispatch_event_for_viewer(const char *json, size_t len, const struct user *viewer,
			  int see_all, size_t *out_len)
{
	struct render_view saved;
	cJSON *o;
	char *s = NULL;
	int rc;

	if (!viewer || viewer->role != ROLE_CUSTOMER || see_all) {
		s = malloc(len + 1);
		if (!s)
			return NULL;
		memcpy(s, json, len);
		s[len] = '\0';
		*out_len = len;
		return s;
	}
	o = cJSON_ParseWithLength(json, len);
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return NULL;
	}
	saved = render_view_get();
	render_set_view(viewer, 0);
	rc = walk(o);
	render_view_restore(&saved);
	if (!rc)
		s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (s)
		*out_len = strlen(s);
	return s;
}
