// The client in the reader's language: a Norwegian browser gets Norwegian
// everywhere (words, dates, clock, errors); the header's language menu
// changes the page at once, without a reload, and the choice is kept (for
// a signed-in person on the server, before signing in in the browser);
// the sign-in and invite pages have the menu too. And search finds
// Danish words in their other forms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
	startServer, launchBrowser, newPage, signIn, createRound, postIdea, PASSWORD, BIN, WEB,
	waitFor, waitForText,
} from './helpers.mjs';

const { default: en } = await import(path.join(WEB, 'i18n/en.js'));
const { default: nb } = await import(path.join(WEB, 'i18n/nb.js'));

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

const forms = (v) => (typeof v === 'object' && v ? Object.values(v) : [v]);

// The English the client could show, as the literal pieces between
// placeholders, long enough not to be a word the languages share ("Chat",
// "Plan") and not also in the Norwegian text ("Markdown", the brand).
const ENGLISH = (() => {
	const out = new Set();
	for (const [k, v] of Object.entries(en)) {
		const theirs = forms(nb[k]).join('\n');
		for (const f of forms(v))
			for (const piece of f.split(/\{\w+\}/)) {
				const s = piece.trim();
				if ((s.match(/\p{L}/gu) || []).length >= 6 && !theirs.includes(s)) out.add(s);
			}
	}
	return [...out];
})();

// Everything a person can read or hear on the page: the text (screen-reader
// text included), the labels, tooltips and placeholders, and the title.
function readable(page) {
	return page.evaluate(() => [
		document.title,
		document.body.innerText,
		...[...document.querySelectorAll('[aria-label],[title],[placeholder],[alt]')].flatMap((el) =>
			['aria-label', 'title', 'placeholder', 'alt'].map((a) => el.getAttribute(a) || '')),
	].join('\n'));
}

