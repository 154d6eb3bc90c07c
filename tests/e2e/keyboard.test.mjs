// Keyboard and zoom: skip links to the chat and the post list come right
// after "Skip to content"; sizes follow the root font size (text-only zoom).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, signedInPage, createRound, postIdea } from './helpers.mjs';

let server;
let browser;

before(async () => {
	server = await startServer();
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await server?.cleanup();
});

const focused = (page) => page.evaluate(() => {
	const el = document.activeElement;
	return { text: el.textContent.trim(), label: el.labels && el.labels[0] ? el.labels[0].textContent : '', inChat: !!el.closest('.chat'), inList: !!el.closest('.post-list') };
});

test('Tab reaches the chat and the post list through skip links', { timeout: 90000 }, async () => {
	const maria = await signedInPage(browser, server, 'maria');
	await createRound(maria, { title: 'Keyboard round' });
	for (let i = 1; i <= 12; i++) await postIdea(maria, `Idea number ${i}`, `Body ${i}.`);
	await maria.reload();
	await maria.locator('.round-side').waitFor();
	await maria.locator('.post-card').first().waitFor();

	// From the page's load: Skip to content, then Skip to chat.
	await maria.keyboard.press('Tab');
	assert.equal((await focused(maria)).text, 'Skip to content');
	await maria.keyboard.press('Tab');
	assert.equal((await focused(maria)).text, 'Skip to chat');
	assert.equal(await maria.getByRole('link', { name: 'Skip to chat' }).isVisible(), true, 'visible on focus');
	await maria.keyboard.press('Enter');
	const f = await focused(maria);
	assert.equal(f.inChat, true);
	assert.equal(f.label, 'Message');

	await maria.reload();
	await maria.locator('.post-card').first().waitFor();
	for (let i = 0; i < 3; i++) await maria.keyboard.press('Tab');
	assert.equal((await focused(maria)).text, 'Skip to posts');
	await maria.keyboard.press('Enter');
	const g = await focused(maria);
	assert.equal(g.inList, true);
	assert.equal(g.text, 'Idea number 12');
	assert.deepEqual(maria.errors, []);
	await maria.context().close();
});

test('doubling the root font size doubles headings and body text', { timeout: 60000 }, async () => {
	const maria = await signedInPage(browser, server, 'maria');
	const size = (sel) => maria.locator(sel).first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
	const widthOf = (sel) => maria.locator(sel).first().evaluate((el) => el.getBoundingClientRect().width);
	await maria.setViewportSize({ width: 3000, height: 900 });
	const h1 = await size('main h1');
	const body = await size('body');
	const page = await widthOf('.site-main');
	await maria.evaluate(() => { document.documentElement.style.fontSize = '32px'; });
	assert.equal(await size('main h1'), 2 * h1);
	assert.equal(await size('body'), 2 * body);
	assert.equal(await widthOf('.site-main'), 2 * page, 'the text column grows with the text');
	await maria.context().close();
});
