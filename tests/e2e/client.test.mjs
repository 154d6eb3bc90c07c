// The client's own pieces, checked in the real browser (no server state
// needed beyond serving the files): batched frames, request matching,
// back-off, the Markdown preview, and that every UI string is in the
// dictionary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, newPage, WEB } from './helpers.mjs';

let server;
let browser;
let page;

before(async () => {
	server = await startServer({ users: [] });
	browser = await launchBrowser();
	page = await newPage(browser);
	await page.goto(server.url + '/');
	await page.getByLabel('Username').waitFor();
});

after(async () => {
	await browser?.close();
	await server?.cleanup();
});

test('frames: a single object or a batch (JSON array) of replies and events', { timeout: 30000 }, async () => {
	const result = await page.evaluate(async () => {
		const { Connection } = await import('/lib/conn.js');
		const c = new Connection('ws://invalid.invalid/ws');
		const sent = [];
		c.ws = { readyState: WebSocket.OPEN, send: (s) => sent.push(JSON.parse(s)) };
		const events = [];
		c.addEventListener('event', (e) => events.push(e.detail.ev));
		const a = c.request('hello');
		const b = c.request('rounds.list');
		const d = c.request('post.create', { round: 1 });
		// Replies may come out of order, batched with events.
		c.onMessage(JSON.stringify([
			{ ev: 'presence', round: 1, online: [] },
			{ rid: sent[1].rid, ok: true, rounds: [{ id: 1 }] },
			{ rid: sent[0].rid, ok: true, user: { id: 7 } },
			{ ev: 'chat.message', round: 1, chat: {} },
		]));
		c.onMessage(JSON.stringify({ rid: sent[2].rid, ok: false, error: { code: 'phase_closed', message: 'no' } }));
		c.onMessage('not json');
		const ra = await a;
		const rb = await b;
		const rd = await d.then(() => null, (e) => ({ code: e.code, message: e.serverMessage }));
		return { sent, events, user: ra.user.id, rounds: rb.rounds.length, rd };
	});
	assert.deepEqual(result.events, ['presence', 'chat.message']);
	assert.equal(result.user, 7);
	assert.equal(result.rounds, 1);
	assert.deepEqual(result.rd, { code: 'phase_closed', message: 'no' });
	assert.equal(new Set(result.sent.map((m) => m.rid)).size, 3, 'each request has its own rid');
	assert.deepEqual(result.sent[2], { round: 1, op: 'post.create', rid: result.sent[2].rid });
});

test('a request without a reply times out, and a dropped connection fails what is pending', { timeout: 30000 }, async () => {
	const result = await page.evaluate(async () => {
		const { Connection } = await import('/lib/conn.js');
		const c = new Connection('ws://invalid.invalid/ws');
		c.ws = { readyState: WebSocket.OPEN, send: () => {} };
		const t = await c.request('hello', {}, { timeout: 50 }).catch((e) => e.code);
		const p = c.request('hello');
		c.failPending('disconnected');
		const d = await p.catch((e) => e.code);
		c.ws = null;
		const o = await c.request('hello').catch((e) => e.code);
		return [t, d, o];
	});
	assert.deepEqual(result, ['timeout', 'disconnected', 'offline']);
});

test('export links ask for the reader\'s language when the server writes it', { timeout: 30000 }, async () => {
	const urls = await page.evaluate(async () => {
		const { exportUrl } = await import('/lib/conn.js');
		return ['en', 'nb', 'sv', 'da', 'fr', 'NB', '', undefined].map((lang) => exportUrl(7, 'md', lang));
	});
	assert.deepEqual(urls, [
		'/api/export?round=7&format=md&lang=en',
		'/api/export?round=7&format=md&lang=nb',
		'/api/export?round=7&format=md&lang=sv',
		'/api/export?round=7&format=md&lang=da',
		'/api/export?round=7&format=md',
		'/api/export?round=7&format=md',
		'/api/export?round=7&format=md',
		'/api/export?round=7&format=md',
	]);
});

