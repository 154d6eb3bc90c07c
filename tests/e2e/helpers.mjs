// Shared helpers for the end-to-end tests: a real openstrat server on a free
// port with a fresh database, and Debian's Chromium driven by playwright-core.
//
//   OPENSTRAT_BIN   the server binary (default: the repository's build/openstrat)
//   CHROMIUM        the browser (default: /usr/bin/chromium)
//   E2E_KEEP=1      keep the temporary directories (database, server log)
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../..');
export const BIN = process.env.OPENSTRAT_BIN || path.join(ROOT, 'build/openstrat');
export const WEB = path.join(ROOT, 'web');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const PASSWORD = 'e2e-password-42';

export const USERS = [
	{ username: 'maria', role: 'manager', display: 'Maria Lindqvist', org: 'Northwind' },
	{ username: 'erik', role: 'employee', display: 'Erik Nygaard', org: 'Northwind' },
	{ username: 'sofia', role: 'employee', display: 'Sofia Castro', org: 'Northwind' },
	{ username: 'ada', role: 'admin', display: 'Ada Admin', org: 'Northwind' },
];

const LISTEN_RE = /openstrat: listening on (http:\/\/[^\s:]+:(\d+))/;

function run(args, env = {}) {
	return execFileSync(BIN, args, {
		env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8',
	});
}

// A server with its own database. Call stop() when done; restart() stops it
// and starts it again on the same port with the same database.
export class Server {
	constructor({ users = USERS, demo = false } = {}) {
		this.dir = mkdtempSync(path.join(tmpdir(), 'openstrat-e2e-'));
		this.db = path.join(this.dir, 'os.db');
		this.port = 0;
		this.proc = null;
		this.log = [];
		run(['init', '--db', this.db]);
		if (demo) run(['demo', '--db', this.db]);
		for (const u of users) {
			run(['user', 'add', '--db', this.db, '--username', u.username, '--role', u.role,
				'--display-name', u.display, '--org', u.org || ''], { OPENSTRAT_PASSWORD: u.password || PASSWORD });
		}
	}

	get url() {
		return `http://127.0.0.1:${this.port}`;
	}

	start() {
		const args = ['serve', '--db', this.db, '--port', String(this.port), '--listen', '127.0.0.1',
			'--web', WEB, '--rate-limit', '0'];
		const proc = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		this.proc = proc;
		return new Promise((resolve, reject) => {
			let out = '';
			const timer = setTimeout(() => {
				reject(new Error(`openstrat did not start in 15 s:\n${this.log.join('')}`));
			}, 15000);
			proc.stdout.on('data', (d) => {
				out += d;
				this.log.push(String(d));
				const m = LISTEN_RE.exec(out);
				if (m && !this.started) {
					this.started = true;
					clearTimeout(timer);
					this.port = Number(m[2]);
					resolve(this);
				}
			});
			proc.stderr.on('data', (d) => this.log.push(String(d)));
			proc.on('exit', (code, sig) => {
				this.log.push(`[exited ${code} ${sig}]\n`);
				if (!this.started) {
					clearTimeout(timer);
					reject(new Error(`openstrat exited (${code}, ${sig}) before listening:\n${this.log.join('')}`));
				}
			});
			this.started = false;
		});
	}

	stop() {
		const proc = this.proc;
		this.proc = null;
		if (!proc || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
		return new Promise((resolve) => {
			const kill = setTimeout(() => proc.kill('SIGKILL'), 10000);
			proc.on('exit', () => {
				clearTimeout(kill);
				resolve();
			});
			proc.kill('SIGTERM');
		});
	}

	async restart() {
		await this.stop();
		this.started = false;
		return this.start();
	}

	async cleanup() {
		await this.stop();
		if (process.env.E2E_KEEP) {
			writeFileSync(path.join(this.dir, 'server.log'), this.log.join(''));
			console.log(`e2e: kept ${this.dir}`);
		} else {
			rmSync(this.dir, { recursive: true, force: true });
		}
	}
}

export async function startServer(opts) {
	const s = new Server(opts);
	await s.start();
	return s;
}

export const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic',
	'--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchBrowser() {
	// chromium.launch gives every run a fresh, temporary user-data directory.
	return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 375, height: 740 };

