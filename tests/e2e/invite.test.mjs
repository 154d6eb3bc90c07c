// Customers in the room: a manager invites a customer by link; the customer
// joins in a fresh browser, lands signed in, in that round, and sees nothing
// else; a used link says so; staff see "name · organisation" everywhere; a
// manager revokes and restores access, live.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, newPage, signedInPage, createRound, openRound, postIdea, postCard,
	waitForText, waitFor, PASSWORD,
} from './helpers.mjs';

let server;
let browser;
let maria; // manager
let clara; // the invited customer, once she has joined
let inviteUrl;
let invitedId;
let internalId;
const INVITED = 'Service desk of the future';
const INTERNAL = 'Internal: salary bands 2027';
const SECRET = 'Close the Oslo office quietly';

before(async () => {
	server = await startServer();
	browser = await launchBrowser();
	maria = await signedInPage(browser, server, 'maria');
	internalId = await createRound(maria, { title: INTERNAL, description: 'Staff only.' });
	await postIdea(maria, SECRET, 'Not for customers.');
	invitedId = await createRound(maria, { title: INVITED, audience: 'invited', description: 'Tell us what you need.' });
	await postIdea(maria, 'A chat button on every page', 'Answers within a minute.');
});

// The "Customers in this round" panel (a disclosure), opened.
async function openMembers(page) {
	const details = page.locator('details.members');
	await details.waitFor();
	if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
	await waitFor(async () => (await details.getAttribute('open')) !== null, 'the members panel to open');
	return details;
}

after(async () => {
	await browser?.close();
	await server?.cleanup();
});

test('a manager makes a customer invite in the round: a copyable link with its expiry', { timeout: 60000 }, async () => {
	await openMembers(maria);
	await maria.getByRole('button', { name: 'Invite a customer' }).click();
	const link = maria.getByLabel('Invite link for a customer (this round only)');
	await link.waitFor();
	inviteUrl = await link.inputValue();
	assert.match(inviteUrl, new RegExp(`^${server.url}/invite/[A-Za-z0-9_-]{40,}$`));
	await waitForText(maria.locator('.invite-meta'), /Valid until .*\d/);
	// The link is selected for copying.
	assert.equal(await link.evaluate((el) => document.activeElement === el), true);
	assert.deepEqual(maria.errors, []);
});

test('an invited customer joins in a fresh browser and lands signed in, in the round', { timeout: 60000 }, async () => {
	clara = await newPage(browser);
	await clara.goto(inviteUrl);
	await clara.getByRole('heading', { level: 1, name: `You are invited to “${INVITED}”` }).waitFor();
	await waitForText(clara.locator('.invite-expiry'), 'valid until');
	// A taken username is refused beside the Username field.
	await clara.getByLabel('Username').fill('erik');
	await clara.getByLabel('Display name').fill('Clara Jensen');
	await clara.getByLabel('Organisation').fill('Nordbank');
	await clara.getByLabel('Password').fill('clara-password-1');
	await clara.getByRole('button', { name: 'Join' }).click();
	const userError = clara.locator('#' + await clara.getByLabel('Username').getAttribute('aria-describedby'));
	await waitForText(userError, 'That username is taken');
	assert.equal(await clara.getByLabel('Username').getAttribute('aria-invalid'), 'true');
	// With a free one, she is in.
	await clara.getByLabel('Username').fill('clara');
	await clara.getByRole('button', { name: 'Join' }).click();
	await clara.getByRole('heading', { level: 1, name: INVITED, exact: true }).waitFor();
	assert.match(clara.url(), new RegExp(`/round/${invitedId}$`));
	await waitForText(clara.locator('header'), 'Clara Jensen · Nordbank');
	await waitForText(clara.locator('.round-intro'), 'Tell us what you need.');
	// No leadership tools, no moderation for customers.
	assert.equal(await clara.getByRole('link', { name: 'Moderation' }).count(), 0);
	assert.equal(await clara.getByRole('group', { name: 'Export' }).count(), 0);
	assert.deepEqual(clara.errors, []);
});

