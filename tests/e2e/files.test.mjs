// Attachments in the browser: a manager attaches a PDF and an image to a new
// plan, sees each file's progress, and the plan shows the image inline and
// the PDF with its name, size and page count; a colleague's browser sees
// the files arrive live, and the PDF opens in the browser's viewer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { startServer, launchBrowser, signedInPage, createRound, openRound, waitForText, waitFor } from './helpers.mjs';

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

function crc32(buf) {
	let c = ~0;
	for (const b of buf) {
		c ^= b;
		for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
	}
	return ~c >>> 0;
}

function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(td));
	return Buffer.concat([len, td, crc]);
}

// A real, decodable PNG: w x h, a blue gradient.
function png(w, h) {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // RGB
	const raw = Buffer.alloc((w * 3 + 1) * h);
	for (let y = 0; y < h; y++)
		for (let x = 0; x < w; x++) {
			const o = y * (w * 3 + 1) + 1 + x * 3;
			raw[o] = 30; raw[o + 1] = (x * 255 / w) | 0; raw[o + 2] = 200;
		}
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// A PDF of three pages, padded with comments to about size bytes.
function pdf(size) {
	let s = '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
		'2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >> endobj\n';
	for (let i = 3; i <= 5; i++) s += `${i} 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\n`;
	const pad = '% slide notes .................................................\n';
	while (s.length < size) s += pad;
	return Buffer.from(`${s}trailer << /Root 1 0 R /Size 6 >>\n%%EOF\n`, 'latin1');
}

test('a plan with a PDF and an image: progress while sending, shown inline, live elsewhere', { timeout: 120000 }, async () => {
	const maria = await signedInPage(browser, server, 'maria');
	await createRound(maria, { title: 'Slides round' });
	const erik = await signedInPage(browser, server, 'erik');
	await openRound(erik, server, 'Slides round');

	// A slow uplink, so that the progress has steps to show.
	const cdp = await maria.context().newCDPSession(maria);
	await cdp.send('Network.enable');
	await cdp.send('Network.emulateNetworkConditions', {
		offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 400 * 1024,
	});
	await maria.evaluate(() => {
		window.progressSeen = [];
		new MutationObserver((ms) => {
			for (const m of ms)
				if (m.target.tagName === 'PROGRESS' && !m.target.hidden) window.progressSeen.push(Number(m.target.value));
		}).observe(document.body, { attributes: true, attributeFilter: ['value', 'hidden'], subtree: true });
	});

	await maria.getByRole('button', { name: 'New plan' }).click();
	await maria.getByLabel('Title').fill('Nordic plan with slides');
	await maria.getByLabel('Body').fill('The plan; the slides are attached.');
	const slides = pdf(1200 * 1024);
	const chart = png(64, 48);
	await maria.locator('.file-drop input[type=file]').setInputFiles([
		{ name: 'Slides – Norden.pdf', mimeType: 'application/pdf', buffer: slides },
		{ name: 'chart.png', mimeType: 'image/png', buffer: chart },
	]);
	await waitForText(maria.locator('.file-queue'), 'Slides – Norden.pdf');
	await waitForText(maria.locator('.file-queue'), 'chart.png');
	await maria.getByRole('button', { name: 'Post', exact: true }).click();
	// Each file's bar shows while it is sent.
	await maria.getByRole('progressbar', { name: 'Uploading Slides – Norden.pdf' }).waitFor();
	// Once both are attached the composer closes.
	await maria.locator('form.compose').waitFor({ state: 'detached', timeout: 60000 });
	const seen = await maria.evaluate(() => window.progressSeen);
	assert.ok(seen.some((v) => v > 0 && v < 100), `progress between 0 and 100 was shown: ${JSON.stringify(seen)}`);
	assert.ok(seen.includes(100), 'progress reached 100');
	await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

	// The plan's page: the image inline, the PDF with its name, size and pages.
	await maria.getByRole('link', { name: 'Nordic plan with slides', exact: true }).click();
	await maria.getByRole('heading', { level: 1, name: 'Nordic plan with slides' }).waitFor();
	const img = maria.locator('.post-files img[alt="chart.png"]');
	await img.waitFor();
	await waitFor(async () => (await img.evaluate((el) => el.complete && el.naturalWidth)) === 64, 'the image decoded');
	const pdfLink = maria.locator('.file-pdf a');
	await waitForText(pdfLink, 'Slides – Norden.pdf');
	await waitForText(maria.locator('.file-pdf'), /1[.,]2 MB · 3 pages/);

	// Opened in the browser's own viewer: a new tab on the file, served as a
	// sandboxed PDF.
	const href = await pdfLink.getAttribute('href');
	assert.match(href, /^\/files\/\d+\/Slides%20%E2%80%93%20Norden\.pdf$/);
	assert.equal(await pdfLink.getAttribute('target'), '_blank');
	const res = await maria.request.get(server.url + href);
	assert.equal(res.status(), 200);
	assert.equal(res.headers()['content-type'], 'application/pdf');
	assert.match(res.headers()['content-security-policy'], /sandbox/);
	assert.match(res.headers()['content-disposition'], /^inline;/);
	assert.equal((await res.body()).length, slides.length);

	// Erik's browser got the files live, without reloading.
	await waitForText(erik.locator('.post-card', { hasText: 'Nordic plan with slides' }), '2 files', 15000);
	await erik.getByRole('link', { name: 'Nordic plan with slides', exact: true }).click();
	await erik.locator('.post-files img[alt="chart.png"]').waitFor();
	await waitForText(erik.locator('.file-pdf'), '3 pages');

	assert.deepEqual(maria.errors, []);
	assert.deepEqual(erik.errors, []);
	await maria.context().close();
	await erik.context().close();
});

test('a file of another type is refused with a reason, and the post stays', { timeout: 90000 }, async () => {
	const maria = await signedInPage(browser, server, 'maria');
	await openRound(maria, server, 'Slides round');
	await maria.getByRole('button', { name: 'New idea' }).click();
	await maria.getByLabel('Title').fill('An idea with a page');
	await maria.getByLabel('Body').fill('See the attached page.');
	await maria.locator('.file-drop input[type=file]').setInputFiles([
		{ name: 'page.png', mimeType: 'image/png', buffer: Buffer.from('<html><script>alert(1)</script></html>') },
	]);
	await maria.getByRole('button', { name: 'Post', exact: true }).click();
	await waitForText(maria.locator('.file-item.is-failed'), 'Only PDF, PNG, JPEG and WebP files can be attached.');
	await waitForText(maria.locator('.compose > .form-error'), 'some files could not be attached');
	await maria.getByRole('button', { name: 'Done', exact: true }).click();
	await maria.getByRole('link', { name: 'An idea with a page', exact: true }).waitFor();
	assert.deepEqual(maria.errors.filter((e) => !/415/.test(e)), []);
	await maria.context().close();
});
