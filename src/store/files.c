/* Attachments: rows in the files table, bytes in DB.files/. */
#include "store/files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "base/err.h"
#include "base/log.h"
#include "store/store_int.h"

#define FILE_COLS "id, post_id, name, type, size, sha256, ifnull(pages, 0), created_at "

static void
read_file_row(struct sql_stmt *s, struct post_file *f)
{
	memset(f, 0, sizeof *f);
	f->id = sql_col_int64(s, 0);
	f->post = sql_col_int64(s, 1);
	store_col_text(s, 2, f->name, sizeof f->name);
	store_col_text(s, 3, f->type, sizeof f->type);
	f->size = sql_col_int64(s, 4);
	store_col_text(s, 5, f->sha256, sizeof f->sha256);
	f->pages = sql_col_int(s, 6);
	f->created_at = sql_col_int64(s, 7);
}

int
store_file_insert(struct store *st, struct post_file *f, int64_t uploader)
{
	struct sql_stmt *s = store_stmt(st,
		"INSERT INTO files (post_id, name, type, size, sha256, pages, uploader_id, "
		"created_at) VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, 0), ?7, ?8)");
	int rc;

	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, f->post);
	sql_bind_text(s, 2, f->name, -1);
	sql_bind_text(s, 3, f->type, -1);
	sql_bind_int64(s, 4, f->size);
	sql_bind_text(s, 5, f->sha256, -1);
	sql_bind_int(s, 6, f->pages);
	sql_bind_int64(s, 7, uploader);
	sql_bind_int64(s, 8, f->created_at);
	rc = sql_step(s);
	store_done(s);
	if (rc != SQL_DONE)
		return store_rc(st, rc, "file insert");
	f->id = store_last_id(st);
	return OS_OK;
}

int
store_file_count(struct store *st, int64_t post, int64_t *n)
{
	struct sql_stmt *s = store_stmt(st, "SELECT count(*) FROM files WHERE post_id = ?1");
	int rc;

	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, post);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		*n = sql_col_int64(s, 0);
	store_done(s);
	return rc == SQL_ROW ? OS_OK : store_rc(st, rc, "file count");
}

int
store_file_get(struct store *st, int64_t id, struct post_file *f)
{
	struct sql_stmt *s = store_stmt(st, "SELECT " FILE_COLS "FROM files WHERE id = ?1");
	int rc;

	memset(f, 0, sizeof *f);
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, id);
	rc = sql_step(s);
	if (rc == SQL_ROW)
		read_file_row(s, f);
	store_done(s);
	if (rc == SQL_ROW)
		return OS_OK;
	return rc == SQL_DONE ? OS_ENOTFOUND : store_rc(st, rc, "file get");
}

int
store_files_by_post(struct store *st, int64_t post, struct post_file **out, size_t *n)
{
	struct sql_stmt *s = store_stmt(st,
		"SELECT " FILE_COLS "FROM files WHERE post_id = ?1 ORDER BY id");
	struct post_file *arr = NULL;
	size_t cnt = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return OS_EINTERNAL;
	sql_bind_int64(s, 1, post);
	while ((rc = sql_step(s)) == SQL_ROW) {
		if (store_grow((void **)&arr, &cap, cnt, sizeof *arr)) {
			store_done(s);
			free(arr);
			return OS_ENOMEM;
		}
		read_file_row(s, &arr[cnt++]);
	}
	store_done(s);
	if (rc != SQL_DONE) {
		free(arr);
		return store_rc(st, rc, "files by post");
	}
	*out = arr;
	*n = cnt;
	return OS_OK;
}

int
store_files_each_sha(struct store *st, int (*fn)(void *arg, const char *sha), void *arg)
{
	/* Not a cached statement: fn may run other statements meanwhile. */
	struct sql_stmt *s = NULL;
	int rc, err = OS_OK;

	if (sql_prepare(store_conn(st), "SELECT DISTINCT sha256 FROM files", &s) != SQL_OK)
		return OS_EINTERNAL;
	while (!err && (rc = sql_step(s)) == SQL_ROW) {
		char sha[65];

		store_col_text(s, 0, sha, sizeof sha);
		err = fn(arg, sha);
	}
	if (!err && rc != SQL_DONE)
		err = store_rc(st, rc, "file list");
	sql_finalize(s);
	return err;
}

