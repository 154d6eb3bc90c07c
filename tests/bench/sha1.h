/*
 * SHA-1, only to check the server's Sec-WebSocket-Accept (RFC 6455 4.1);
 * libsodium has no SHA-1 and this is not a security use.
 */
#ifndef OSBENCH_SHA1_H
#define OSBENCH_SHA1_H

#include <stddef.h>
#include <stdint.h>

void sha1(const void *data, size_t len, uint8_t out[20]);

#endif
