// Every string the user sees comes through t(). A locale is a flat dictionary
// (see en.js); a value is either a string with {placeholders} or, for words
// that change with a number, an object keyed by Intl.PluralRules categories
// ({one, other, ...}) chosen by vars.count.
//
// The language is, in order: the one the signed-in person chose (USER.lang,
// kept by the server), the one chosen in this browser (the menu, before
// signing in), the browser's preferred languages, English.
import en from './en.js';
import nb from './nb.js';
import sv from './sv.js';
import da from './da.js';

// The languages on offer, each by its own name: someone looking for their
// language looks for the word they know, whatever the page is in now.
export const LANGUAGES = [
	{ code: 'en', name: 'English' },
	{ code: 'nb', name: 'Norsk bokmål' },
	{ code: 'sv', name: 'Svenska' },
	{ code: 'da', name: 'Dansk' },
];

const dictionaries = { en, nb, sv, da };
let locale = 'en';
let dict = en;
let plurals = new Intl.PluralRules('en');

// Browser tags that mean Norwegian: bokmål is what we have, and a reader of
// nynorsk or of plain "Norwegian" reads it too.
const NORWEGIAN = new Set(['no', 'nb', 'nn']);
const STORE_KEY = 'openstrat.lang';

export function addLocale(code, dictionary) {
	dictionaries[code] = dictionary;
}

export function hasLocale(code) {
	return typeof code === 'string' && Object.prototype.hasOwnProperty.call(dictionaries, code);
}

export function setLocale(code) {
	if (!hasLocale(code)) return false;
	locale = code;
	dict = dictionaries[code];
	plurals = new Intl.PluralRules(code);
	document.documentElement.lang = code;
	return true;
}

// The first of the browser's preferred languages that we have, or null.
export function browserLocale(tags) {
	const wanted = tags || (navigator.languages && navigator.languages.length
		? navigator.languages : [navigator.language || 'en']);
	for (const tag of wanted) {
		const base = String(tag).toLowerCase().split(/[-_]/)[0];
		if (NORWEGIAN.has(base)) return 'nb';
		if (hasLocale(base)) return base;
	}
	return null;
}

// What was chosen in this browser with the menu, or null.
export function storedLocale() {
	try {
		const v = localStorage.getItem(STORE_KEY);
		return hasLocale(v) ? v : null;
	} catch {
		return null; // storage refused (private mode, policy)
	}
}

export function rememberLocale(code) {
	try {
		localStorage.setItem(STORE_KEY, code);
	} catch {
		// Not kept across visits; the choice still holds for this page.
	}
}

// The language to show: the person's saved choice (USER.lang, may be null),
// else this browser's choice, else its preferred languages, else English.
export function chooseLocale(userLang) {
	if (hasLocale(userLang)) return userLang;
	return storedLocale() || browserLocale() || 'en';
}

// Sets the language chooseLocale() gives; returns it.
export function pickLocale(userLang = null) {
	const code = chooseLocale(userLang);
	setLocale(code);
	return code;
}

export function currentLocale() {
	return locale;
}

// The text of key in the current language, with {placeholders} filled from
// vars; vars.count (a number) chooses among plural forms.
export function t(key, vars) {
	let v = dict[key];
	if (v === undefined) v = en[key];
	if (v === undefined) {
		console.warn('i18n: missing key', key);
		return key;
	}
	if (typeof v === 'object') {
		const n = vars && typeof vars.count === 'number' ? vars.count : 0;
		v = v[plurals.select(n)] ?? v.other;
	}
	if (!vars) return v;
	// A number is written the reader's way ("1 234" in Norwegian); pass ids
	// and the like as strings.
	return v.replace(/\{(\w+)\}/g, (m, name) => {
		if (!Object.prototype.hasOwnProperty.call(vars, name)) return m;
		const x = vars[name];
		return typeof x === 'number' ? formatNumber(x) : String(x);
	});
}

// Whether the current dictionary (or English) has a key.
export function hasKey(key) {
	return dict[key] !== undefined || en[key] !== undefined;
}

// Numbers and times in the reader's locale.
export function formatNumber(n) {
	return new Intl.NumberFormat(locale).format(n);
}

const UNITS = [
	['year', 365 * 24 * 3600], ['month', 30 * 24 * 3600], ['week', 7 * 24 * 3600],
	['day', 24 * 3600], ['hour', 3600], ['minute', 60],
];

export function relativeTime(iso, now = Date.now()) {
	const then = Date.parse(iso);
	if (Number.isNaN(then)) return '';
	const secs = Math.round((then - now) / 1000);
	if (Math.abs(secs) < 45) return t('time.just_now');
	const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
	for (const [unit, size] of UNITS) {
		if (Math.abs(secs) >= size || unit === 'minute')
			return rtf.format(Math.round(secs / size), unit);
	}
	return '';
}

// "4. des. 2026, 14:05" in Norwegian, "Dec 4, 2026, 2:05 PM" in English:
// each language's own order, month names and clock.
export function absoluteTime(iso) {
	const then = Date.parse(iso);
	if (Number.isNaN(then)) return '';
	return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })
		.format(new Date(then));
}

export function clockTime(iso) {
	const then = Date.parse(iso);
	if (Number.isNaN(then)) return '';
	return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' })
		.format(new Date(then));
}
