// A round offers only what its phase allows, and says why: no New idea in
// voting, no posting, voting or chat once closed (but for admins).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, signedInPage, createRound, openRound, postIdea, waitForText, movePhase, postCard,
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

const visible = (loc) => loc.isVisible();

test('the page offers what the phase allows, and says why', { timeout: 120000 }, async () => {
	const maria = await signedInPage(browser, server, 'maria');
	const erik = await signedInPage(browser, server, 'erik');
	const title = 'Gated by phase';
	await createRound(maria, { title });
	await postIdea(maria, 'An idea to read', 'Some text.');
	await openRound(erik, server, title);
	const chatInput = erik.getByLabel('Message');
	assert.equal(await visible(erik.getByRole('button', { name: 'New idea' })), true);
	assert.equal(await visible(chatInput), true);
	assert.equal(await visible(erik.locator('.phase-note')), false);

	await movePhase(maria, 'Start voting');
	await waitForText(erik.locator('.phase-note'), 'Voting has started');
	assert.equal(await visible(erik.getByRole('button', { name: 'New idea' })), false);
	assert.equal(await visible(maria.getByRole('button', { name: 'New plan' })), false);
	assert.equal(await visible(chatInput), true, 'chat goes on while voting');
	assert.equal(await postCard(erik, 'An idea to read').getByRole('button', { name: 'Vote up' }).isDisabled(), false);
	await erik.getByRole('link', { name: 'An idea to read', exact: true }).click();
	await erik.getByRole('heading', { level: 1, name: 'An idea to read' }).waitFor();
	await waitForText(erik.locator('.comments-closed'), 'Comments are closed');
	assert.equal(await erik.getByRole('button', { name: 'Comment', exact: true }).count(), 0);
	assert.equal(await visible(erik.locator('form.comment-form')), false);
	await erik.getByRole('link', { name: /^Back to/ }).click();

	await movePhase(maria, 'Close round');
	await waitForText(erik.locator('.phase-note'), 'This round is closed: you can read, not post');
	assert.equal(await visible(erik.getByRole('button', { name: 'New idea' })), false);
	assert.equal(await visible(chatInput), false, 'no chat input in a closed round');
	await waitForText(erik.locator('.chat-closed'), 'The chat closed with the round');
	assert.equal(await postCard(erik, 'An idea to read').getByRole('button', { name: 'Vote up' }).isDisabled(), true);
	// The same on a fresh load.
	await erik.reload();
	await erik.locator('.round-intro .badge.phase').waitFor();
	await waitForText(erik.locator('.phase-note'), 'This round is closed');
	assert.equal(await erik.getByRole('button', { name: 'New idea' }).count() === 0 ||
		!(await visible(erik.getByRole('button', { name: 'New idea' }))), true);

	// Admins may still write in a closed round.
	const ada = await signedInPage(browser, server, 'ada');
	await openRound(ada, server, title);
	assert.equal(await visible(ada.getByRole('button', { name: 'New idea' })), true);
	assert.equal(await visible(ada.getByLabel('Message')), true);
	assert.deepEqual(erik.errors, []);
	assert.deepEqual(maria.errors, []);
	for (const p of [maria, erik, ada]) await p.context().close();
});
