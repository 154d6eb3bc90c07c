// A manager moves a round through its phases; everyone in it sees the phase
// change live, and the server's refusals are shown in words where they happen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, signedInPage, createRound, openRound, postIdea, postCard, waitForText, movePhase,
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

test('drafts are for managers; opening a round makes it visible to staff', { timeout: 60000 }, async () => {
	const maria = await signedInPage(browser, server, 'maria');
	const erik = await signedInPage(browser, server, 'erik');
	const title = 'Pricing model review';
	await createRound(maria, { title, open: false });
	await waitForText(maria.locator('.round-intro .badge.phase'), 'Draft');
	await erik.reload();
	await erik.getByRole('heading', { level: 1, name: 'Rounds' }).waitFor();
	assert.equal(await erik.getByRole('link', { name: title, exact: true }).count(), 0, 'a draft is hidden from employees');
	// Employees see no phase controls, managers do.
	await movePhase(maria, 'Open round');
	await waitForText(maria.locator('.round-intro .badge.phase'), 'Open');
	await erik.getByRole('link', { name: 'Rounds', exact: true }).click();
	await erik.getByRole('link', { name: title, exact: true }).click();
	await erik.getByRole('heading', { level: 1, name: title }).waitFor();
	assert.equal(await erik.getByRole('button', { name: 'Start voting' }).count(), 0);
	await maria.context().close();
	await erik.context().close();
});

test('moving a round to voting: live for others, and a new idea is then refused with a shown error', { timeout: 90000 }, async () => {
	const maria = await signedInPage(browser, server, 'maria');
	const erik = await signedInPage(browser, server, 'erik');
	const title = 'Where do we cut costs?';
	await createRound(maria, { title, description: 'Ideas first, then we vote.' });
	await postIdea(maria, 'Fewer offices', 'Hot desks everywhere.');
	await openRound(erik, server, title);
	await waitForText(erik.locator('.round-intro .badge.phase'), 'Open');

	// Erik starts writing an idea while the round is open...
	await erik.getByRole('button', { name: 'New idea' }).click();
	await erik.getByLabel('Title').fill('Travel less, meet online');
	await erik.getByLabel('Body').fill('Half the trips would do.');

	// ...and Maria moves the round to voting.
	await movePhase(maria, 'Start voting');
	await waitForText(maria.locator('.round-intro .badge.phase'), 'Voting');
	await waitForText(erik.locator('.round-intro .badge.phase'), 'Voting');
	await waitForText(erik.locator('.round-intro'), 'no new posts');

	// The server refuses the idea; the form says why, and keeps the text.
	await erik.getByRole('button', { name: 'Post', exact: true }).click();
	const err = erik.locator('form.compose [role="alert"]');
	await waitForText(err, 'phase does not allow this');
	assert.equal(await erik.getByLabel('Title').inputValue(), 'Travel less, meet online');
	assert.equal(await erik.getByRole('link', { name: 'Travel less, meet online' }).count(), 0);
	assert.equal(await postCard(maria, 'Travel less, meet online').count(), 0);

	// Voting still works in the voting phase.
	const card = postCard(erik, 'Fewer offices');
	await card.getByRole('button', { name: 'Vote up' }).click();
	await waitForText(postCard(maria, 'Fewer offices').locator('.vote-total'), '+1');

	// Closing the round ends voting too.
	await movePhase(maria, 'Close round');
	await waitForText(erik.locator('.round-intro .badge.phase'), 'Closed');
	// Closed: the vote buttons are off, and the page says why.
	assert.equal(await card.getByRole('button', { name: 'Vote up' }).isDisabled(), true);
	await waitForText(erik.locator('.phase-note'), 'This round is closed');
	// The round's managers may move a closed round back (after asking).
	assert.equal(await maria.getByRole('button', { name: 'Reopen round' }).count(), 1);
	assert.deepEqual(erik.errors, []);
	assert.deepEqual(maria.errors, []);
	await maria.context().close();
	await erik.context().close();
});
