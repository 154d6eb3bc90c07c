#ifndef OS_STORE_FILES_H
#define OS_STORE_FILES_H

/*
 * Attachments: their rows (the files table) and their bytes, which live in
 * a content-addressed folder beside the database (docs/STORAGE.md):
 *
 *     DB.files/ab/abcdef...   a file, named by the hex sha256 of its bytes
 *     DB.files/tmp/           uploads still arriving
 *
 * A file is written to tmp/, synced, and renamed into place before its row
 * is committed, so every committed row names bytes that are on disk; what
 * an interrupted upload left behind is swept away at start-up.
 */

#include <stddef.h>
#include <stdint.h>

#include "base/model.h"
#include "store/db.h"

#define STORE_FILES_PATH_MAX 4200

/* Inserts f (its post, name, type, size, sha256, pages, created_at) as
 * uploaded by uploader; sets f->id. */
int store_file_insert(struct store *st, struct post_file *f, int64_t uploader);

/* The number of files attached to post. */
int store_file_count(struct store *st, int64_t post, int64_t *n);

/* File id into *f; OS_ENOTFOUND when there is none. */
int store_file_get(struct store *st, int64_t id, struct post_file *f);

/* The files of post, oldest first, into a malloc'd array (NULL when none;
 * the caller frees it). */
int store_files_by_post(struct store *st, int64_t post, struct post_file **out,
			size_t *n);

/* Calls fn for the sha256 of each distinct file the database names; stops
 * at the first non-zero answer and returns it. */
int store_files_each_sha(struct store *st, int (*fn)(void *arg, const char *sha),
			 void *arg);

/* The file folder of the database at db_path: "db_path.files". */
int files_dir_of(const char *db_path, char *out, size_t outsz);

/* The file folder a command uses: files_dir when given (--files), else
 * files_dir_of(db_path). */
int files_dir_for(const char *db_path, const char *files_dir, char *out, size_t outsz);

/* Makes dir and dir/tmp when missing, and empties dir/tmp (uploads a
 * stopped process left half done). Then, with st not NULL, removes the
 * files no row names (an upload stopped between its rename and its
 * commit). For start-up, before anything uploads.
 *
 * A folder that several nodes share (shared set) may hold uploads another
 * node is writing or about to commit right now: there only what is older
 * than FILES_SHARED_SWEEP_AGE seconds is removed. */
#define FILES_SHARED_SWEEP_AGE 3600
int files_dir_prepare(struct store *st, const char *dir, int shared);

/* A new, empty temporary file in dir/tmp: its descriptor, and its path in
 * path. -1 on failure (logged). */
int files_temp(const char *dir, char *path, size_t pathsz);

/* Where the file of sha256 hex lives. */
int files_path(const char *dir, const char *sha, char *out, size_t outsz);

/*
 * Makes the temporary file tmp_path (open as fd, which this closes) the
 * file of sha: syncs it, renames it into place (or drops it when the same
 * bytes are there already) and syncs the folder. Blocks on the disk: call
 * it off the event loop. 0, or OS_EINTERNAL (the temporary file removed).
 */
int files_commit_temp(const char *dir, int fd, const char *tmp_path, const char *sha);

/* Copies the file of sha from src_dir into dst_dir, checking its sha256 on
 * the way, and syncs it. 0, OS_ENOTFOUND when src has no such file, or
 * OS_EINTERNAL (a copy with other bytes is an error too). */
int files_copy(const char *src_dir, const char *dst_dir, const char *sha);

/* Hex sha256 (65 bytes with the NUL) of the 32-byte digest. */
void files_hex(const unsigned char digest[32], char out[65]);

#endif
