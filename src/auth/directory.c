/*
 * Directory sign-in over LDAP with OpenLDAP's libldap: the options, the
 * filter escaping, and the blocking search-then-bind that worker threads
 * run.
 */
#include "auth/directory.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <ldap.h>
#include <sodium.h>

#include "base/err.h"
#include "base/log.h"
#include "base/util.h"

#define DEFAULT_FILTER  "(uid=%u)"
#define DEFAULT_TIMEOUT 5
#define BIND_PW_MAX     1024
#define URL_MAX         1024

struct dir_role {
	int role;
	char *dn;          /* normalised */
};

struct directory {
	char *url;
	int tls;           /* ldaps:// or StartTLS */
	int starttls;
	char *ca_file;
	char *base;
	char *filter;
	char *bind_dn;
	char *bind_pw;     /* wiped by directory_free */
	size_t bind_pw_len;
	struct dir_role roles[DIR_ROLES_MAX];  /* highest role first */
	size_t nroles;
	char *org;
	int timeout_s;
};

/* Filter escaping and building. */

int
directory_filter_escape(const char *s, size_t n, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (!outsz)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int esc = c < 0x20 || c >= 0x7f || c == '*' || c == '(' || c == ')' ||
			  c == '\\';

		if (o + (esc ? 3 : 1) >= outsz) {
			out[0] = '\0';
			return -1;
		}
		if (esc) {
			out[o++] = '\\';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return (int)o;
}

int
directory_filter_build(const char *pattern, const char *username, char *out,
		       size_t outsz)
{
	size_t o = 0;

	if (!outsz)
		return -1;
	for (const char *p = pattern; *p; p++) {
		if (*p == '%' && p[1] == 'u') {
			int n = directory_filter_escape(username, strlen(username), out + o,
							outsz - o);

			if (n < 0)
				goto too_long;
			o += (size_t)n;
			p++;
			continue;
		}
		if (*p == '%' && p[1] != '%')
			goto too_long;
		if (*p == '%')
			p++;
		if (o + 1 >= outsz)
			goto too_long;
		out[o++] = *p;
	}
	out[o] = '\0';
	return 0;
too_long:
	out[0] = '\0';
	return -1;
}

int
directory_filter_check(const char *pattern, char *why, size_t whysz)
{
	size_t n = strlen(pattern);
	int depth = 0, has_u = 0;

	if (n > DIR_FILTER_MAX) {
		snprintf(why, whysz, "the filter is over %d bytes", DIR_FILTER_MAX);
		return -1;
	}
	if (n < 2 || pattern[0] != '(' || pattern[n - 1] != ')') {
		snprintf(why, whysz, "the filter must be in parentheses, like (uid=%%u)");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char c = pattern[i];

		if (c == '\\') {
			if (i + 2 >= n || !isxdigit((unsigned char)pattern[i + 1]) ||
			    !isxdigit((unsigned char)pattern[i + 2])) {
				snprintf(why, whysz, "a '\\' must be followed by two hex digits");
				return -1;
			}
			i += 2;
			continue;
		}
		if (c == '%') {
			if (pattern[i + 1] == 'u')
				has_u = 1;
			else if (pattern[i + 1] != '%') {
				snprintf(why, whysz, "only %%u (the username) and %%%% may follow '%%'");
				return -1;
			}
			i++;
			continue;
		}
		if (c == '(')
			depth++;
		else if (c == ')')
			depth--;
		/* One filter: the outer parentheses close only at the end. */
		if (depth < 0 || (depth == 0 && i != n - 1)) {
			depth = -1;
			break;
		}
	}
	if (depth != 0) {
		snprintf(why, whysz, "the filter's parentheses do not match");
		return -1;
	}
	if (!has_u) {
		snprintf(why, whysz, "the filter must contain %%u, the typed username");
		return -1;
	}
	return 0;
}

/* DNs. */

static char *
dn_normalize(const char *dn)
{
	char *out = NULL;

	if (!dn || !*dn ||
	    ldap_dn_normalize(dn, LDAP_DN_FORMAT_LDAP, &out, LDAP_DN_FORMAT_LDAPV3) !=
		    LDAP_SUCCESS ||
	    !out)
		return NULL;
	if (!*out) {
		ldap_memfree(out);
		return NULL;
	}
	return out;
}

int
directory_dn_equal(const char *a, const char *b)
{
	char *na = dn_normalize(a), *nb = dn_normalize(b);
	int eq = na && nb && !strcasecmp(na, nb);

	ldap_memfree(na);
	ldap_memfree(nb);
	return eq;
}

int
directory_role_parse(const char *spec, int *role, char **dn, char *why, size_t whysz)
{
	const char *eq = strchr(spec, '=');
	char name[16];
	char *norm;

	*dn = NULL;
	if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof name) {
		snprintf(why, whysz, "'%s' is not ROLE=GROUP_DN", spec);
		return -1;
	}
	snprintf(name, sizeof name, "%.*s", (int)(eq - spec), spec);
	*role = os_role_parse(name);
	if (*role < 0) {
		snprintf(why, whysz, "'%s' is not a role (admin, manager, employee, customer)",
			 name);
		return -1;
	}
	norm = dn_normalize(eq + 1);
	if (!norm) {
		snprintf(why, whysz, "'%s' is not a DN", eq + 1);
		return -1;
	}
	*dn = strdup(norm);
	ldap_memfree(norm);
	if (!*dn) {
		snprintf(why, whysz, "out of memory");
		return -1;
	}
	return 0;
}

