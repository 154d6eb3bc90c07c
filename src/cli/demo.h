#ifndef OS_CLI_DEMO_H
#define OS_CLI_DEMO_H

#include "forum/forum.h"

/* Fills an empty database (no users) with the demo: accounts, a strategy
 * round with plans, ideas, comments, votes and chat, and a customer round.
 * Does nothing when there are users already. Prints the demo accounts when
 * verbose. Commits. */
int demo_fill_if_empty(struct forum *f, int verbose);

#endif
