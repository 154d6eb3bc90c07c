// The page frame: the header with navigation and the signed-in person, the
// connection banner, and the polite live region for announcements.
import { t, LANGUAGES, currentLocale } from '../i18n/index.js';
import { h, replaceChildren, clear } from '../lib/dom.js';
import { authorName, roleName, errorText } from '../lib/format.js';

export function renderSkipLink() {
	const a = document.getElementById('skip-link');
	if (a) a.textContent = t('nav.skip');
}

export function renderHeader(app) {
	const header = document.getElementById('site-header');
	// Drawn again (a new name, a new language): the menu keeps the focus.
	const refocus = document.activeElement && document.activeElement.id === LANGUAGE_MENU_ID;
	draw(app, header);
	if (refocus) document.getElementById(LANGUAGE_MENU_ID)?.focus();
}

function draw(app, header) {
	const user = app.user;
	const brand = h('a', { class: 'brand', href: '/', 'aria-label': t('app.home') },
		h('img', { class: 'brand-mark', src: '/icon.svg', alt: '', width: 28, height: 28 }),
		h('span', { class: 'brand-name' }, t('app.name')));
	const errorEl = h('p', { class: 'header-error', role: 'alert' });
	const lang = languageMenu(app, errorEl);
	if (!user) {
		document.body.classList.remove('nav-many');
		replaceChildren(header, h('div', { class: 'header-inner' }, brand,
			h('div', { class: 'who' }, lang, errorEl)));
		return;
	}
	const path = location.pathname;
	const navLink = (href, key) => h('a', {
		href, class: 'nav-link',
		'aria-current': path === href ? 'page' : null,
	}, t(key));
	const links = [navLink('/', 'nav.rounds')];
	links.push(navLink('/my-ideas', 'nav.my_ideas'));
	if (user.role === 'manager' || user.role === 'admin') links.push(navLink('/orgs', 'nav.orgs'));
	if (user.role === 'manager' || user.role === 'admin') links.push(navLink('/moderation', 'nav.moderation'));
	if (user.role === 'admin') links.push(navLink('/people', 'nav.people'));
	if (user.role === 'admin') links.push(navLink('/audit', 'nav.audit'));
	// On a phone, more than one link moves the navigation to a row of its own.
	document.body.classList.toggle('nav-many', links.length > 1);
	const signOut = h('button', {
		type: 'button', class: 'btn btn-quiet',
		onclick: async () => {
			errorEl.textContent = '';
			signOut.disabled = true;
			try {
				await app.signOut();
			} catch (e) {
				signOut.disabled = false;
				errorEl.textContent = errorText(e);
			}
		},
	}, t('nav.sign_out'));
	replaceChildren(header, h('div', { class: 'header-inner' },
		brand,
		h('nav', { class: 'site-nav', 'aria-label': t('nav.label') }, links),
		h('div', { class: 'who' },
			app.bell ? app.bell.el : null,
			h('a', {
				class: 'who-name', href: '/account', title: t('nav.account'),
				'aria-current': path === '/account' ? 'page' : null,
			}, h('span', { class: 'sr-only' }, t('nav.account_sr')), authorName(user),
			h('span', { class: 'who-role' }, roleName(user.role))),
			lang, signOut, errorEl)));
}

// The language menu: each language by its own name; a choice applies at
// once, without a reload (App.chooseLanguage).
export const LANGUAGE_MENU_ID = 'lang-select';

function languageMenu(app, errorEl) {
	const select = h('select', {
		id: LANGUAGE_MENU_ID, class: 'lang-select', name: 'lang',
		onchange: async () => {
			errorEl.textContent = '';
			try {
				await app.chooseLanguage(select.value);
			} catch (e) {
				// The page follows the choice; only keeping it failed.
				const el = document.querySelector('#site-header .header-error');
				if (el) el.textContent = errorText(e);
			}
		},
	}, LANGUAGES.map((l) => h('option', { value: l.code, lang: l.code, selected: l.code === currentLocale() }, l.name)));
	return h('div', { class: 'lang-menu' },
		h('label', { for: LANGUAGE_MENU_ID, class: 'sr-only' }, t('lang.label')),
		select);
}

// The banner that says the connection is lost, counts down to the next try
// and offers to try at once.
export class ConnectionBanner {
	constructor(app) {
		this.app = app;
		this.el = document.getElementById('conn-banner');
		this.timer = null;
		this.at = 0;
	}

	showRetrying(at, signedIn) {
		this.at = at;
		this.signedIn = signedIn;
		clearInterval(this.timer);
		this.render();
		this.timer = setInterval(() => this.renderCountdown(), 500);
		this.el.hidden = false;
		document.body.classList.add('is-offline');
	}

	render() {
		this.countdown = h('span', { class: 'banner-countdown' });
		const retry = h('button', {
			type: 'button', class: 'btn btn-small btn-on-dark',
			onclick: () => this.app.conn.retryNow(),
		}, t('conn.retry_now'));
		replaceChildren(this.el, h('div', { class: 'banner-inner' },
			h('span', { class: 'banner-dot', 'aria-hidden': 'true' }),
			h('strong', null, this.signedIn ? t('conn.lost') : t('conn.unreachable')),
			' ', this.countdown, retry));
		this.renderCountdown();
	}

	// The words again, in the language just chosen.
	relocalize() {
		if (!this.el.hidden && this.countdown) this.render();
	}

	renderCountdown() {
		if (!this.countdown) return;
		const secs = Math.max(0, Math.ceil((this.at - Date.now()) / 1000));
		this.countdown.textContent = secs > 0
			? t('conn.retrying_in', { count: secs }) : t('conn.retrying');
	}

	hide() {
		clearInterval(this.timer);
		this.timer = null;
		this.countdown = null;
		if (!this.el.hidden) clear(this.el);
		this.el.hidden = true;
		document.body.classList.remove('is-offline');
	}
}

// Polite announcements for screen readers (new posts, phase changes).
export function announce(text) {
	const el = document.getElementById('announcer');
	if (!el) return;
	el.textContent = '';
	setTimeout(() => { el.textContent = text; }, 60);
}
