/* openstrat export: the HTTP export's bytes, read straight from the database. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/lang.h"
#include "base/util.h"
#include "export/export.h"
#include "store/db.h"

int
cli_export(int argc, char **argv)
{
	struct cli_opt opts[] = {{"db", 1, NULL},  {"round", 1, NULL}, {"format", 1, NULL},
				 {"out", 1, NULL}, {"lang", 1, NULL},  {NULL, 0, NULL}};
	const char *usage = "openstrat export --db PATH --round ID --format csv|json|md|xlsx "
			    "[--out FILE] [--lang en|nb|sv|da]";
	enum os_lang lang = OS_LANG_EN;
	struct forum_opts fo = {0};
	struct forum *f = NULL;
	struct store *st;
	long long round;
	char *body = NULL;
	size_t len = 0;
	int rc, format;
	FILE *out;

	if ((rc = cli_parse(argc, argv, opts, usage)))
		return rc;
	if (!cli_get(opts, "db") || !cli_get(opts, "round") || !cli_get(opts, "format")) {
		fprintf(stderr, "openstrat: --db, --round and --format are required\nusage: %s\n",
			usage);
		return 2;
	}
	if (os_parse_int(cli_get(opts, "round"), 1, INT64_MAX, &round)) {
		fprintf(stderr, "openstrat: --round is a round id\nusage: %s\n", usage);
		return 2;
	}
	format = export_format_parse(cli_get(opts, "format"));
	if (format < 0) {
		fprintf(stderr, "openstrat: --format is csv, json, md or xlsx\nusage: %s\n", usage);
		return 2;
	}
	if (cli_get(opts, "lang") && os_lang_parse(cli_get(opts, "lang"), &lang)) {
		fprintf(stderr, "openstrat: --lang is en, nb, sv or da, not '%s'\nusage: %s\n",
			cli_get(opts, "lang"), usage);
		return 2;
	}
	if (store_open(cli_get(opts, "db"), STORE_SYNC_FULL, &st)) {
		fprintf(stderr, "openstrat: cannot open %s\n", cli_get(opts, "db"));
		return 1;
	}
	rc = forum_new(st, NULL, &fo, &f);
	if (!rc)
		rc = export_round(f, NULL, round, format, lang, &body, &len);
	forum_free(f);
	store_close(st);
	if (rc == OS_ENOTFOUND) {
		fprintf(stderr, "openstrat: there is no round %lld\n", round);
		return 1;
	}
	if (rc) {
		fprintf(stderr, "openstrat: the export failed\n");
		return 1;
	}
	out = cli_get(opts, "out") ? fopen(cli_get(opts, "out"), "wb") : stdout;
	if (!out) {
		fprintf(stderr, "openstrat: cannot write %s: %s\n", cli_get(opts, "out"),
			strerror(errno));
		free(body);
		return 1;
	}
	rc = fwrite(body, 1, len, out) == len ? 0 : 1;
	if (fflush(out) || (out != stdout && fclose(out)))
		rc = 1;
	free(body);
	if (rc)
		fprintf(stderr, "openstrat: writing the export failed\n");
	return rc;
}
