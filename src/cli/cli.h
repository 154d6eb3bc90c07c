#ifndef OS_CLI_CLI_H
#define OS_CLI_CLI_H

/*
 * The subcommands of the openstrat binary. Each takes the arguments after
 * its name and returns the exit status: 0 success, 1 runtime failure (with
 * a one-line reason on stderr), 2 usage error.
 */

int cli_init(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_invite(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_check(int argc, char **argv);

/* Options parsing shared by the subcommands: --name value pairs and bare
 * --flags. */
struct cli_opt {
	const char *name;   /* without the leading dashes */
	int takes_value;
	const char *value;  /* set when given; "" for bare flags */
};

/* What a command returns after printing its usage for --help; main()
 * exits 0 for it. */
#define CLI_HELP 64

/* Parses argv against opts. Returns 0; 2 after printing the usage line to
 * stderr; CLI_HELP after printing it to stdout for --help or -h (which
 * stand for themselves as options, not as another option's value). */
int cli_parse(int argc, char **argv, struct cli_opt *opts, const char *usage);

/* The value of an option, or NULL when not given. */
const char *cli_get(const struct cli_opt *opts, const char *name);

/* Calls fn(value, arg) for every value of the option called name, in order
 * (cli_get gives only the last), after cli_parse accepted argv. Stops at
 * and returns fn's first non-zero result; 0 otherwise. */
int cli_each(int argc, char **argv, const struct cli_opt *opts, const char *name,
	     int (*fn)(const char *value, void *arg), void *arg);

#endif
