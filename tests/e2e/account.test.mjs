// The Account page, for everyone: reached from one's name in the header;
// what the account is; the display name and language saved (user.settings)
// and said so in the page's language; a new password,
// refused in words when the current one is wrong or the new one too short
// or mistyped, and once changed, every other browser of the person is
// signed out while this one goes on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, newPage, signedInPage, waitForText, PASSWORD,
} from './helpers.mjs';

let server;
let browser;
let erik;
let erikElsewhere; // the same person in another browser

before(async () => {
	server = await startServer();
	browser = await launchBrowser();
	[erik, erikElsewhere] = await Promise.all([signedInPage(browser, server, 'erik'), signedInPage(browser, server, 'erik')]);
	await erik.getByRole('link', { name: /Your account/ }).click();
	await erik.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
});

after(async () => {
	await browser?.close();
	await server?.cleanup();
});

test('the page says who you are', { timeout: 30000 }, async () => {
	const facts = erik.locator('.account-facts');
	await waitForText(facts, 'erik');
	await waitForText(facts, 'Employee');
	await waitForText(facts, 'Northwind');
	assert.equal(await erik.getByLabel('Display name').inputValue(), 'Erik Nygaard');
	assert.equal(new URL(erik.url()).pathname, '/account');
	assert.deepEqual(erik.errors, []);
});

test('the display name is saved, and the header follows', { timeout: 30000 }, async () => {
	await erik.getByLabel('Display name').fill('Erik N.');
	await erik.getByRole('button', { name: 'Save', exact: true }).click();
	const section = erik.locator('.account-section').first();
	await waitForText(section.locator('[role="status"]'), 'Saved.');
	assert.equal(await section.locator('[role="alert"]').textContent(), '');
	await waitForText(erik.locator('.who-name'), 'Erik N.');
	// The other browser of the same person follows too (user.updated).
	await waitForText(erikElsewhere.locator('.who-name'), 'Erik N.');
	// Nothing to save is said too, without asking the server.
	await erik.getByLabel('Display name').fill('Erik N.');
	await erik.getByRole('button', { name: 'Save', exact: true }).click();
	await waitForText(section.locator('[role="status"]'), 'Nothing to save.');
	assert.deepEqual(erik.errors, []);
});

test('a new language is saved and said in that language', { timeout: 30000 }, async () => {
	await erik.getByLabel('Language', { exact: true }).last().selectOption('nb');
	await erik.getByRole('button', { name: 'Save', exact: true }).click();
	// The page is drawn again in Norwegian, and says so in Norwegian.
	await erik.getByRole('heading', { level: 1, name: 'Kontoen din' }).waitFor();
	const section = erik.locator('.account-section').first();
	await waitForText(section.locator('[role="status"]'), 'Lagret.');
	assert.equal(await erik.getByLabel('Visningsnavn').inputValue(), 'Erik N.');
	// Back to English for the tests that follow.
	await erik.getByLabel('Språk', { exact: true }).last().selectOption('en');
	await erik.getByRole('button', { name: 'Lagre', exact: true }).click();
	await erik.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
	await waitForText(erik.locator('.account-section').first().locator('[role="status"]'), 'Saved.');
	assert.deepEqual(erik.errors, []);
});

test('a wrong, short or mistyped password is refused in words', { timeout: 60000 }, async () => {
	const form = erik.locator('.account-section').nth(1);
	const alert = form.locator('[role="alert"]');
	await erik.getByLabel('Current password').fill('not-my-password');
	await erik.getByLabel('New password', { exact: true }).fill('a-brand-new-one');
	await erik.getByLabel('New password again').fill('a-brand-new-one');
	await erik.getByRole('button', { name: 'Change password' }).click();
	await waitForText(alert, 'The current password is wrong.');
	assert.equal(await erik.getByLabel('Current password').getAttribute('aria-invalid'), 'true');
	await erik.getByLabel('Current password').fill(PASSWORD);
	await erik.getByLabel('New password', { exact: true }).fill('short');
	await erik.getByRole('button', { name: 'Change password' }).click();
	await waitForText(alert, 'at least 8 characters');
	await erik.getByLabel('New password', { exact: true }).fill('a-brand-new-one');
	await erik.getByLabel('New password again').fill('a-brand-new-two');
	await erik.getByRole('button', { name: 'Change password' }).click();
	await waitForText(alert, 'The two new passwords differ.');
	// Nothing changed: the other browser is still signed in.
	await erikElsewhere.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 2000 });
	assert.deepEqual(erik.errors, []);
});

test('a new password signs every other browser out; this one goes on', { timeout: 60000 }, async () => {
	const form = erik.locator('.account-section').nth(1);
	await erik.getByLabel('Current password').fill(PASSWORD);
	await erik.getByLabel('New password', { exact: true }).fill('a-brand-new-one');
	await erik.getByLabel('New password again').fill('a-brand-new-one');
	await erik.getByRole('button', { name: 'Change password' }).click();
	await waitForText(form.locator('[role="status"]'), 'Your password is changed.');
	assert.equal(await erik.getByLabel('Current password').inputValue(), '');
	// The other browser is signed out at once.
	await waitForText(erikElsewhere.locator('main'), 'Your session has ended', 8000);
	// This one goes on: the rounds still load.
	await erik.getByRole('link', { name: 'Rounds', exact: true }).click();
	await erik.getByRole('heading', { level: 1, name: 'Rounds' }).waitFor();
	await erik.getByRole('button', { name: 'Sign out' }).waitFor();
	// The old password no longer signs in; the new one does.
	const fresh = await newPage(browser);
	await fresh.goto(server.url + '/');
	await fresh.getByLabel('Username').fill('erik');
	await fresh.getByLabel('Password').fill(PASSWORD);
	await fresh.getByRole('button', { name: 'Sign in' }).click();
	await waitForText(fresh.getByRole('alert').filter({ hasText: /\S/ }), 'Wrong username or password.');
	await fresh.getByLabel('Password').fill('a-brand-new-one');
	await fresh.getByRole('button', { name: 'Sign in' }).click();
	await fresh.getByRole('button', { name: 'Sign out' }).waitFor();
	assert.deepEqual(fresh.errors, []);
	assert.deepEqual(erik.errors, []);
	assert.deepEqual(erikElsewhere.errors, []);
	await fresh.context().close();
});

test('on a phone too', { timeout: 30000 }, async () => {
	const phone = await signedInPage(browser, server, 'sofia', { viewport: { width: 375, height: 740 } });
	await phone.goto(server.url + '/account');
	await phone.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
	const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - innerWidth);
	assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
	assert.deepEqual(phone.errors, []);
	await phone.context().close();
});