test('back-off grows exponentially, with jitter, and is capped', { timeout: 30000 }, async () => {
	const delays = await page.evaluate(async () => {
		const { backoffDelay } = await import('/lib/conn.js');
		const out = [];
		for (let i = 0; i < 12; i++) out.push([backoffDelay(i, () => 0), backoffDelay(i, () => 0.999)]);
		return out;
	});
	for (let i = 1; i < delays.length; i++) assert.ok(delays[i][1] >= delays[i - 1][1]);
	assert.ok(delays[0][0] >= 200 && delays[0][1] <= 500, JSON.stringify(delays[0]));
	assert.ok(delays[11][1] <= 15000 && delays[11][0] >= 7500, JSON.stringify(delays[11]));
	assert.ok(delays.every(([lo, hi]) => lo < hi), 'there is jitter');
});

test('the Markdown preview renders structure, and never markup', { timeout: 30000 }, async () => {
	const html = await page.evaluate(async () => {
		const { renderMarkdown } = await import('/lib/markdown.js');
		const div = document.createElement('div');
		div.append(renderMarkdown('# Goal\n\nSome **bold** and *em* and `code` and [a link](https://example.com) ' +
			'and [bad](javascript:alert(1)).\n\n- one\n- two\n\n> quoted\n\n```\n<b>raw</b>\n```\n\n<script>x()</script>'));
		return div.innerHTML;
	});
	assert.equal(html,
		'<h3>Goal</h3><p>Some <strong>bold</strong> and <em>em</em> and <code>code</code> and ' +
		'<a href="https://example.com/" rel="noopener noreferrer nofollow ugc" target="_blank">a link</a> and <span>bad</span>.</p>' +
		'<ul><li>one</li><li>two</li></ul><blockquote><p>quoted</p></blockquote>' +
		'<pre><code>&lt;b&gt;raw&lt;/b&gt;</code></pre><p>&lt;script&gt;x()&lt;/script&gt;</p>');
});

// Every t('key') in the client has an English string.
function jsFiles(dir) {
	return readdirSync(dir).flatMap((f) => {
		const p = path.join(dir, f);
		return statSync(p).isDirectory() ? jsFiles(p) : p.endsWith('.js') ? [p] : [];
	});
}

test('every UI string used by the client is in the English dictionary', async () => {
	const { default: en } = await import(path.join(WEB, 'i18n/en.js'));
	const missing = [];
	for (const file of jsFiles(WEB)) {
		const src = readFileSync(file, 'utf8');
		for (const m of src.matchAll(/\bt\('([a-z_]+(?:\.[a-z_]+)+)'/g))
			if (!(m[1] in en)) missing.push(`${path.relative(WEB, file)}: ${m[1]}`);
		// (Not the names of operations, such as posts.list.)
		for (const m of src.matchAll(/(?<!request\()'((?:phase\.move|posts)\.[a-z_.]+)'/g))
			if (!(m[1] in en)) missing.push(`${path.relative(WEB, file)}: ${m[1]}`);
	}
	for (const prefix of ['phase', 'phase.help', 'role', 'role_plural', 'kind', 'status', 'audience', 'error'])
		assert.ok(Object.keys(en).some((k) => k.startsWith(`${prefix}.`)), prefix);
	for (const phase of ['draft', 'open', 'voting', 'closed'])
		for (const k of [`phase.${phase}`, `phase.help.${phase}`]) if (!(k in en)) missing.push(k);
	for (const code of ['bad_request', 'unknown_op', 'unauthorized', 'forbidden', 'not_found', 'conflict',
		'too_large', 'rate_limited', 'phase_closed', 'internal', 'bad_credentials',
		'directory_unavailable'])
		if (!(`error.${code}` in en)) missing.push(`error.${code}`);
	assert.deepEqual(missing, []);
});
