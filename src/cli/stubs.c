/* Subcommands of the contract that later work fills in. */
#include <stdio.h>

#include "cli/cli.h"

int
cli_export(int argc, char **argv)
{
	fprintf(stderr, "openstrat: export is not available in this version yet\n");
	return 1;
}