/* Text from the directory. */

void
directory_text_clean(const char *s, size_t n, size_t max_chars, char *out,
		     size_t outsz)
{
	char *fixed = os_utf8_repair(s, n);
	const char *start;
	size_t len, chars = 0, cut = 0;

	out[0] = '\0';
	if (!fixed)
		return;
	for (char *p = fixed; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	len = os_trimmed(fixed, &start);
	/* Cut after max_chars code points (and within outsz). */
	while (cut < len && chars < max_chars) {
		size_t next = cut + 1;

		while (next < len && ((unsigned char)start[next] & 0xc0) == 0x80)
			next++;
		if (next + 1 > outsz)
			break;
		cut = next;
		chars++;
	}
	/* The cut may leave white space at the end. */
	while (cut && start[cut - 1] == ' ')
		cut--;
	memcpy(out, start, cut);
	out[cut] = '\0';
	free(fixed);
}

void
directory_email_clean(const char *s, size_t n, char out[DIR_EMAIL_SZ])
{
	const char *start, *at;
	char buf[DIR_EMAIL_SZ + 64];
	size_t len;

	out[0] = '\0';
	if (n >= sizeof buf || memchr(s, '\0', n))
		return;
	memcpy(buf, s, n);
	buf[n] = '\0';
	len = os_trimmed(buf, &start);
	if (!len || len > DIR_EMAIL_MAX || !os_utf8_valid(start, len))
		return;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)start[i] <= 0x20 || start[i] == 0x7f)
			return;
	at = memchr(start, '@', len);
	if (!at || at == start || at == start + len - 1 ||
	    memchr(at + 1, '@', len - (size_t)(at - start) - 1))
		return;
	memcpy(out, start, len);
	out[len] = '\0';
}

/* Options. */

static int __attribute__((format(printf, 3, 4)))
fail(char *why, size_t whysz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whysz, fmt, ap);
	va_end(ap);
	return OS_EBADREQ;
}

/* Every URL of the (space- or comma-separated) list is ldap:// or
 * ldaps://, all of one kind; 1 for ldaps. -1 when not. */
static int
check_urls(const char *list)
{
	char copy[URL_MAX + 1], *save = NULL;
	int kind = -1;

	if (strlen(list) > URL_MAX)
		return -1;
	snprintf(copy, sizeof copy, "%s", list);
	for (char *u = strtok_r(copy, " ,", &save); u; u = strtok_r(NULL, " ,", &save)) {
		LDAPURLDesc *d = NULL;
		int k;

		if (ldap_url_parse(u, &d) != LDAP_URL_SUCCESS || !d)
			return -1;
		k = !strcasecmp(d->lud_scheme, "ldaps") ? 1
		    : !strcasecmp(d->lud_scheme, "ldap") ? 0
							 : -1;
		/* A host is needed: an empty one would mean "localhost". */
		if (k < 0 || !d->lud_host || !*d->lud_host || (kind >= 0 && k != kind)) {
			ldap_free_urldesc(d);
			return -1;
		}
		kind = k;
		ldap_free_urldesc(d);
	}
	return kind;
}

