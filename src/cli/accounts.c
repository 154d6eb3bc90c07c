/* openstrat init and openstrat user add, disable, enable and import. */
#include "cli/cli.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/password.h"
#include "base/err.h"
#include "base/model.h"
#include "base/util.h"
#include "store/db.h"
#include "forum/import.h"
#include "forum/users.h"
#include "store/users.h"

int
cli_init(int argc, char **argv)
{
	struct cli_opt opts[] = {{"db", 1, NULL}, {NULL, 0, NULL}};
	const char *usage = "openstrat init --db PATH";
	struct store *st;
	int rc = cli_parse(argc, argv, opts, usage);

	if (rc)
		return rc;
	if (!cli_get(opts, "db")) {
		fprintf(stderr, "openstrat: --db is required\nusage: %s\n", usage);
		return 2;
	}
	if (store_open(cli_get(opts, "db"), STORE_SYNC_FULL, &st)) {
		fprintf(stderr, "openstrat: cannot create or migrate %s\n",
			cli_get(opts, "db"));
		return 1;
	}
	printf("openstrat: database %s is at schema version %d\n", cli_get(opts, "db"),
	       store_schema_version(st));
	store_close(st);
	return 0;
}

static int
read_password(char *buf, size_t sz)
{
	const char *env = getenv("OPENSTRAT_PASSWORD");
	size_t n;

	if (env) {
		if (strlen(env) >= sz)
			return -1;
		snprintf(buf, sz, "%s", env);
		return 0;
	}
	if (!fgets(buf, (int)sz, stdin))
		return -1;
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 0;
}

static int
user_add(int argc, char **argv)
{
	struct cli_opt opts[] = {{"db", 1, NULL},           {"username", 1, NULL},
				 {"role", 1, NULL},         {"display-name", 1, NULL},
				 {"org", 1, NULL},          {NULL, 0, NULL}};
	const char *usage = "openstrat user add --db PATH --username NAME --role "
			    "admin|manager|employee|customer [--display-name TEXT] "
			    "[--org TEXT]";
	char password[OS_PASSWORD_MAX + 2], hash[OS_PWHASH_LEN];
	const char *name, *display, *org;
	struct store *st;
	int rc, role;
	int64_t id;

	rc = cli_parse(argc, argv, opts, usage);
	if (rc)
		return rc;
	name = cli_get(opts, "username");
	if (!cli_get(opts, "db") || !name || !cli_get(opts, "role")) {
		fprintf(stderr, "openstrat: --db, --username and --role are required\n"
				"usage: %s\n", usage);
		return 2;
	}
	role = os_role_parse(cli_get(opts, "role"));
	if (role < 0) {
		fprintf(stderr, "openstrat: --role must be admin, manager, employee or "
				"customer\nusage: %s\n", usage);
		return 2;
	}
	if (!os_username_valid(name)) {
		fprintf(stderr, "openstrat: a username is 1 to %d letters, digits, '.', "
				"'_' or '-', starting with a letter or digit\n",
			OS_USERNAME_MAX);
		return 2;
	}
	display = cli_get(opts, "display-name");
	org = cli_get(opts, "org");
	if (!display || !*display)
		display = name;
	if (!org)
		org = "";
	if (!os_utf8_valid(display, strlen(display)) || os_utf8_len(display) > OS_DISPLAY_MAX ||
	    !os_utf8_valid(org, strlen(org)) || os_utf8_len(org) > OS_ORG_MAX) {
		fprintf(stderr, "openstrat: display name and org are UTF-8 of at most %d "
				"characters\n", OS_DISPLAY_MAX);
		return 2;
	}
	if (read_password(password, sizeof password)) {
		fprintf(stderr, "openstrat: no password: set OPENSTRAT_PASSWORD or give "
				"one line on standard input (at most %d bytes)\n",
			OS_PASSWORD_MAX);
		return 1;
	}
	if (os_utf8_len(password) < OS_PASSWORD_MIN) {
		sodium_memzero(password, sizeof password);
		fprintf(stderr, "openstrat: the password must be at least %d characters\n",
			OS_PASSWORD_MIN);
		return 1;
	}
	rc = password_hash(password, hash);
	sodium_memzero(password, sizeof password);
	if (rc) {
		fprintf(stderr, "openstrat: hashing the password failed (out of memory)\n");
		return 1;
	}
	if (store_open(cli_get(opts, "db"), STORE_SYNC_FULL, &st)) {
		fprintf(stderr, "openstrat: cannot open %s\n", cli_get(opts, "db"));
		return 1;
	}
	rc = store_op_begin(st);
	if (!rc) {
		rc = store_user_insert(st, name, display, role, org, hash, &id);
		store_op_end(st, rc == OS_OK);
	}
	if (!rc)
		rc = store_commit(st);
	store_close(st);
	if (rc == OS_EUSERTAKEN) {
		fprintf(stderr, "openstrat: the username '%s' is taken\n", name);
		return 1;
	}
	if (rc) {
		fprintf(stderr, "openstrat: could not add the user\n");
		return 1;
	}
	printf("openstrat: added %s '%s' (id %lld)\n", os_role_name(role), name,
	       (long long)id);
	return 0;
}

