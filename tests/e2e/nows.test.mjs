// The sign-in page does not try the WebSocket before anyone signed in: no
// refused upgrade (401) and no error in the console.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, signIn } from './helpers.mjs';

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

// A page that counts WebSocket attempts and every console error (none excused).
async function watchedPage() {
	const context = await browser.newContext({ locale: 'en-US' });
	const page = await context.newPage();
	page.sockets = 0;
	page.consoleErrors = [];
	page.on('websocket', () => { page.sockets += 1; });
	page.on('console', (m) => { if (m.type() === 'error') page.consoleErrors.push(m.text()); });
	page.on('pageerror', (e) => page.consoleErrors.push(e.message));
	return page;
}

test('the sign-in page opens no WebSocket and logs no error', { timeout: 60000 }, async () => {
	const page = await watchedPage();
	await page.goto(server.url + '/');
	await page.getByRole('button', { name: 'Sign in' }).waitFor();
	await page.waitForTimeout(500); // time for a socket to be tried, if any were
	assert.equal(page.sockets, 0, 'no WebSocket before sign-in');
	assert.deepEqual(page.consoleErrors, []);

	// Signing in connects; signing out and reloading shows the form without a try.
	await signIn(page, server, 'erik');
	assert.equal(page.sockets, 1);
	await page.getByRole('button', { name: 'Sign out' }).click();
	await page.getByRole('button', { name: 'Sign in' }).waitFor();
	await page.reload();
	await page.getByRole('button', { name: 'Sign in' }).waitFor();
	await page.waitForTimeout(500);
	assert.equal(page.sockets, 1, 'no new WebSocket after signing out');
	assert.deepEqual(page.consoleErrors, []);

	// A deep link asks to sign in without trying either.
	await page.goto(server.url + '/round/1');
	await page.getByRole('button', { name: 'Sign in' }).waitFor();
	await page.waitForTimeout(300);
	assert.equal(page.sockets, 1);
	assert.deepEqual(page.consoleErrors, []);
	await page.context().close();
});

test('a signed-in browser still goes straight in on reload', { timeout: 60000 }, async () => {
	const page = await watchedPage();
	await signIn(page, server, 'erik');
	await page.reload();
	await page.getByRole('heading', { level: 1, name: 'Rounds' }).waitFor();
	assert.equal(await page.getByLabel('Password').count(), 0);
	assert.deepEqual(page.consoleErrors, []);
	await page.context().close();
});
