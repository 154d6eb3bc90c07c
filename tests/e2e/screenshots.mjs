// Screenshots of the main views for the README and docs, from the demo data,
// at desktop and phone sizes. Not a test; run it after a visible change:
//   OPENSTRAT_BIN=../../build/openstrat node screenshots.mjs
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, newPage, ROOT, waitFor } from './helpers.mjs';

const OUT = path.join(ROOT, 'docs/screenshots');
const DEMO_PASSWORD = 'openstrat-demo';
const ROUND = 'Strategy 2027: growing with our customers';
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
		await context.close();
	}
	await other.close();
} finally {
	await browser.close();
	await server.cleanup();
}
