// Signing in and out, a wrong password, a session that survives a reload,
// and the page's landmarks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signIn, PASSWORD, waitForText } from './helpers.mjs';

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

test('a wrong password is refused in words, next to the form', { timeout: 60000 }, async () => {
	const page = await newPage(browser);
	await page.goto(server.url + '/');
	await page.getByLabel('Username').fill('erik');
	await page.getByLabel('Password').fill('not-the-password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await waitForText(page.getByRole('alert').filter({ hasText: /\S/ }), 'Wrong username or password');
	// Still on the sign-in form, nothing else shown.
	assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
	assert.equal(await page.getByLabel('Password').isVisible(), true);
	assert.deepEqual(page.errors, []);
	await page.context().close();
});

test('sign in, stay signed in across a reload, sign out', { timeout: 60000 }, async () => {
	const page = await newPage(browser);
	await signIn(page, server, 'erik', PASSWORD);
	await page.getByRole('heading', { level: 1, name: 'Rounds' }).waitFor();
	await waitForText(page.locator('header'), 'Erik Nygaard');
	// Landmarks: header (banner), navigation, main.
	assert.equal(await page.getByRole('banner').count(), 1);
	assert.ok(await page.getByRole('navigation').count() >= 1);
	assert.equal(await page.getByRole('main').count(), 1);

	// The session cookie is HttpOnly: the client learns it is signed in by
	// opening the WebSocket, so a reload lands straight in the forum.
	await page.reload();
	await page.getByRole('heading', { level: 1, name: 'Rounds' }).waitFor();
	assert.equal(await page.getByLabel('Password').count(), 0);

	await page.getByRole('button', { name: 'Sign out' }).click();
	await page.getByRole('button', { name: 'Sign in' }).waitFor();
	await page.reload();
	await page.getByRole('button', { name: 'Sign in' }).waitFor();
	assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
	assert.deepEqual(page.errors, []);
	await page.context().close();
});

test('a deep link asks to sign in, then opens where it pointed', { timeout: 60000 }, async () => {
	const page = await newPage(browser);
	await page.goto(server.url + '/round/999');
	await page.getByLabel('Username').fill('erik');
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByRole('heading', { level: 1, name: 'Round not available' }).waitFor();
	assert.match(page.url(), /\/round\/999$/);
	await page.context().close();
});
