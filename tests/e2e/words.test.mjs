// Small words read naturally: "you gave 1 dot" under a dot count, and "no
// votes yet" / "only 2 votes, too few to count" where a group is too small.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signIn, waitForText, waitFor } from './helpers.mjs';

let server;
let browser;

before(async () => {
	server = await startServer({ users: [], demo: true });
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.cleanup();
});

test('dots: "you gave 1 dot", "you gave 2 dots"', { timeout: 60000 }, async () => {
	const page = await newPage(browser);
	await signIn(page, server, 'kwame', 'openstrat-demo');
	await page.getByRole('link', { name: /^Innovation round/ }).click();
	await page.locator('.round-side').waitFor();
	const card = page.locator('.post-card.kind-idea:not(.status-merged)').filter({ has: page.locator('.vote-plus:not([disabled])') }).first();
	const id = await card.getAttribute('data-id');
	const same = page.locator(`.post-card[data-id="${id}"]`);
	const mine = same.locator('.vote-mine');
	const before = (await mine.textContent()).trim();
	const start = before ? Number(/\d+/.exec(before)[0]) : 0;
	if (start > 0) {
		for (let i = 0; i < start; i++) await same.getByRole('button', { name: 'Remove a dot' }).click();
		await waitFor(async () => (await mine.textContent()).trim() === '', 'no dots of mine');
	}
	await same.getByRole('button', { name: 'Add a dot' }).click();
	await waitForText(mine, /^you gave 1 dot$/);
	await same.getByRole('button', { name: 'Add a dot' }).click();
	await waitForText(mine, /^you gave 2 dots$/);
	assert.deepEqual(page.errors, []);
	await page.context().close();
});

test('insights: groups with too few votes say so in plain words', { timeout: 60000 }, async () => {
	const page = await newPage(browser);
	await signIn(page, server, 'maria', 'openstrat-demo');
	await page.getByRole('link', { name: /^Strategy 2027/ }).click();
	await page.locator('.round-side').waitFor();
	await page.goto(server.url + '/round/2/insights');
	await page.locator('.support-row').first().waitFor();
	const texts = await page.locator('.support-row.is-absent .support-text').allTextContents();
	assert.ok(texts.length > 0, 'the demo has a group with too few votes');
	for (const x of texts)
		assert.match(x, /^(no votes yet|only 1 vote, too few to count|only \d+ votes, too few to count)$/);
	assert.deepEqual(page.errors, []);
	await page.context().close();
});
