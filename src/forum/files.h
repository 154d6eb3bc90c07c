#ifndef OS_FORUM_FILES_H
#define OS_FORUM_FILES_H

/*
 * Who may attach files to which post, and when; who may read them. The
 * bytes themselves are the transport's and the store's business (an upload
 * streams over HTTP into DB.files/); the forum decides and records.
 */

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "forum/forum.h"

#define FILES_PER_POST 10

/*
 * OS_OK when caller may attach a file to post now: the post visible to
 * caller (else OS_ENOTFOUND, as for one that does not exist), not hidden
 * or merged (OS_ECONFLICT), caller its author or a manager or admin, a
 * plan only by managers and admins (OS_EFORBIDDEN), its round open
 * (OS_EPHASE; admins also when closed, as post.create), and fewer than
 * FILES_PER_POST files on it (OS_ECONFLICT). Writes nothing.
 */
int files_may_attach(struct forum *f, const struct user *caller, int64_t post);

/* Checks an attachment's name: 1 to OS_FILE_NAME_MAX bytes of UTF-8,
 * without control characters, '/' or '\', not "." or "..". OS_EBADREQ. */
int files_name_check(const char *name);

/*
 * Records file (post, name, type, size, sha256, pages set; its bytes
 * already in the file store) as attached by caller, checking
 * files_may_attach() again and the write rate, and emits post.updated with
 * the post and all its files. *file gets its id and time, *out (may be
 * NULL) the post. A write: inside store_op_begin()/store_op_end().
 */
int files_attach(struct forum *f, const struct user *caller, struct post_file *file,
		 struct post *out);

/* File id when caller may see its post (its round, and a hidden post only
 * for managers and admins); OS_ENOTFOUND otherwise. */
int files_get(struct forum *f, const struct user *caller, int64_t id,
	      struct post_file *out);

#endif