static int
user_disable(int argc, char **argv, int disabled)
{
	struct cli_opt opts[] = {{"db", 1, NULL}, {"username", 1, NULL}, {NULL, 0, NULL}};
	const char *usage = disabled ? "openstrat user disable --db PATH --username NAME"
				     : "openstrat user enable --db PATH --username NAME";
	struct forum_opts fo = {0};
	struct forum *f = NULL;
	struct store *st;
	struct user u;
	int rc;

	if ((rc = cli_parse(argc, argv, opts, usage)))
		return rc;
	if (!cli_get(opts, "db") || !cli_get(opts, "username")) {
		fprintf(stderr, "openstrat: --db and --username are required\nusage: %s\n", usage);
		return 2;
	}
	if (store_open(cli_get(opts, "db"), STORE_SYNC_FULL, &st)) {
		fprintf(stderr, "openstrat: cannot open %s\n", cli_get(opts, "db"));
		return 1;
	}
	rc = store_user_by_name(st, cli_get(opts, "username"), &u, NULL, 0);
	if (!rc)
		rc = forum_new(st, NULL, &fo, &f);
	if (!rc && !(rc = store_op_begin(st))) {
		rc = users_set_disabled(f, NULL, u.id, disabled);
		store_op_end(st, rc == OS_OK);
		if (!rc)
			rc = store_commit(st);
	}
	forum_free(f);
	store_close(st);
	if (rc == OS_ENOTFOUND) {
		fprintf(stderr, "openstrat: there is no user '%s'\n", cli_get(opts, "username"));
		return 1;
	}
	if (rc == OS_ECONFLICT) {
		fprintf(stderr, "openstrat: '%s' is the last enabled admin; make someone else "
				"admin first\n", u.username);
		return 1;
	}
	if (rc) {
		fprintf(stderr, "openstrat: could not change the user\n");
		return 1;
	}
	printf("openstrat: %s '%s'%s\n", disabled ? "disabled" : "enabled", u.username,
	       disabled ? "; the server closes their connections within seconds" : "");
	return 0;
}

/* The most a staff list may weigh: far more than 100,000 people. */
#define IMPORT_FILE_MAX (64u << 20)

/* Reads a whole file into *out (NUL-terminated, malloc'd). 0, or -1 with a
 * reason on stderr. */
static int
read_file(const char *path, char **out, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	struct os_buf b;
	char chunk[65536];
	size_t n;

	*out = NULL;
	*len = 0;
	if (!fp) {
		fprintf(stderr, "openstrat: cannot open %s\n", path);
		return -1;
	}
	os_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
		if (b.len + n > IMPORT_FILE_MAX) {
			fclose(fp);
			os_buf_free(&b);
			fprintf(stderr, "openstrat: %s is over 64 MiB\n", path);
			return -1;
		}
		os_buf_add(&b, chunk, n);
	}
	if (ferror(fp) || b.failed) {
		fclose(fp);
		os_buf_free(&b);
		fprintf(stderr, "openstrat: cannot read %s\n", path);
		return -1;
	}
	fclose(fp);
	*out = os_buf_detach(&b, len);
	if (!*out) {
		*out = strdup("");
		if (!*out) {
			fprintf(stderr, "openstrat: out of memory\n");
			return -1;
		}
	}
	return 0;
}

