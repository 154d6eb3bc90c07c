/*
 * RFC 6455 framing for a client: masked frames out, unmasked frames in,
 * and the opening handshake's key and accept values. Pure functions over
 * buffers, so the event loop and the blocking setup client share them.
 */
#ifndef OSBENCH_WSFRAME_H
#define OSBENCH_WSFRAME_H

#include <stddef.h>
#include <stdint.h>

enum ws_opcode {
	WS_CONT = 0x0,
	WS_TEXT = 0x1,
	WS_BINARY = 0x2,
	WS_CLOSE = 0x8,
	WS_PING = 0x9,
	WS_PONG = 0xA,
};

/* A client frame's header is at most 2 + 8 (length) + 4 (mask) bytes. */
#define WS_CLIENT_HDR_MAX 14

/* Largest message the client accepts from a server (a subscribe snapshot of
 * a large round can be big; the server's own inbound limit is 64 KiB). */
#define WS_MAX_MESSAGE (64u << 20)

struct ws_frame {
	int fin;
	int opcode;
	size_t hdr_len;   /* bytes before the payload */
	uint64_t len;     /* payload length */
};

/* Writes one final, masked client frame (header and masked payload) into
 * dst, which must have room for len + WS_CLIENT_HDR_MAX bytes. Returns the
 * frame's size. */
size_t ws_frame_encode(uint8_t *dst, int opcode, const void *payload, size_t len,
		       uint32_t mask);

/* Parses the server frame that starts at p. Returns 1 when the whole frame
 * (f->hdr_len + f->len bytes) is in p[0..n), 0 when more bytes are needed
 * (then *need is the total the frame needs, or 0 when even the header is
 * incomplete), -1 when the frame breaks the protocol (a masked server frame,
 * reserved bits, an oversized or fragmented control frame, a length over
 * WS_MAX_MESSAGE). */
int ws_frame_parse(const uint8_t *p, size_t n, struct ws_frame *f, size_t *need);

/* A fresh Sec-WebSocket-Key (base64 of 16 random bytes, NUL-terminated). */
void ws_make_key(char key[25]);

/* The Sec-WebSocket-Accept a server must answer to key. */
void ws_accept_for(const char *key, char out[29]);

#endif
