// The web client's dictionaries (web/i18n/*.js) against English, the
// reference: the same keys, the same {placeholders}, every plural form the
// language needs, and no English left untranslated. Also: every key the
// client asks for by name exists. Run by ctest (web.i18n) with
// `node --test`; needs nothing but Node.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const I18N = join(ROOT, 'web', 'i18n');
const TRANSLATIONS = ['nb', 'sv', 'da'];

// Values that may rightly read the same as in English: names, formats,
// and words the language shares with English. Keyed by language ('*': all).
const SAME_AS_ENGLISH = {
	'*': ['app.name', 'export.csv', 'export.json', 'export.md', 'export.xlsx'],
	sv: ['invite.org', 'field.org', 'people.col.org', 'account.org'],
	da: ['invite.org', 'field.org', 'people.col.org', 'account.org', 'nav.moderation', 'mod.title'],
};
// A value the same as English counts as untranslated from this many letters
// on (shorter ones, "Chat", "Plan", are often the same word).
const LONG = 8;

// A dictionary module, loaded from its text (a data: URL is an ES module
// on every Node.js version, whatever the folder's package type).
async function load(code) {
	const src = readFileSync(join(I18N, `${code}.js`), 'utf8');
	const mod = await import(`data:text/javascript;charset=utf-8,${encodeURIComponent(src)}`);
	return { dict: mod.default, placeholder: /PLACEHOLDER/.test(src.split('\n', 1)[0]) };
}

const placeholders = (s) => new Set((String(s).match(/\{\w+\}/g) || []).sort());
const same = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));
const show = (set) => `[${[...set].join(' ')}]`;
const forms = (v) => (typeof v === 'object' ? Object.values(v) : [v]);

// Every problem of dictionary d (language code) against English, as lines.
export function problems(code, d, en) {
	const out = [];
	const needed = new Intl.PluralRules(code).resolvedOptions().pluralCategories;
	for (const k of Object.keys(en)) if (!(k in d)) out.push(`${k}: missing`);
	for (const k of Object.keys(d)) if (!(k in en)) out.push(`${k}: not in en.js`);
	const allowed = new Set([...(SAME_AS_ENGLISH['*'] || []), ...(SAME_AS_ENGLISH[code] || [])]);
	for (const [k, v] of Object.entries(d)) {
		const e = en[k];
		if (e === undefined) continue;
		if (typeof e === 'string') {
			if (typeof v !== 'string') { out.push(`${k}: should be a string`); continue; }
			if (!v.trim()) out.push(`${k}: empty`);
			if (!same(placeholders(v), placeholders(e)))
				out.push(`${k}: placeholders ${show(placeholders(v))}, en has ${show(placeholders(e))}`);
		} else {
			if (!v || typeof v !== 'object') { out.push(`${k}: should have plural forms`); continue; }
			for (const c of needed) if (typeof v[c] !== 'string' || !v[c].trim()) out.push(`${k}: no '${c}' form`);
			for (const c of Object.keys(v)) if (!needed.includes(c)) out.push(`${k}: '${c}' is not a plural form of ${code}`);
			const all = new Set(forms(e).flatMap((x) => [...placeholders(x)]));
			for (const [c, x] of Object.entries(v))
				for (const p of placeholders(x)) if (!all.has(p)) out.push(`${k}.${c}: adds ${p}`);
			// 'other' stands for most numbers: it must say all en's 'other' says.
			if (typeof v.other === 'string' && !same(placeholders(v.other), placeholders(e.other)))
				out.push(`${k}.other: placeholders ${show(placeholders(v.other))}, en has ${show(placeholders(e.other))}`);
		}
		const flat = forms(v).join('|');
		const letters = flat.replace(/\{\w+\}/g, '').replace(/[^\p{L}]/gu, '');
		if (code !== 'en' && !allowed.has(k) && flat === forms(e).join('|') && letters.length >= LONG)
			out.push(`${k}: the same as English ("${flat}"), untranslated?`);
	}
	return out;
}

const { dict: en } = await load('en');

test('en.js has the plural forms English needs', () => {
	assert.deepEqual(problems('en', en, en), []);
});

for (const code of TRANSLATIONS) {
	test(`${code}.js matches en.js`, async (t) => {
		const { dict, placeholder } = await load(code);
		if (placeholder) {
			t.skip(`${code}.js is a placeholder copy of en.js`);
			return;
		}
		const found = problems(code, dict, en);
		assert.deepEqual(found, [], `${code}.js:\n  ${found.join('\n  ')}`);
	});
}

// The checker itself must see what it is for.
test('the check catches a missing key, a lost placeholder, a missing plural form, an English copy', () => {
	const d = { ...en };
	delete d['nav.rounds'];
	d['post.back'] = 'Tilbake';
	d['post.comments'] = { other: '{n} kommentarer' };
	d['signin.ws_refused'] = en['signin.ws_refused'];
	d['extra.key'] = 'x';
	const found = problems('nb', d, en).join('\n');
	assert.match(found, /nav\.rounds: missing/);
	assert.match(found, /post\.back: placeholders \[\], en has \[\{round\}\]/);
	assert.match(found, /post\.comments: no 'one' form/);
	assert.match(found, /signin\.ws_refused: the same as English/);
	assert.match(found, /extra\.key: not in en\.js/);
});

function* sources(dir) {
	for (const name of readdirSync(dir)) {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) yield* sources(p);
		else if (p.endsWith('.js') && !p.startsWith(I18N)) yield p;
	}
}

test('every key the client names is in en.js', () => {
	const missing = [];
	for (const file of sources(join(ROOT, 'web'))) {
		// Comments may show examples ("t('x')"); only code counts.
		const src = readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, '');
		for (const m of src.matchAll(/\bt\(\s*'([a-z_.]+)'/g))
			if (!(m[1] in en)) missing.push(`${file.slice(ROOT.length + 1)}: ${m[1]}`);
		for (const m of src.matchAll(/countText\(\s*'([a-z_.]+)'/g))
			if (!(m[1] in en)) missing.push(`${file.slice(ROOT.length + 1)}: ${m[1]}`);
	}
	assert.deepEqual(missing, []);
});
