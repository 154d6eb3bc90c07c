/* openstrat invite create. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "forum/invites.h"
#include "store/db.h"

static int
invite_create(int argc, char **argv)
{
	struct cli_opt opts[] = {{"db", 1, NULL}, {"role", 1, NULL}, {"round", 1, NULL},
				 {"expires-hours", 1, NULL}, {"org", 1, NULL}, {NULL, 0, NULL}};
	const char *usage = "openstrat invite create --db PATH --role customer|employee "
			    "[--round ID] [--expires-hours N] [--org TEXT]";
	char token[OS_TOKEN_STR_LEN];
	long long round = 0, hours = 0;
	struct forum_opts fo = {0};
	struct forum *f = NULL;
	struct store *st;
	int64_t expires;
	int rc, role;

	if ((rc = cli_parse(argc, argv, opts, usage)))
		return rc;
	if (!cli_get(opts, "db") || !cli_get(opts, "role")) {
		fprintf(stderr, "openstrat: --db and --role are required\nusage: %s\n", usage);
		return 2;
	}
	role = os_role_parse(cli_get(opts, "role"));
	if (role != ROLE_CUSTOMER && role != ROLE_EMPLOYEE) {
		fprintf(stderr, "openstrat: --role is customer or employee\nusage: %s\n", usage);
		return 2;
	}
	if (cli_get(opts, "round") &&
	    os_parse_int(cli_get(opts, "round"), 1, INT64_MAX, &round)) {
		fprintf(stderr, "openstrat: --round is a round id\nusage: %s\n", usage);
		return 2;
	}
	if (cli_get(opts, "expires-hours") &&
	    os_parse_int(cli_get(opts, "expires-hours"), 1, INVITE_HOURS_MAX, &hours)) {
		fprintf(stderr, "openstrat: --expires-hours is 1 to %d\nusage: %s\n",
			INVITE_HOURS_MAX, usage);
		return 2;
	}
	if (role == ROLE_CUSTOMER && !round) {
		fprintf(stderr, "openstrat: customer invites need --round\nusage: %s\n", usage);
		return 2;
	}
	if (role == ROLE_EMPLOYEE && round) {
		fprintf(stderr, "openstrat: employee invites take no --round\nusage: %s\n", usage);
		return 2;
	}
	if (cli_get(opts, "org") && invites_org_invalid(cli_get(opts, "org"))) {
		fprintf(stderr, "openstrat: --org is 1 to 80 characters\nusage: %s\n", usage);
		return 2;
	}
	if (store_open(cli_get(opts, "db"), STORE_SYNC_FULL, &st)) {
		fprintf(stderr, "openstrat: cannot open %s\n", cli_get(opts, "db"));
		return 1;
	}
	rc = forum_new(st, NULL, &fo, &f);
	if (!rc && !(rc = store_op_begin(st))) {
		rc = invites_create(f, NULL, role, round, (int)hours, cli_get(opts, "org"), token,
				    &expires);
		store_op_end(st, rc == OS_OK);
		if (!rc)
			rc = store_commit(st);
	}
	forum_free(f);
	store_close(st);
	if (rc == OS_ENOTFOUND) {
		fprintf(stderr, "openstrat: there is no round %lld\n", round);
		return 1;
	}
	if (rc == OS_ECONFLICT) {
		fprintf(stderr, "openstrat: round %lld is internal; customers can only be "
				"invited to rounds whose audience is invited\n", round);
		return 1;
	}
	if (rc) {
		fprintf(stderr, "openstrat: the invite could not be created\n");
		return 1;
	}
	printf("%s\n", token);
	return 0;
}

int
cli_invite(int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "create"))
		return invite_create(argc - 1, argv + 1);
	int help = argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"));

	fprintf(help ? stdout : stderr, "%susage: openstrat invite create "
		"--db PATH --role customer|employee [--round ID] [--expires-hours N]\n",
		help ? "" : "openstrat: unknown invite command\n");
	return help ? CLI_HELP : 2;
}
