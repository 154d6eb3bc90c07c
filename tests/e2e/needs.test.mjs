// The needs behind the wishes and "what became of my idea?", in two
// browsers: a manager names a need, finds ideas of the round by their words
// and links them and a priority; an employee sees the need on the idea's
// card live, and their "My ideas" page says in one look where each of their
// ideas stands. Leadership's organisations table sorts by its columns.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	USERS, PHONE, startServer, launchBrowser, signedInPage, createRound, openRound, postIdea, postCard,
	waitForText, waitFor, pickOption,
} from './helpers.mjs';

let server;
let browser;
let maria; // manager
let erik; // employee
let roundId;
const ROUND = 'Delivery 2027';
const A = 'Weekly releases for every product';
const B = 'Fewer sign-offs before shipping';
const C = 'A new logo for the intranet';
const NEED = 'Customers get fixes faster';

before(async () => {
	server = await startServer({ users: [...USERS,
		{ username: 'kim', role: 'customer', display: 'Kim Berg', org: 'Zephyr Air' },
		{ username: 'lou', role: 'customer', display: 'Lou Ames', org: 'Atlas Freight' }] });
	browser = await launchBrowser();
	[maria, erik] = await Promise.all([signedInPage(browser, server, 'maria'), signedInPage(browser, server, 'erik')]);
	roundId = await createRound(maria, { title: ROUND, description: 'What slows us down?' });
	await openRound(erik, server, ROUND);
	await postIdea(erik, A, 'Ship small, ship often.');
	await postIdea(erik, B, 'Three approvals is two too many.');
	await postIdea(maria, C, 'The old one is from 2009.');
	// Maria creates a priority to answer the need with.
	await maria.goto(`${server.url}/round/${roundId}/priorities`);
	await maria.getByRole('button', { name: 'New priority' }).click();
	await maria.getByLabel('Title').fill('Release train');
	await maria.getByRole('button', { name: 'Create priority' }).click();
	await maria.locator('.priority-card').filter({ hasText: 'Release train' }).waitFor();
});

after(async () => {
	await browser?.close();
	await server?.cleanup();
});

test('a manager names a need and links ideas found by search; it shows live on the cards', { timeout: 90000 }, async () => {
	await maria.goto(`${server.url}/round/${roundId}`);
	await maria.getByRole('link', { name: 'Needs', exact: true }).click();
	await maria.getByRole('heading', { level: 1, name: 'Needs behind the ideas' }).waitFor();
	assert.match(maria.url(), new RegExp(`/round/${roundId}/needs$`));
	await maria.getByRole('button', { name: 'Name a need' }).click();
	await maria.getByLabel('Need', { exact: true }).fill(NEED);
	await maria.getByLabel('Description').fill('Today a fix waits *weeks* for a release.');
	await maria.getByRole('button', { name: 'Create need' }).click();
	const card = maria.locator('.need-card').filter({ hasText: NEED });
	await card.waitFor();
	await card.locator('.prose em').filter({ hasText: 'weeks' }).waitFor();

	// Search within the round: words of the body find the idea; the logo
	// does not match.
	const find = card.getByLabel('Find an idea in this round to link');
	await find.fill('ship');
	const results = card.locator('.need-results li');
	await waitFor(async () => (await results.count()) === 2, 'two ideas match "ship"');
	assert.equal(await card.locator('.need-results').getByText(C).count(), 0);
	await card.locator('.need-results li').filter({ hasText: A }).getByRole('button', { name: 'Link' }).click();
	await card.locator('.need-posts').getByRole('link', { name: A }).waitFor();
	await find.fill('approvals');
	await card.locator('.need-results li').filter({ hasText: B }).getByRole('button', { name: 'Link' }).click();
	await card.locator('.need-posts').getByRole('link', { name: B }).waitFor();
	await card.getByLabel('Link a priority').selectOption({ label: 'Release train' });
	await card.locator('.need-finder').getByRole('button', { name: 'Link' }).click();
	await card.locator('.need-priorities').getByRole('link', { name: 'Release train' }).waitFor();

	// Erik's cards say which need each idea serves, without reloading.
	await waitForText(postCard(erik, A).locator('.needs-note'), `Serves the needs: ${NEED}`);
	await waitForText(postCard(erik, B).locator('.needs-note'), NEED);
	assert.equal(await postCard(erik, C).locator('.needs-note').count(), 0);
	// Erik reads the needs but cannot change them.
	await postCard(erik, A).locator('.needs-note').getByRole('link', { name: NEED }).click();
	await erik.getByRole('heading', { level: 1, name: 'Needs behind the ideas' }).waitFor();
	await erik.locator('.need-card').filter({ hasText: NEED }).waitFor();
	assert.equal(await erik.getByRole('button', { name: 'Name a need' }).count(), 0);
	assert.equal(await erik.getByRole('button', { name: 'Unlink' }).count(), 0);

	// Maria renames it; Erik's pane follows.
	await card.getByRole('button', { name: 'Edit' }).click();
	const edit = maria.locator('.need-form');
	await edit.getByLabel('Need', { exact: true }).fill(`${NEED} within days`);
	await edit.getByRole('button', { name: 'Save need' }).click();
	await waitForText(erik.locator('.need-card .need-title'), `${NEED} within days`);
	const card2 = maria.locator('.need-card').filter({ hasText: NEED });

	// Unlinking is live too.
	await card2.locator('.need-posts li').filter({ hasText: B }).getByRole('button', { name: 'Unlink' }).click();
	const erikCard = erik.locator('.need-card').filter({ hasText: NEED });
	await waitFor(async () => (await erikCard.locator('.need-posts').getByRole('link', { name: B }).count()) === 0, 'B unlinked for Erik');
	assert.deepEqual(maria.errors, []);
	assert.deepEqual(erik.errors, []);
});