/* Reads the service account's password: the file's first line. */
static int
read_password_file(struct directory *d, const char *path, char *why, size_t whysz)
{
	char buf[BIND_PW_MAX + 2];
	struct stat sb;
	ssize_t n;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail(why, whysz, "--ldap-bind-password-file: cannot read %s", path);
	if (fstat(fd, &sb) == 0 && (sb.st_mode & 077))
		os_warn("%s (the directory's service password) can be read by others; "
			"chmod 600 it", path);
	while (len < sizeof buf - 1 &&
	       ((n = read(fd, buf + len, sizeof buf - 1 - len)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	if (memchr(buf, '\0', len)) {
		sodium_memzero(buf, sizeof buf);
		return fail(why, whysz, "--ldap-bind-password-file: %s is not text", path);
	}
	len = strcspn(buf, "\r\n");
	if (len > BIND_PW_MAX || !len) {
		sodium_memzero(buf, sizeof buf);
		return fail(why, whysz,
			    "--ldap-bind-password-file: %s must hold the password on its first "
			    "line (1 to 1024 bytes)", path);
	}
	d->bind_pw = malloc(len + 1);
	if (d->bind_pw) {
		memcpy(d->bind_pw, buf, len);
		d->bind_pw[len] = '\0';
		d->bind_pw_len = len;
	}
	sodium_memzero(buf, sizeof buf);
	return d->bind_pw ? OS_OK : fail(why, whysz, "%s", "out of memory");
}

/* 1 when the file has a PEM certificate in its first MiB (libldap takes
 * a file without one as an empty list of CAs, which trusts nothing). */
static int
has_pem_certificate(const char *path)
{
	static const char marker[] = "-----BEGIN CERTIFICATE-----";
	FILE *fp = fopen(path, "re");
	char *buf;
	size_t n;
	int found;

	if (!fp)
		return 0;
	buf = malloc((1u << 20) + 1);
	if (!buf) {
		fclose(fp);
		return 0;
	}
	n = fread(buf, 1, 1u << 20, fp);
	fclose(fp);
	buf[n] = '\0';
	found = memmem(buf, n, marker, sizeof marker - 1) != NULL;
	free(buf);
	return found;
}

/* Makes a TLS context on a handle that is never connected, so that a CA
 * file that cannot be loaded is found at start-up rather than at the first
 * sign-in. */
static int
check_tls(const struct directory *d, char *why, size_t whysz)
{
	int zero = 0, rc;
	LDAP *ld = NULL;

	if (ldap_initialize(&ld, d->url) != LDAP_SUCCESS || !ld)
		return fail(why, whysz, "--ldap-url: '%s' is not usable", d->url);
	if (d->ca_file)
		ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, d->ca_file);
	rc = ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
	ldap_unbind_ext_s(ld, NULL, NULL);
	if (rc != LDAP_OPT_SUCCESS)
		return fail(why, whysz, "--ldap-ca: cannot load the certificates in %s",
			    d->ca_file ? d->ca_file : "the system's store");
	return OS_OK;
}

static char *
dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

int
directory_new(const struct directory_opts *o, struct directory **out, char *why,
	      size_t whysz)
{
	struct directory *d;
	int kind, rc, v3 = LDAP_VERSION3;
	struct stat sb;

	*out = NULL;
	why[0] = '\0';
	if (!o->url || !*o->url)
		return fail(why, whysz, "%s", "--ldap-url is required for directory sign-in");
	kind = check_urls(o->url);
	if (kind < 0)
		return fail(why, whysz,
			    "--ldap-url: '%s' is not ldap://HOST[:PORT] or ldaps://HOST[:PORT]",
			    o->url);
	if (o->starttls && kind == 1)
		return fail(why, whysz, "%s",
			    "--ldap-starttls is for ldap:// URLs (ldaps:// is TLS already)");
	if (o->ca_file && !o->starttls && kind == 0)
		return fail(why, whysz, "%s",
			    "--ldap-ca needs an ldaps:// URL or --ldap-starttls");
	if (o->ca_file && (stat(o->ca_file, &sb) || !S_ISREG(sb.st_mode) ||
			   access(o->ca_file, R_OK)))
		return fail(why, whysz, "--ldap-ca: cannot read %s", o->ca_file);
	if (o->ca_file && !has_pem_certificate(o->ca_file))
		return fail(why, whysz, "--ldap-ca: %s holds no PEM certificate", o->ca_file);
	if (!o->base || !*o->base)
		return fail(why, whysz, "%s", "--ldap-base DN is required with --ldap-url");
	{
		char *n = dn_normalize(o->base);

		if (!n)
			return fail(why, whysz, "--ldap-base: '%s' is not a DN", o->base);
		ldap_memfree(n);
	}
	if (o->filter && directory_filter_check(o->filter, why, whysz)) {
		char reason[200];

		snprintf(reason, sizeof reason, "%s", why);
		snprintf(why, whysz, "--ldap-filter: %s", reason);
		return OS_EBADREQ;
	}
	if (!o->bind_dn != !o->bind_password_file)
		return fail(why, whysz, "%s",
			    "--ldap-bind-dn and --ldap-bind-password-file go together");
	if (o->bind_dn) {
		char *n = dn_normalize(o->bind_dn);

		if (!n)
			return fail(why, whysz, "--ldap-bind-dn: '%s' is not a DN", o->bind_dn);
		ldap_memfree(n);
	}
	if (o->org && (!os_utf8_valid(o->org, strlen(o->org)) ||
		       os_utf8_len(o->org) > OS_ORG_MAX))
		return fail(why, whysz, "%s",
			    "--ldap-org must be UTF-8 text of at most 80 characters");
	if (o->timeout_s < 0 || o->timeout_s > DIR_TIMEOUT_MAX)
		return fail(why, whysz, "%s", "--ldap-timeout must be 1 to 300 seconds");
	if (o->nroles > DIR_ROLES_MAX)
		return fail(why, whysz, "%s", "--ldap-role: at most 64 mappings");

	/* libldap sets its global defaults (ldap.conf) on first use: make
	 * that happen here, on one thread, before any worker uses it. */
	ldap_set_option(NULL, LDAP_OPT_PROTOCOL_VERSION, &v3);

	d = calloc(1, sizeof *d);
	if (!d)
		return fail(why, whysz, "%s", "out of memory");
	d->tls = kind == 1 || o->starttls;
	d->starttls = o->starttls;
	d->timeout_s = o->timeout_s ? o->timeout_s : DEFAULT_TIMEOUT;
	d->url = strdup(o->url);
	d->base = strdup(o->base);
	d->filter = strdup(o->filter ? o->filter : DEFAULT_FILTER);
	d->org = dup_or_empty(o->org);
	if (o->ca_file)
		d->ca_file = strdup(o->ca_file);
	if (o->bind_dn)
		d->bind_dn = strdup(o->bind_dn);
	if (!d->url || !d->base || !d->filter || !d->org || (o->ca_file && !d->ca_file) ||
	    (o->bind_dn && !d->bind_dn)) {
		rc = fail(why, whysz, "%s", "out of memory");
		goto bad;
	}
	if (o->bind_password_file &&
	    (rc = read_password_file(d, o->bind_password_file, why, whysz)))
		goto bad;
	/* Highest role first, in the order given within a role. */
	for (int r = 0; r < ROLE_COUNT; r++)
		for (size_t i = 0; i < o->nroles; i++) {
			int role;
			char *dn, reason[300];

			if (directory_role_parse(o->roles[i], &role, &dn, reason, sizeof reason)) {
				rc = fail(why, whysz, "--ldap-role: %s", reason);
				goto bad;
			}
			if (role != r) {
				free(dn);
				continue;
			}
			d->roles[d->nroles].role = role;
			d->roles[d->nroles++].dn = dn;
		}
	if (d->tls && (rc = check_tls(d, why, whysz)))
		goto bad;
	if (!d->tls)
		os_warn("directory sign-in over %s without TLS: passwords cross the network "
			"in clear text (use ldaps:// or --ldap-starttls)", d->url);
	*out = d;
	return OS_OK;
bad:
	directory_free(d);
	return rc;
}

void
directory_free(struct directory *d)
{
	if (!d)
		return;
	if (d->bind_pw) {
		sodium_memzero(d->bind_pw, d->bind_pw_len);
		free(d->bind_pw);
	}
	for (size_t i = 0; i < d->nroles; i++)
		free(d->roles[i].dn);
	free(d->url);
	free(d->ca_file);
	free(d->base);
	free(d->filter);
	free(d->bind_dn);
	free(d->org);
	free(d);
}

const char *
directory_org(const struct directory *d)
{
	return d->org;
}

/* Sign-in. */

/* Failures that mean the directory could not be asked, as opposed to an
 * answer. */
static int
unreachable(int rc)
{
	return rc == LDAP_SERVER_DOWN || rc == LDAP_TIMEOUT || rc == LDAP_CONNECT_ERROR ||
	       rc == LDAP_UNAVAILABLE || rc == LDAP_BUSY || rc == LDAP_TIMELIMIT_EXCEEDED ||
	       rc == LDAP_LOCAL_ERROR || rc == LDAP_ENCODING_ERROR ||
	       rc == LDAP_DECODING_ERROR || rc == LDAP_NO_MEMORY || rc == LDAP_USER_CANCELLED;
}

/* A directory that is down makes every sign-in fail the same way: say so
 * at most once a minute. */
static void
warn_limited(const char *what, LDAP *ld, int rc)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static int64_t last_ms;
	int64_t now = os_now_ms();
	char *diag = NULL;
	int say;

	pthread_mutex_lock(&mu);
	say = !last_ms || now - last_ms >= 60000;
	if (say)
		last_ms = now;
	pthread_mutex_unlock(&mu);
	if (!say)
		return;
	if (ld)
		ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	os_warn("directory: %s: %s%s%s", what, ldap_err2string(rc),
		diag && *diag ? "; " : "", diag && *diag ? diag : "");
	ldap_memfree(diag);
}

/*
 * Every read and write on the directory's socket gives up after the
 * timeout: libldap polls with its timeouts before it reads, but once a
 * TLS handshake or a message has begun it reads blocking, and a server
 * that stops in the middle would hold the thread for good.
 */
static int
socket_timeouts(LDAP *ld, Sockbuf *sb, LDAPURLDesc *srv, struct sockaddr *addr,
		struct ldap_conncb *ctx)
{
	struct timeval *tv = NULL;
	ber_socket_t fd = -1;

	(void)srv;
	(void)addr;
	(void)ctx;
	if (ber_sockbuf_ctrl(sb, LBER_SB_OPT_GET_FD, &fd) != 1 || fd < 0 ||
	    ldap_get_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv) != LDAP_OPT_SUCCESS || !tv)
		return 0;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, sizeof *tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, tv, sizeof *tv);
	ldap_memfree(tv);
	return 0;
}

