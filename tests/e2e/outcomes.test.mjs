// The Outcomes board in three browsers: the owner of a priority (an
// employee) adds a measure and moves it, and the manager's bar moves live;
// the history shows as a chart and a table; an employee who is not the owner
// reads, follows, and hears of the manager's progress update in the bell,
// and comments on it live.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, signedInPage, createRound, openRound, postIdea,
	waitForText, waitFor, PHONE, pickOption,
} from './helpers.mjs';

let server;
let browser;
let maria; // manager
let erik; // employee, the priority's owner
let sofia; // employee
let roundId;
const ROUND = 'Outcomes 2027';

before(async () => {
	server = await startServer();
	browser = await launchBrowser();
	[maria, erik, sofia] = await Promise.all([signedInPage(browser, server, 'maria'),
		signedInPage(browser, server, 'erik'), signedInPage(browser, server, 'sofia')]);
	roundId = await createRound(maria, { title: ROUND, description: 'From priorities to outcomes' });
	// Erik writes an idea, so that Maria's page knows him as an owner to pick.
	await openRound(erik, server, ROUND);
	await postIdea(erik, 'Know every customer', 'One view of each customer.');
	await maria.getByRole('link', { name: 'Know every customer', exact: true }).waitFor();
	await maria.getByRole('link', { name: 'Priorities', exact: true }).click();
	await maria.getByRole('button', { name: 'New priority' }).click();
	await maria.getByLabel('Title').fill('Customer insight');
	await pickOption(maria, 'Owner', 'Erik', 'Erik Nygaard (Employee)');
	await maria.getByRole('button', { name: 'Create priority' }).click();
	await maria.locator('.priority-card').filter({ hasText: 'Customer insight' }).waitFor();
});

after(async () => {
	await browser?.close();
	await server?.cleanup();
});

const board = (page) => page.locator('.outcome-card').filter({ hasText: 'Customer insight' });

test('a measure the owner moves in one browser moves its bar in another', { timeout: 90000 }, async () => {
	await maria.goto(`${server.url}/round/${roundId}/outcomes`);
	await maria.getByRole('heading', { level: 1, name: 'Outcomes' }).waitFor();
	await erik.goto(`${server.url}/round/${roundId}/outcomes`);
	await erik.getByRole('heading', { level: 1, name: 'Outcomes' }).waitFor();

	// The owner adds a measure.
	const add = board(erik).locator('.measure-add');
	await add.getByLabel('Measure').fill('Customers with one view');
	await add.getByLabel('Unit').fill('%');
	await add.getByLabel('Baseline').fill('10');
	await add.getByLabel('Now').fill('20');
	await add.getByLabel('Target').fill('50');
	await add.getByRole('button', { name: 'Add' }).click();

	const bar = board(maria).getByRole('progressbar', { name: /^Customers with one view/ });
	await waitFor(async () => (await bar.getAttribute('aria-valuenow')) === '25', 'the bar at 25 %');
	await waitForText(board(maria).locator('.measure-words'), '10 % → 20 % → 50 %');
	// Managers edit too; the owner moves the measure, and Maria's bar follows.
	await board(erik).getByLabel('Now (Customers with one view)').fill('40');
	await board(erik).locator('.measure-current-form').getByRole('button', { name: 'Save' }).click();
	await waitFor(async () => (await bar.getAttribute('aria-valuenow')) === '75', 'the bar moved to 75 %');
	const width = await bar.locator('.measure-fill').evaluate((el) => el.style.width);
	assert.equal(width, '75%');

	// Its history: a chart (drawing) and the same numbers as a table.
	await board(maria).getByRole('button', { name: /^History/ }).click();
	const table = board(maria).getByRole('table', { name: 'Customers with one view over time' });
	await table.waitFor();
	await waitFor(async () => (await table.locator('tbody tr').count()) === 2, 'two values in the history');
	assert.deepEqual(await table.locator('tbody td:nth-child(2)').allTextContents(), ['20', '40']);
	assert.equal(await board(maria).locator('svg.measure-chart circle').count(), 2);
	// A third value arrives live in the open chart.
	await board(erik).getByLabel('Now (Customers with one view)').fill('45');
	await board(erik).locator('.measure-current-form').getByRole('button', { name: 'Save' }).click();
	await waitFor(async () => (await table.locator('tbody tr').count()) === 3, 'three values in the history');

	// A milestone and the status, by the owner.
	const ms = board(erik).locator('.outcome-add-form').filter({ hasText: 'Add a milestone' });
	await ms.getByLabel('Milestone').fill('Pilot with ten customers');
	await ms.getByLabel('Due').fill('2027-03-31');
	await ms.getByRole('button', { name: 'Add' }).click();
	await waitForText(board(maria).locator('.milestone.is-next'), 'Pilot with ten customers');
	await board(erik).getByLabel('Status').selectOption('at_risk');
	await waitFor(async () => (await board(maria).getByLabel('Status').inputValue()) === 'at_risk', 'the status live');
	assert.deepEqual(maria.errors, []);
	assert.deepEqual(erik.errors, []);
});

