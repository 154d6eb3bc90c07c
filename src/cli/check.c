/* openstrat check: is the database whole, and does its search index agree
 * with its posts and comments? The sqlite3 shell cannot tell the second:
 * it does not have the search tokenizer. */
#include "cli/cli.h"

#include <stdio.h>
#include <sys/stat.h>

#include "store/db.h"

int
cli_check(int argc, char **argv)
{
	struct cli_opt opts[] = {{"db", 1, NULL}, {NULL, 0, NULL}};
	const char *usage = "openstrat check --db PATH";
	struct store *st;
	struct stat sb;
	int rc;

	if ((rc = cli_parse(argc, argv, opts, usage)))
		return rc;
	if (!cli_get(opts, "db")) {
		fprintf(stderr, "openstrat: --db is required\nusage: %s\n", usage);
		return 2;
	}
	/* Checking must not create a database where there is none. */
	if (stat(cli_get(opts, "db"), &sb) != 0 ||
	    store_open(cli_get(opts, "db"), STORE_SYNC_FULL, &st)) {
		fprintf(stderr, "openstrat: cannot open %s\n", cli_get(opts, "db"));
		return 1;
	}
	rc = store_integrity_check(st);
	store_close(st);
	if (rc) {
		fprintf(stderr, "openstrat: %s failed its check (see the log above)\n",
			cli_get(opts, "db"));
		return 1;
	}
	printf("openstrat: %s is sound (integrity and search index ok)\n", cli_get(opts, "db"));
	return 0;
}
