#ifndef OS_CLI_DEMO_H
#define OS_CLI_DEMO_H

#include "forum/forum.h"

#include <stdio.h>

/* Fills an empty database (no users) with the demo: accounts, a strategy
 * round with plans, ideas, comments, votes and chat, and a customer round.
 * Prints the demo accounts on out. With users there already it adds
 * nothing: when refuse is set that is an error (OS_ECONFLICT), else it
 * says so on out and carries on. Commits. */
int demo_fill_if_empty(struct forum *f, int refuse, FILE *out);

#endif
