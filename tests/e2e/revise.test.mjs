// Plans that listen: one person comments on a sentence of a plan and another
// sees it live beside that paragraph; the manager revises the plan in the
// open and the reader sees what changed as a word diff.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, signedInPage, createRound, openRound, postCard, waitForText, waitFor, unique, PHONE,
} from './helpers.mjs';

let server;
let browser;
let maria; // manager
let erik; // employee
const ROUND = unique('Plans that listen');

before(async () => {
	server = await startServer();
	browser = await launchBrowser();
	maria = await signedInPage(browser, server, 'maria');
	erik = await signedInPage(browser, server, 'erik');
	await createRound(maria, { title: ROUND, description: 'Critique the plan.' });
	await openRound(erik, server, ROUND);
});

after(async () => {
	await browser?.close();
	await server?.cleanup();
});

// Selects the words in the paragraph n of page's post, as a reader's mouse would.
async function selectWords(page, n, words) {
	await page.evaluate(({ n, words }) => {
		const el = document.querySelector(`.post-article [data-block="${n}"]`);
		const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			const i = node.nodeValue.indexOf(words);
			if (i < 0) continue;
			const r = document.createRange();
			r.setStart(node, i);
			r.setEnd(node, i + words.length);
			const sel = document.getSelection();
			sel.removeAllRanges();
			sel.addRange(r);
			return;
		}
		throw new Error(`no "${words}" in block ${n}`);
	}, { n, words });
}

test('a comment on a sentence shows beside its paragraph, live; the revised plan shows what changed', { timeout: 90000 }, async () => {
	const title = unique('Plan: the Nordics first');
	await maria.getByRole('button', { name: 'New plan' }).click();
	await maria.getByLabel('Title').fill(title);
	await maria.getByLabel('Body').fill('## Why\n\nWe grow in the Nordics first. Then we look south.\n\nWe hire ten sales people.');
	await maria.getByRole('button', { name: 'Post', exact: true }).click();
	await postCard(erik, title).waitFor();

	// Both open the plan.
	await erik.getByRole('link', { name: title, exact: true }).click();
	await erik.getByRole('heading', { level: 1, name: title }).waitFor();
	await maria.getByRole('link', { name: title, exact: true }).click();
	await maria.getByRole('heading', { level: 1, name: title }).waitFor();
	await maria.locator('.post-article [data-block="1"]').waitFor();

	// Erik selects a sentence of the second paragraph and comments on it.
	await erik.locator('.post-article [data-block="1"]').waitFor();
	await selectWords(erik, 1, 'Nordics first');
	const row = erik.locator('[data-block-row="1"]');
	const button = row.getByRole('button', { name: 'Comment on the selected words' });
	await button.click();
	await waitForText(row.locator('.block-threads label'), 'Nordics first');
	await row.locator('.block-threads textarea').fill('Why not Germany first?');
	await row.getByRole('button', { name: 'Add comment', exact: true }).click();
	await waitForText(row.locator('.block-comment'), 'Why not Germany first?');

	// Maria sees the count on that very paragraph, live, and opens its thread.
	const mrow = maria.locator('[data-block-row="1"]');
	await waitForText(mrow.locator('.block-comments'), '1 comment');
	await waitForText(maria.locator('[data-block-row="2"] .block-comments'), '0 comments');
	await mrow.locator('.block-comments').click();
	await waitForText(mrow.locator('.block-comment'), 'Why not Germany first?');
	await waitForText(mrow.locator('.block-comment .anchor-quote'), 'Nordics first');
	// It is beside the paragraph, not below it, on a desktop screen.
	const para = await maria.locator('.post-article [data-block="1"]').boundingBox();
	const side = await mrow.locator('.block-threads').boundingBox();
	assert.ok(side.x >= para.x + para.width - 1, `threads beside the paragraph: ${JSON.stringify({ para, side })}`);

	// The paragraph button works from the keyboard too.
	await erik.locator('[data-block-row="2"] .block-comments').focus();
	await erik.keyboard.press('Enter');
	await waitForText(erik.locator('[data-block-row="2"] .block-threads label'), 'We hire ten sales people.');
	await erik.keyboard.press('Escape');

	// Maria revises the plan: a paragraph first, a word changed.
	await maria.getByRole('button', { name: 'Edit', exact: true }).first().click();
	const body = maria.locator('.edit-form textarea');
	await body.fill('Summary: Nordic growth.\n\n## Why\n\nWe grow in the Nordics first. Then we look east.\n\nWe hire ten sales people.');
	await maria.getByRole('button', { name: 'Save changes' }).click();
	await waitForText(maria.locator('.post-article .post-meta .badge.revised'), 'revision 2');

	// Erik sees the new text live, the comment still beside its sentence
	// (now paragraph 2), and the plan marked as revised in the list.
	await waitForText(erik.locator('.post-article .prose'), 'look east');
	await waitForText(erik.locator('[data-block-row="2"] .block-comments'), '1 comment');
	await waitForText(erik.locator('.post-article .post-meta'), 'revision 2');
	// What changed: the word diff between revisions 1 and 2.
	await erik.getByRole('button', { name: 'Revisions' }).click();
	await waitForText(erik.locator('.revisions .diff del').first(), 'south.');
	await waitForText(erik.locator('.revisions .diff'), 'east.');
	const inserted = await erik.locator('.revisions .diff ins').allTextContents();
	assert.ok(inserted.some((s) => s.includes('east.')), `inserted: ${inserted}`);
	assert.ok(inserted.some((s) => s.includes('Summary:')), `inserted: ${inserted}`);

	await erik.getByRole('link', { name: /^Back to/ }).click();
	await waitForText(postCard(erik, title).locator('.badge.revised'), 'revision 2');

	// Erik corrects his comment; Maria sees the new words.
	await erik.getByRole('link', { name: title, exact: true }).click();
	await erik.locator('.comment-item').getByRole('button', { name: 'Edit' }).click();
	await erik.locator('.comment-edit textarea').fill('Why not Germany and Poland first?');
	await erik.getByRole('button', { name: 'Save changes' }).click();
	await waitForText(maria.locator('.comments .comment-item .prose'), 'Germany and Poland');
	await waitForText(maria.locator('.comments .comment-item .edited'), 'edited');

	assert.deepEqual(maria.errors, []);
	assert.deepEqual(erik.errors, []);
});

test('on a phone the threads open below their paragraph', { timeout: 60000 }, async () => {
	const phone = await signedInPage(browser, server, 'erik', { viewport: PHONE });
	await openRound(phone, server, ROUND);
	await phone.locator('.post-card .post-title a').first().click();
	await phone.locator('.post-article [data-block="2"]').waitFor();
	await phone.locator('[data-block-row="2"] .block-comments').click();
	const para = await phone.locator('.post-article [data-block="2"]').boundingBox();
	const side = await phone.locator('[data-block-row="2"] .block-threads').boundingBox();
	assert.ok(side.y >= para.y + para.height - 1, `threads below the paragraph: ${JSON.stringify({ para, side })}`);
	const width = await phone.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(width <= 375, `no sideways scrolling: ${width}`);
	assert.deepEqual(phone.errors, []);
	await phone.context().close();
});
