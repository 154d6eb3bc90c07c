// Two people in one round, in two browser contexts: what one does, the other
// sees without reloading. Ideas, threaded replies, votes, dots, chat, presence.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, signedInPage, createRound, openRound, postIdea, postCard,
	waitForText, waitFor, unique, PHONE,
} from './helpers.mjs';

let server;
let browser;
let maria; // manager
let erik; // employee
const ROUND = 'Growth 2027: where do we bet?';

before(async () => {
	server = await startServer();
	browser = await launchBrowser();
	maria = await signedInPage(browser, server, 'maria');
	erik = await signedInPage(browser, server, 'erik');
	await createRound(maria, { title: ROUND, description: 'Three markets, one budget.\n\nTell us where to bet.' });
	await openRound(erik, server, ROUND);
});

after(async () => {
	await browser?.close();
	await server?.cleanup();
});

test('the round shows its description and phase, and who is online', { timeout: 60000 }, async () => {
	await waitForText(erik.locator('.round-intro'), 'Tell us where to bet.');
	await waitForText(erik.locator('.round-intro .badge.phase'), 'Open');
	// Both are subscribed: each sees the other in the room.
	await waitForText(maria.locator('.presence'), 'Erik Nygaard');
	await waitForText(erik.locator('.presence'), 'Maria Lindqvist');
});

test('an idea posted in one browser arrives in the other without a reload', { timeout: 60000 }, async () => {
	const title = unique('Open a Hamburg office');
	await erik.getByRole('button', { name: 'New idea' }).click();
	await erik.getByLabel('Title').fill(title);
	await erik.getByLabel('Body').fill('We already have **twelve** customers there.\n\n- rent is low\n- hiring is easy');
	// The Markdown preview renders as one types.
	await waitForText(erik.locator('.preview strong'), 'twelve');
	assert.equal(await erik.locator('.preview li').count(), 2);
	const navigations = [];
	maria.on('framenavigated', (f) => { if (f === maria.mainFrame()) navigations.push(f.url()); });
	await erik.getByRole('button', { name: 'Post', exact: true }).click();
	await erik.getByRole('link', { name: title, exact: true }).waitFor();
	await maria.getByRole('link', { name: title, exact: true }).waitFor();
	await waitForText(postCard(maria, title), 'Erik Nygaard');
	assert.deepEqual(navigations, [], 'the other page did not reload');
	// Sorting by newest puts it first.
	await maria.getByRole('button', { name: 'Newest' }).click();
	await waitForText(maria.locator('.post-card .post-title').first(), title);
	assert.deepEqual(maria.errors, []);
	assert.deepEqual(erik.errors, []);
});

test('a manager posts a plan; employees see it live and cannot post plans', { timeout: 60000 }, async () => {
	const title = unique('Plan: two new markets by 2027');
	await maria.getByRole('button', { name: 'New plan' }).click();
	await maria.getByRole('heading', { name: 'New plan' }).waitFor();
	await maria.getByLabel('Title').fill(title);
	await maria.getByLabel('Body').fill('## Why\n\nGrowth at home has slowed.\n\n1. Germany\n2. Poland');
	await maria.getByRole('button', { name: 'Post', exact: true }).click();
	const card = postCard(erik, title);
	await card.waitFor();
	await waitForText(card.locator('.badge.kind'), 'Plan');
	assert.equal(await erik.getByRole('button', { name: 'New plan' }).count(), 0);
	// The rendered Markdown of the plan, from the server.
	await erik.getByRole('link', { name: title, exact: true }).click();
	await erik.getByRole('heading', { level: 1, name: title }).waitFor();
	await waitForText(erik.locator('.post-article .prose ol li').nth(1), 'Poland');
	await erik.getByRole('link', { name: /^Back to/ }).click();
	await erik.getByRole('heading', { level: 1, name: ROUND }).waitFor();
});

