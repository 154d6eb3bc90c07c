// Screenshots of the main views for the README and docs, from the demo data,
// at desktop and phone sizes. Not a test; run it after a visible change:
//   OPENSTRAT_BIN=../../build/openstrat node screenshots.mjs
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, newPage, ROOT, waitFor } from './helpers.mjs';

const OUT = path.join(ROOT, 'docs/screenshots');
const DEMO_PASSWORD = 'openstrat-demo';
const ROUND = 'Strategy 2027: growing with our customers';
const INNOVATION = 'Innovation round: the service desk of the future';
const SIZES = {
	desktop: { viewport: { width: 1280, height: 820 }, scale: 1 },
	phone: { viewport: { width: 390, height: 844 }, scale: 2 },
};

async function signIn(page, server, username) {
	await page.goto(server.url + '/');
	await page.getByLabel('Username').fill(username);
	await page.getByLabel('Password').fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

// One request over a connection of its own, as the page's signed-in user
// (for setting the scene: flags, an invite).
async function ws(page, op, fields = {}) {
	return page.evaluate(async ([o, f]) => {
		const { Connection } = await import('/lib/conn.js');
		const c = new Connection();
		await new Promise((resolve) => {
			c.addEventListener('state', (e) => { if (e.detail.state === 'open') resolve(); });
			c.start();
		});
		try {
			return await c.request(o, f);
		} finally {
			c.stop();
		}
	}, [op, fields]);
}

async function signedIn(browser, server, username) {
	const context = await browser.newContext({ viewport: SIZES.desktop.viewport });
	const page = await context.newPage();
	await signIn(page, server, username);
	return page;
}

async function settle(page) {
	await page.evaluate(() => document.activeElement && document.activeElement.blur());
	await page.mouse.move(1, 1);
	await page.waitForTimeout(2600); // let the "new" highlights fade
}

mkdirSync(OUT, { recursive: true });
const server = await startServer({ users: [], demo: true });
const browser = await launchBrowser();
try {
	// Someone else in the room, so that presence and live updates show.
	const other = await browser.newContext({ viewport: SIZES.desktop.viewport });
	const erik = await other.newPage();
	await signIn(erik, server, 'erik');
	await erik.getByRole('link', { name: ROUND }).click();
	await erik.locator('.post-card').first().waitFor();

	// Something for the moderation queue: an idea flagged by three people
	// (hidden until a moderator decides), a comment and a chat message.
	const round = (await ws(erik, 'rounds.list')).rounds.find((r) => r.title === ROUND);
	const snap = await ws(erik, 'round.subscribe', { round: round.id });
	const ideas = snap.posts.filter((p) => p.kind === 'idea' && p.status === 'open');
	const flaggers = [erik, await signedIn(browser, server, 'sofia'), await signedIn(browser, server, 'ahmed')];
	const reasons = ['Reads like an advert for one vendor', 'Off topic for this round', 'Same vendor pitch as last week'];
	const target = ideas.filter((p) => !['erik', 'sofia', 'ahmed'].includes(p.author.username)).pop();
	for (let i = 0; i < 3; i++) await ws(flaggers[i], 'flag.create', { target: 'post', id: target.id, reason: reasons[i] });
	const thread = await ws(erik, 'post.get', { post: ideas[0].id });
	const comment = thread.comments.find((c) => c.author.username !== 'erik');
	if (comment) await ws(erik, 'flag.create', { target: 'comment', id: comment.id, reason: 'Personal remark about a colleague' });
	const chat = (await ws(erik, 'chat.history', { round: round.id })).messages.find((m) => m.author.username !== 'erik');
	if (chat) {
		await ws(erik, 'flag.create', { target: 'chat', id: chat.id, reason: 'Not the place for this' });
		await ws(flaggers[1], 'flag.create', { target: 'chat', id: chat.id, reason: 'Please keep the chat on topic' });
	}
	for (const f of flaggers.slice(1)) await f.context().close();

	for (const [size, { viewport, scale }] of Object.entries(SIZES)) {
		const context = await browser.newContext({ viewport, deviceScaleFactor: scale });
		const page = await context.newPage();
		const shot = async (name, opts = {}) => {
			await settle(page);
			const file = path.join(OUT, `${name}-${size}.png`);
			await page.screenshot({ path: file, ...opts });
			console.log(`wrote ${path.relative(ROOT, file)}`);
		};
		await page.goto(server.url + '/');
		await page.getByLabel('Username').waitFor();
		await shot('signin');

		await signIn(page, server, 'maria');
		await page.getByRole('heading', { level: 1, name: 'Rounds' }).waitFor();
		await page.getByRole('link', { name: ROUND }).waitFor();
		await shot('rounds');

		await page.getByRole('link', { name: ROUND }).click();
		await page.locator('.post-card').first().waitFor();
		await waitFor(async () => (await page.locator('.chat-log li').count()) > 0, 'chat history');
		await waitFor(async () => (await page.locator('.people li').count()) > 1, 'presence');
		await shot('round');

		await page.getByRole('button', { name: 'New idea' }).click();
		await page.getByLabel('Title').fill('A customer advisory board that meets every quarter');
		await page.getByLabel('Body').fill('Invite **six customers** from different segments.\n\n- one meeting per quarter\n- minutes shared in this forum\n- each meeting ends with *one* decision');
		await page.waitForTimeout(300);
		await page.locator('form.compose').scrollIntoViewIfNeeded();
		await shot('compose');
		await page.getByRole('button', { name: 'Cancel' }).click();

		// The post with the longest thread.
		const counts = await page.locator('.post-comments').allTextContents();
		let best = 0;
		counts.forEach((c, i) => { if (parseInt(c, 10) > parseInt(counts[best], 10)) best = i; });
		await page.locator('.post-title a').nth(best).click();
		await page.locator('.comment').first().waitFor();
		await shot('post', { fullPage: size === 'desktop' });

		// The priorities board.
		await page.getByRole('link', { name: /^Back to/ }).click();
		await page.getByRole('link', { name: 'Priorities', exact: true }).click();
		await page.locator('.priority-card').first().waitFor();
		await shot('priorities', { fullPage: size === 'desktop' });

		// Where the groups disagree.
		await page.getByRole('link', { name: /^Back to/ }).click();
		await page.getByRole('link', { name: 'Where groups disagree' }).click();
		await page.locator('.insights-section').first().waitFor();
		await shot('insights', { fullPage: size === 'desktop' });

		// The moderation queue.
		await page.getByRole('link', { name: 'Moderation' }).click();
		await page.locator('.mod-item').first().waitFor();
		await shot('moderation', { fullPage: size === 'desktop' });

		// The customer round, with its members panel open and a fresh invite.
		await page.getByRole('link', { name: 'Rounds', exact: true }).click();
		await page.getByRole('link', { name: INNOVATION }).click();
		await page.locator('details.members summary').click();
		await page.locator('.member').first().waitFor();
		await page.getByRole('button', { name: 'Invite a customer' }).click();
		const url = await page.getByLabel('Invite link for a customer (this round only)').inputValue();
		await page.locator('details.members').scrollIntoViewIfNeeded();
		await shot('members');

		// The invite page, as the invited person sees it.
		const guest = await browser.newContext({ viewport, deviceScaleFactor: scale });
		const invited = await guest.newPage();
		await invited.goto(url);
		await invited.getByLabel('Display name').fill('Jana Novak');
		await invited.getByLabel('Organisation').fill('Helio Health');
		await invited.getByLabel('Username').fill('jana');
		const file = path.join(OUT, `invite-${size}.png`);
		await settle(invited);
		await invited.screenshot({ path: file });
		console.log(`wrote ${path.relative(ROOT, file)}`);
		await guest.close();
		await context.close();
	}
	await other.close();
} finally {
	await browser.close();
	await server.cleanup();
}
