#ifndef OS_FORUM_FILETYPE_H
#define OS_FORUM_FILETYPE_H

/*
 * What a file is, from its own bytes: PDF, PNG, JPEG or WebP by their
 * magic numbers at offset 0, never by a name or a claimed type. Anything
 * else (HTML, SVG, a GIF, a PDF signature that does not start the file) is
 * refused, and so is a file whose end shows it was cut short. Plain C, no
 * I/O: the upload feeds the first and the last bytes in as they stream.
 */

#include <stddef.h>
#include <stdint.h>

enum os_filetype { FT_MORE = -1, FT_NONE = 0, FT_PDF, FT_PNG, FT_JPEG, FT_WEBP };

#define FILETYPE_HEAD 16    /* bytes filetype_head() decides on */
#define FILETYPE_TAIL 1024  /* bytes of the end filetype_check() reads */

/* The type the first n bytes of a file begin: FT_MORE while n is below
 * FILETYPE_HEAD and they still could begin one, FT_NONE when they cannot. */
int filetype_head(const unsigned char *head, size_t n);

/* Once the whole file has arrived: OS_OK when a file of size bytes that
 * begins with head (its first min(size, FILETYPE_HEAD) bytes) and ends
 * with tail (its last min(size, FILETYPE_TAIL) bytes) is a whole file of
 * type, else OS_EUNSUPPORTED. *type gets the type. */
int filetype_check(const unsigned char *head, size_t nhead, const unsigned char *tail,
		   size_t ntail, uint64_t size, int *type);

/* The media type of a type ("application/pdf"...), NULL for none. */
const char *filetype_mime(int type);

/* The type of a media type this module gives, FT_NONE otherwise. */
int filetype_parse(const char *mime);

/* Counts the page objects of a PDF as it streams by (/Type /Page): the
 * count of a PDF that keeps them in compressed object streams is 0, for
 * "unknown". Zero it to start. */
struct pdf_pages {
	int state, i;
	int64_t pages;
};
void pdf_pages_feed(struct pdf_pages *pp, const unsigned char *data, size_t n);
/* The count once the last byte has been fed. */
int64_t pdf_pages_end(struct pdf_pages *pp);

#endif