/* The bad lines, one line each on stderr; several reasons for one line are
 * joined. */
static void
print_errors(const struct import_result *res)
{
	for (size_t i = 0; i < res->nerrors;) {
		int line = res->errors[i].line;

		fprintf(stderr, "openstrat: line %d: %s", line, res->errors[i].reason);
		for (i++; i < res->nerrors && res->errors[i].line == line; i++)
			fprintf(stderr, "; %s", res->errors[i].reason);
		fputc('\n', stderr);
	}
}

static int
user_import(int argc, char **argv)
{
	struct cli_opt opts[] = {{"db", 1, NULL}, {"csv", 1, NULL}, {"dry-run", 0, NULL},
				 {NULL, 0, NULL}};
	const char *usage = "openstrat user import --db PATH --csv FILE [--dry-run]";
	struct import_result res = {0};
	struct forum_opts fo = {0};
	struct forum *f = NULL;
	struct store *st;
	size_t len;
	char *data;
	int rc, dry;

	if ((rc = cli_parse(argc, argv, opts, usage)))
		return rc;
	if (!cli_get(opts, "db") || !cli_get(opts, "csv")) {
		fprintf(stderr, "openstrat: --db and --csv are required\nusage: %s\n", usage);
		return 2;
	}
	dry = cli_get(opts, "dry-run") != NULL;
	if (read_file(cli_get(opts, "csv"), &data, &len))
		return 1;
	if (store_open(cli_get(opts, "db"), STORE_SYNC_FULL, &st)) {
		free(data);
		fprintf(stderr, "openstrat: cannot open %s\n", cli_get(opts, "db"));
		return 1;
	}
	rc = forum_new(st, NULL, &fo, &f);
	/* One transaction: every line, or none. */
	if (!rc && !(rc = store_op_begin(st))) {
		rc = import_staff(f, NULL, data, len, dry, &res);
		store_op_end(st, rc == OS_OK && !res.nerrors && !dry);
		if (!rc && !res.nerrors && !dry)
			rc = store_commit(st);
	}
	forum_free(f);
	store_close(st);
	free(data);
	if (rc) {
		import_result_clear(&res);
		fprintf(stderr, "openstrat: the import failed (%s); nothing was changed\n",
			rc == OS_ENOMEM ? "out of memory" : "a database error");
		return 1;
	}
	if (res.nerrors) {
		print_errors(&res);
		fprintf(stderr, "openstrat: nothing was imported: fix the lines above and run "
				"the import again\n");
		import_result_clear(&res);
		return 1;
	}
	printf("openstrat: imported %zu: created %zu, updated %zu, unchanged %zu%s\n",
	       res.rows, res.created, res.updated, res.unchanged,
	       dry ? " (a dry run: nothing was written)" : "");
	import_result_clear(&res);
	return 0;
}

int
cli_user(int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "add"))
		return user_add(argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "disable"))
		return user_disable(argc - 1, argv + 1, 1);
	if (argc >= 1 && !strcmp(argv[0], "enable"))
		return user_disable(argc - 1, argv + 1, 0);
	if (argc >= 1 && !strcmp(argv[0], "import"))
		return user_import(argc - 1, argv + 1);
	int help = argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"));

	fprintf(help ? stdout : stderr, "%susage: openstrat user add "
		"--db PATH --username NAME --role ROLE [--display-name TEXT] "
		"[--org TEXT]\n       openstrat user disable|enable --db PATH "
		"--username NAME\n       openstrat user import --db PATH --csv FILE "
		"[--dry-run]\n", help ? "" : "openstrat: unknown user command\n");
	return help ? CLI_HELP : 2;
}