test('a threaded reply, live on both sides', { timeout: 60000 }, async () => {
	const title = unique('Partner with a logistics firm');
	await postIdea(maria, title, 'Outsource the last mile.');
	await erik.getByRole('link', { name: title, exact: true }).click();
	await erik.getByRole('heading', { level: 1, name: title }).waitFor();
	await maria.getByRole('link', { name: title, exact: true }).click();
	await maria.getByRole('heading', { level: 1, name: title }).waitFor();

	await erik.getByLabel('Comment', { exact: true }).fill('Which firm do you have in mind?');
	await erik.getByRole('button', { name: 'Add comment' }).click();
	const first = maria.locator('.comment-item').filter({ hasText: 'Which firm do you have in mind?' });
	await first.waitFor();

	await first.getByRole('button', { name: 'Reply' }).first().click();
	await maria.getByLabel('Reply to Erik Nygaard').fill('Nordfrakt, they *already* serve us.');
	await maria.getByRole('button', { name: 'Add reply' }).click();

	// On Erik's side the reply arrives nested under his comment.
	const nested = erik.locator('.comment-item').filter({ hasText: 'Which firm do you have in mind?' })
		.locator('.thread .comment-item').filter({ hasText: 'Nordfrakt' });
	await nested.waitFor();
	await waitForText(nested.locator('em'), 'already');
	await waitForText(erik.locator('.comments h2'), '2 comments');

	// And a reply to the reply goes one level deeper.
	await nested.getByRole('button', { name: 'Reply' }).first().click();
	await erik.getByLabel('Reply to Maria Lindqvist').fill('Good, then let us ask them.');
	await erik.getByRole('button', { name: 'Add reply' }).click();
	const deeper = maria.locator('.comment-item .thread .comment-item .thread .comment-item')
		.filter({ hasText: 'Good, then let us ask them.' });
	await deeper.waitFor();

	// A reload (or a shared link) opens the post with its whole thread.
	await erik.reload();
	await erik.getByRole('heading', { level: 1, name: title }).waitFor();
	await erik.locator('.comment-item .thread .comment-item .thread .comment-item')
		.filter({ hasText: 'Good, then let us ask them.' }).waitFor();

	// The list shows the count once back in the round.
	await erik.getByRole('link', { name: /^Back to/ }).click();
	await waitForText(postCard(erik, title).locator('.post-comments'), '3 comments');
	await maria.getByRole('link', { name: /^Back to/ }).click();
	assert.deepEqual(maria.errors, []);
	assert.deepEqual(erik.errors, []);
});

test('up and down votes: my vote shown, the tally live in the other browser', { timeout: 60000 }, async () => {
	const title = unique('Sell the hardware unit');
	await postIdea(maria, title, 'Focus on software.');
	const mine = postCard(erik, title);
	const theirs = postCard(maria, title);
	await mine.waitFor();

	await mine.getByRole('button', { name: 'Vote up' }).click();
	await waitFor(async () => (await mine.getByRole('button', { name: 'Vote up' }).getAttribute('aria-pressed')) === 'true', 'my up-vote');
	await waitForText(mine.locator('.vote-total'), '+1');
	await waitForText(theirs.locator('.vote-total'), '+1');
	// Events never carry my_vote: Maria has not voted, so nothing is pressed for her.
	assert.equal(await theirs.getByRole('button', { name: 'Vote up' }).getAttribute('aria-pressed'), 'false');

	await theirs.getByRole('button', { name: 'Vote down' }).click();
	await waitForText(mine.locator('.vote-total'), /^0$/);
	// Erik's own vote is still shown after Maria's tally arrived.
	assert.equal(await mine.getByRole('button', { name: 'Vote up' }).getAttribute('aria-pressed'), 'true');

	// Pressing again withdraws.
	await mine.getByRole('button', { name: 'Vote up' }).click();
	await waitFor(async () => (await mine.getByRole('button', { name: 'Vote up' }).getAttribute('aria-pressed')) === 'false', 'withdrawn vote');
	await waitForText(theirs.locator('.vote-total'), '\u22121');
	assert.deepEqual(erik.errors, []);
});

