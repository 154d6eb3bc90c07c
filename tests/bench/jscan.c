#include "jscan.h"

#include <string.h>

/* s is just past an opening quote; returns just past the closing one. */
static const char *
skip_string(const char *s, const char *end)
{
	for (;;) {
		const char *q = memchr(s, '"', (size_t)(end - s)), *b;

		if (!q)
			return NULL;
		b = q;
		while (b > s && b[-1] == '\\')
			b--;
		if (((q - b) & 1) == 0)
			return q + 1;
		s = q + 1;
	}
}

/* s is at '{' or '['; returns just past the matching close. */
static const char *
skip_compound(const char *s, const char *end)
{
	int depth = 0;

	while (s < end) {
		char c = *s++;

		if (c == '"') {
			s = skip_string(s, end);
			if (!s)
				return NULL;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth == 0)
				return s;
		}
	}
	return NULL;
}

static const char *
skip_ws(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++;
	return s;
}

/* Skips any JSON value starting at s. */
static const char *
skip_value(const char *s, const char *end)
{
	if (s >= end)
		return NULL;
	if (*s == '"')
		return skip_string(s + 1, end);
	if (*s == '{' || *s == '[')
		return skip_compound(s, end);
	while (s < end && *s != ',' && *s != '}' && *s != ']')
		s++;
	return s;
}

long
jscan_objects(const char *p, size_t n, jscan_fn fn, void *arg)
{
	const char *end = p + n, *s = skip_ws(p, end), *e;
	long count = 0;

	if (s >= end)
		return -1;
	if (*s == '{') {
		/* One object per frame: the frame's end is the object's end. */
		e = end;
		while (e > s && e[-1] != '}')
			e--;
		if (e == s)
			return -1;
		fn(arg, s, (size_t)(e - s));
		return 1;
	}
	if (*s != '[')
		return -1;
	s++;
	for (;;) {
		s = skip_ws(s, end);
		if (s < end && *s == ',')
			s = skip_ws(s + 1, end);
		if (s >= end)
			return -1;
		if (*s == ']')
			return count;
		if (*s != '{')
			return -1;
		e = skip_compound(s, end);
		if (!e)
			return -1;
		fn(arg, s, (size_t)(e - s));
		count++;
		s = e;
	}
}

const char *
jscan_key(const char *p, size_t n, const char *key)
{
	const char *end = p + n, *s = skip_ws(p, end), *k, *ke;
	size_t klen = strlen(key);

	if (s >= end || *s != '{')
		return NULL;
	s++;
	for (;;) {
		s = skip_ws(s, end);
		if (s >= end || *s != '"')
			return NULL;
		k = s + 1;
		ke = skip_string(k, end);
		if (!ke)
			return NULL;
		s = skip_ws(ke, end);
		if (s >= end || *s != ':')
			return NULL;
		s = skip_ws(s + 1, end);
		if ((size_t)(ke - 1 - k) == klen && !memcmp(k, key, klen))
			return s;
		s = skip_value(s, end);
		if (!s)
			return NULL;
		s = skip_ws(s, end);
		if (s < end && *s == ',')
			s++;
		else
			return NULL;
	}
}

static const char *
parse_int(const char *s, const char *end, int64_t *out)
{
	int neg = 0;
	int64_t v = 0;
	const char *start;

	if (s < end && *s == '-') {
		neg = 1;
		s++;
	}
	start = s;
	while (s < end && *s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	if (s == start)
		return NULL;
	*out = neg ? -v : v;
	return s;
}

void
jscan_classify(const char *p, size_t n, struct jmsg *m)
{
	const char *end = p + n, *v = NULL, *ok = NULL;
	int is_ev = 0;

	m->p = p;
	m->n = n;
	m->kind = JMSG_OTHER;
	m->rid = -1;
	m->ok = 0;
	m->ev = NULL;
	m->evlen = 0;
	if (n > 7 && !memcmp(p, "{\"rid\":", 7)) {
		v = p + 7;
	} else if (n > 6 && !memcmp(p, "{\"ev\":", 6)) {
		v = p + 6;
		is_ev = 1;
	} else if ((v = jscan_key(p, n, "rid")) == NULL) {
		v = jscan_key(p, n, "ev");
		is_ev = v != NULL;
	}
	if (!v)
		return;
	if (is_ev) {
		const char *q;

		if (v >= end || *v != '"')
			return;
		q = memchr(v + 1, '"', (size_t)(end - v - 1));
		if (!q)
			return;
		m->kind = JMSG_EVENT;
		m->ev = v + 1;
		m->evlen = (size_t)(q - v - 1);
		return;
	}
	v = parse_int(v, end, &m->rid);
	if (!v)
		return;
	m->kind = JMSG_REPLY;
	if (end - v >= 10 && !memcmp(v, ",\"ok\":true", 10)) {
		m->ok = 1;
		return;
	}
	if (end - v >= 11 && !memcmp(v, ",\"ok\":false", 11))
		return;
	ok = jscan_key(p, n, "ok");
	m->ok = ok && end - ok >= 4 && !memcmp(ok, "true", 4);
}

int
jscan_ev_is(const struct jmsg *m, const char *name)
{
	size_t n = strlen(name);

	return m->kind == JMSG_EVENT && m->evlen == n && !memcmp(m->ev, name, n);
}

static const char *
parse_u64(const char *s, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	const char *start = s;

	while (s < end && *s >= '0' && *s <= '9')
		v = v * 10 + (uint64_t)(*s++ - '0');
	if (s == start)
		return NULL;
	*out = v;
	return s;
}

int
jscan_marker(const char *p, size_t n, const char tag[8], uint64_t *seq, uint64_t *ns)
{
	const char *end = p + n, *s = p;

	for (;;) {
		const char *m = memmem(s, (size_t)(end - s), "osb#", 4), *q;

		if (!m)
			return 0;
		s = m + 4;
		if (end - s < 8 + 4 || memcmp(s, tag, 8) || s[8] != '#')
			continue;
		q = parse_u64(s + 9, end, seq);
		if (!q || q >= end || *q != '#')
			continue;
		q = parse_u64(q + 1, end, ns);
		if (!q || q >= end || *q != '#')
			continue;
		return 1;
	}
}
