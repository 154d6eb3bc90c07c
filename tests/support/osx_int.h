#ifndef OSX_INT_H
#define OSX_INT_H

/* Private to tests/support/: helpers shared by the osclient files. */

#include <stddef.h>
#include <stdint.h>

#include "osclient.h"

/* 1 when OSX_TRACE is set. */
int osx__trace(void);

/* Milliseconds left until deadline (>= 0). */
int osx__left(long long deadline);
/* now + timeout_ms, with the default for timeout_ms <= 0. */
long long osx__deadline(int timeout_ms);

/* A TCP connection to 127.0.0.1:port, non-blocking, or -1. */
int osx__connect(int port, long long deadline);
/* Writes everything before deadline; 0 or -1 (errno kept). */
int osx__write_all(int fd, const void *buf, size_t len, long long deadline);

/* A growable byte buffer; data is always NUL-terminated. */
struct osx_buf {
	char *data;
	size_t len, cap;
};
int osx__buf_add(struct osx_buf *b, const void *p, size_t n);
void osx__buf_consume(struct osx_buf *b, size_t n);
void osx__buf_free(struct osx_buf *b);

/* Parses "Name: value" lines of a raw head (after the status line). */
int osx__parse_headers(const char *head, struct osx_header **out, size_t *n);
void osx__free_headers(struct osx_header *h, size_t n);
const char *osx__find_header(const struct osx_header *h, size_t n,
			     const char *name, size_t idx);

void osx__sha1(const void *data, size_t len, unsigned char out[20]);

#endif