test('"My ideas" answers what became of each idea in one look', { timeout: 60000 }, async () => {
	// Maria votes A up and links it to the priority from the post.
	await maria.goto(`${server.url}/round/${roundId}`);
	await postCard(maria, A).getByRole('button', { name: 'Vote up' }).click();
	await maria.getByRole('link', { name: A, exact: true }).click();
	await maria.getByRole('button', { name: 'Feeds priority…' }).click();
	await maria.getByLabel('Priority this post feeds').selectOption({ label: 'Release train' });
	await maria.getByRole('button', { name: 'Save' }).click();
	await waitForText(maria.locator('.post-notes'), 'Release train');
	// And merges B into A.
	await maria.goto(`${server.url}/round/${roundId}/post/${await postId(maria, B)}`);
	await maria.getByRole('button', { name: 'Merge into…' }).click();
	await pickOption(maria, 'Merge into', 'Weekly releases', `${A} (Idea)`);
	await maria.getByRole('button', { name: 'Merge', exact: true }).click();
	await maria.getByRole('dialog').getByRole('button', { name: 'Merge', exact: true }).click();
	await waitForText(maria.locator('.post-notes'), `Merged into ${A}`);

	await erik.getByRole('link', { name: 'My ideas', exact: true }).click();
	await erik.getByRole('heading', { level: 1, name: 'My ideas' }).waitFor();
	const a = erik.locator('.my-idea').filter({ has: erik.locator('.my-idea-title').getByRole('link', { name: A, exact: true }) });
	await waitForText(a.locator('.my-idea-standing'), 'Number 1 of 2 ideas in its round.');
	await waitForText(a.locator('.my-idea-needs'), NEED);
	await waitForText(a.locator('.my-idea-priority'), 'Release train');
	const b = erik.locator('.my-idea').filter({ has: erik.locator('.my-idea-title').getByRole('link', { name: B, exact: true }) });
	await waitForText(b.locator('.my-idea-standing'), `Merged into ${A}`);
	await waitForText(b.locator('.badge.status'), 'Merged');
	await waitForText(erik.locator('.my-ideas-summary'), '2 posts: 1 feed a priority, 1 serve a need, 1 merged.');
	// Only Erik's own posts are listed.
	assert.equal(await erik.locator('.my-idea').count(), 2);
	assert.deepEqual(erik.errors, []);
});

test('the organisations table is for leadership and sorts by its columns', { timeout: 60000 }, async () => {
	assert.equal(await erik.getByRole('link', { name: 'Organisations', exact: true }).count(), 0);
	await maria.getByRole('link', { name: 'Organisations', exact: true }).click();
	await maria.getByRole('heading', { level: 1, name: 'Customer organisations' }).waitFor();
	const rows = maria.locator('.orgs-table tbody tr');
	await waitFor(async () => (await rows.count()) === 2, 'two organisations');
	// Nobody has done anything yet: both quiet, equal, by name.
	await waitForText(rows.nth(0).locator('th'), 'Atlas Freight');
	await waitForText(rows.nth(0).locator('th'), 'quiet');
	await waitForText(maria.locator('.orgs-status'), '2 organisations: 0 active, 2 quiet');
	const orgHead = maria.getByRole('columnheader', { name: /Organisation/ });
	await maria.getByRole('button', { name: /^Organisation/ }).click();
	assert.equal(await orgHead.getAttribute('aria-sort'), 'ascending');
	await waitForText(rows.nth(0).locator('th'), 'Atlas Freight');
	await maria.getByRole('button', { name: /^Organisation/ }).click();
	assert.equal(await orgHead.getAttribute('aria-sort'), 'descending');
	await waitForText(rows.nth(0).locator('th'), 'Zephyr Air');
	// The people of each organisation are there to open.
	await rows.nth(0).locator('td').first().locator('summary').click();
	await waitForText(rows.nth(0).locator('td').first(), 'Kim Berg');

	// On a phone the table scrolls in its own box and the pages fit the screen.
	const phone = await signedInPage(browser, server, 'ada', { viewport: PHONE });
	for (const [path, heading] of [['/orgs', 'Customer organisations'], ['/my-ideas', 'My ideas'], [`/round/${roundId}/needs`, 'Needs behind the ideas']]) {
		await phone.goto(server.url + path);
		await phone.getByRole('heading', { level: 1, name: heading }).waitFor();
		const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - innerWidth);
		assert.ok(overflow <= 0, `${path} is ${overflow}px wider than the screen`);
	}
	assert.deepEqual(phone.errors, []);
	await phone.context().close();
	assert.deepEqual(maria.errors, []);
});

async function postId(page, title) {
	const href = await postCard(page, title).locator('.post-title a').getAttribute('href').catch(() => null);
	if (href) return href.split('/').pop();
	await page.goto(`${server.url}/round/${roundId}`);
	return (await postCard(page, title).locator('.post-title a').getAttribute('href')).split('/').pop();
}
