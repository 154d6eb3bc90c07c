/* osbench selftest: checks of the pure parts (framing, scans, histogram)
 * against known answers, so that a wrong figure is not the tool's fault. */
#include "osbench.h"

#include <stdio.h>
#include <string.h>

#include "jscan.h"
#include "proto.h"
#include "sha1.h"
#include "wsframe.h"

static int failures;

#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "selftest: %s:%d: %s\n", __FILE__,    \
				__LINE__, #cond);                             \
			failures++;                                           \
		}                                                             \
	} while (0)

struct seen {
	int n;
	char objs[8][128];
};

static void
collect(void *arg, const char *p, size_t n)
{
	struct seen *s = arg;

	if (s->n < 8)
		snprintf(s->objs[s->n], sizeof s->objs[0], "%.*s", (int)n, p);
	s->n++;
}

static void
test_sha1_accept(void)
{
	uint8_t d[20];
	char acc[29];
	static const uint8_t abc[20] = {0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e,
					0x25, 0x71, 0x78, 0x50, 0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d};

	sha1("abc", 3, d);
	CHECK(!memcmp(d, abc, 20));
	/* RFC 6455 section 1.3's example. */
	ws_accept_for("dGhlIHNhbXBsZSBub25jZQ==", acc);
	CHECK(!strcmp(acc, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
}

static void
test_frames(void)
{
	uint8_t buf[70000 + WS_CLIENT_HDR_MAX], payload[70000], srv[16];
	struct ws_frame f;
	size_t need, n;

	for (size_t i = 0; i < sizeof payload; i++)
		payload[i] = (uint8_t)i;
	for (size_t len = 0; len < sizeof payload; len = len * 3 + 1) {
		n = ws_frame_encode(buf, WS_TEXT, payload, len, 0x11223344u);
		CHECK(buf[0] == 0x81 && (buf[1] & 0x80));
		CHECK(n == len + (len < 126 ? 6 : len < 65536 ? 8 : 14));
		/* Unmask and compare. */
		{
			size_t h = n - len;
			const uint8_t *m = buf + h - 4;
			int ok = 1;

			for (size_t i = 0; i < len; i++)
				ok &= (uint8_t)(buf[h + i] ^ m[i & 3]) == payload[i];
			CHECK(ok);
		}
	}
	/* Server frames: 7-bit, 16-bit and 64-bit lengths, partial input. */
	srv[0] = 0x81;
	srv[1] = 5;
	CHECK(ws_frame_parse(srv, 2, &f, &need) == 0 && need == 7);
	srv[1] = 126;
	srv[2] = 0x01;
	srv[3] = 0x00;
	CHECK(ws_frame_parse(srv, 4, &f, &need) == 0 && need == 4 + 256 && f.len == 256);
	srv[1] = 127;
	memset(srv + 2, 0, 8);
	srv[7] = 0x01; /* 65536 */
	CHECK(ws_frame_parse(srv, 10, &f, &need) == 0 && need == 10 + 65536);
	srv[1] = 0x85; /* masked: not allowed from a server */
	CHECK(ws_frame_parse(srv, 2, &f, &need) == -1);
	srv[0] = 0x09; /* a fragmented ping */
	srv[1] = 0;
	CHECK(ws_frame_parse(srv, 2, &f, &need) == -1);
	srv[0] = 0x89;
	CHECK(ws_frame_parse(srv, 2, &f, &need) == 1 && f.opcode == WS_PING && f.len == 0);
}

static void
test_jscan(void)
{
	struct seen s = {0};
	struct jmsg m;
	const char *batch = "[{\"ev\":\"chat.message\",\"chat\":{\"body\":\"a } ] { \\\"q\\\" \\\\\"}},"
			    " {\"rid\":7,\"ok\":false,\"error\":{\"code\":\"x\"}} ,{\"online\":[{},{}],\"ev\":\"presence\"}]";
	uint64_t seq, ns;

	CHECK(jscan_objects(batch, strlen(batch), collect, &s) == 3);
	CHECK(!strcmp(s.objs[0], "{\"ev\":\"chat.message\",\"chat\":{\"body\":\"a } ] { \\\"q\\\" \\\\\"}}"));
	CHECK(!strcmp(s.objs[1], "{\"rid\":7,\"ok\":false,\"error\":{\"code\":\"x\"}}"));
	jscan_classify(s.objs[0], strlen(s.objs[0]), &m);
	CHECK(jscan_ev_is(&m, "chat.message"));
	jscan_classify(s.objs[1], strlen(s.objs[1]), &m);
	CHECK(m.kind == JMSG_REPLY && m.rid == 7 && !m.ok);
	jscan_classify(s.objs[2], strlen(s.objs[2]), &m);
	CHECK(jscan_ev_is(&m, "presence"));
	/* Keys in another order take the slow path. */
	jscan_classify("{\"ok\":true,\"x\":{\"rid\":1},\"rid\":42}", 34, &m);
	CHECK(m.kind == JMSG_REPLY && m.rid == 42 && m.ok);
	s.n = 0;
	CHECK(jscan_objects(" {\"rid\":1,\"ok\":true} ", 21, collect, &s) == 1);
	CHECK(jscan_objects("[1,2]", 5, collect, &s) == -1);
	CHECK(jscan_objects("[]", 2, collect, &s) == 0);
	CHECK(jscan_marker("x osb#abcd1234#17#99# osb#", 26, "abcd1234", &seq, &ns) == 1 &&
	      seq == 17 && ns == 99);
	CHECK(jscan_marker("osb#abcd1235#17#99#", 19, "abcd1234", &seq, &ns) == 0);
}

static void
test_hist(void)
{
	struct hist h;

	hist_init(&h);
	for (uint64_t v = 1; v <= 100000; v++)
		hist_record(&h, v * 1000);
	CHECK(h.count == 100000);
	CHECK(hist_quantile(&h, 1.0) == 100000000);
	/* Within the 1/64 resolution. */
	CHECK(hist_quantile(&h, 0.5) > 49000000 && hist_quantile(&h, 0.5) < 51000000);
	CHECK(hist_quantile(&h, 0.99) > 97500000 && hist_quantile(&h, 0.99) < 100500000);
	hist_init(&h);
	hist_record(&h, 5);
	CHECK(hist_quantile(&h, 0.5) == 5);
}

/* What the NATS parser reported, as text: one "OP:payload|" per operation. */
struct nats_log {
	char s[1024];
	size_t n;
};

static void
nats_note(void *arg, int op, const char *p, size_t n)
{
	static const char *names[] = {"MSG", "PING", "PONG", "OK", "ERR", "INFO"};
	struct nats_log *l = arg;
	int k = snprintf(l->s + l->n, sizeof l->s - l->n, "%s:%.*s|", names[op], (int)n, p);

	if (k > 0 && (size_t)k < sizeof l->s - l->n)
		l->n += (size_t)k;
}

/* Feeds stream in pieces of at most step bytes (and the first piece cut at
 * cut, when not 0); returns the operations found, -1 on an error. */
static long
nats_pieces(const char *stream, size_t cut, size_t step, struct nats_log *l)
{
	struct nats_rx rx = {0};
	size_t len = strlen(stream), off = 0;
	long total = 0;

	memset(l, 0, sizeof *l);
	while (off < len) {
		size_t k = cut && !off ? cut : step;
		long r;

		if (k > len - off)
			k = len - off;
		r = nats_feed(&rx, stream + off, k, nats_note, l);
		if (r < 0) {
			nats_rx_free(&rx);
			return -1;
		}
		total += r;
		off += k;
	}
	if (rx.len)
		total = -2; /* something left over */
	nats_rx_free(&rx);
	return total;
}

static void
test_nats(void)
{
	/* Several operations in one frame, as nats-server sends them; the
	 * payload holds a CRLF and what looks like an operation. */
	static const char stream[] =
		"INFO {\"server_id\":\"x\",\"max_payload\":1048576}\r\n"
		"+OK\r\n"
		"MSG round.7 1 5\r\nhello\r\n"
		"PING\r\n"
		"MSG round.7 1 13\r\nPING\r\nMSG x\r\n\r\n"
		"MSG round.7 3 reply.to 0\r\n\r\n"
		"PONG\r\n"
		"-ERR 'Slow Consumer'\r\n"
		"HMSG round.7 1 12 14\r\nNATS/1.0\r\n\r\nhi\r\n";
	static const char expect[] =
		"INFO: {\"server_id\":\"x\",\"max_payload\":1048576}|OK:|MSG:hello|PING:|"
		"MSG:PING\r\nMSG x\r\n|MSG:|PONG:|ERR: 'Slow Consumer'|MSG:NATS/1.0\r\n\r\nhi|";
	struct nats_log l;
	struct nats_rx rx = {0};
	size_t len = strlen(stream);
	int all = 1;

	CHECK(nats_pieces(stream, 0, len, &l) == 9);
	CHECK(!strcmp(l.s, expect));
	/* Split across two frames at every byte, and one byte a frame. */
	for (size_t cut = 1; cut < len; cut++)
		all &= nats_pieces(stream, cut, len, &l) == 9 && !strcmp(l.s, expect);
	CHECK(all);
	CHECK(nats_pieces(stream, 0, 1, &l) == 9 && !strcmp(l.s, expect));
	/* A partial operation waits; the rest completes it. */
	memset(&l, 0, sizeof l);
	CHECK(nats_feed(&rx, "MSG round.1 9 10\r\nosb#", 22, nats_note, &l) == 0);
	CHECK(rx.len == 22 && l.n == 0);
	CHECK(nats_feed(&rx, "abcdef\r\nPI", 10, nats_note, &l) == 1);
	CHECK(nats_feed(&rx, "NG\r\n", 4, nats_note, &l) == 1);
	CHECK(!strcmp(l.s, "MSG:osb#abcdef|PING:|") && rx.len == 0);
	nats_rx_free(&rx);
	/* Protocol errors: a payload longer than announced, an unknown
	 * operation, a length that is not a number. */
	CHECK(nats_pieces("MSG a 1 3\r\nhello\r\n", 0, 64, &l) == -1);
	CHECK(nats_pieces("HELLO\r\n", 0, 64, &l) == -1);
	CHECK(nats_pieces("MSG a 1 x\r\nhello\r\n", 0, 64, &l) == -1);
	CHECK(nats_pieces("MSG a 1 5\r\nhel", 0, 64, &l) == -2);
}

int
osbench_selftest(void)
{
	test_sha1_accept();
	test_frames();
	test_jscan();
	test_nats();
	test_hist();
	printf("selftest: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
