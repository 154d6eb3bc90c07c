#include "wsframe.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "sha1.h"

size_t
ws_frame_encode(uint8_t *dst, int opcode, const void *payload, size_t len, uint32_t mask)
{
	const uint8_t *src = payload;
	uint8_t m[4];
	size_t h = 0, i = 0;

	dst[h++] = (uint8_t)(0x80 | (opcode & 0x0F));
	if (len < 126) {
		dst[h++] = (uint8_t)(0x80 | len);
	} else if (len <= 0xFFFF) {
		dst[h++] = 0x80 | 126;
		dst[h++] = (uint8_t)(len >> 8);
		dst[h++] = (uint8_t)len;
	} else {
		dst[h++] = 0x80 | 127;
		for (int s = 56; s >= 0; s -= 8)
			dst[h++] = (uint8_t)((uint64_t)len >> s);
	}
	memcpy(m, &mask, 4);
	memcpy(dst + h, m, 4);
	h += 4;
	/* Eight bytes at a time: the mask repeats every four. */
	if (len >= 8) {
		uint64_t m8 = (uint64_t)mask | (uint64_t)mask << 32, w;

		for (; i + 8 <= len; i += 8) {
			memcpy(&w, src + i, 8);
			w ^= m8;
			memcpy(dst + h + i, &w, 8);
		}
	}
	for (; i < len; i++)
		dst[h + i] = src[i] ^ m[i & 3];
	return h + len;
}

int
ws_frame_parse(const uint8_t *p, size_t n, struct ws_frame *f, size_t *need)
{
	uint64_t len;
	size_t h = 2;

	*need = 0;
	if (n < 2)
		return 0;
	if (p[0] & 0x70)
		return -1; /* no extension was negotiated */
	if (p[1] & 0x80)
		return -1; /* servers must not mask */
	f->fin = (p[0] & 0x80) != 0;
	f->opcode = p[0] & 0x0F;
	len = p[1] & 0x7F;
	if (len == 126) {
		if (n < 4)
			return 0;
		len = (uint64_t)p[2] << 8 | p[3];
		h = 4;
	} else if (len == 127) {
		if (n < 10)
			return 0;
		len = 0;
		for (int i = 2; i < 10; i++)
			len = len << 8 | p[i];
		h = 10;
	}
	if (f->opcode >= 0x8 && (len > 125 || !f->fin))
		return -1;
	if (len > WS_MAX_MESSAGE)
		return -1;
	f->hdr_len = h;
	f->len = len;
	if (n < h + len) {
		*need = h + (size_t)len;
		return 0;
	}
	return 1;
}

void
ws_make_key(char key[25])
{
	uint8_t raw[16];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(key, 25, raw, sizeof raw, sodium_base64_VARIANT_ORIGINAL);
}

void
ws_accept_for(const char *key, char out[29])
{
	char buf[128];
	uint8_t digest[20];
	int n = snprintf(buf, sizeof buf, "%s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", key);

	sha1(buf, (size_t)n, digest);
	sodium_bin2base64(out, 29, digest, sizeof digest, sodium_base64_VARIANT_ORIGINAL);
}
