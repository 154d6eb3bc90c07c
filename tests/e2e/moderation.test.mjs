// Moderation end to end: an employee flags a post, a comment and a chat
// message with a reason; a manager sees them in the queue (reasons, counts)
// and hides them with one click; they vanish live in a third browser and stay
// visible, marked "Hidden", for the manager; restoring brings them back live.
// Admins read it all in the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, signedInPage, createRound, openRound, postIdea, postCard,
	waitForText, waitFor, USERS,
} from './helpers.mjs';

let server;
let browser;
let maria; // manager, moderates
let erik; // employee, flags
let lars; // employee, only watches
let sofia; // employee, wrote what is flagged
const ROUND = 'Office of the future';
const IDEA = 'Buy everyone a gaming chair';
const OTHER = 'Quiet rooms on every floor';

before(async () => {
	server = await startServer({ users: [...USERS, { username: 'lars', role: 'employee', display: 'Lars Holm', org: 'Northwind' }] });
	browser = await launchBrowser();
	[maria, erik, lars, sofia] = await Promise.all(['maria', 'erik', 'lars', 'sofia'].map((u) => signedInPage(browser, server, u)));
	await createRound(maria, { title: ROUND });
	await openRound(sofia, server, ROUND);
	await postIdea(sofia, IDEA, 'Buy now, pay later: <b>cheap</b> chairs at example dot com.');
	await postIdea(sofia, OTHER, 'Phones off, doors closed.');
	await Promise.all([openRound(erik, server, ROUND), openRound(lars, server, ROUND)]);
});

after(async () => {
	await browser?.close();
	await server?.cleanup();
});

test('an employee flags a post with a reason; a second flag is refused in words', { timeout: 60000 }, async () => {
	await erik.getByRole('link', { name: IDEA, exact: true }).click();
	await erik.getByRole('heading', { level: 1, name: IDEA }).waitFor();
	// Employees have no moderation tools.
	assert.equal(await erik.getByRole('button', { name: 'Hide' }).count(), 0);
	assert.equal(await erik.getByRole('link', { name: 'Moderation' }).count(), 0);
	await erik.locator('.post-actions').getByRole('button', { name: 'Flag' }).click();
	await erik.getByLabel('Why should a moderator look at this?').fill('Looks like an advert');
	await erik.getByRole('button', { name: 'Send flag' }).click();
	await waitForText(erik.locator('.post-actions [role="status"]'), 'Flagged');
	// One flag per person.
	await erik.locator('.post-actions').getByRole('button', { name: 'Flag' }).click();
	await erik.getByLabel('Why should a moderator look at this?').fill('Again');
	await erik.getByRole('button', { name: 'Send flag' }).click();
	await waitForText(erik.locator('.flag-form [role="alert"]'), 'You have flagged this already');
	await erik.getByRole('button', { name: 'Cancel' }).click();
	assert.deepEqual(erik.errors, []);
});

test('a comment and a chat message can be flagged too', { timeout: 60000 }, async () => {
	await sofia.getByRole('link', { name: OTHER, exact: true }).click();
	await sofia.getByLabel('Comment', { exact: true }).fill('Whoever disagrees is an idiot.');
	await sofia.getByRole('button', { name: 'Add comment' }).click();
	await sofia.getByLabel('Message').fill('Buy cheap chairs here!!!');
	await sofia.getByRole('button', { name: 'Send' }).click();

	await erik.getByRole('link', { name: /^Back to/ }).click();
	await erik.getByRole('link', { name: OTHER, exact: true }).click();
	const comment = erik.locator('.comment-item').filter({ hasText: 'Whoever disagrees' });
	await comment.getByRole('button', { name: 'Flag' }).click();
	await erik.getByLabel('Why should a moderator look at this?').fill('Insulting');
	await erik.getByRole('button', { name: 'Send flag' }).click();
	await waitForText(comment.locator('[role="status"]'), 'Flagged');

	const msg = erik.locator('.chat-log li').filter({ hasText: 'Buy cheap chairs here!!!' });
	await msg.hover();
	await msg.getByRole('button', { name: 'Flag' }).click();
	await waitForText(erik.locator('.chat-flag-slot'), 'Flag the message from Sofia Castro');
	await erik.getByLabel('Why should a moderator look at this?').fill('Spam in the chat');
	await erik.getByRole('button', { name: 'Send flag' }).click();
	await waitForText(msg.locator('[role="status"]'), 'Flagged');
	assert.deepEqual(erik.errors, []);
});

