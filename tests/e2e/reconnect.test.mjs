// The server goes away and comes back on the same port with the same
// database: the client shows the lost connection, retries with back-off,
// re-subscribes to the open round, and live updates flow again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, signedInPage, createRound, openRound, postIdea, postCard, waitForText, waitFor,
} from './helpers.mjs';

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

const banner = (page) => page.locator('#conn-banner');

test('reconnect after a server restart: banner, back-off, re-subscribe, live again', { timeout: 120000 }, async () => {
	const maria = await signedInPage(browser, server, 'maria');
	const erik = await signedInPage(browser, server, 'erik');
	const title = 'Resilience round';
	await createRound(maria, { title });
	await openRound(erik, server, title);
	await postIdea(maria, 'Before the restart', 'Posted while all was well.');
	await postCard(erik, 'Before the restart').waitFor();
	assert.equal(await banner(erik).isVisible(), false);

	const port = server.port;
	await server.stop();
	// Both pages say the connection is lost.
	await banner(erik).waitFor({ state: 'visible', timeout: 15000 });
	await banner(maria).waitFor({ state: 'visible', timeout: 15000 });
	await waitForText(banner(erik), 'Connection lost');
	assert.equal(await banner(erik).getAttribute('role'), 'status');
	// What was on screen stays on screen while offline.
	assert.equal(await postCard(erik, 'Before the restart').count(), 1);
	// A write while offline is refused in words, not lost silently.
	await erik.getByLabel('Message').fill('anyone there?');
	await erik.getByRole('button', { name: 'Send' }).click();
	await waitForText(erik.locator('.chat-form [role="alert"]'), 'Not connected');

	// Leave it down for a few retries, then bring it back on the same port.
	await erik.waitForTimeout(1500);
	await server.start();
	assert.equal(server.port, port);
	await banner(erik).waitFor({ state: 'hidden', timeout: 30000 });
	await banner(maria).waitFor({ state: 'hidden', timeout: 30000 });

	// Still signed in (the session is in the database), still in the round,
	// and live again in both directions.
	await erik.getByRole('heading', { level: 1, name: title }).waitFor();
	await postIdea(maria, 'After the restart', 'Live again.');
	await postCard(erik, 'After the restart').waitFor({ timeout: 10000 });
	await erik.getByLabel('Message').fill('Back online.');
	await erik.getByRole('button', { name: 'Send' }).click();
	await maria.locator('.chat-log li').filter({ hasText: 'Back online.' }).waitFor();
	await waitForText(maria.locator('.presence'), 'Erik Nygaard');
	assert.deepEqual(erik.errors, []);
	assert.deepEqual(maria.errors, []);
});
