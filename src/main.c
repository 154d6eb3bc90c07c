/* openstrat: one binary, subcommands. Parsing only; each lives in src/cli/. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *what;
} commands[] = {
	{"serve", cli_serve, "run the server"},
	{"init", cli_init, "create or migrate a database"},
	{"user", cli_user, "add, disable, enable or import users"},
	{"invite", cli_invite, "create an invite"},
	{"demo", cli_demo, "fill an empty database with a demo"},
	{"export", cli_export, "export a round's ranked posts"},
	{"backup", cli_backup, "copy the database while the server runs"},
	{"check", cli_check, "check the database and its search index"},
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: openstrat COMMAND [OPTIONS]\n"
		   "       openstrat COMMAND --help\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].what);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("openstrat %s\n", OPENSTRAT_VERSION);
		return 0;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "openstrat: libsodium failed to initialise\n");
		return 1;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name)) {
			int rc = commands[i].run(argc - 2, argv + 2);

			return rc == CLI_HELP ? 0 : rc;
		}
	fprintf(stderr, "openstrat: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
