// Nothing a user writes runs as script in another user's page: titles,
// bodies, comments and chat show script-like text as inert text, and the
// client's own sanitizer for server-rendered HTML holds on hostile input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, signedInPage, createRound, openRound, postCard, waitForText,
} from './helpers.mjs';

const IMG = '<img src=x onerror=window.__xss=1>';
const SCRIPT = '<script>window.__xss=1</script>';
const ROUND = 'Security review';

let server;
let browser;
let attacker;
let victim;

async function assertInert(page) {
	assert.equal(await page.evaluate(() => window.__xss), undefined, 'window.__xss was set');
	assert.equal(await page.locator('main img[src="x"], main img[onerror]').count(), 0, 'an injected img element exists');
	assert.equal(await page.locator('main script, main iframe, main [onerror], main [onclick]').count(), 0);
	assert.equal(await page.locator('a[href^="javascript:" i]').count(), 0);
}

before(async () => {
	server = await startServer();
	browser = await launchBrowser();
	attacker = await signedInPage(browser, server, 'erik');
	victim = await signedInPage(browser, server, 'maria');
	await createRound(victim, { title: ROUND, description: `${IMG} ${SCRIPT}` });
	await openRound(attacker, server, ROUND);
});

after(async () => {
	await browser?.close();
	await server?.cleanup();
});

test('payloads in a title, body, comment and chat are shown as text and never run', { timeout: 90000 }, async () => {
	const title = `${IMG}${SCRIPT}`;
	const body = `Intro ${IMG}\n\n${SCRIPT}\n\n[click me](javascript:window.__xss=1) <a href="javascript:window.__xss=1">raw</a>`;
	await attacker.getByRole('button', { name: 'New idea' }).click();
	await attacker.getByLabel('Title').fill(title);
	await attacker.getByLabel('Body').fill(body);
	// The live preview renders Markdown but no markup from the writer.
	await waitForText(attacker.locator('.preview'), 'Intro <img src=x');
	await assertInert(attacker);
	await attacker.getByRole('button', { name: 'Post', exact: true }).click();
	await attacker.getByRole('link', { name: title, exact: true }).waitFor();

	// The victim sees the title, live, as literal text.
	const card = postCard(victim, title);
	await card.waitFor();
	assert.equal(await card.locator('.post-title a').textContent(), title);
	await waitForText(card.locator('.post-excerpt'), '<script>window.__xss=1</script>');
	// The round's description, too.
	await waitForText(victim.locator('.round-desc'), IMG);
	await assertInert(victim);

	// The post view: the server's rendering drops raw HTML; what remains is text.
	await victim.getByRole('link', { name: title, exact: true }).click();
	await victim.getByRole('heading', { level: 1, name: title }).waitFor();
	await waitForText(victim.locator('.post-article .prose'), 'Intro');
	await waitForText(victim.locator('.post-article .prose'), 'click me');
	await assertInert(victim);

	// A comment, and a reply, with the same payloads.
	await attacker.getByRole('link', { name: title, exact: true }).click();
	await attacker.getByLabel('Comment', { exact: true }).fill(`${IMG} comment ${SCRIPT}`);
	await attacker.getByRole('button', { name: 'Add comment' }).click();
	await victim.locator('.comment').filter({ hasText: 'comment' }).waitFor();
	await assertInert(victim);

	// Chat is plain text: the payload is shown exactly as written.
	await attacker.getByLabel('Message').fill(`${IMG} ${SCRIPT}`);
	await attacker.getByRole('button', { name: 'Send' }).click();
	const msg = victim.locator('.chat-body').filter({ hasText: 'onerror' });
	await msg.waitFor();
	assert.equal(await msg.textContent(), `${IMG} ${SCRIPT}`);
	await assertInert(victim);
	await assertInert(attacker);

	// Give any stray handler a moment, then check once more after a reload.
	await victim.waitForTimeout(300);
	await victim.reload();
	await victim.getByRole('heading', { level: 1, name: title }).waitFor();
	await victim.locator('.comment').first().waitFor();
	await assertInert(victim);
	assert.deepEqual(victim.errors, []);
});