int
files_dir_of(const char *db_path, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%s.files", db_path);

	return n > 0 && (size_t)n < outsz ? OS_OK : OS_EINTERNAL;
}

int
files_dir_for(const char *db_path, const char *files_dir, char *out, size_t outsz)
{
	int n;

	if (!files_dir)
		return files_dir_of(db_path, out, outsz);
	n = snprintf(out, outsz, "%s", files_dir);
	return n >= 0 && (size_t)n < outsz ? OS_OK : OS_EINTERNAL;
}

void
files_hex(const unsigned char digest[32], char out[65])
{
	static const char hx[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = hx[digest[i] >> 4];
		out[2 * i + 1] = hx[digest[i] & 15];
	}
	out[64] = '\0';
}

static int
sha_ok(const char *sha)
{
	return strlen(sha) == 64 && strspn(sha, "0123456789abcdef") == 64;
}

int
files_path(const char *dir, const char *sha, char *out, size_t outsz)
{
	int n;

	if (!sha_ok(sha))
		return OS_EBADREQ;
	n = snprintf(out, outsz, "%s/%.2s/%s", dir, sha, sha);
	return n > 0 && (size_t)n < outsz ? OS_OK : OS_EINTERNAL;
}

static int
make_dir(const char *path)
{
	if (mkdir(path, 0700) && errno != EEXIST) {
		os_err("files: cannot make %s: %s", path, strerror(errno));
		return OS_EINTERNAL;
	}
	return OS_OK;
}

static int
sync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return OS_EINTERNAL;
	rc = fsync(fd);
	close(fd);
	return rc ? OS_EINTERNAL : OS_OK;
}

/* Whether any row names sha (1), none (0), or the store failed (-1). */
static int
sha_named(struct store *st, const char *sha)
{
	struct sql_stmt *s = store_stmt(st, "SELECT 1 FROM files WHERE sha256 = ?1 LIMIT 1");
	int rc;

	if (!s)
		return -1;
	sql_bind_text(s, 1, sha, -1);
	rc = sql_step(s);
	store_done(s);
	return rc == SQL_ROW ? 1 : rc == SQL_DONE ? 0 : -1;
}

/* Removes f unless the folder is shared and f is younger than
 * FILES_SHARED_SWEEP_AGE. 1 when it was removed. */
static int
sweep(const char *f, int shared, time_t now)
{
	struct stat sb;

	if (shared && (stat(f, &sb) || now - sb.st_mtime < FILES_SHARED_SWEEP_AGE))
		return 0;
	return unlink(f) == 0;
}

int
files_dir_prepare(struct store *st, const char *dir, int shared)
{
	char path[STORE_FILES_PATH_MAX];
	struct dirent *e;
	DIR *d;
	int swept = 0;
	time_t now = time(NULL);

	if (make_dir(dir))
		return OS_EINTERNAL;
	if (snprintf(path, sizeof path, "%s/tmp", dir) >= (int)sizeof path || make_dir(path) || !(d = opendir(path)))
		return OS_EINTERNAL;
	while ((e = readdir(d))) {
		char f[STORE_FILES_PATH_MAX];

		if (e->d_name[0] == '.')
			continue;
		if (snprintf(f, sizeof f, "%s/%s", path, e->d_name) < (int)sizeof f)
			swept += sweep(f, shared, now);
	}
	closedir(d);
	if (swept)
		os_info("files: removed %d unfinished upload%s", swept, swept == 1 ? "" : "s");
	if (!st)
		return OS_OK;
	/* Files no row names: their upload stopped after the rename. */
	d = opendir(dir);
	if (!d)
		return OS_EINTERNAL;
	swept = 0;
	while ((e = readdir(d))) {
		struct dirent *e2;
		DIR *sub;

		if (strlen(e->d_name) != 2 || strspn(e->d_name, "0123456789abcdef") != 2)
			continue;
		if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path ||
		    !(sub = opendir(path)))
			continue;
		while ((e2 = readdir(sub))) {
			char f[STORE_FILES_PATH_MAX];
			int named;

			if (!sha_ok(e2->d_name))
				continue;
			named = sha_named(st, e2->d_name);
			if (named < 0) {
				closedir(sub);
				closedir(d);
				return OS_EINTERNAL;
			}
			if (!named && snprintf(f, sizeof f, "%s/%s", path, e2->d_name) <
					      (int)sizeof f)
				swept += sweep(f, shared, now);
		}
		closedir(sub);
	}
	closedir(d);
	if (swept)
		os_info("files: removed %d file%s no post names", swept, swept == 1 ? "" : "s");
	return OS_OK;
}

