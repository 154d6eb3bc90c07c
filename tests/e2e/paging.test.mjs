// Big rounds in the browser: a round of 120 posts opens with its first page
// and shows more on request (by keyboard too), new posts still arrive live;
// "Merge into…" finds a post the page has not loaded, and the owner picker
// finds a member of staff this browser has never seen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, signedInPage, createRound, openRound, postIdea, waitForText, waitFor,
	pickOption, USERS,
} from './helpers.mjs';

let server;
let browser;
let maria; // manager
let erik; // employee
const ROUND = 'A big round';
const FIRST = 'Rainwater tanks behind the depot';
const PAGE = 50;

before(async () => {
	// Olav is on the staff but never signs in: nobody's page has met him.
	server = await startServer({ users: [...USERS, { username: 'olav', role: 'employee', display: 'Olav Haugland', org: 'Northwind' }] });
	browser = await launchBrowser();
	[maria, erik] = await Promise.all([signedInPage(browser, server, 'maria'), signedInPage(browser, server, 'erik')]);
	const roundId = await createRound(maria, { title: ROUND });
	// 120 ideas, the oldest with words of its own, written over a WebSocket
	// of Maria's session (the UI would take minutes).
	await maria.evaluate(async ({ round, first }) => {
		const ws = new WebSocket(`ws://${location.host}/ws`, 'openstrat.v1');
		await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
		const want = 120;
		let done = 0;
		const all = new Promise((ok, fail) => {
			ws.onmessage = (m) => {
				for (const x of [].concat(JSON.parse(m.data))) {
					if (x.rid === undefined) continue;
					if (!x.ok) fail(new Error(JSON.stringify(x)));
					if (++done === want) ok();
				}
			};
		});
		for (let i = 0; i < want; i++) {
			const title = i === 0 ? first : `Bulk idea number ${i}`;
			ws.send(JSON.stringify({ op: 'post.create', rid: i + 1, round, kind: 'idea', title, body: 'Written in bulk.' }));
		}
		await all;
		ws.close();
	}, { round: roundId, first: FIRST });
	await openRound(erik, server, ROUND);
	await maria.reload();
	await maria.getByRole('heading', { level: 1, name: ROUND }).waitFor();
});

after(async () => {
	await browser?.close();
	await server?.cleanup();
});

const cards = (page) => page.locator('.post-list > .post-card');

test('a round of 120 posts shows its first page and more on request, live all along', { timeout: 90000 }, async () => {
	await waitFor(async () => (await cards(erik).count()) === PAGE, `the first ${PAGE} posts`);
	// Newest first among equal scores: the oldest is not on the first page.
	assert.equal(await erik.getByRole('link', { name: FIRST, exact: true }).count(), 0);
	const more = erik.getByRole('button', { name: 'Show more posts' });
	await more.waitFor();

	// A new idea arrives live while the list is a page long.
	await postIdea(maria, 'Arrives while paging', 'Live.');
	await erik.getByRole('link', { name: 'Arrives while paging', exact: true }).waitFor();
	assert.equal(await cards(erik).count(), PAGE + 1);

	// Another order or kind starts again from its own first page.
	await erik.getByRole('button', { name: 'Plans', exact: true }).click();
	await waitForText(erik.locator('.posts'), 'Nothing to show with this filter.');
	assert.equal(await cards(erik).count(), 0);
	await more.waitFor({ state: 'hidden' });
	await erik.getByRole('button', { name: 'All', exact: true }).click();
	await waitFor(async () => (await cards(erik).count()) === PAGE, 'the first page again');
	await erik.getByRole('button', { name: 'Newest', exact: true }).click();
	await waitFor(async () => (await cards(erik).locator('.post-title').first().textContent()) === 'Arrives while paging', 'newest first');
	assert.equal(await cards(erik).count(), PAGE);

	// By keyboard: the button takes Enter, and the focus goes on to the
	// first post that came.
	await more.focus();
	await erik.keyboard.press('Enter');
	await waitFor(async () => (await cards(erik).count()) === 2 * PAGE, 'the second page');
	await waitFor(async () => (await erik.evaluate(() => document.activeElement?.closest('.post-card') !== null)), 'focus on a new post');
	await waitForText(erik.locator('.more-status'), `${PAGE} more posts shown`);
	await more.click();
	await waitFor(async () => (await cards(erik).count()) === 121, 'every post');
	await erik.getByRole('link', { name: FIRST, exact: true }).waitFor();
	await more.waitFor({ state: 'hidden' });
	// No post twice.
	const ids = await cards(erik).evaluateAll((els) => els.map((e) => e.dataset.id));
	assert.equal(new Set(ids).size, ids.length);
	assert.deepEqual(erik.errors, []);
});

test('"Merge into…" finds a post of the round the page has not loaded', { timeout: 60000 }, async () => {
	await waitFor(async () => (await cards(maria).count()) === PAGE + 1, 'Maria has the first page');
	assert.equal(await maria.getByRole('link', { name: FIRST, exact: true }).count(), 0, 'not loaded');
	await maria.getByRole('link', { name: 'Bulk idea number 119', exact: true }).click();
	await maria.getByRole('heading', { level: 1, name: 'Bulk idea number 119' }).waitFor();
	await maria.getByRole('button', { name: 'Merge into…' }).click();
	const input = maria.getByRole('combobox', { name: 'Merge into' });
	await input.fill('rainwat');
	await maria.getByRole('option', { name: FIRST, exact: true }).waitFor();
	assert.equal(await input.getAttribute('aria-expanded'), 'true');
	// By keyboard: down to the option, Enter picks it.
	await input.press('ArrowDown');
	const active = await input.getAttribute('aria-activedescendant');
	assert.ok(active);
	await waitForText(maria.locator(`[id="${active}"]`), FIRST);
	await input.press('Enter');
	assert.equal(await input.inputValue(), FIRST);
	await maria.getByRole('button', { name: 'Merge', exact: true }).click();
	await maria.getByRole('dialog').getByRole('button', { name: 'Merge', exact: true }).click();
	await waitForText(maria.locator('.post-notes'), `Merged into ${FIRST}`);
	assert.deepEqual(maria.errors, []);
});

test('the owner picker finds staff this browser never saw', { timeout: 60000 }, async () => {
	await maria.goto(`${maria.url().replace(/\/post\/\d+$/, '')}/priorities`);
	await maria.getByRole('heading', { level: 1, name: 'Priorities' }).waitFor();
	await maria.getByRole('button', { name: 'New priority' }).click();
	await maria.getByLabel('Title').fill('Water');
	// The picker opens with the people the page knows: Olav is not among them.
	await maria.getByRole('combobox', { name: 'Owner' }).focus();
	await maria.getByRole('option', { name: 'No owner' }).waitFor();
	assert.equal(await maria.getByRole('option', { name: /Olav/ }).count(), 0);
	await pickOption(maria, 'Owner', 'haugl', 'Olav Haugland (Employee)');
	await maria.getByRole('button', { name: 'Create priority' }).click();
	const card = maria.locator('.priority-card').filter({ hasText: 'Water' });
	await card.waitFor();
	assert.equal(await card.getByRole('combobox', { name: 'Owner' }).inputValue(), 'Olav Haugland (Employee)');
	assert.deepEqual(maria.errors, []);
});