test('dot voting: the budget goes down as dots are spent, the total is live', { timeout: 90000 }, async () => {
	const round = 'Dots: which market first?';
	await createRound(maria, { title: round, voteMode: 'dots', dots: 3 });
	await postIdea(maria, 'Poland', 'Close to our plants.');
	await openRound(erik, server, round);
	await waitForText(erik.locator('.budget'), '3 of 3 dots left');
	const card = postCard(erik, 'Poland');
	await card.getByRole('button', { name: 'Add a dot' }).click();
	await waitForText(erik.locator('.budget'), '2 of 3 dots left');
	await card.getByRole('button', { name: 'Add a dot' }).click();
	await waitForText(erik.locator('.budget'), '1 of 3 dots left');
	await waitForText(postCard(maria, 'Poland').locator('.vote-total'), /^2$/);
	await card.getByRole('button', { name: 'Remove a dot' }).click();
	await waitForText(erik.locator('.budget'), '2 of 3 dots left');
	await waitForText(postCard(maria, 'Poland').locator('.vote-total'), /^1$/);
	// After a reload the budget comes from the server's my_vote.
	await erik.reload();
	await erik.getByRole('heading', { level: 1, name: round }).waitFor();
	await waitForText(erik.locator('.budget'), '2 of 3 dots left');
	await openRound(erik, server, ROUND);
	await openRound(maria, server, ROUND);
});

test('chat between two people, with history for late-comers', { timeout: 60000 }, async () => {
	await maria.getByLabel('Message').fill('Welcome, everyone: the round is open.');
	await maria.getByRole('button', { name: 'Send' }).click();
	const got = erik.locator('.chat-log li').filter({ hasText: 'Welcome, everyone: the round is open.' });
	await got.waitFor();
	await waitForText(got, 'Maria Lindqvist');
	assert.equal(await maria.getByLabel('Message').inputValue(), '');

	await erik.getByLabel('Message').fill('Thanks! Where do we put questions?');
	await erik.getByLabel('Message').press('Enter');
	await maria.locator('.chat-log li').filter({ hasText: 'Where do we put questions?' }).waitFor();

	// A third person coming in later gets the history, oldest first.
	const sofia = await signedInPage(browser, server, 'sofia');
	await openRound(sofia, server, ROUND);
	const log = sofia.locator('.chat-log li');
	await waitFor(async () => (await log.count()) >= 2, 'chat history');
	const texts = await log.allTextContents();
	const a = texts.findIndex((x) => x.includes('Welcome, everyone'));
	const b = texts.findIndex((x) => x.includes('Where do we put questions?'));
	assert.ok(a >= 0 && b > a, `history in order: ${JSON.stringify(texts)}`);
	// And the others see her arrive.
	await waitForText(maria.locator('.presence'), 'Sofia Castro');
	await sofia.context().close();
	await waitFor(async () => !(await maria.locator('.presence').textContent()).includes('Sofia Castro'), 'Sofia leaving');
	assert.deepEqual(sofia.errors, []);
});

test('a phone-sized screen: no sideways scrolling, everything reachable', { timeout: 60000 }, async () => {
	const phone = await signedInPage(browser, server, 'sofia', { viewport: PHONE });
	await openRound(phone, server, ROUND);
	const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
	await phone.getByRole('button', { name: 'New idea' }).click();
	await phone.getByLabel('Title').waitFor();
	await phone.getByLabel('Message').fill('Hello from a phone');
	await phone.getByRole('button', { name: 'Send' }).click();
	await maria.locator('.chat-log li').filter({ hasText: 'Hello from a phone' }).waitFor();
	const overflow2 = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow2 <= 0, `page is ${overflow2}px wider than the screen with the form open`);
	assert.deepEqual(phone.errors, []);
	await phone.context().close();
});
