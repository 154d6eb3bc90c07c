/*
 * The type check of attachments (src/forum/filetype.c): every uploaded
 * file's first and last bytes pass through it, whatever they are.
 *
 * Input: the first byte picks where the bytes are cut in two (as an upload
 * arrives in pieces); the rest is the file.
 *
 * Invariants (abort() on violation):
 *  - the verdict on a file's head never changes as more bytes arrive: a
 *    type once recognised stays, a refusal stays, FT_MORE only while
 *    fewer than FILETYPE_HEAD bytes are in;
 *  - a file filetype_check() accepts is of the type its head says, and
 *    one it refuses gets FT_NONE;
 *  - the PDF page count does not depend on where the pieces end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "base/err.h"
#include "forum/filetype.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pdf_pages whole = {0}, split = {0};
	size_t cut, nh, nt;
	int last = FT_MORE, type, rc;

	if (size < 1)
		return 0;
	cut = data[0];
	data++;
	size--;
	if (cut > size)
		cut = size;
	for (size_t k = 0; k <= size && k <= FILETYPE_HEAD; k++) {
		int t = filetype_head(data, k);

		FUZZ_CHECK(t >= FT_MORE && t <= FT_WEBP, "head verdict %d", t);
		FUZZ_CHECK(t != FT_MORE || k < FILETYPE_HEAD, "FT_MORE with %zu bytes", k);
		FUZZ_CHECK(last == FT_MORE || t == last, "verdict %d became %d at %zu", last, t, k);
		last = t;
	}
	nh = size < FILETYPE_HEAD ? size : FILETYPE_HEAD;
	nt = size < FILETYPE_TAIL ? size : FILETYPE_TAIL;
	rc = filetype_check(data, nh, data + size - nt, nt, size, &type);
	if (rc == OS_OK)
		FUZZ_CHECK(type > FT_NONE && type == filetype_head(data, nh) &&
				   filetype_mime(type) != NULL,
			   "accepted as %d", type);
	else
		FUZZ_CHECK(rc == OS_EUNSUPPORTED && type == FT_NONE, "refused %d as %d", rc, type);
	pdf_pages_feed(&whole, data, size);
	pdf_pages_feed(&split, data, cut);
	pdf_pages_feed(&split, data + cut, size - cut);
	FUZZ_CHECK(pdf_pages_end(&whole) == pdf_pages_end(&split), "page count depends on the cut");
	return 0;
}
