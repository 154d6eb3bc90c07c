// "Top" shows what it orders by: each card's score (the server's Wilson
// lower bound), explained on hover and in words above the list; "Newest"
// lists the newest first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPage, signIn, waitFor } from './helpers.mjs';

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

// Open ideas in list order: net votes, the displayed score, id.
async function ideas(page) {
	return page.locator('.post-card.kind-idea:not(.status-merged):not(.status-hidden)').evaluateAll((cards) => cards.map((c) => {
		const score = c.querySelector('.vote-score');
		return {
			id: Number(c.dataset.id),
			net: Number(c.querySelector('.vote-total').textContent.replace('\u2212', '-')),
			shown: score ? Number(score.textContent.replace(/[^\d.,-]/g, '').replace(',', '.')) : null,
			title: score ? score.getAttribute('title') : null,
		};
	}));
}

test('Top shows the score it orders by; Newest lists newest first', { timeout: 90000 }, async () => {
	const page = await newPage(browser);
	await signIn(page, server, 'erik', 'openstrat-demo');
	await page.getByRole('link', { name: /^Strategy 2027/ }).click();
	await page.locator('.round-side').waitFor();
	await waitFor(async () => (await page.locator('.post-card.kind-idea').count()) > 3, 'ideas');

	const top = await ideas(page);
	assert.ok(top.length > 3);
	for (const card of top) {
		assert.notEqual(card.shown, null, `idea ${card.id} shows its score`);
		assert.match(card.title, /Wilson/, 'the score is explained on hover');
	}
	// The shown scores never go up down the list: the order is explained by them.
	for (let i = 1; i < top.length; i++)
		assert.ok(top[i].shown <= top[i - 1].shown,
			`idea ${top[i].id} (score ${top[i].shown}, net ${top[i].net}) is below idea ${top[i - 1].id} (score ${top[i - 1].shown}, net ${top[i - 1].net})`);
	assert.match(await page.locator('.sort-hint').textContent(), /by score/);

	await page.getByRole('group', { name: 'Sort posts' }).getByRole('button', { name: 'Newest' }).click();
	assert.match(await page.locator('.sort-hint').textContent(), /newest posts first/);
	const fresh = await ideas(page);
	for (let i = 1; i < fresh.length; i++)
		assert.ok(fresh[i].id < fresh[i - 1].id, 'newest (highest id) first');
	assert.deepEqual(page.errors, []);
	await page.context().close();
});
