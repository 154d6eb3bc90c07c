#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

int
cli_parse(int argc, char **argv, struct cli_opt *opts, const char *usage)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *eq;
		struct cli_opt *o = NULL;
		size_t n;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf("usage: %s\n", usage);
			return CLI_HELP;
		}
		if (strncmp(a, "--", 2)) {
			fprintf(stderr, "openstrat: unexpected argument '%s'\nusage: %s\n",
				a, usage);
			return 2;
		}
		a += 2;
		eq = strchr(a, '=');
		n = eq ? (size_t)(eq - a) : strlen(a);
		for (struct cli_opt *p = opts; p->name; p++)
			if (strlen(p->name) == n && !strncmp(p->name, a, n))
				o = p;
		if (!o) {
			fprintf(stderr, "openstrat: unknown option '--%.*s'\nusage: %s\n",
				(int)n, a, usage);
			return 2;
		}
		if (!o->takes_value) {
			if (eq) {
				fprintf(stderr, "openstrat: --%s takes no value\nusage: %s\n",
					o->name, usage);
				return 2;
			}
			o->value = "";
			continue;
		}
		if (eq) {
			o->value = eq + 1;
		} else if (i + 1 < argc) {
			o->value = argv[++i];
		} else {
			fprintf(stderr, "openstrat: --%s needs a value\nusage: %s\n", o->name,
				usage);
			return 2;
		}
	}
	return 0;
}

const char *
cli_get(const struct cli_opt *opts, const char *name)
{
	for (; opts->name; opts++)
		if (!strcmp(opts->name, name))
			return opts->value;
	return NULL;
}

int
cli_each(int argc, char **argv, const struct cli_opt *opts, const char *name,
	 int (*fn)(const char *value, void *arg), void *arg)
{
	size_t want = strlen(name);

	for (int i = 0; i < argc; i++) {
		const struct cli_opt *o = NULL;
		const char *a, *eq, *v;
		size_t n;
		int rc;

		if (strncmp(argv[i], "--", 2))
			continue;
		a = argv[i] + 2;
		eq = strchr(a, '=');
		n = eq ? (size_t)(eq - a) : strlen(a);
		for (const struct cli_opt *p = opts; p->name; p++)
			if (strlen(p->name) == n && !strncmp(p->name, a, n))
				o = p;
		/* As cli_parse reads it: a value without '=' is the next
		 * argument. */
		if (!o || !o->takes_value)
			continue;
		if (!eq && i + 1 >= argc)
			break;
		v = eq ? eq + 1 : argv[++i];
		if (n == want && !strncmp(a, name, n) && (rc = fn(v, arg)))
			return rc;
	}
	return 0;
}
