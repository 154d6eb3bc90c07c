#include <stdio.h>

#include "cli/cli.h"
#include "cli/demo.h"

int cli_invite(int argc, char **argv) { fprintf(stderr, "openstrat: invite: not built yet\n"); return 1; }
int cli_export(int argc, char **argv) { fprintf(stderr, "openstrat: export: not built yet\n"); return 1; }
int cli_demo(int argc, char **argv) { fprintf(stderr, "openstrat: demo: not built yet\n"); return 1; }
int demo_fill_if_empty(struct forum *f, int verbose) { return 0; }
