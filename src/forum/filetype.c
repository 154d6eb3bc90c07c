/* Magic numbers and ends of the four attachable types. */
#include "forum/filetype.h"

#include <string.h>

#include "base/err.h"

static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
static const unsigned char png_ihdr[8] = {0, 0, 0, 13, 'I', 'H', 'D', 'R'};
static const unsigned char png_iend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D',
					   0xae, 0x42, 0x60, 0x82};

/* 1 when the n bytes at b agree with the pattern so far. */
static int
prefix(const unsigned char *b, size_t n, const void *pat, size_t off, size_t len)
{
	if (n <= off)
		return 1;
	return !memcmp(b + off, (const unsigned char *)pat, n - off < len ? n - off : len);
}

/* Each type's head: 1 when it matches, 0 when it cannot, -1 when more
 * bytes are needed to tell. */
static int
is_pdf(const unsigned char *b, size_t n)
{
	/* "%PDF-1." or "%PDF-2.": the version too, so that "%PDF-" alone is
	 * not taken for one. */
	if (!prefix(b, n, "%PDF-", 0, 5) || (n > 5 && b[5] != '1' && b[5] != '2') ||
	    (n > 6 && b[6] != '.'))
		return 0;
	return n >= 7 ? 1 : -1;
}

static int
is_png(const unsigned char *b, size_t n)
{
	if (!prefix(b, n, png_sig, 0, 8) || !prefix(b, n, png_ihdr, 8, 8))
		return 0;
	return n >= 16 ? 1 : -1;
}

static int
is_jpeg(const unsigned char *b, size_t n)
{
	/* SOI, then the first marker (APPn, DQT, SOFn, DHT, COM...). */
	if (!prefix(b, n, "\xff\xd8\xff", 0, 3) || (n > 3 && (b[3] < 0xc0 || b[3] == 0xff)))
		return 0;
	return n >= 4 ? 1 : -1;
}

static int
is_webp(const unsigned char *b, size_t n)
{
	if (!prefix(b, n, "RIFF", 0, 4) || !prefix(b, n, "WEBP", 8, 4) ||
	    !prefix(b, n, "VP8", 12, 3) ||
	    (n > 15 && b[15] != ' ' && b[15] != 'L' && b[15] != 'X'))
		return 0;
	return n >= 16 ? 1 : -1;
}

int
filetype_head(const unsigned char *head, size_t n)
{
	static int (*const is[])(const unsigned char *, size_t) = {
		[FT_PDF] = is_pdf, [FT_PNG] = is_png, [FT_JPEG] = is_jpeg,
		[FT_WEBP] = is_webp};
	int more = 0;

	if (n > FILETYPE_HEAD)
		n = FILETYPE_HEAD;
	for (int t = FT_PDF; t <= FT_WEBP; t++) {
		int r = is[t](head, n);

		if (r > 0)
			return t;
		more |= r < 0;
	}
	return more && n < FILETYPE_HEAD ? FT_MORE : FT_NONE;
}

/* 1 when needle occurs in the n bytes at hay. */
static int
contains(const unsigned char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(hay + i, needle, k))
			return 1;
	return 0;
}

int
filetype_check(const unsigned char *head, size_t nhead, const unsigned char *tail,
	       size_t ntail, uint64_t size, int *type)
{
	int t = filetype_head(head, nhead);

	*type = FT_NONE;
	if (t <= FT_NONE)
		return OS_EUNSUPPORTED;
	switch (t) {
	case FT_PDF:
		/* A cut PDF has lost its trailer and the %%EOF after it. */
		if (!contains(tail, ntail, "%%EOF"))
			return OS_EUNSUPPORTED;
		break;
	case FT_PNG:
		/* The signature, IHDR (25 bytes) and IEND (12) at the least. */
		if (size < 45 || ntail < 12 || memcmp(tail + ntail - 12, png_iend, 12))
			return OS_EUNSUPPORTED;
		break;
	case FT_JPEG: {
		/* The end-of-image marker, perhaps followed by a little padding
		 * that some cameras add. */
		int eoi = 0;

		for (size_t i = ntail; i >= 2 && !eoi; i--)
			eoi = tail[i - 2] == 0xff && tail[i - 1] == 0xd9;
		if (!eoi || size < 4)
			return OS_EUNSUPPORTED;
		break;
	}
	case FT_WEBP: {
		/* RIFF's own length: the file is exactly it plus the 8 bytes of
		 * "RIFF" and the length. */
		uint32_t riff = (uint32_t)head[4] | (uint32_t)head[5] << 8 |
				(uint32_t)head[6] << 16 | (uint32_t)head[7] << 24;

		if ((uint64_t)riff + 8 != size)
			return OS_EUNSUPPORTED;
		break;
	}
	}
	*type = t;
	return OS_OK;
}

static const char *const mimes[] = {
	[FT_PDF] = "application/pdf", [FT_PNG] = "image/png",
	[FT_JPEG] = "image/jpeg",     [FT_WEBP] = "image/webp"};

const char *
filetype_mime(int type)
{
	return type >= FT_PDF && type <= FT_WEBP ? mimes[type] : NULL;
}

int
filetype_parse(const char *mime)
{
	for (int t = FT_PDF; mime && t <= FT_WEBP; t++)
		if (!strcmp(mime, mimes[t]))
			return t;
	return FT_NONE;
}

/* PDF delimiters and white space end a name; anything else continues it
 * (so /Pages and /PageLabels are no /Page). */
static int
name_ends(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\0' ||
	       c == '/' || c == '>' || c == '<' || c == '[' || c == ']' || c == '(' ||
	       c == ')' || c == '{' || c == '}' || c == '%';
}

void
pdf_pages_feed(struct pdf_pages *pp, const unsigned char *data, size_t n)
{
	static const char ty[] = "/Type", pg[] = "/Page";

	for (size_t k = 0; k < n; k++) {
		unsigned char c = data[k];

		switch (pp->state) {
		case 0: /* in "/Type" */
			if (c == (unsigned char)ty[pp->i]) {
				if (++pp->i == 5) {
					pp->state = 1;
					pp->i = 0;
				}
			} else {
				pp->i = c == '/';
			}
			break;
		case 1: /* white space, then "/Page" */
			if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || !c)
				break;
			pp->state = c == '/' ? 2 : 0;
			pp->i = 1;
			if (c != '/')
				pp->i = 0;
			break;
		case 2:
			if (c == (unsigned char)pg[pp->i]) {
				if (++pp->i == 5)
					pp->state = 3;
			} else {
				pp->state = 0;
				pp->i = c == '/';
			}
			break;
		case 3: /* the name must end here */
			if (name_ends(c))
				pp->pages++;
			pp->state = 0;
			pp->i = c == '/';
			break;
		}
	}
}

int64_t
pdf_pages_end(struct pdf_pages *pp)
{
	if (pp->state == 3)
		pp->pages++;
	pp->state = 0;
	pp->i = 0;
	return pp->pages;
}
