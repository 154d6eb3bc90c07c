// Every string the user sees comes through t(). A locale is a flat dictionary
// (see en.js); a value is either a string with {placeholders} or, for words
// that change with a number, an object keyed by Intl.PluralRules categories
// ({one, other, ...}) chosen by vars.count.
import en from './en.js';

const dictionaries = { en };
let locale = 'en';
let dict = en;
let plurals = new Intl.PluralRules('en');

export function addLocale(code, dictionary) {
	dictionaries[code] = dictionary;
}

export function setLocale(code) {
	if (!dictionaries[code]) return false;
	locale = code;
	dict = dictionaries[code];
	plurals = new Intl.PluralRules(code);
	document.documentElement.lang = code;
	return true;
}

// The first of the browser's preferred languages that we have, else English.
export function pickLocale() {
	const wanted = navigator.languages && navigator.languages.length
		? navigator.languages : [navigator.language || 'en'];
	for (const tag of wanted) {
		const base = String(tag).toLowerCase().split('-')[0];
		if (dictionaries[base]) return setLocale(base) && base;
	}
	setLocale('en');
	return 'en';
}

export function currentLocale() {
	return locale;
}

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
	return v.replace(/\{(\w+)\}/g, (m, name) =>
		Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : m);
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
