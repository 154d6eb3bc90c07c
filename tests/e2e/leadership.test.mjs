// From many ideas to a few priorities, in two browsers: similar ideas while
// typing, search, a manager merging a duplicate (votes move, comments follow),
// priorities created, ordered, owned and fed by ideas, all live for an
// employee; where the groups disagree; and the exports as files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
	startServer, launchBrowser, signedInPage, createRound, openRound, postIdea, postCard,
	waitForText, waitFor, pickOption,
} from './helpers.mjs';

let server;
let browser;
let maria; // manager
let erik; // employee
let roundId;
const ROUND = 'Customer service 2027';
const A = 'Answer every customer email within four hours';
const B = 'Reply to customer emails the same day';
const C = 'A self-service portal for invoices';

before(async () => {
	server = await startServer();
	browser = await launchBrowser();
	[maria, erik] = await Promise.all([signedInPage(browser, server, 'maria'), signedInPage(browser, server, 'erik')]);
	roundId = await createRound(maria, { title: ROUND, description: 'What should change first?' });
	await postIdea(maria, B, 'Nobody should wait until tomorrow.');
	await postIdea(maria, C, 'Customers download their own invoices.');
	await openRound(erik, server, ROUND);
});

after(async () => {
	await browser?.close();
	await server?.cleanup();
});

test('similar ideas show while typing a new one; search finds posts and comments', { timeout: 60000 }, async () => {
	await erik.getByRole('button', { name: 'New idea' }).click();
	await erik.getByLabel('Title').fill('Answer customer emails faster');
	const similar = erik.getByRole('region', { name: 'Similar ideas already here' });
	await similar.getByRole('link', { name: B }).waitFor();
	assert.ok(await similar.getByRole('link').count() <= 5);
	// Erik writes his anyway (it is A, a duplicate of B).
	await erik.getByLabel('Title').fill(A);
	await erik.getByLabel('Body').fill('Four hours is what our best competitor promises.');
	await erik.getByRole('button', { name: 'Post', exact: true }).click();
	await erik.getByRole('link', { name: A, exact: true }).waitFor();
	await postCard(erik, A).getByRole('button', { name: 'Vote up' }).click();
	await waitForText(postCard(maria, A).locator('.vote-total'), '+1');
	await erik.getByRole('link', { name: A, exact: true }).click();
	await erik.getByLabel('Comment', { exact: true }).fill('Support agrees: four hours is doable with two more people.');
	await erik.getByRole('button', { name: 'Add comment' }).click();
	await erik.locator('.comment-item').filter({ hasText: 'doable' }).waitFor();
	await erik.getByRole('link', { name: /^Back to/ }).click();

	// Search over posts and comments; results link to the post.
	await maria.getByRole('searchbox', { name: 'Search this round' }).fill('doable');
	await maria.getByRole('button', { name: 'Search', exact: true }).click();
	const hit = maria.locator('.search-hit').filter({ hasText: 'In a comment' });
	await hit.getByRole('link', { name: A }).waitFor();
	await waitForText(maria.locator('.search-status'), '1 result');
	await hit.getByRole('link', { name: A }).click();
	await maria.getByRole('heading', { level: 1, name: A }).waitFor();
	await maria.getByRole('link', { name: /^Back to/ }).click();
	await maria.getByRole('button', { name: 'Clear search' }).click();
	assert.deepEqual(erik.errors, []);
	assert.deepEqual(maria.errors, []);
});

test('a manager merges a duplicate: live for others, votes move, comments show on the target', { timeout: 60000 }, async () => {
	await maria.getByRole('link', { name: A, exact: true }).click();
	await maria.getByRole('heading', { level: 1, name: A }).waitFor();
	await maria.getByRole('button', { name: 'Merge into…' }).click();
	await pickOption(maria, 'Merge into', 'same day', `${B} (Idea)`);
	await maria.getByRole('button', { name: 'Merge', exact: true }).click();
	await maria.getByRole('dialog').getByRole('button', { name: 'Merge', exact: true }).click();
	await waitForText(maria.locator('.post-notes'), `Merged into ${B}`);

	// Erik's list shows it merged, with a link to the target, and B has the vote.
	const merged = postCard(erik, A);
	await waitForText(merged, `Merged into ${B}`);
	await waitForText(merged.locator('.kicker'), 'Merged');
	await waitForText(postCard(erik, B).locator('.vote-total'), '+1');
	await merged.getByRole('link', { name: B, exact: true }).click();
	await erik.getByRole('heading', { level: 1, name: B }).waitFor();
	const moved = erik.locator('.comment-item').filter({ hasText: 'doable' });
	await waitForText(moved, 'From merged idea');
	await moved.getByRole('link', { name: A }).waitFor();
	// Erik's vote moved with the merge: it shows as his on B.
	await waitFor(async () => (await erik.locator('.post-votes').getByRole('button', { name: 'Vote up' }).getAttribute('aria-pressed')) === 'true', 'his vote on B');
	await erik.getByRole('link', { name: /^Back to/ }).click();
	await maria.getByRole('link', { name: /^Back to/ }).click();
	assert.deepEqual(erik.errors, []);
	assert.deepEqual(maria.errors, []);
});

