/* openstrat backup: a consistent copy while the server keeps writing. */
#include "cli/cli.h"

#include <stdio.h>
#include <sys/stat.h>

#include "base/err.h"

#include "store/db.h"
#include "store/files.h"

/* Copying the files a backup names, from the database's folder. */
struct file_copy {
	char src[STORE_FILES_PATH_MAX], dst[STORE_FILES_PATH_MAX];
	long copied;
};

static int
copy_one(void *arg, const char *sha)
{
	struct file_copy *fc = arg;
	int rc = files_copy(fc->src, fc->dst, sha);

	if (rc == OS_ENOTFOUND)
		fprintf(stderr, "openstrat: the file %s is missing from %s\n", sha, fc->src);
	else if (rc)
		fprintf(stderr, "openstrat: cannot copy the file %s into %s\n", sha, fc->dst);
	fc->copied += rc == 0;
	return rc;
}

/* Copies every file the backup at out names into out.files/: the
 * database was copied first, and files are never changed or removed while
 * a row names them, so the pair is consistent. A PostgreSQL backup is
 * pg_dump's file, which the store cannot open: the files the live
 * database names once the dump is done are copied instead (a superset,
 * but for rows deleted meanwhile). */
static int
backup_files(struct store *live, const char *db, const char *files, const char *out,
	     long *copied)
{
	struct file_copy fc = {.copied = 0};
	struct store *copy = live;
	int rc;

	*copied = 0;
	if (files_dir_for(db, files, fc.src, sizeof fc.src))
		return OS_EINTERNAL;
	if (files_dir_of(out, fc.dst, sizeof fc.dst))
		return OS_EINTERNAL;
	if (!store_target_is_remote(db) && store_open(out, STORE_SYNC_FULL, &copy))
		return OS_EINTERNAL;
	rc = files_dir_prepare(NULL, fc.dst, 0);
	if (!rc)
		rc = store_files_each_sha(copy, copy_one, &fc);
	if (copy != live)
		store_close(copy);
	*copied = fc.copied;
	return rc;
}

int
cli_backup(int argc, char **argv)
{
	struct cli_opt opts[] = {{"db", 1, NULL}, {"out", 1, NULL}, {"files", 1, NULL},
				 {NULL, 0, NULL}};
	const char *usage = "openstrat backup --db PATH|postgresql://... --out FILE [--files DIR]";
	const char *db, *files;
	struct store *st;
	struct stat sb;
	long copied = 0;
	int rc;

	if ((rc = cli_parse(argc, argv, opts, usage)))
		return rc;
	if (!cli_get(opts, "db") || !cli_get(opts, "out")) {
		fprintf(stderr, "openstrat: --db and --out are required\nusage: %s\n", usage);
		return 2;
	}
	if (stat(cli_get(opts, "out"), &sb) == 0) {
		fprintf(stderr, "openstrat: %s exists; choose a new file\n", cli_get(opts, "out"));
		return 1;
	}
	db = cli_get(opts, "db");
	files = cli_get(opts, "files");
	if (store_target_is_remote(db) && !files) {
		fprintf(stderr, "openstrat: with a PostgreSQL database, --files DIR names the "
				"attachments folder\nusage: %s\n", usage);
		return 2;
	}
	if ((!store_target_is_remote(db) && stat(db, &sb) != 0) ||
	    store_open(db, STORE_SYNC_FULL, &st)) {
		fprintf(stderr, "openstrat: cannot open %s\n", db);
		return 1;
	}
	rc = store_backup(st, cli_get(opts, "out"));
	if (!rc)
		rc = backup_files(st, db, files, cli_get(opts, "out"), &copied);
	store_close(st);
	if (rc) {
		fprintf(stderr, "openstrat: the backup failed\n");
		return 1;
	}
	printf("openstrat: backed up %s to %s (%s, %ld file%s in %s.files)\n", db, cli_get(opts, "out"),
	       store_target_is_remote(db) ? "pg_dump's custom format" : "integrity ok", copied,
	       copied == 1 ? "" : "s",
	       cli_get(opts, "out"));
	return 0;
}