test('an employee reads, follows, hears of an update and comments on it', { timeout: 90000 }, async () => {
	await sofia.goto(`${server.url}/round/${roundId}/outcomes`);
	await sofia.getByRole('heading', { level: 1, name: 'Outcomes' }).waitFor();
	// No editing for someone who is not the owner.
	assert.equal(await board(sofia).locator('.measure-add').count(), 0);
	assert.equal(await board(sofia).getByLabel('Status').count(), 0);
	await waitForText(board(sofia).locator('.outcome-status'), 'At risk');
	const follow = board(sofia).getByRole('button', { name: 'Follow' });
	await follow.click();
	await waitFor(async () => (await board(sofia).getByRole('button', { name: 'Following' }).getAttribute('aria-pressed')) === 'true', 'following');

	// The round's opening told her already; the update is one more.
	const before = Number(await sofia.locator('.bell-count').textContent()) || 0;
	await board(maria).getByRole('button', { name: /updates?$/ }).click();
	await board(maria).getByLabel('New progress update (Markdown)').fill('The pilot is **late**: data access.');
	await board(maria).getByRole('button', { name: 'Post update' }).click();
	await waitForText(sofia.locator('.bell-count'), String(before + 1));
	await sofia.locator('button.bell').click();
	await waitForText(sofia.locator('.bell-list'), 'Maria Lindqvist posted an update on a priority you follow');
	await sofia.locator('button.bell').click();
	await waitForText(board(sofia).getByRole('button', { name: /update/ }), '1 update');
	await board(sofia).getByRole('button', { name: '1 update' }).click();
	const upd = board(sofia).locator('.update').first();
	await waitForText(upd, 'The pilot is late');
	assert.equal(await upd.locator('strong').textContent(), 'late');
	await upd.getByLabel('Your comment').fill('Can IT help with the data?');
	await upd.getByRole('button', { name: 'Comment' }).click();
	await waitForText(board(maria).locator('.update-comment'), 'Can IT help with the data?');
	assert.deepEqual(sofia.errors, []);
	assert.deepEqual(maria.errors, []);
});

test('leadership sees every round\'s priorities in one table', { timeout: 60000 }, async () => {
	await maria.getByRole('link', { name: 'Rounds', exact: true }).click();
	await maria.getByRole('link', { name: 'Outcomes across rounds' }).click();
	await maria.getByRole('heading', { level: 1, name: 'Outcomes across rounds' }).waitFor();
	const row = maria.locator('tr').filter({ hasText: 'Customer insight' });
	await waitForText(row, 'At risk');
	await waitForText(row, 'Erik Nygaard');
	await waitForText(row, 'Customers with one view 88%');
	await row.getByRole('link', { name: 'Customer insight' }).click();
	await maria.getByRole('heading', { level: 1, name: 'Outcomes' }).waitFor();
	// An employee is told it is not for them.
	await sofia.goto(`${server.url}/outcomes`);
	await sofia.getByText('Only managers and admins see outcomes across rounds.').waitFor();
	assert.deepEqual(maria.errors, []);
});

test('on a phone: the rounds page and the board fit the screen', { timeout: 60000 }, async () => {
	const phone = await signedInPage(browser, server, 'ada', { viewport: PHONE });
	const overflow = () => phone.evaluate(() => document.documentElement.scrollWidth - innerWidth);
	await phone.getByRole('link', { name: 'Outcomes across rounds' }).waitFor();
	assert.ok(await overflow() <= 0, 'the rounds page is wider than the screen');
	await phone.goto(`${server.url}/round/${roundId}/outcomes`);
	await board(phone).getByRole('progressbar').first().waitFor();
	assert.ok(await overflow() <= 0, 'the outcomes board is wider than the screen');
	assert.deepEqual(phone.errors, []);
	await phone.context().close();
});