test('the manager hides from the queue; it vanishes live for others and stays, marked, for her', { timeout: 90000 }, async () => {
	// Lars watches the list, the thread and the chat.
	await lars.getByRole('link', { name: OTHER, exact: true }).click();
	await lars.locator('.comment-item').filter({ hasText: 'Whoever disagrees' }).waitFor();
	await lars.locator('.chat-log li').filter({ hasText: 'Buy cheap chairs here!!!' }).waitFor();

	// A second tab of Maria's for the queue.
	const queue = await maria.context().newPage();
	queue.errors = [];
	queue.on('pageerror', (e) => queue.errors.push(e.message));
	await queue.goto(server.url + '/moderation');
	await queue.getByRole('heading', { level: 1, name: 'Moderation' }).waitFor();
	const items = queue.locator('.mod-item');
	await waitFor(async () => (await items.count()) === 3, 'three flagged items');
	// Newest flag first: the chat message, the comment, the post.
	assert.deepEqual(await items.evaluateAll((els) => els.map((e) => e.dataset.target)), ['chat', 'comment', 'post']);
	const post = items.filter({ has: queue.getByRole('link', { name: IDEA }) });
	await waitForText(post, 'Looks like an advert');
	await waitForText(post, 'flagged by 1 person');
	await waitForText(post.locator('.mod-body'), 'cheap');
	await waitForText(post, 'Sofia Castro');
	await waitForText(post.locator('.kicker'), 'Visible');

	// Hide the post: one click. Lars's list loses it at once.
	await post.getByRole('button', { name: 'Hide' }).click();
	await waitForText(post.locator('.kicker'), 'Hidden');
	await lars.getByRole('link', { name: /^Back to/ }).click();
	await waitFor(async () => (await postCard(lars, IDEA).count()) === 0, 'the hidden post to vanish for Lars');
	// The manager still sees it in the round, marked.
	await openRound(maria, server, ROUND);
	await waitForText(postCard(maria, IDEA).locator('.kicker'), 'Hidden');

	// Hide the comment and the chat message; Lars sees both go.
	await lars.getByRole('link', { name: OTHER, exact: true }).click();
	await lars.locator('.comment-item').filter({ hasText: 'Whoever disagrees' }).waitFor();
	await items.filter({ hasText: 'Whoever disagrees' }).getByRole('button', { name: 'Hide' }).click();
	await items.filter({ hasText: 'Buy cheap chairs here!!!' }).getByRole('button', { name: 'Hide' }).click();
	await waitFor(async () => (await lars.locator('.comment-item').filter({ hasText: 'Whoever disagrees' }).count()) === 0, 'the comment to vanish');
	await waitFor(async () => (await lars.locator('.chat-log li').filter({ hasText: 'Buy cheap chairs here!!!' }).count()) === 0, 'the chat message to vanish');
	await waitForText(lars.locator('.comments h2'), '0 comments');
	// ...and Maria sees them marked.
	await waitForText(maria.locator('.chat-log li').filter({ hasText: 'Buy cheap chairs here!!!' }), 'Hidden');
	await maria.getByRole('link', { name: OTHER, exact: true }).click();
	await waitForText(maria.locator('.comment-item').filter({ hasText: 'Whoever disagrees' }), 'Hidden');
	assert.deepEqual(lars.errors, []);
	assert.deepEqual(queue.errors, []);

	// Restore the post from the queue: it comes back for Lars, live.
	await lars.getByRole('link', { name: /^Back to/ }).click();
	await post.getByRole('button', { name: 'Restore' }).click();
	await waitForText(post.locator('.kicker'), 'Visible');
	await postCard(lars, IDEA).waitFor();
	// And the chat message, from the chat itself.
	const hiddenMsg = maria.locator('.chat-log li').filter({ hasText: 'Buy cheap chairs here!!!' });
	await hiddenMsg.hover();
	await hiddenMsg.getByRole('button', { name: 'Restore' }).click();
	await lars.locator('.chat-log li').filter({ hasText: 'Buy cheap chairs here!!!' }).waitFor();
	await waitFor(async () => !(await hiddenMsg.textContent()).includes('Hidden'), 'the mark to go');

	// Decided items leave the queue on the next look.
	await queue.getByRole('button', { name: 'Refresh' }).click();
	await waitForText(queue.getByRole('status').first(), 'Nothing is waiting');
	assert.deepEqual(maria.errors, []);
	assert.deepEqual(lars.errors, []);
	await queue.close();
});

test('a post hidden while an employee reads it: told in place; its link then finds nothing', { timeout: 60000 }, async () => {
	await lars.getByRole('link', { name: IDEA, exact: true }).click();
	await lars.getByRole('heading', { level: 1, name: IDEA }).waitFor();
	await maria.getByRole('link', { name: /^Back to/ }).click();
	await maria.getByRole('link', { name: IDEA, exact: true }).click();
	await maria.locator('.post-actions').getByRole('button', { name: 'Hide' }).click();
	await waitForText(maria.locator('.post-notes'), 'Hidden by a moderator');
	await waitForText(lars.getByRole('alert').filter({ hasText: /\S/ }), 'A moderator has hidden this post.');
	assert.equal(await lars.getByText('Buy now, pay later').count(), 0);
	await lars.getByRole('link', { name: /^Back to/ }).click();
	await lars.getByRole('link', { name: OTHER, exact: true }).waitFor();
	assert.equal(await postCard(lars, IDEA).count(), 0);
	const url = maria.url();
	await lars.goto(url);
	await lars.getByRole('heading', { level: 1, name: 'Post not available' }).waitFor();
	assert.deepEqual(lars.errors, []);
});

test('admins read the audit log: flags, hides and restores, who and when', { timeout: 60000 }, async () => {
	const ada = await signedInPage(browser, server, 'ada');
	await ada.getByRole('link', { name: 'Audit log' }).click();
	await ada.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
	const rows = ada.locator('.audit-table tbody tr');
	await waitFor(async () => (await rows.count()) >= 7, 'audit entries');
	const text = await ada.locator('.audit-table').textContent();
	for (const s of ['Flagged', 'Hidden', 'Restored', 'Erik Nygaard', 'Maria Lindqvist', 'Looks like an advert'])
		assert.ok(text.includes(s), `audit log lacks ${s}`);
	// Newest first: the last action was Maria hiding the post again.
	await waitForText(rows.first(), 'Hidden');
	// Managers have the queue but not the log; employees neither.
	assert.equal(await maria.getByRole('link', { name: 'Audit log' }).count(), 0);
	await erik.goto(server.url + '/moderation');
	await erik.getByText('Moderation is for managers and admins.').waitFor();
	assert.deepEqual(ada.errors, []);
	await ada.context().close();
});
