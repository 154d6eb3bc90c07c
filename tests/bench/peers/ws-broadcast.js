#!/usr/bin/env node
// A comparison peer for osbench: the smallest honest broadcast server a
// team would write on Node's "ws" package instead of openstrat. Rooms in
// memory, nothing persisted, no accounts. It takes the requests osbench
// makes of openstrat, in the same JSON shapes:
//
//   {"rid":N,"op":"hello"}                               -> {"rid":N,"ok":true}
//   {"rid":N,"op":"round.subscribe","round":R}           -> {"rid":N,"ok":true}
//   {"rid":N,"op":"chat.send","round":R,"body":"..."}    -> {"rid":N,"ok":true}
//
// and sends each chat.send to every connection in the room as
// {"ev":"chat.message","round":R,"chat":{"id","round","body","created_at"}},
// one frame per message, serialised once per broadcast. There is no flow
// control: a slow reader's frames wait in its socket's buffer, as they would
// in a straightforward server.
//
//   node ws-broadcast.js [--port N] [--host ADDR]
//
// prints "ws-broadcast: listening on http://HOST:PORT" once listening
// (--port 0, the default, picks a free port) and exits on SIGTERM or SIGINT.
'use strict';

const { WebSocketServer } = require('ws');

function option(name, fallback) {
	const i = process.argv.indexOf(name);
	return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const host = option('--host', '127.0.0.1');
const port = Number(option('--port', '0'));
const rooms = new Map(); // round -> Set of sockets
let nextId = 1;

const wss = new WebSocketServer({ host, port, perMessageDeflate: false });

function reply(ws, rid, ok, code) {
	ws.send(JSON.stringify(ok ? { rid, ok: true } :
		{ rid, ok: false, error: { code, message: code } }));
}

function broadcast(round, body) {
	const room = rooms.get(round);
	if (!room)
		return;
	const frame = Buffer.from(JSON.stringify({
		ev: 'chat.message', round,
		chat: { id: nextId++, round, body, created_at: new Date().toISOString() },
	}));
	for (const peer of room)
		peer.send(frame, { binary: false });
}

function handle(ws, m) {
	switch (m.op) {
	case 'hello':
		return reply(ws, m.rid, true);
	case 'round.subscribe': {
		if (!Number.isInteger(m.round))
			return reply(ws, m.rid, false, 'bad_request');
		let room = rooms.get(m.round);
		if (!room)
			rooms.set(m.round, room = new Set());
		room.add(ws);
		ws.rooms.add(m.round);
		return reply(ws, m.rid, true);
	}
	case 'chat.send':
		if (!Number.isInteger(m.round) || typeof m.body !== 'string')
			return reply(ws, m.rid, false, 'bad_request');
		broadcast(m.round, m.body);
		return reply(ws, m.rid, true);
	default:
		return reply(ws, m.rid, false, 'unknown_op');
	}
}

wss.on('connection', (ws) => {
	ws.rooms = new Set();
	ws.on('message', (data) => {
		let m;
		try {
			m = JSON.parse(data);
		} catch {
			return reply(ws, null, false, 'bad_request');
		}
		if (m && typeof m === 'object')
			handle(ws, m);
	});
	ws.on('close', () => {
		for (const round of ws.rooms) {
			const room = rooms.get(round);
			room.delete(ws);
			if (!room.size)
				rooms.delete(round);
		}
	});
	ws.on('error', () => ws.terminate());
});

wss.on('listening', () => {
	const a = wss.address();
	console.log(`ws-broadcast: listening on http://${a.address}:${a.port}`);
});

wss.on('error', (err) => {
	console.error(`ws-broadcast: ${err.message}`);
	process.exit(1);
});

for (const sig of ['SIGTERM', 'SIGINT'])
	process.on(sig, () => process.exit(0));
