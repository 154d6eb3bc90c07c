#ifndef OS_CLI_DEMO_H
#define OS_CLI_DEMO_H

#include "base/lang.h"
#include "forum/forum.h"

#include <stdio.h>

/* Fills an empty database (no users) with the demo in lang: accounts, a
 * strategy round with plans, ideas, comments, votes and chat, and a
 * customer round. Every language has the same accounts (usernames and
 * password) and the same shape; only the words differ. Prints the demo
 * accounts on out. With users there already it adds nothing: when refuse
 * is set that is an error (OS_ECONFLICT), else it says so on out and
 * carries on. Commits. */
int demo_fill_if_empty(struct forum *f, enum os_lang lang, int refuse, FILE *out);

#endif