test('payloads stay text in the newer views: search, similar ideas, the moderation queue, priorities', { timeout: 90000 }, async () => {
	const title = `${IMG}${SCRIPT}`;
	// The victim (a manager) flags the attacker's post with a hostile reason.
	await victim.getByRole('link', { name: /^Back to/ }).click();
	await victim.getByRole('link', { name: title, exact: true }).click();
	await victim.locator('.post-actions').getByRole('button', { name: 'Flag' }).click();
	await victim.getByLabel('Why should a moderator look at this?').fill(`${IMG} reason ${SCRIPT}`);
	await victim.getByRole('button', { name: 'Send flag' }).click();
	await waitForText(victim.locator('.post-actions [role="status"]'), 'Flagged');

	// Search: the title and the snippet are text.
	await victim.getByRole('link', { name: /^Back to/ }).click();
	await victim.getByRole('searchbox', { name: 'Search this round' }).fill('Intro');
	await victim.getByRole('button', { name: 'Search', exact: true }).click();
	await victim.locator('.search-hit').first().waitFor();
	assert.equal(await victim.locator('.search-hit-title').first().textContent(), title);
	await assertInert(victim);
	await victim.getByRole('button', { name: 'Clear search' }).click();

	// Similar ideas while the attacker types.
	await attacker.getByRole('link', { name: /^Back to/ }).click();
	await attacker.getByRole('button', { name: 'New idea' }).click();
	await attacker.getByLabel('Title').fill('Intro again');
	await waitForText(attacker.locator('.similar-list'), '<img src=x');
	await assertInert(attacker);
	await attacker.getByRole('button', { name: 'Cancel' }).click();

	// A priority whose title and description are payloads, fed by the post.
	await victim.getByRole('link', { name: 'Priorities', exact: true }).click();
	await victim.getByRole('button', { name: 'New priority' }).click();
	await victim.getByLabel('Title').fill(`${SCRIPT} priority`);
	await victim.getByLabel('Description').fill(IMG);
	await victim.getByRole('button', { name: 'Create priority' }).click();
	await victim.locator('.priority-card').first().waitFor();
	await victim.getByRole('link', { name: /^Back to/ }).click();
	await victim.getByRole('link', { name: title, exact: true }).click();
	await victim.getByRole('button', { name: 'Feeds priority…' }).click();
	await victim.getByLabel('Priority this post feeds').selectOption({ index: 1 });
	await victim.getByRole('button', { name: 'Save' }).click();
	await waitForText(victim.locator('.post-notes'), `${SCRIPT} priority`);
	await waitForText(postCard(attacker, title).locator('.feeds-note'), `${SCRIPT} priority`);
	await assertInert(victim);
	await assertInert(attacker);

	// The moderation queue: title, body, reason.
	await victim.getByRole('link', { name: 'Moderation' }).click();
	const item = victim.locator('.mod-item').first();
	await waitForText(item.locator('.mod-reasons'), `${IMG} reason ${SCRIPT}`);
	assert.equal(await item.locator('.mod-item-title').textContent(), title);
	await assertInert(victim);
	assert.deepEqual(victim.errors, []);
	assert.deepEqual(attacker.errors, []);
});

test('the page runs under the server\'s Content-Security-Policy', { timeout: 30000 }, async () => {
	const res = await victim.request.get(server.url + '/');
	const csp = res.headers()['content-security-policy'] || '';
	assert.match(csp, /script-src 'self'/);
	assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
	const violations = await victim.evaluate(() => new Promise((resolve) => {
		const seen = [];
		document.addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective));
		setTimeout(() => resolve(seen), 500);
	}));
	assert.deepEqual(violations, []);
	// Chromium logs every CSP violation since the page loaded as a console error.
	assert.deepEqual(victim.errors.filter((e) => /Content Security Policy/i.test(e)), []);
	assert.deepEqual(attacker.errors.filter((e) => /Content Security Policy/i.test(e)), []);
});

// Last: parsing hostile markup in an inert document makes Chromium report
// (blocked) CSP violations, which the test above would count.
test('the client sanitizer keeps only whitelisted markup from body_html', { timeout: 30000 }, async () => {
	const out = await victim.evaluate(async (hostile) => {
		const { sanitizeHtml } = await import('/lib/safehtml.js');
		const div = document.createElement('div');
		div.append(sanitizeHtml(hostile));
		return div.innerHTML;
	}, '<p onclick="window.__xss=1">Hi <strong style="color:red">there</strong>' +
		'<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>' +
		'<a href="javascript:window.__xss=1">js</a> <a href="https://example.com/a?b=1">ok</a>' +
		'<a href="mailto:x@example.com">mail</a> <a href=" JaVaScRiPt:alert(1)">js2</a>' +
		'<iframe src="/"></iframe><svg onload="window.__xss=1"><circle/></svg>' +
		'<math><mi>x</mi></math><span>kept text</span>' +
		'<template><img src=x onerror="window.__xss=1"></template></p>' +
		'<form action="/api/logout"><button>b</button></form>' +
		'<h1>Heading</h1><table><tr><td>cell</td></tr></table>');
	assert.equal(out,
		'<p>Hi <strong>there</strong><a>js</a> ' +
		'<a href="https://example.com/a?b=1" rel="noopener noreferrer nofollow ugc" target="_blank">ok</a>' +
		'<a href="mailto:x@example.com" rel="noopener noreferrer nofollow ugc" target="_blank">mail</a> <a>js2</a>' +
		'kept text</p><h3>Heading</h3><table><tbody><tr><td>cell</td></tr></tbody></table>');
	assert.equal(await victim.evaluate(() => window.__xss), undefined);
});
