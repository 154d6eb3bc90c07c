#ifndef OS_FORUM_IMPORT_H
#define OS_FORUM_IMPORT_H

/*
 * The staff list import: a CSV file (RFC 4180, UTF-8, a byte order mark
 * allowed) whose first line is exactly the header
 *
 *     username,display_name,email,role,org
 *
 * (in that order, any case) and whose every other line is an account.
 * Missing accounts are created (source "local", no password: they sign in
 * through the directory or a reset link); existing ones, whatever their
 * source, get the line's display name, email, role and organisation. No
 * password, no disabled flag and no source is ever changed.
 *
 * Every line is checked before anything is written; when any is bad,
 * nothing is, and every bad line is reported with its number.
 */

#include <stddef.h>

#include "base/model.h"
#include "forum/forum.h"

#define IMPORT_HEADER "username,display_name,email,role,org"

struct import_error {
	int line;
	int seq;           /* the order it was found in, within its line */
	char reason[160];
};

struct import_result {
	size_t rows;       /* accounts in the file */
	size_t created, updated, unchanged;
	struct import_error *errors;  /* in line order */
	size_t nerrors;
};

/*
 * Checks the len bytes at data and, when every line is good and dry_run
 * is 0, creates and updates the accounts (inside the caller's store
 * operation; the caller commits, or rolls back when result->nerrors is not
 * 0). caller NULL is the command line (the only caller today); otherwise
 * it must be an admin. The counts are what the import did, or with
 * dry_run would do. Returns OS_OK when the file was checked (bad lines or
 * not), an error when the store failed; import_result_clear() frees *result in
 * any case.
 */
int import_staff(struct forum *f, const struct user *caller, const char *data,
		 size_t len, int dry_run, struct import_result *result);

void import_result_clear(struct import_result *result);

#endif
