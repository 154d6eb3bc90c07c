/* Attachments: the rules. */
#include "forum/files.h"

#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "forum/filetype.h"
#include "forum/forum_int.h"
#include "store/files.h"
#include "store/posts.h"

int
files_may_attach(struct forum *f, const struct user *caller, int64_t post)
{
	struct round r = {0};
	struct post p;
	int64_t n;
	int rc;

	if ((rc = forum_post_for(f, caller, post, &p, &r)))
		return rc;
	if (p.author.id != caller->id && !forum_is_moderator(caller))
		rc = OS_EFORBIDDEN;
	else if (p.kind == KIND_PLAN && !forum_is_moderator(caller))
		rc = OS_EFORBIDDEN;
	if (!rc)
		rc = forum_phase_allows(caller, &r, W_CONTRIBUTE);
	if (!rc && (p.hidden || p.status == STATUS_MERGED))
		rc = OS_ECONFLICT;
	if (!rc && !(rc = store_file_count(f->st, post, &n)) && n >= FILES_PER_POST)
		rc = OS_ECONFLICT;
	post_clear(&p);
	round_clear(&r);
	return rc;
}

int
files_name_check(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (!n || n > OS_FILE_NAME_MAX || !os_utf8_valid(name, n) || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return OS_EBADREQ;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		if (*c < 0x20 || *c == 0x7f || *c == '/' || *c == '\\')
			return OS_EBADREQ;
	return OS_OK;
}

int
files_attach(struct forum *f, const struct user *caller, struct post_file *file,
	     struct post *out)
{
	struct os_event ev = {.type = EV_POST_UPDATED};
	struct post p = {0};
	int rc;

	if (out)
		memset(out, 0, sizeof *out);
	if (files_name_check(file->name) || filetype_parse(file->type) == FT_NONE ||
	    file->size <= 0 || strlen(file->sha256) != 64)
		return OS_EBADREQ;
	if ((rc = files_may_attach(f, caller, file->post)))
		return rc;
	if ((rc = forum_rate_take(f, caller)))
		return rc;
	file->created_at = os_now_ms();
	if ((rc = store_file_insert(f->st, file, caller->id)))
		return rc;
	if ((rc = store_post_get(f->st, file->post, caller->id, &p)))
		return rc;
	ev.round = p.round;
	ev.post = &p;
	p.has_my_vote = 0;
	forum_emit(f, &ev);
	p.has_my_vote = 1;
	if (out)
		*out = p;
	else
		post_clear(&p);
	return OS_OK;
}

int
files_get(struct forum *f, const struct user *caller, int64_t id, struct post_file *out)
{
	struct post p;
	int rc = store_file_get(f->st, id, out);

	if (rc)
		return rc;
	if ((rc = forum_post_for(f, caller, out->post, &p, NULL))) {
		memset(out, 0, sizeof *out);
		return rc;
	}
	post_clear(&p);
	return OS_OK;
}
