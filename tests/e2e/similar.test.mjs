// Similar-ideas hints: the snippet is not the title again, and "Merged"
// stands apart from the title.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, signedInPage, createRound, postIdea, waitForText, waitFor, pickOption } from './helpers.mjs';

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

test('similar-idea hints show a body excerpt, not the title twice; Merged is spaced', { timeout: 90000 }, async () => {
	const maria = await signedInPage(browser, server, 'maria');
	await createRound(maria, { title: 'Energy ideas' });
	await postIdea(maria, 'Solar panels on the roof', 'Cut the power bill by making our own electricity.');
	await postIdea(maria, 'Solar panels over the car park', 'Shade for the cars and power for the chargers.');
	// Merge the second into the first.
	await maria.getByRole('link', { name: 'Solar panels over the car park', exact: true }).click();
	await maria.getByRole('button', { name: 'Merge into…' }).click();
	await pickOption(maria, 'Merge into', 'roof', 'Solar panels on the roof (Idea)');
	await maria.getByRole('button', { name: 'Merge', exact: true }).click();
	await maria.getByRole('dialog').getByRole('button', { name: 'Merge', exact: true }).click();
	await waitForText(maria.locator('.post-notes'), 'Merged into');
	await maria.getByRole('link', { name: /^Back to/ }).click();

	await maria.getByRole('button', { name: 'New idea' }).click();
	await maria.getByLabel('Title').fill('Solar panels');
	const items = maria.locator('.similar-list li');
	await waitFor(async () => (await items.count()) === 2, 'two similar ideas');
	const hints = await items.evaluateAll((lis) => lis.map((li) => {
		const a = li.querySelector('a');
		const badge = [...li.querySelectorAll('span')].find((s) => s.textContent.trim() === 'Merged');
		const snip = li.querySelector('.similar-snippet');
		return {
			title: a.textContent,
			snippet: snip ? snip.textContent.replace(/^\s*\u2013\s*/, '') : '',
			gap: badge ? badge.getBoundingClientRect().left - a.getBoundingClientRect().right : null,
		};
	}));
	for (const x of hints) {
		assert.ok(!x.snippet.toLowerCase().includes(x.title.toLowerCase()), `snippet ${JSON.stringify(x.snippet)} repeats the title`);
		assert.ok(!x.title.toLowerCase().includes(x.snippet.toLowerCase()) || x.snippet === '', `snippet ${JSON.stringify(x.snippet)} is part of the title`);
	}
	const roof = hints.find((x) => x.title === 'Solar panels on the roof');
	assert.match(roof.snippet, /power bill/);
	const merged = hints.find((x) => x.title === 'Solar panels over the car park');
	assert.ok(merged.gap !== null, 'the merged idea is marked');
	assert.ok(merged.gap >= 6, `Merged stands apart from the title (gap ${merged.gap}px)`);
	assert.deepEqual(maria.errors, []);
	await maria.context().close();
});
