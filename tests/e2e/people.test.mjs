// The People page, for admins: thousands of people from a staff list,
// found by typing and by role, a page at a time; a role changed in place
// reaching the person's open browser at once; disabling (they are signed
// out) and enabling again; a password link to copy, which the person opens
// to set a password and land signed in, once; the last admin kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
	startServer, launchBrowser, newPage, signedInPage, waitForText, waitFor, BIN, ROOT,
} from './helpers.mjs';

let server;
let browser;
let ada; // admin
let erik; // employee, whose role changes
const STAFF = 2500;

before(async () => {
	server = await startServer();
	// A staff list of 2,500 (tests/bench/staff-csv.sh), imported while the
	// server runs; its few admins made managers, so that Ada is the only
	// admin.
	const csv = path.join(server.dir, 'staff.csv');
	const list = execFileSync('sh', [path.join(ROOT, 'tests/bench/staff-csv.sh'), String(STAFF)], { encoding: 'utf8' });
	writeFileSync(csv, list.replaceAll(',admin,', ',manager,'));
	const out = execFileSync(BIN, ['user', 'import', '--db', server.db, '--csv', csv], { encoding: 'utf8' });
	assert.match(out, /imported 2500: created 2500, updated 0, unchanged 0/);
	browser = await launchBrowser();
	[ada, erik] = await Promise.all([signedInPage(browser, server, 'ada'), signedInPage(browser, server, 'erik')]);
	await ada.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
	await ada.getByRole('link', { name: 'People', exact: true }).click();
	await ada.getByRole('heading', { level: 1, name: 'People' }).waitFor();
});

after(async () => {
	await browser?.close();
	await server?.cleanup();
});

const summary = () => ada.locator('.people-summary');
const row = (username) => ada.locator(`tr[data-username="${username}"]`);

test('thousands of people, a page at a time', { timeout: 60000 }, async () => {
	// 2,500 imported and the 4 of the test.
	await waitForText(summary(), 'Showing 1–50 of 2,504 people');
	assert.equal(await ada.locator('.people-table tbody tr').count(), 50);
	await waitForText(ada.locator('.people-pager'), 'Page 1 of 51');
	await ada.getByRole('button', { name: 'Next' }).click();
	await waitForText(summary(), 'Showing 51–100 of 2,504 people');
	await waitForText(ada.locator('.people-pager'), 'Page 2 of 51');
	await ada.getByRole('button', { name: 'Previous' }).click();
	await waitForText(summary(), 'Showing 1–50 of 2,504 people');
	assert.equal(await ada.getByRole('button', { name: 'Previous' }).isDisabled(), true);
	assert.deepEqual(ada.errors, []);
});

test('search as you type, and filter by role', { timeout: 60000 }, async () => {
	const box = ada.getByLabel('Search', { exact: true });
	// Typed a key at a time, as a person does: one search once typing pauses.
	await box.pressSequentially('staff0042', { delay: 40 });
	await waitForText(summary(), 'of 10 people');
	assert.equal(await ada.locator('.people-table tbody tr').count(), 10);
	await waitForText(row('staff00421').locator('.people-email'), 'staff00421@example.com');
	// Names with Nordic letters, whatever the case typed.
	await box.fill('ØRJAN');
	await waitForText(summary(), /of [0-9,]+ people/);
	assert.match(await row('staff00003').textContent(), /Lindqvist, Ørjan/);
	await box.fill('');
	await ada.getByLabel('Role', { exact: true }).selectOption({ label: 'Managers' });
	// 50 managers in the list, and Maria.
	await waitForText(summary(), 'Showing 1–50 of 51 people');
	await ada.getByLabel('Role', { exact: true }).selectOption({ label: 'All roles' });
	await box.fill('no such person anywhere');
	await waitForText(summary(), 'Nobody matches.');
	await box.fill('');
	await waitForText(summary(), 'of 2,504 people');
	assert.deepEqual(ada.errors, []);
});

test('a role changed in place reaches the person at once', { timeout: 60000 }, async () => {
	await ada.getByLabel('Search', { exact: true }).fill('Erik Nygaard');
	await waitForText(summary(), 'of 1 person');
	assert.equal(await erik.getByRole('link', { name: 'Moderation' }).count(), 0);
	await row('erik').getByLabel('Role of Erik Nygaard').selectOption('manager');
	await waitForText(row('erik').locator('.people-row-status'), 'Erik Nygaard is now: Manager.');
	// Erik's browser, without a reload: a manager's navigation.
	await erik.getByRole('link', { name: 'Moderation' }).waitFor();
	await waitForText(erik.locator('.who-role'), 'Manager');
	await row('erik').getByLabel('Role of Erik Nygaard').selectOption('employee');
	await waitFor(async () => (await erik.getByRole('link', { name: 'Moderation' }).count()) === 0, 'the link to go');
	assert.deepEqual(ada.errors, []);
	assert.deepEqual(erik.errors, []);
});