test('the customer sees only that round; an internal round typed by hand is not found, nothing leaks', { timeout: 60000 }, async () => {
	await clara.getByRole('link', { name: 'Rounds', exact: true }).click();
	await clara.getByRole('heading', { level: 1, name: 'Rounds' }).waitFor();
	await clara.getByRole('link', { name: INVITED, exact: true }).waitFor();
	assert.equal(await clara.locator('.round-item').count(), 1);
	assert.equal(await clara.getByText(INTERNAL).count(), 0);

	await clara.goto(`${server.url}/round/${internalId}`);
	await clara.getByRole('heading', { level: 1, name: 'Round not available' }).waitFor();
	await waitForText(clara.getByRole('alert').filter({ hasText: /\S/ }), 'does not exist, or you are not taking part');
	const text = await clara.locator('body').textContent();
	assert.ok(!text.includes(INTERNAL) && !text.includes(SECRET), 'the internal round leaked');
	// A post of the internal round, and search, give nothing either.
	await clara.goto(`${server.url}/round/${invitedId}`);
	await clara.getByRole('heading', { level: 1, name: INVITED, exact: true }).waitFor();
	await clara.getByRole('searchbox', { name: 'Search this round' }).fill('Oslo');
	await clara.getByRole('button', { name: 'Search', exact: true }).click();
	await waitForText(clara.locator('.search-status'), 'Nothing found');
	assert.deepEqual(clara.errors, []);
});

test('a used invite link says so in words; an unknown one too', { timeout: 60000 }, async () => {
	const page = await newPage(browser);
	await page.goto(inviteUrl);
	await page.getByRole('heading', { level: 1, name: 'This invite has been used' }).waitFor();
	await waitForText(page.getByRole('alert'), 'already been used');
	assert.equal(await page.getByRole('button', { name: 'Join' }).count(), 0);
	// The way on is to sign in.
	await page.getByRole('link', { name: 'Sign in instead' }).click();
	await page.getByRole('button', { name: 'Sign in' }).waitFor();

	await page.goto(`${server.url}/invite/not-a-real-token-at-all`);
	await page.getByRole('heading', { level: 1, name: 'This invite link is not valid' }).waitFor();
	assert.deepEqual(page.errors, []);
	await page.context().close();
});

test('staff see the customer as "name · organisation" in posts, comments, chat and presence; votes by group keep customers apart', { timeout: 90000 }, async () => {
	await openRound(maria, server, INVITED);
	await waitForText(maria.locator('.presence'), 'Clara Jensen · Nordbank');
	await postIdea(clara, 'Let us book a callback', 'Instead of waiting on the phone.');
	await waitForText(postCard(maria, 'Let us book a callback'), 'Clara Jensen · Nordbank');
	await clara.getByLabel('Message').fill('Hello from Nordbank');
	await clara.getByRole('button', { name: 'Send' }).click();
	await waitForText(maria.locator('.chat-log li').filter({ hasText: 'Hello from Nordbank' }), 'Clara Jensen · Nordbank');

	await postCard(clara, 'A chat button on every page').getByRole('button', { name: 'Vote up' }).click();
	await clara.getByRole('link', { name: 'A chat button on every page', exact: true }).click();
	await clara.getByLabel('Comment', { exact: true }).fill('We would use it daily.');
	await clara.getByRole('button', { name: 'Add comment' }).click();
	await maria.getByRole('link', { name: 'A chat button on every page', exact: true }).click();
	await waitForText(maria.locator('.comment-item').filter({ hasText: 'We would use it daily.' }), 'Clara Jensen · Nordbank');
	const by = maria.getByLabel('Votes by group');
	await waitForText(by, 'Customers1 up, 0 down');
	await waitForText(by, 'Employees0 up, 0 down');
	await maria.getByRole('link', { name: /^Back to/ }).click();
	await clara.getByRole('link', { name: /^Back to/ }).click();
	assert.deepEqual(maria.errors, []);
	assert.deepEqual(clara.errors, []);
});

