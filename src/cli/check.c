/* openstrat check: is the database whole, and does its search index agree
 * with its posts and comments? The sqlite3 shell cannot tell the second:
 * it does not have the search tokenizer. */
#include "cli/cli.h"

#include <stdio.h>
#include <sys/stat.h>

#include "store/db.h"
#include "store/files.h"

/* Every attached file the rows name must be in the folder beside. */
struct file_check {
	char dir[STORE_FILES_PATH_MAX];
	long present, missing;
};

static int
check_one(void *arg, const char *sha)
{
	struct file_check *fc = arg;
	char path[STORE_FILES_PATH_MAX];
	struct stat sb;

	if (!files_path(fc->dir, sha, path, sizeof path) && stat(path, &sb) == 0 &&
	    S_ISREG(sb.st_mode)) {
		fc->present++;
	} else {
		fprintf(stderr, "openstrat: the attached file %s is missing\n", path);
		fc->missing++;
	}
	return 0;
}

int
cli_check(int argc, char **argv)
{
	struct cli_opt opts[] = {{"db", 1, NULL}, {"files", 1, NULL}, {NULL, 0, NULL}};
	const char *usage = "openstrat check --db PATH|postgresql://... [--files DIR]";
	const char *db, *files;
	struct store *st;
	struct stat sb;
	int rc;

	if ((rc = cli_parse(argc, argv, opts, usage)))
		return rc;
	if (!cli_get(opts, "db")) {
		fprintf(stderr, "openstrat: --db is required\nusage: %s\n", usage);
		return 2;
	}
	db = cli_get(opts, "db");
	files = cli_get(opts, "files");
	if (store_target_is_remote(db) && !files) {
		fprintf(stderr, "openstrat: with a PostgreSQL database, --files DIR names the "
				"attachments folder\nusage: %s\n", usage);
		return 2;
	}
	/* Checking must not create a database where there is none. */
	if ((!store_target_is_remote(db) && stat(db, &sb) != 0) ||
	    store_open(db, STORE_SYNC_FULL, &st)) {
		fprintf(stderr, "openstrat: cannot open %s\n", cli_get(opts, "db"));
		return 1;
	}
	rc = store_integrity_check(st);
	{
		struct file_check fc = {.present = 0};

		if (files_dir_for(db, files, fc.dir, sizeof fc.dir) ||
		    store_files_each_sha(st, check_one, &fc) || fc.missing)
			rc = rc ? rc : 1;
	}
	store_close(st);
	if (rc) {
		fprintf(stderr, "openstrat: %s failed its check (see the log above)\n",
			cli_get(opts, "db"));
		return 1;
	}
	printf("openstrat: %s is sound (integrity, search index, counts and attached files ok)\n",
	       cli_get(opts, "db"));
	return 0;
}
