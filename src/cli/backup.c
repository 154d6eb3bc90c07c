/* openstrat backup: a consistent copy while the server keeps writing. */
#include "cli/cli.h"

#include <stdio.h>
#include <sys/stat.h>

#include "store/db.h"

int
cli_backup(int argc, char **argv)
{
	struct cli_opt opts[] = {{"db", 1, NULL}, {"out", 1, NULL}, {NULL, 0, NULL}};
	const char *usage = "openstrat backup --db PATH --out FILE";
	struct store *st;
	struct stat sb;
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
	if (stat(cli_get(opts, "db"), &sb) != 0 ||
	    store_open(cli_get(opts, "db"), STORE_SYNC_FULL, &st)) {
		fprintf(stderr, "openstrat: cannot open %s\n", cli_get(opts, "db"));
		return 1;
	}
	rc = store_backup(st, cli_get(opts, "out"));
	store_close(st);
	if (rc) {
		fprintf(stderr, "openstrat: the backup failed\n");
		return 1;
	}
	printf("openstrat: backed up %s to %s (integrity ok)\n", cli_get(opts, "db"),
	       cli_get(opts, "out"));
	return 0;
}
