#ifndef OS_BASE_UTIL_H
#define OS_BASE_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Wall-clock time in milliseconds since the Unix epoch. */
int64_t os_now_ms(void);

/* Monotonic time in microseconds, for measuring and rate limits. */
int64_t os_mono_us(void);

/* Formats ms since the epoch as RFC 3339 UTC with milliseconds,
 * "2026-11-23T09:46:00.123Z". buf must hold OS_TIME_LEN bytes. */
#define OS_TIME_LEN 64
void os_time_format(int64_t ms, char buf[OS_TIME_LEN]);

/* Parses an RFC 3339 time (Z or +hh:mm offset, optional fraction) into ms
 * since the epoch. Returns 0 on success, -1 when it is not one. */
int os_time_parse(const char *s, int64_t *ms);

/* True when the n bytes at s are well-formed UTF-8 (no overlongs, no
 * surrogates, nothing past U+10FFFF). */
int os_utf8_valid(const void *s, size_t n);

/* A malloc'd copy of the n bytes at s in which every byte that is not part
 * of well-formed UTF-8 is replaced by U+FFFD. NULL when out of memory. */
char *os_utf8_repair(const char *s, size_t n);

/* The length of the longest prefix of s (at most max bytes) that does not
 * end inside a UTF-8 sequence. */
size_t os_utf8_prefix(const char *s, size_t max);

/* The number of code points in a well-formed UTF-8 string. */
size_t os_utf8_len(const char *s);

/* A malloc'd copy of the UTF-8 string s with ASCII capitals and the
 * capitals of Latin-1 (U+00C0..U+00DE: Å, Æ, Ø, Ä, Ö, É...) in lower case,
 * for matching that ignores case in the languages the client speaks. NULL
 * when out of memory. */
char *os_utf8_fold(const char *s);

/* Length of s without leading and trailing ASCII white space; *start is set
 * to the first non-space byte. */
size_t os_trimmed(const char *s, const char **start);

/* A growable byte buffer. On allocation failure it frees itself and stays
 * failed (len 0, failed 1), so callers may check once at the end. */
struct os_buf {
	char *data;
	size_t len;
	size_t cap;
	int failed;
};

void os_buf_init(struct os_buf *b);
void os_buf_free(struct os_buf *b);
int os_buf_add(struct os_buf *b, const void *p, size_t n);
int os_buf_adds(struct os_buf *b, const char *s);
int os_buf_addf(struct os_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Hands the NUL-terminated contents to the caller, who frees them; the
 * buffer is empty afterwards. NULL when the buffer failed. */
char *os_buf_detach(struct os_buf *b, size_t *len);

/* Parses a decimal integer filling the whole string. 0 on success. */
int os_parse_int(const char *s, long long min, long long max, long long *out);

#endif
