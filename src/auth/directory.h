#ifndef OS_AUTH_DIRECTORY_H
#define OS_AUTH_DIRECTORY_H

/*
 * Sign-in through the company directory (LDAP, Active Directory), with
 * OpenLDAP's client library. A sign-in looks the typed username up with a
 * search filter (as a service account, or anonymously), requires exactly
 * one entry, binds as that entry with the typed password, and reads the
 * entry's display name, mail and group roles.
 *
 * directory_authenticate() blocks on the network (up to the timeout per
 * step): it runs on worker threads, never on the event loop. A directory
 * is read-only after directory_new(), so any number of threads may
 * authenticate against it at once; each sign-in has its own connection.
 * libldap may write to a connection the server has closed: the process
 * must ignore SIGPIPE (the server does).
 */

#include <stddef.h>

#include "base/model.h"

#define DIR_EMAIL_MAX     254  /* bytes */
#define DIR_EMAIL_SZ      (DIR_EMAIL_MAX + 1)
#define DIR_FILTER_MAX    512  /* bytes of --ldap-filter */
#define DIR_ROLES_MAX     64   /* --ldap-role mappings */
#define DIR_TIMEOUT_MAX   300  /* seconds */

/* What serve's --ldap-* options give; strings are borrowed for the call. */
struct directory_opts {
	const char *url;                 /* ldap://HOST[:PORT] or ldaps://...; required */
	int starttls;                    /* StartTLS on an ldap:// URL */
	const char *ca_file;             /* CA certificates for TLS; NULL: the system's */
	const char *base;                /* search base DN; required */
	const char *filter;              /* NULL: "(uid=%u)" */
	const char *bind_dn;             /* NULL: search anonymously */
	const char *bind_password_file;  /* with bind_dn: its password, one line */
	const char *const *roles;        /* nroles "ROLE=GROUP_DN" */
	size_t nroles;
	const char *org;                 /* for new accounts; NULL: "" */
	int timeout_s;                   /* per network step; 0: 5 */
};

struct directory;

/* Checks every option and builds the directory. Returns OS_OK, or
 * OS_EBADREQ with a one-line reason in why that names the option at fault
 * (nothing is connected to: a directory that is down at start-up is not an
 * error). *out is freed with directory_free(). */
int directory_new(const struct directory_opts *o, struct directory **out,
		  char *why, size_t whysz);

/* Frees d and wipes the service account's password. NULL is fine. */
void directory_free(struct directory *d);

/* The organisation new directory accounts get (--ldap-org). */
const char *directory_org(const struct directory *d);

/* What a successful sign-in read from the directory. */
struct dir_entry {
	char display_name[OS_DISPLAY_SZ]; /* displayName, else cn, cleaned; may be "" */
	char email[DIR_EMAIL_SZ];         /* mail when it looks like an address; else "" */
	int role;                         /* the highest role of the entry's groups */
};

/*
 * Signs username in with password. Blocks (see above). Returns OS_OK with
 * *out filled; OS_EBADCRED when no entry or more than one matches, the bind
 * fails, or password is empty (an empty password would be an anonymous
 * bind, which many directories accept); OS_EDIRUNAVAIL when the directory
 * cannot be reached, times out, or refuses the service account or the
 * search (logged, without the username or password); OS_ENOMEM. password
 * is wiped right after the bind, and in every case before returning.
 */
int directory_authenticate(const struct directory *d, const char *username,
			   char *password, struct dir_entry *out);

/* The pure parts, for the unit tests. */

/* Escapes n bytes at s as an RFC 4515 filter value: '*', '(', ')', '\',
 * NUL, control bytes and every byte outside ASCII become \XX (two hex
 * digits), so that the value matches itself and nothing else. Writes a
 * NUL-terminated string to out; returns its length, or -1 when outsz is
 * too small (out is then ""). */
int directory_filter_escape(const char *s, size_t n, char *out, size_t outsz);

/* Fills pattern's %u with username escaped and %% with %. 0, or -1 when
 * it does not fit in outsz bytes or pattern has another % sequence. */
int directory_filter_build(const char *pattern, const char *username, char *out,
			   size_t outsz);

/* 0 when pattern is usable as --ldap-filter: within DIR_FILTER_MAX bytes,
 * one parenthesised filter with balanced parentheses, at least one %u, and
 * no % sequence but %u and %%. Otherwise -1 with the reason in why. */
int directory_filter_check(const char *pattern, char *why, size_t whysz);

/* Parses "ROLE=GROUP_DN". 0 with *role and the DN normalised (malloc'd,
 * *dn, the caller frees); -1 with the reason in why. */
int directory_role_parse(const char *spec, int *role, char **dn, char *why,
			 size_t whysz);

/* 1 when two DNs name the same entry, ignoring case, the spacing between
 * their parts and how their values are escaped; 0 otherwise (also when
 * either is not a DN). */
int directory_dn_equal(const char *a, const char *b);

/* A directory attribute's value (n bytes, not trusted) as text to store:
 * invalid UTF-8 repaired, control characters made spaces, trimmed, cut to
 * max_chars code points. out (outsz >= max_chars * 4 + 1) gets "" when
 * nothing is left. */
void directory_text_clean(const char *s, size_t n, size_t max_chars, char *out,
			  size_t outsz);

/* mail's value (n bytes) when it looks like an address (one '@' with text
 * either side, no space or control character, valid UTF-8, at most
 * DIR_EMAIL_MAX bytes after trimming); "" otherwise. */
void directory_email_clean(const char *s, size_t n, char out[DIR_EMAIL_SZ]);

#endif
