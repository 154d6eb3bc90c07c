// The composer's preview is the server's rendering (`markdown.preview`,
// asked for once typing pauses), and text in angle brackets shows as text
// in the preview and on the posted page alike.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, signedInPage, createRound, waitForText, waitFor } from './helpers.mjs';

let server;
let browser;

before(async () => {
	server = await startServer();
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.cleanup();
});

const ANGLE = '<script>alert(1)</script>';

test('the preview asks the server, debounced; angle brackets show as text before and after posting', { timeout: 90000 }, async () => {
	const page = await signedInPage(browser, server, 'maria');
	const sent = [];
	page.on('websocket', (ws) => ws.on('framesent', (f) => {
		if (typeof f.payload === 'string' && f.payload.includes('"markdown.preview"')) sent.push(JSON.parse(f.payload));
	}));
	// The socket opened at sign-in: reload so that its frames are seen.
	await createRound(page, { title: 'Preview round' });
	await page.reload();
	await page.locator('.round-side').waitFor();
	await page.getByRole('button', { name: 'New idea' }).click();
	await page.getByLabel('Title').fill('Angle brackets');
	const body = `Keep ${ANGLE} as text, and 2 < 3 > 1.`;
	await page.getByLabel('Body').pressSequentially(body);
	await waitForText(page.locator('.preview-body'), `Keep ${ANGLE} as text, and 2 < 3 > 1.`);
	await waitFor(async () => sent.some((m) => m.text === body), 'a markdown.preview of the whole text');
	assert.ok(sent.length < body.length / 2, `asked ${sent.length} times for ${body.length} keystrokes`);
	assert.equal(await page.evaluate(() => window.alertCalled), undefined);

	await page.getByRole('button', { name: 'Post', exact: true }).click();
	await page.getByRole('link', { name: 'Angle brackets', exact: true }).click();
	await page.getByRole('heading', { level: 1, name: 'Angle brackets' }).waitFor();
	// Needs the server's rendering to keep text in angle brackets.
	await waitForText(page.locator('.post-article .prose, .detail-pane .prose').first(), `Keep ${ANGLE} as text, and 2 < 3 > 1.`);
	assert.equal(await page.locator('main script').count(), 0);
	assert.deepEqual(page.errors, []);
	await page.context().close();
});