static void
socket_closed(LDAP *ld, Sockbuf *sb, struct ldap_conncb *ctx)
{
	(void)ld;
	(void)sb;
	(void)ctx;
}

static struct ldap_conncb conn_callbacks = {socket_timeouts, socket_closed, NULL};

/*
 * Connects, with TLS when configured. The connection is asynchronous:
 * that is what makes libldap bound the TLS handshake of an ldaps:// URL
 * by the network timeout (a synchronous one can wait for good on a server
 * that accepts and says nothing); this then waits for the connection
 * itself, as long as the timeout allows.
 */
static int
connect_dir(const struct directory *d, LDAP **out)
{
	struct timeval tv = {d->timeout_s, 0};
	int v3 = LDAP_VERSION3, demand = LDAP_OPT_X_TLS_DEMAND, zero = 0;
	int min = LDAP_OPT_X_TLS_PROTOCOL_TLS1_2, rc, fd = -1, soerr = 0;
	socklen_t soerr_len = sizeof soerr;
	struct pollfd pfd;
	LDAP *ld = NULL;

	*out = NULL;
	rc = ldap_initialize(&ld, d->url);
	if (rc != LDAP_SUCCESS || !ld) {
		warn_limited("cannot use --ldap-url", NULL, rc);
		return rc == LDAP_NO_MEMORY ? OS_ENOMEM : OS_EDIRUNAVAIL;
	}
	*out = ld;
	if (ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3) ||
	    ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) ||
	    ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv) ||
	    ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv) ||
	    ldap_set_option(ld, LDAP_OPT_CONNECT_ASYNC, LDAP_OPT_ON) ||
	    ldap_set_option(ld, LDAP_OPT_CONNECT_CB, &conn_callbacks)) {
		warn_limited("cannot set the connection's options", ld, LDAP_LOCAL_ERROR);
		return OS_EDIRUNAVAIL;
	}
	if (d->tls &&
	    (ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand) ||
	     ldap_set_option(ld, LDAP_OPT_X_TLS_PROTOCOL_MIN, &min) ||
	     (d->ca_file && ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, d->ca_file)) ||
	     ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero))) {
		warn_limited("cannot set up TLS (--ldap-ca)", ld, LDAP_LOCAL_ERROR);
		return OS_EDIRUNAVAIL;
	}
	rc = ldap_connect(ld);
	if (rc != LDAP_SUCCESS) {
		warn_limited("cannot connect", ld, rc);
		return rc == LDAP_NO_MEMORY ? OS_ENOMEM : OS_EDIRUNAVAIL;
	}
	if (ldap_get_option(ld, LDAP_OPT_DESC, &fd) != LDAP_OPT_SUCCESS || fd < 0) {
		warn_limited("cannot connect", ld, LDAP_SERVER_DOWN);
		return OS_EDIRUNAVAIL;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	do
		rc = poll(&pfd, 1, d->timeout_s * 1000);
	while (rc < 0 && errno == EINTR);
	if (rc <= 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &soerr_len) || soerr) {
		warn_limited("cannot connect", ld, rc == 0 ? LDAP_TIMEOUT : LDAP_SERVER_DOWN);
		return OS_EDIRUNAVAIL;
	}
	if (d->starttls && (rc = ldap_start_tls_s(ld, NULL, NULL)) != LDAP_SUCCESS) {
		warn_limited("StartTLS failed", ld, rc);
		return OS_EDIRUNAVAIL;
	}
	return OS_OK;
}

