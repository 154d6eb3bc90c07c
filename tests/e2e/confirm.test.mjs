// Phase changes and merges ask first, in an accessible dialog; cancelling
// (the button or Escape) changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, signedInPage, createRound, postIdea, waitForText, movePhase, pickOption,
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

const phaseOf = (page) => page.locator('.round-intro .badge.phase').textContent();
const focusedText = (page) => page.evaluate(() => document.activeElement && document.activeElement.textContent);

async function cancelled(page, label, how) {
	await page.locator('.phase-actions').getByRole('button', { name: label, exact: true }).click();
	const dialog = page.getByRole('dialog');
	await dialog.waitFor();
	assert.match(await dialog.textContent(), /Move the round to/);
	assert.equal(await focusedText(page), 'Cancel', 'Cancel has the focus first');
	if (how === 'escape') await page.keyboard.press('Escape');
	else await dialog.getByRole('button', { name: 'Cancel' }).click();
	await dialog.waitFor({ state: 'detached' });
	assert.equal(await focusedText(page), label, 'focus goes back to the button');
}

test('phase changes ask first; cancelling changes nothing', { timeout: 90000 }, async () => {
	const maria = await signedInPage(browser, server, 'maria');
	await createRound(maria, { title: 'Ask before moving' });
	await cancelled(maria, 'Start voting', 'button');
	await cancelled(maria, 'Close round', 'escape');
	await maria.reload();
	await maria.locator('.round-intro .badge.phase').waitFor();
	assert.match(await phaseOf(maria), /Open/);

	await movePhase(maria, 'Close round');
	await waitForText(maria.locator('.round-intro .badge.phase'), 'Closed');
	await cancelled(maria, 'Reopen round', 'escape');
	await cancelled(maria, 'Reopen voting', 'button');
	await maria.reload();
	await maria.locator('.round-intro .badge.phase').waitFor();
	assert.match(await phaseOf(maria), /Closed/);
	assert.deepEqual(maria.errors, []);
	await maria.context().close();
});

test('merging asks first; cancelling changes nothing', { timeout: 90000 }, async () => {
	const maria = await signedInPage(browser, server, 'maria');
	await createRound(maria, { title: 'Ask before merging' });
	await postIdea(maria, 'Idea one', 'First.');
	await postIdea(maria, 'Idea two', 'Second.');
	await maria.getByRole('link', { name: 'Idea one', exact: true }).click();
	await maria.getByRole('heading', { level: 1, name: 'Idea one' }).waitFor();
	for (const how of ['button', 'escape']) {
		if (await maria.getByLabel('Merge into').count() === 0)
			await maria.getByRole('button', { name: 'Merge into…' }).click();
		await pickOption(maria, 'Merge into', 'Idea two', 'Idea two (Idea)');
		await maria.getByRole('button', { name: 'Merge', exact: true }).click();
		const dialog = maria.getByRole('dialog');
		await waitForText(dialog, 'Merge “Idea one” into “Idea two”?');
		if (how === 'escape') await maria.keyboard.press('Escape');
		else await dialog.getByRole('button', { name: 'Cancel' }).click();
		await dialog.waitFor({ state: 'detached' });
	}
	await maria.reload();
	await maria.getByRole('heading', { level: 1, name: 'Idea one' }).waitFor();
	assert.equal(await maria.locator('.post-notes').getByText('Merged into').count(), 0);
	assert.equal(await maria.locator('.badge.status-merged').count(), 0);
	assert.deepEqual(maria.errors, []);
	await maria.context().close();
});