test('priorities: created, owned, reordered and fed by ideas, live in a second browser', { timeout: 90000 }, async () => {
	assert.equal(await erik.getByRole('link', { name: 'Open the priorities board' }).count(), 0, 'no priorities yet');
	await maria.getByRole('link', { name: 'Priorities', exact: true }).click();
	await maria.getByRole('heading', { level: 1, name: 'Priorities' }).waitFor();
	assert.match(maria.url(), new RegExp(`/round/${roundId}/priorities$`));
	const create = async (title, description, owner) => {
		await maria.getByRole('button', { name: 'New priority' }).click();
		await maria.getByLabel('Title').fill(title);
		await maria.getByLabel('Description').fill(description);
		if (owner) await pickOption(maria, 'Owner', owner.split(' ')[0], owner);
		await maria.getByRole('button', { name: 'Create priority' }).click();
		await maria.locator('.priority-card').filter({ hasText: title }).waitFor();
	};
	// Erik is someone Maria's page knows (an author, in the room): an owner to pick.
	await create('Faster answers', 'Every customer hears back the same day.', 'Erik Nygaard (Employee)');
	await create('Self-service', 'Customers help themselves where they can.', null);

	// Erik sees them live in the round, in order, with owners.
	const summary = erik.locator('.priorities');
	await waitForText(summary, 'Self-service');
	await summary.locator('summary').click();
	await waitForText(summary.locator('.priority').first(), 'Faster answers');
	await waitForText(summary.locator('.priority').first(), 'Owner: Erik Nygaard');
	await erik.getByRole('link', { name: 'Open the priorities board' }).click();
	await erik.getByRole('heading', { level: 1, name: 'Priorities' }).waitFor();
	const cards = erik.locator('.priority-card');
	await waitFor(async () => (await cards.count()) === 2, 'two priorities on the board');
	// Employees read the board; they do not manage it.
	assert.equal(await erik.getByRole('button', { name: 'New priority' }).count(), 0);
	assert.equal(await erik.getByRole('button', { name: 'Move up' }).count(), 0);

	// Reorder: "Self-service" up. Erik's board follows.
	const self = maria.locator('.priority-card').filter({ hasText: 'Self-service' });
	await self.getByRole('button', { name: 'Move up' }).click();
	await waitForText(cards.first().locator('h2'), 'Self-service');
	await waitForText(cards.nth(1).locator('h2'), 'Faster answers');
	// The focus stays with the moved priority (at the top "Move up" is
	// disabled, so its title has it).
	await waitFor(async () => (await maria.evaluate(() => document.activeElement.closest('.priority-card')?.textContent || '')).includes('Self-service'), 'focus on the moved priority');
	// Set an owner: Maria herself.
	await pickOption(self, 'Owner', 'Lindq', 'Maria Lindqvist (Manager)');
	await waitForText(cards.first(), 'Owner: Maria Lindqvist');

	// Link an idea from the post: "Feeds priority…".
	await maria.getByRole('link', { name: /^Back to/ }).click();
	await maria.getByRole('link', { name: C, exact: true }).click();
	await maria.getByRole('button', { name: 'Feeds priority…' }).click();
	await maria.getByLabel('Priority this post feeds').selectOption({ label: 'Self-service' });
	await maria.getByRole('button', { name: 'Save' }).click();
	await waitForText(maria.locator('.post-notes'), 'Feeds priority: Self-service');
	await cards.first().getByRole('link', { name: C }).waitFor();
	await erik.getByRole('link', { name: /^Back to/ }).click();
	await waitForText(postCard(erik, C).locator('.feeds-note'), 'Feeds priority: Self-service');

	// Unlink from the board.
	await maria.getByRole('link', { name: 'Self-service' }).click();
	await maria.getByRole('heading', { level: 1, name: 'Priorities' }).waitFor();
	await maria.locator('.priority-card').filter({ hasText: 'Self-service' }).getByRole('button', { name: 'Unlink' }).click();
	await waitFor(async () => (await postCard(erik, C).locator('.feeds-note').count()) === 0, 'the link to go for Erik');
	await maria.getByRole('link', { name: /^Back to/ }).click();
	assert.deepEqual(erik.errors, []);
	assert.deepEqual(maria.errors, []);
});