// Whole words only: "invite" is not in "invitert".
const ENGLISH_RE = ENGLISH.map((s) => [s, new RegExp(`(?<![\\p{L}\\p{N}])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'u')]);

async function assertNoEnglish(page, where) {
	const text = await readable(page);
	const found = ENGLISH_RE.filter(([, re]) => re.test(text)).map(([s]) => s);
	assert.deepEqual(found, [], `English on ${where}:\n${found.join('\n')}`);
}

const htmlLang = (page) => page.evaluate(() => document.documentElement.lang);

test('a Norwegian browser gets the round in Norwegian: words, dates, clock and errors', { timeout: 120000 }, async () => {
	const page = await newPage(browser, { locale: 'nb-NO' });
	await page.goto(server.url + '/');
	await page.getByRole('heading', { level: 1, name: 'Logg inn' }).waitFor();
	assert.equal(await htmlLang(page), 'nb');
	await assertNoEnglish(page, 'the sign-in page');

	// A refusal from the server is told by its code, in Norwegian.
	await page.getByLabel('Brukernavn').fill('maria');
	await page.getByLabel('Passord').fill('ikke-passordet');
	await page.getByRole('button', { name: 'Logg inn' }).click();
	await waitForText(page.getByRole('alert').filter({ hasText: /\S/ }), nb['error.bad_credentials']);

	await page.getByLabel('Passord').fill(PASSWORD);
	await page.getByRole('button', { name: 'Logg inn' }).click();
	await page.getByRole('button', { name: 'Logg ut' }).waitFor();
	await page.getByRole('heading', { level: 1, name: 'Runder' }).waitFor();
	await assertNoEnglish(page, 'the list of rounds');

	// A manager's round, made and filled through the Norwegian page.
	await page.getByRole('button', { name: 'Ny runde' }).click();
	await page.getByLabel('Tittel').fill('Strategi 2027');
	await page.getByLabel('Beskrivelse').fill('Hvor skal vi vokse de neste tre årene?');
	await page.getByRole('button', { name: 'Opprett runde' }).click();
	await page.getByRole('heading', { level: 1, name: 'Strategi 2027' }).waitFor();
	await page.getByRole('button', { name: 'Åpne runden' }).click();
	await page.getByRole('dialog').getByRole('button', { name: 'Åpne runden' }).click();
	await waitForText(page.locator('.round-intro .badge.phase'), 'Åpen');
	await page.getByRole('button', { name: 'Ny idé' }).click();
	await page.getByLabel('Tittel').fill('Felles kundeportal');
	await page.getByLabel('Tekst').fill('Én inngang for **alle** kunder.');
	await page.getByRole('button', { name: 'Publiser', exact: true }).click();
	await page.getByRole('link', { name: 'Felles kundeportal', exact: true }).waitFor();
	await page.getByLabel('Melding').fill('Hei alle sammen');
	await page.getByRole('button', { name: 'Send', exact: true }).click();
	await page.locator('.chat-msg').filter({ hasText: 'Hei alle sammen' }).waitFor();
	await assertNoEnglish(page, 'the round page');

	// Dates and times in Norwegian: "4. des. 2026, 13:05", a 24-hour clock.
	const chatTime = page.locator('.chat-msg time').first();
	assert.match(await chatTime.textContent(), /^\d{2}[:.]\d{2}$/);
	assert.match(await chatTime.getAttribute('title'), /^\d{1,2}\. \p{L}+\.? \d{4},? (kl\. )?\d{2}[:.]\d{2}$/u);
	const postTime = page.locator('.post-card time').first();
	assert.equal(await postTime.textContent(), nb['time.just_now']);
	assert.doesNotMatch(await readable(page), /\b(AM|PM)\b/);

	// The post and its thread.
	await page.getByRole('link', { name: 'Felles kundeportal', exact: true }).click();
	await page.getByRole('textbox', { name: 'Kommentar' }).fill('Godt forslag.');
	await page.getByRole('button', { name: 'Legg til kommentar' }).click();
	await page.getByRole('heading', { name: '1 kommentar' }).waitFor();
	await assertNoEnglish(page, 'the post page');

	// Leadership's pages and the moderation queue.
	const round = /\/round\/(\d+)/.exec(page.url())[1];
	for (const [where, heading] of [[`/round/${round}/priorities`, 'lead.priorities'],
		[`/round/${round}/insights`, 'insights.heading'], ['/moderation', 'mod.title']]) {
		await page.goto(server.url + where);
		await page.getByRole('heading', { level: 1, name: nb[heading] }).waitFor();
		await page.locator('[aria-busy="true"]').waitFor({ state: 'detached' });
		await assertNoEnglish(page, where);
	}
	assert.deepEqual(page.errors, []);
	await page.context().close();
});

test('the menu switches a signed-in page to Swedish without a reload, every tab follows, and it is kept', { timeout: 120000 }, async () => {
	const page = await newPage(browser, { locale: 'nb-NO' });
	await signInAs(page, 'erik', 'Logg inn', 'Logg ut');
	const other = await page.context().newPage();
	await other.goto(server.url + '/');
	await other.getByRole('button', { name: 'Logg ut' }).waitFor();
	await page.evaluate(() => { window.__marker = 'same page'; });
	await other.evaluate(() => { window.__marker = 'same page'; });

	await page.getByLabel(nb['lang.label']).selectOption('sv');
	await waitFor(async () => (await htmlLang(page)) === 'sv', 'the page to be in Swedish');
	assert.equal(await page.evaluate(() => window.__marker), 'same page', 'the page was reloaded');
	// Needs the Swedish dictionary (web/i18n/sv.js).
	await page.getByRole('button', { name: 'Logga ut' }).waitFor();
	await page.getByRole('heading', { level: 1, name: 'Rundor' }).waitFor();
	assert.equal(await page.getByLabel('Språk').inputValue(), 'sv');

	// The person's other tab hears of it and follows, also without a reload.
	await waitFor(async () => (await htmlLang(other)) === 'sv', 'the other tab to follow');
	assert.equal(await other.evaluate(() => window.__marker), 'same page');
	await other.getByRole('button', { name: 'Logga ut' }).waitFor();

	// Kept by the server: a reload, and a browser that prefers Norwegian and
	// never saw the choice, both open in Swedish.
	await page.reload();
	await page.getByRole('button', { name: 'Logga ut' }).waitFor();
	assert.equal(await htmlLang(page), 'sv');
	const fresh = await newPage(browser, { locale: 'nb-NO' });
	await signInAs(fresh, 'erik', 'Logg inn', 'Logga ut');
	assert.equal(await htmlLang(fresh), 'sv');
	assert.deepEqual(page.errors, []);
	assert.deepEqual(fresh.errors, []);
	await fresh.context().close();
	await page.context().close();
});

test('signed out, the sign-in page switches language at once and the browser keeps it', { timeout: 60000 }, async () => {
	const page = await newPage(browser, { locale: 'en-US' });
	await page.goto(server.url + '/');
	await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
	assert.equal(await htmlLang(page), 'en');
	await page.getByLabel('Username').fill('sofia');
	await page.evaluate(() => { window.__marker = 'same page'; });

	await page.getByLabel(en['lang.label']).selectOption('nb');
	await page.getByRole('heading', { level: 1, name: 'Logg inn' }).waitFor();
	assert.equal(await htmlLang(page), 'nb');
	assert.equal(await page.evaluate(() => window.__marker), 'same page', 'the page was reloaded');
	assert.equal(await page.getByLabel('Brukernavn').inputValue(), 'sofia', 'what was typed is kept');
	await assertNoEnglish(page, 'the sign-in page after switching');

	await page.reload();
	await page.getByRole('heading', { level: 1, name: 'Logg inn' }).waitFor();
	assert.equal(await page.getByLabel(nb['lang.label']).inputValue(), 'nb');
	// Signed in without a language of her own, she keeps this browser's.
	await page.getByLabel('Brukernavn').fill('sofia');
	await page.getByLabel('Passord').fill(PASSWORD);
	await page.getByRole('button', { name: 'Logg inn' }).click();
	await page.getByRole('button', { name: 'Logg ut' }).waitFor();
	assert.equal(await htmlLang(page), 'nb');
	assert.deepEqual(page.errors, []);
	await page.context().close();
});

test('the invite page speaks the browser\'s language and has the menu', { timeout: 60000 }, async () => {
	const token = execFileSync(BIN, ['invite', 'create', '--db', server.db, '--role', 'employee'],
		{ encoding: 'utf8' }).trim();
	const page = await newPage(browser, { locale: 'nb-NO' });
	await page.goto(`${server.url}/invite/${token}`);
	await page.getByRole('heading', { level: 1, name: nb['invite.heading_staff'] }).waitFor();
	const expiry = await page.locator('.invite-expiry').textContent();
	assert.match(expiry, /^Invitasjonen gjelder til \d{1,2}\. \p{L}+\.? \d{4},? (kl\. )?\d{2}[:.]\d{2}\.$/u);
	await assertNoEnglish(page, 'the invite page');

	await page.getByLabel('Brukernavn').fill('nyansatt');
	await page.evaluate(() => { window.__marker = 'same page'; });
	await page.getByLabel(nb['lang.label']).selectOption('en');
	await page.getByRole('heading', { level: 1, name: en['invite.heading_staff'] }).waitFor();
	assert.equal(await htmlLang(page), 'en');
	assert.equal(await page.evaluate(() => window.__marker), 'same page');
	assert.equal(await page.getByLabel('Username').inputValue(), 'nyansatt');
	assert.deepEqual(page.errors, []);
	await page.context().close();
});

// Needs the stemming search tokenizer (schema 004, src/store/words.c).
test('search finds a Danish word in another form: "leverandører" finds "leverandøren"', { timeout: 60000 }, async () => {
	const page = await newPage(browser);
	await signIn(page, server, 'ada');
	await createRound(page, { title: 'Indkøb 2027' });
	await postIdea(page, 'Tættere samarbejde', 'Vi bør inddrage leverandøren tidligt i hvert projekt.');
	await page.getByRole('searchbox', { name: 'Search this round' }).fill('leverandører');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await waitForText(page.locator('.search-status'), '1 result');
	await page.locator('.search-hit').getByRole('link', { name: 'Tættere samarbejde' }).waitFor();
	await page.context().close();
});

async function signInAs(page, username, signInLabel, signOutLabel) {
	await page.goto(server.url + '/');
	await page.getByRole('button', { name: signInLabel }).waitFor();
	await page.getByLabel(/^(Brukernavn|Användarnamn|Brugernavn|Username)$/).fill(username);
	await page.getByLabel(/^(Passord|Lösenord|Adgangskode|Password)$/).fill(PASSWORD);
	await page.getByRole('button', { name: signInLabel }).click();
	await page.getByRole('button', { name: signOutLabel }).waitFor();
}
