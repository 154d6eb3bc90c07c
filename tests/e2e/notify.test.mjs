// Notifications in the browser: the bell counts up live when someone replies
// (on a page that is not the post's), and its list opens the comment at its
// place, highlighted; mark all read empties the count.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, signedInPage, createRound, openRound, postIdea,
	waitForText, waitFor, unique,
} from './helpers.mjs';

let server;
let browser;
let maria; // manager
let erik; // employee
const ROUND = unique('Service 2027');

before(async () => {
	server = await startServer();
	browser = await launchBrowser();
	maria = await signedInPage(browser, server, 'maria');
	erik = await signedInPage(browser, server, 'erik');
	await createRound(maria, { title: ROUND, description: 'How we serve customers.' });
	await openRound(erik, server, ROUND);
});

after(async () => {
	await browser?.close();
	await server?.cleanup();
});

test('the bell counts a reply live and opens the comment', { timeout: 90000 }, async () => {
	const title = unique('A single case number');
	await postIdea(erik, title, 'One number per case, whatever the channel.');
	// Erik reads the notices he has (the round opening) and leaves for the
	// list of rounds: he is no longer in the post or the round.
	const bell = erik.locator('button.bell');
	await bell.click();
	const markAll = erik.getByRole('button', { name: 'Mark all read' });
	if (await markAll.count()) await markAll.click();
	await waitFor(async () => (await erik.locator('.bell-count').isHidden()), 'no unread count');
	await bell.click();
	await erik.getByRole('link', { name: 'Rounds', exact: true }).click();
	await erik.getByRole('heading', { level: 1, name: 'Rounds' }).waitFor();

	await openRound(maria, server, ROUND);
	await maria.getByRole('link', { name: title, exact: true }).click();
	await maria.getByRole('heading', { level: 1, name: title }).waitFor();
	await maria.getByLabel('Comment', { exact: true }).fill('Yes, and @erik please draft it.');
	await maria.getByRole('button', { name: 'Add comment' }).click();
	const comment = maria.locator('.comment-item').filter({ hasText: 'please draft it' });
	await comment.waitFor();
	// The mention (a /u/erik link from the server) shows as a marked name.
	await waitForText(comment.locator('.mention[data-username="erik"]'), '@erik');
	const commentId = await comment.getAttribute('id');

	// Live: one notice (a reply that also mentions him is one).
	await waitForText(erik.locator('.bell-count'), '1');
	assert.match(await bell.getAttribute('aria-label'), /1 unread/);
	await maria.getByLabel('Comment', { exact: true }).fill('And a second thought.');
	await maria.getByRole('button', { name: 'Add comment' }).click();
	await waitForText(erik.locator('.bell-count'), '2');

	await bell.click();
	const items = erik.locator('.bell-list .bell-item');
	await waitForText(items.first(), 'Maria Lindqvist replied to you');
	assert.equal(await items.count() >= 2, true);
	// The older of the two is the first comment: open it.
	await items.nth(1).click();
	await erik.getByRole('heading', { level: 1, name: title }).waitFor();
	assert.equal(new URL(erik.url()).hash, `#${commentId}`);
	await waitFor(async () => (await erik.locator(`#${commentId}.is-target`).count()) === 1,
		'the comment highlighted');
	await waitForText(erik.locator('.bell-count'), '1');

	await bell.click();
	await erik.getByRole('button', { name: 'Mark all read' }).click();
	await waitFor(async () => (await erik.locator('.bell-count').isHidden()), 'count gone');
	assert.deepEqual(erik.errors, []);
	assert.deepEqual(maria.errors, []);
});