int
files_temp(const char *dir, char *path, size_t pathsz)
{
	int fd, n = snprintf(path, pathsz, "%s/tmp/up-XXXXXX", dir);

	if (n <= 0 || (size_t)n >= pathsz)
		return -1;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		os_err("files: cannot make a temporary file in %s/tmp: %s", dir, strerror(errno));
	return fd;
}

int
files_commit_temp(const char *dir, int fd, const char *tmp_path, const char *sha)
{
	char sub[STORE_FILES_PATH_MAX], dst[STORE_FILES_PATH_MAX];
	struct stat sb;

	if (files_path(dir, sha, dst, sizeof dst) ||
	    snprintf(sub, sizeof sub, "%s/%.2s", dir, sha) >= (int)sizeof sub)
		goto fail;
	if (fdatasync(fd)) {
		os_err("files: cannot sync %s: %s", tmp_path, strerror(errno));
		goto fail;
	}
	close(fd);
	fd = -1;
	if (make_dir(sub))
		goto fail;
	if (stat(dst, &sb) == 0) {
		/* The same bytes are there already (content addressing). */
		unlink(tmp_path);
		return OS_OK;
	}
	if (rename(tmp_path, dst)) {
		os_err("files: cannot rename %s: %s", tmp_path, strerror(errno));
		goto fail;
	}
	/* The new name, and the new subfolder in its parent, made durable. */
	if (sync_dir(sub) || sync_dir(dir)) {
		os_err("files: cannot sync %s", sub);
		return OS_EINTERNAL;
	}
	return OS_OK;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp_path);
	return OS_EINTERNAL;
}

int
files_copy(const char *src_dir, const char *dst_dir, const char *sha)
{
	char src[STORE_FILES_PATH_MAX], dst[STORE_FILES_PATH_MAX], sub[STORE_FILES_PATH_MAX];
	unsigned char buf[65536], digest[32];
	crypto_hash_sha256_state h;
	char hex[65];
	int in = -1, out = -1, rc = OS_EINTERNAL;
	ssize_t n;

	if (files_path(src_dir, sha, src, sizeof src) ||
	    files_path(dst_dir, sha, dst, sizeof dst))
		return OS_EINTERNAL;
	if (snprintf(sub, sizeof sub, "%s/%.2s", dst_dir, sha) >= (int)sizeof sub)
		return OS_EINTERNAL;
	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? OS_ENOTFOUND : OS_EINTERNAL;
	if (make_dir(dst_dir) || make_dir(sub) ||
	    (out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		goto out;
	crypto_hash_sha256_init(&h);
	while ((n = read(in, buf, sizeof buf)) > 0) {
		crypto_hash_sha256_update(&h, buf, (unsigned long long)n);
		if (write(out, buf, (size_t)n) != n)
			goto out;
	}
	if (n < 0 || fdatasync(out))
		goto out;
	crypto_hash_sha256_final(&h, digest);
	files_hex(digest, hex);
	if (strcmp(hex, sha)) {
		os_err("files: %s does not hold the bytes its name says", src);
		goto out;
	}
	rc = sync_dir(sub);
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (rc && out >= 0)
		unlink(dst);
	return rc;
}