test('revoking access: the customer is told at once and sent to the round list; adding her back restores it', { timeout: 90000 }, async () => {
	const members = await openMembers(maria);
	const row = members.locator('.member').filter({ hasText: 'Clara Jensen · Nordbank' });
	await row.waitFor();
	await row.getByRole('button', { name: 'Revoke access' }).click();
	await row.getByRole('button', { name: 'Yes, revoke access' }).click();
	await waitForText(members.locator('[role="status"]'), 'No customers have access yet.');

	// Clara is told, then (after the server closes her connection and the
	// client reconnects) taken to the round list, where the round is gone.
	await waitForText(clara.getByRole('alert').filter({ hasText: /\S/ }).first(), 'You no longer have access to this round');
	await clara.getByRole('heading', { level: 1, name: 'Rounds' }).waitFor({ timeout: 20000 });
	await waitForText(clara.locator('.flash'), 'You no longer have access to this round');
	await waitFor(async () => (await clara.getByRole('link', { name: INVITED, exact: true }).count()) === 0, 'the round leaving her list');

	// Maria adds her back: she is someone this round knows.
	await maria.getByLabel('Add a customer this round knows').selectOption({ label: 'Clara Jensen · Nordbank' });
	await maria.getByRole('button', { name: 'Add', exact: true }).click();
	await members.locator('.member').filter({ hasText: 'Clara Jensen · Nordbank' }).waitFor();
	await clara.reload();
	await clara.getByRole('link', { name: INVITED, exact: true }).click();
	await clara.getByRole('heading', { level: 1, name: INVITED, exact: true }).waitFor();
	await postCard(clara, 'Let us book a callback').waitFor();
	assert.deepEqual(maria.errors, []);
	assert.deepEqual(clara.errors, []);
});

test('an invite opened where someone is signed in: the form shows, and joining switches to the new account', { timeout: 60000 }, async () => {
	await openRound(maria, server, INVITED);
	await openMembers(maria);
	await maria.getByRole('button', { name: /customer invite|Invite a customer/ }).click();
	const url = await maria.getByLabel('Invite link for a customer (this round only)').inputValue();
	const page = await signedInPage(browser, server, 'sofia');
	await page.goto(url);
	await page.getByRole('heading', { level: 1, name: `You are invited to “${INVITED}”` }).waitFor();
	await waitForText(page.locator('header'), 'Sofia Castro');
	await page.getByLabel('Username').fill('hanna');
	await page.getByLabel('Display name').fill('Hanna Svensson');
	await page.getByLabel('Organisation').fill('Helio Health');
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Join' }).click();
	await page.getByRole('heading', { level: 1, name: INVITED, exact: true }).waitFor();
	await waitForText(page.locator('header'), 'Hanna Svensson · Helio Health');
	await waitForText(maria.locator('.presence'), 'Hanna Svensson · Helio Health');
	assert.deepEqual(page.errors, []);
	await page.context().close();
});

test('a manager invites a colleague from the rounds page; the new employee lands signed in', { timeout: 60000 }, async () => {
	await maria.getByRole('link', { name: 'Rounds', exact: true }).click();
	await maria.getByRole('button', { name: 'Invite a colleague' }).click();
	const url = await maria.getByLabel('Invite link for a colleague').inputValue();
	const page = await newPage(browser);
	await page.goto(url);
	await page.getByRole('heading', { level: 1, name: 'You are invited to join your colleagues' }).waitFor();
	await page.getByLabel('Username').fill('lars');
	await page.getByLabel('Display name').fill('Lars Holm');
	await page.getByLabel('Organisation').fill('Northwind');
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Join' }).click();
	await page.getByRole('heading', { level: 1, name: 'Rounds' }).waitFor();
	await waitForText(page.locator('header'), 'Lars Holm');
	// Staff see the internal round, and the invited one.
	await page.getByRole('link', { name: INTERNAL, exact: true }).waitFor();
	await page.getByRole('link', { name: INVITED, exact: true }).waitFor();
	assert.deepEqual(page.errors, []);
	await page.context().close();
});