test('where the groups disagree: employees for, managers against', { timeout: 90000 }, async () => {
	const title = 'Four-day week for the support team';
	const agreed = 'Better headsets for the support team';
	await postIdea(maria, title, 'Same hours, four days.');
	await postIdea(maria, agreed, 'Noise-cancelling ones.');
	const [sofia, ada] = await Promise.all([signedInPage(browser, server, 'sofia'), signedInPage(browser, server, 'ada')]);
	await Promise.all([openRound(sofia, server, ROUND), openRound(ada, server, ROUND)]);
	const vote = async (page, post, name) => {
		const card = postCard(page, post);
		await card.getByRole('button', { name }).click();
		await waitFor(async () => (await card.getByRole('button', { name }).getAttribute('aria-pressed')) === 'true', `${name} on ${post}`);
	};
	await vote(erik, title, 'Vote up');
	await vote(sofia, title, 'Vote up');
	await vote(maria, title, 'Vote down');
	await vote(ada, title, 'Vote down');
	for (const p of [erik, sofia, maria, ada]) await vote(p, agreed, 'Vote up');

	await maria.getByRole('link', { name: 'Where groups disagree' }).click();
	await maria.getByRole('heading', { level: 1, name: 'Where the groups disagree' }).waitFor();
	const disagree = maria.getByRole('region', { name: /The groups disagree/ });
	const item = disagree.locator('.insight').filter({ has: maria.getByRole('link', { name: title }) });
	await item.waitFor();
	await waitForText(item, 'Gap between groups: 100 points');
	const bars = item.getByRole('list');
	await waitForText(bars.getByRole('listitem').filter({ hasText: 'Employees' }), '100% support (2 votes)');
	await waitForText(bars.getByRole('listitem').filter({ hasText: 'Managers' }), '0% support (2 votes)');
	const agree = maria.getByRole('region', { name: /Every group agrees/ });
	await agree.getByRole('link', { name: agreed }).waitFor();
	// Employees have no such view.
	assert.equal(await erik.getByRole('link', { name: 'Where groups disagree' }).count(), 0);
	await maria.getByRole('link', { name: /^Back to/ }).click();
	assert.deepEqual(maria.errors, []);
	await sofia.context().close();
	await ada.context().close();
});

test('export buttons give files: CSV with its header, JSON, Markdown, XLSX', { timeout: 60000 }, async () => {
	const group = maria.getByRole('group', { name: 'Export' });
	const download = async (name) => {
		const [dl] = await Promise.all([maria.waitForEvent('download'), group.getByRole('link', { name, exact: true }).click()]);
		return { name: dl.suggestedFilename(), bytes: readFileSync(await dl.path()) };
	};
	const csv = await download('CSV');
	assert.equal(csv.name, `openstrat-round-${roundId}.csv`);
	// A UTF-8 byte order mark first, for spreadsheet programs.
	assert.equal(csv.bytes.subarray(0, 3).toString('hex'), 'efbbbf');
	const header = csv.bytes.subarray(3).toString('utf8').split('\r\n')[0];
	assert.ok(header.startsWith('rank,id,kind,title,author,role,org,status,score,up,down,dots,comments,priority,merged_into'), header);
	assert.ok(csv.bytes.toString('utf8').includes(C));
	const xlsx = await download('XLSX');
	assert.equal(xlsx.bytes.subarray(0, 2).toString('latin1'), 'PK');
	assert.match(xlsx.name, /\.xlsx$/);
	const json = JSON.parse((await download('JSON')).bytes.toString('utf8'));
	assert.equal(json.round.id, roundId);
	assert.ok(json.posts.some((p) => p.title === A && p.status === 'merged'));
	const md = (await download('Markdown')).bytes.toString('utf8');
	assert.match(md, /^# /m);
	assert.ok(md.includes('Self-service'));
	// The links ask for the page's language; the report comes in it.
	for (const name of ['CSV', 'JSON', 'Markdown', 'XLSX']) {
		const href = await group.getByRole('link', { name, exact: true }).getAttribute('href');
		assert.match(href, /^\/api\/export\?round=\d+&format=\w+&lang=en$/, href);
	}
	assert.ok(md.includes('\n## Ranked ideas and plans\n'), md);
	// Employees have no export buttons.
	assert.equal(await erik.getByRole('group', { name: 'Export' }).count(), 0);
	assert.deepEqual(maria.errors, []);
});