// A browser context (its own cookies: another person) with a page that
// records script errors, so that tests can assert there were none.
// The browser's preferred language is English unless locale says otherwise
// (the client follows it), whatever the machine's own language.
export async function newPage(browser, { viewport = DESKTOP, locale = 'en-US' } = {}) {
	const context = await browser.newContext({ viewport, locale });
	const page = await context.newPage();
	page.errors = [];
	page.on('pageerror', (e) => page.errors.push(e.message));
	page.on('console', (m) => {
		// The browser itself logs a refused WebSocket upgrade (not signed in),
		// a refused sign-in and, while the server is down, refused connections:
		// all expected answers, not faults of the page.
		// So does a refused invite (404, 409 or 410 from /api/invite...) or
		// password link: the page shows those in words.
		if (m.type() !== 'error') return;
		if (/WebSocket connection to .* failed|Failed to load resource: (.* status of 401|net::ERR_CONNECTION_REFUSED)/.test(m.text())) return;
		if (/Failed to load resource: .* status of (404|409|410)/.test(m.text()) && /\/api\/invite/.test(m.location().url || '')) return;
		// The same for a refused password link or password change.
		if (/Failed to load resource: .* status of (400|403|404|409|410|429)/.test(m.text()) && /\/api\/password/.test(m.location().url || '')) return;
		page.errors.push(m.text());
	});
	return page;
}

export async function signIn(page, server, username, password = PASSWORD) {
	await page.goto(server.url + '/');
	await page.getByLabel('Username').fill(username);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

export async function signedInPage(browser, server, username, opts) {
	const page = await newPage(browser, opts);
	await signIn(page, server, username);
	return page;
}

// As a manager: create a round through the UI and open it. Returns its id.
export async function createRound(page, { title, description = '', voteMode = 'updown', dots = 5, audience = 'internal', open = true }) {
	await page.getByRole('link', { name: 'Rounds', exact: true }).click();
	await page.getByRole('button', { name: 'New round' }).click();
	await page.getByLabel('Title').fill(title);
	await page.getByLabel('Description').fill(description);
	if (audience === 'invited') await page.getByLabel('Staff and the customers you invite').check();
	if (voteMode === 'dots') {
		await page.getByLabel(/^Dot voting/).check();
		await page.getByLabel('Dots per person').fill(String(dots));
	}
	await page.getByRole('button', { name: 'Create round' }).click();
	await page.getByRole('heading', { level: 1, name: title }).waitFor();
	if (open) {
		await movePhase(page, 'Open round');
		await waitForText(page.locator('.round-intro .badge.phase'), 'Open');
	}
	const m = /\/round\/(\d+)/.exec(page.url());
	return Number(m[1]);
}

// As a manager on a round's page: press a phase button and confirm in the
// dialog it opens.
export async function movePhase(page, label) {
	await page.locator('.phase-actions').getByRole('button', { name: label, exact: true }).click();
	const dialog = page.getByRole('dialog');
	await dialog.getByRole('button', { name: label, exact: true }).click();
	await dialog.waitFor({ state: 'detached' });
}

export async function openRound(page, server, title) {
	await page.getByRole('link', { name: 'Rounds', exact: true }).click();
	await page.getByRole('link', { name: title, exact: true }).click();
	await page.getByRole('heading', { level: 1, name: title }).waitFor();
	// The round is live once its snapshot is in: the chat has loaded too.
	await page.locator('.round-side').waitFor();
}

export async function postIdea(page, title, body) {
	await page.getByRole('button', { name: 'New idea' }).click();
	await page.getByLabel('Title').fill(title);
	await page.getByLabel('Body').fill(body);
	await page.getByRole('button', { name: 'Post', exact: true }).click();
	await page.getByRole('link', { name: title, exact: true }).waitFor();
}

// Poll until the locator's text contains (string) or matches (RegExp) what is
// expected; fail with what was there instead.
export async function waitForText(locator, expected, timeout = 8000) {
	const until = Date.now() + timeout;
	let last = '';
	for (;;) {
		try {
			last = (await locator.textContent({ timeout: 500 })) ?? '';
		} catch {
			last = '<not there>';
		}
		const ok = expected instanceof RegExp ? expected.test(last) : last.includes(expected);
		if (ok) return last;
		if (Date.now() > until)
			throw new Error(`expected ${expected} in ${locator}, found ${JSON.stringify(last)}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

export async function waitFor(fn, what, timeout = 8000) {
	const until = Date.now() + timeout;
	for (;;) {
		if (await fn()) return;
		if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

// The card whose title is `title` (not one that only links to it, as a
// merged post's "Merged into <title>" does).
export function postCard(page, title) {
	return page.locator('.post-card').filter({ has: page.locator('.post-title').getByRole('link', { name: title, exact: true }) });
}

let counter = 0;
export function unique(prefix) {
	counter += 1;
	return `${prefix} ${process.pid}-${counter}`;
}

// A searchable picker (combobox): type text into the one labelled label
// within root, and click the option named option in the list it shows.
export async function pickOption(root, label, text, option) {
	const input = root.getByLabel(label, { exact: true });
	await input.fill(text);
	await root.getByRole('option', { name: option, exact: typeof option === 'string' }).click();
}