test('the last admin stays an admin', { timeout: 60000 }, async () => {
	await ada.getByLabel('Search', { exact: true }).fill('Ada Admin');
	await waitForText(summary(), 'of 1 person');
	const select = row('ada').getByLabel('Role of Ada Admin');
	await select.selectOption('manager');
	await waitForText(row('ada').locator('[role="alert"]'), 'That is the last admin');
	assert.equal(await select.inputValue(), 'admin');
	// And nobody disables themselves: no button for it.
	assert.equal(await row('ada').getByRole('button', { name: 'Disable' }).count(), 0);
	assert.deepEqual(ada.errors, []);
});

test('disabling signs the person out; enabling lets them back', { timeout: 60000 }, async () => {
	await ada.getByLabel('Search', { exact: true }).fill('Erik Nygaard');
	await waitForText(summary(), 'of 1 person');
	await row('erik').getByRole('button', { name: 'Disable' }).click();
	await waitForText(row('erik').locator('.people-confirm'), 'Disable the account of Erik Nygaard?');
	await row('erik').getByRole('button', { name: 'Yes, disable' }).click();
	await waitForText(row('erik'), 'Disabled');
	// Erik's open page loses its session at once.
	await erik.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 10000 });
	await ada.getByLabel('Status', { exact: true }).selectOption({ label: 'Disabled' });
	await waitForText(summary(), 'of 1 person');
	await row('erik').getByRole('button', { name: 'Enable' }).click();
	await waitForText(summary(), 'Nobody matches.');
	await ada.getByLabel('Status', { exact: true }).selectOption({ label: 'Everyone' });
	await waitForText(row('erik'), 'Active');
	assert.deepEqual(ada.errors, []);
});

test('a password link to copy, used once to set a password and sign in', { timeout: 90000 }, async () => {
	await ada.getByLabel('Search', { exact: true }).fill('Sofia Castro');
	await waitForText(summary(), 'of 1 person');
	await row('sofia').getByRole('button', { name: 'Password link' }).click();
	const link = row('sofia').getByLabel('Link for Sofia Castro to set a password');
	await link.waitFor();
	const url = await link.inputValue();
	assert.match(url, new RegExp(`^${server.url}/reset/[A-Za-z0-9_-]{43}$`));
	await row('sofia').getByRole('button', { name: 'Copy link' }).click();
	await waitForText(row('sofia').locator('.copy-status'), 'Copied.');
	assert.equal(await ada.evaluate(() => navigator.clipboard.readText()), url);

	// Sofia opens it in a browser of her own.
	const sofia = await newPage(browser);
	await sofia.goto(url);
	await sofia.getByRole('heading', { level: 1, name: 'A new password for Sofia Castro' }).waitFor();
	await sofia.getByLabel('New password', { exact: true }).fill('sofias-new-pass');
	await sofia.getByLabel('New password again').fill('sofias-other-pass');
	await sofia.getByRole('button', { name: 'Set password' }).click();
	await waitForText(sofia.getByRole('alert').filter({ hasText: /\S/ }), 'differ');
	await sofia.getByLabel('New password again').fill('sofias-new-pass');
	await sofia.getByRole('button', { name: 'Set password' }).click();
	await sofia.getByRole('button', { name: 'Sign out' }).waitFor();
	await waitForText(sofia.locator('.who-name'), 'Sofia Castro');
	assert.deepEqual(sofia.errors, []);
	await sofia.context().close();

	// Once only.
	const again = await newPage(browser);
	await again.goto(url);
	await again.getByRole('heading', { level: 1, name: 'This link has been used' }).waitFor();
	// And the new password signs in.
	await again.goto(server.url + '/');
	await again.getByLabel('Username').fill('sofia');
	await again.getByLabel('Password').fill('sofias-new-pass');
	await again.getByRole('button', { name: 'Sign in' }).click();
	await again.getByRole('button', { name: 'Sign out' }).waitFor();
	assert.deepEqual(again.errors, []);
	await again.context().close();
	assert.deepEqual(ada.errors, []);
});

test('only admins see the page', { timeout: 60000 }, async () => {
	const maria = await signedInPage(browser, server, 'maria');
	assert.equal(await maria.getByRole('link', { name: 'People', exact: true }).count(), 0);
	await maria.goto(server.url + '/people');
	await waitForText(maria.locator('main'), 'People are managed by admins.');
	assert.deepEqual(maria.errors, []);
	await maria.context().close();
});