/* Binds as the identity that searches: the service account, or anonymous
 * (needed only to undo a user's bind). */
static int
bind_searcher(const struct directory *d, LDAP *ld, int anonymous_too)
{
	struct berval cred = {0, NULL};
	int rc;

	if (!d->bind_dn && !anonymous_too)
		return OS_OK;
	if (d->bind_dn) {
		cred.bv_val = d->bind_pw;
		cred.bv_len = d->bind_pw_len;
	}
	rc = ldap_sasl_bind_s(ld, d->bind_dn ? d->bind_dn : "", LDAP_SASL_SIMPLE, &cred,
			      NULL, NULL, NULL);
	if (rc == LDAP_SUCCESS)
		return OS_OK;
	warn_limited(d->bind_dn ? "the service account's bind (--ldap-bind-dn) failed"
				: "the anonymous bind failed",
		     ld, rc);
	return OS_EDIRUNAVAIL;
}

/* The first value of attr, cleaned into out; 0 when it has one. */
static int
first_value(LDAP *ld, LDAPMessage *e, const char *attr, char *out, size_t outsz,
	    int email)
{
	struct berval **v = ldap_get_values_len(ld, e, attr);
	int found = 0;

	out[0] = '\0';
	if (v && v[0]) {
		if (email)
			directory_email_clean(v[0]->bv_val, v[0]->bv_len, out);
		else
			directory_text_clean(v[0]->bv_val, v[0]->bv_len, OS_DISPLAY_MAX, out,
					     outsz);
		found = out[0] != '\0';
	}
	ldap_value_free_len(v);
	return found;
}

/* Whether the group entry dn lists member_dn as member or uniqueMember:
 * 1, 0, or -1 when the directory cannot be asked. */
static int
group_has(const struct directory *d, LDAP *ld, const char *group, const char *member_dn)
{
	static const char *const pattern = "(|(member=%s)(uniqueMember=%s))";
	char esc[3 * 1024 + 1], filter[sizeof esc * 2 + 64];
	char *attrs[] = {LDAP_NO_ATTRS, NULL};
	struct timeval tv = {d->timeout_s, 0};
	LDAPMessage *res = NULL;
	int rc, n;

	if (directory_filter_escape(member_dn, strlen(member_dn), esc, sizeof esc) < 0)
		return 0;
	snprintf(filter, sizeof filter, pattern, esc, esc);
	rc = ldap_search_ext_s(ld, group, LDAP_SCOPE_BASE, filter, attrs, 0, NULL, NULL, &tv,
			       1, &res);
	n = rc == LDAP_SUCCESS ? ldap_count_entries(ld, res) : 0;
	ldap_msgfree(res);
	if (unreachable(rc)) {
		warn_limited("a group lookup failed", ld, rc);
		return -1;
	}
	if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT)
		warn_limited("a group in --ldap-role cannot be read", ld, rc);
	return n > 0;
}

/*
 * The highest role among the groups the entry belongs to: those its
 * memberOf names (Active Directory), then, for the roles above that, the
 * group entries that list it (member, uniqueMember). employee when none.
 */
static int
entry_role(const struct directory *d, LDAP *ld, const char *dn,
	   struct berval **member_of, int *role)
{
	int best = ROLE_COUNT, rebound = 0;

	for (size_t i = 0; i < d->nroles && d->roles[i].role < best; i++)
		for (size_t k = 0; member_of && member_of[k]; k++) {
			char v[2048];

			if (member_of[k]->bv_len >= sizeof v)
				continue;
			memcpy(v, member_of[k]->bv_val, member_of[k]->bv_len);
			v[member_of[k]->bv_len] = '\0';
			if (directory_dn_equal(v, d->roles[i].dn)) {
				best = d->roles[i].role;
				break;
			}
		}
	for (size_t i = 0; i < d->nroles && d->roles[i].role < best; i++) {
		int has;

		/* Groups are read as the searcher, not as the user. */
		if (!rebound) {
			int rc = bind_searcher(d, ld, 1);

			if (rc)
				return rc;
			rebound = 1;
		}
		has = group_has(d, ld, d->roles[i].dn, dn);
		if (has < 0)
			return OS_EDIRUNAVAIL;
		if (has)
			best = d->roles[i].role;
	}
	*role = best == ROLE_COUNT ? ROLE_EMPLOYEE : best;
	return OS_OK;
}

int
directory_authenticate(const struct directory *d, const char *username,
		       char *password, struct dir_entry *out)
{
	char *attrs[] = {"displayName", "cn", "mail", "memberOf", NULL};
	size_t pwlen = strlen(password);
	struct timeval tv = {d->timeout_s, 0};
	char filter[DIR_FILTER_MAX + 3 * 256];
	struct berval **member_of = NULL, cred;
	LDAPMessage *res = NULL, *e;
	char *dn = NULL;
	LDAP *ld = NULL;
	int rc, err;

	memset(out, 0, sizeof *out);
	out->role = ROLE_EMPLOYEE;
	/* An empty password (or DN) makes a simple bind anonymous, and an
	 * anonymous bind succeeds on many directories: it proves nothing. */
	if (!pwlen || !*username ||
	    directory_filter_build(d->filter, username, filter, sizeof filter)) {
		err = OS_EBADCRED;
		goto out;
	}
	if ((err = connect_dir(d, &ld)) || (err = bind_searcher(d, ld, 0)))
		goto out;
	rc = ldap_search_ext_s(ld, d->base, LDAP_SCOPE_SUBTREE, filter, attrs, 0, NULL,
			       NULL, &tv, 2, &res);
	if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
		warn_limited(unreachable(rc) ? "the search failed"
					     : "the search was refused (check --ldap-base, "
					       "--ldap-filter and the searcher's rights)",
			     ld, rc);
		err = rc == LDAP_NO_MEMORY ? OS_ENOMEM : OS_EDIRUNAVAIL;
		goto out;
	}
	/* Exactly one entry: none is an unknown name, two are ambiguous. */
	if (ldap_count_entries(ld, res) != 1 || !(e = ldap_first_entry(ld, res)) ||
	    !(dn = ldap_get_dn(ld, e)) || !*dn) {
		err = OS_EBADCRED;
		goto out;
	}
	if (!first_value(ld, e, "displayName", out->display_name, sizeof out->display_name, 0))
		first_value(ld, e, "cn", out->display_name, sizeof out->display_name, 0);
	first_value(ld, e, "mail", out->email, sizeof out->email, 1);
	member_of = ldap_get_values_len(ld, e, "memberOf");

	cred.bv_val = password;
	cred.bv_len = pwlen;
	rc = ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
	sodium_memzero(password, pwlen);
	if (rc != LDAP_SUCCESS) {
		if (unreachable(rc))
			warn_limited("the user's bind failed", ld, rc);
		err = unreachable(rc) ? OS_EDIRUNAVAIL : OS_EBADCRED;
		goto out;
	}
	err = entry_role(d, ld, dn, member_of, &out->role);
out:
	sodium_memzero(password, pwlen);
	ldap_value_free_len(member_of);
	ldap_memfree(dn);
	ldap_msgfree(res);
	if (ld)
		ldap_unbind_ext_s(ld, NULL, NULL);
	if (err) {
		int role = out->role;

		memset(out, 0, sizeof *out);
		out->role = role;
	}
	return err;
}
