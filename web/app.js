// openstrat web client: start-up, the router, and the session.
//
// On load we try the WebSocket when this browser signed in before (the
// session cookie is HttpOnly, so the page keeps a note of its own, see
// hasSessionNote): connecting is how we learn whether the session is still
// good, and a refused upgrade (see Connection.onDown) shows the sign-in form.
// Without the note the sign-in form shows at once and nothing is tried.
import { t, pickLocale, setLocale, currentLocale, rememberLocale, hasLocale } from './i18n/index.js';
import { h, replaceChildren } from './lib/dom.js';
import { Connection, RequestError, logout, hasSessionNote } from './lib/conn.js';
import { refreshTimes } from './lib/format.js';
import { renderHeader, renderSkipLink, ConnectionBanner, announce, LANGUAGE_MENU_ID } from './views/shell.js';
import { Bell } from './views/bell.js';
import { SignInView } from './views/signin.js';
import { RoundsView } from './views/rounds.js';
import { RoundView } from './views/round.js';
import { InviteView } from './views/invite.js';
import { ModerationView } from './views/moderation.js';
import { AuditView } from './views/audit.js';
import { PeopleView } from './views/people.js';
import { AccountView } from './views/account.js';
import { ResetView } from './views/reset.js';
import { MyIdeasView } from './views/myideas.js';
import { OrgsView } from './views/orgs.js';
import { OverviewView } from './views/overview.js';

// Paths the client knows. Numeric params become numbers; `text` params stay
// strings. Public routes (the invite page) show without a session.
const ROUTES = [
	{ name: 'rounds', re: /^\/$/, view: RoundsView },
	{ name: 'round', re: /^\/round\/(\d+)\/?$/, view: RoundView, params: ['round'] },
	{ name: 'round', re: /^\/round\/(\d+)\/post\/(\d+)\/?$/, view: RoundView, params: ['round', 'post'] },
	{ name: 'round', re: /^\/round\/(\d+)\/(priorities|insights|needs|outcomes)\/?$/, view: RoundView, params: ['round'], text: ['pane'] },
	{ name: 'myideas', re: /^\/my-ideas\/?$/, view: MyIdeasView },
	{ name: 'orgs', re: /^\/orgs\/?$/, view: OrgsView },
	{ name: 'invite', re: /^\/invite\/([A-Za-z0-9_-]{1,200})\/?$/, view: InviteView, text: ['token'], public: true },
	{ name: 'moderation', re: /^\/moderation\/?$/, view: ModerationView },
	{ name: 'audit', re: /^\/audit\/?$/, view: AuditView },
	{ name: 'outcomes', re: /^\/outcomes\/?$/, view: OverviewView },
	{ name: 'people', re: /^\/people\/?$/, view: PeopleView },
	{ name: 'account', re: /^\/account\/?$/, view: AccountView },
	{ name: 'reset', re: /^\/reset\/([A-Za-z0-9_-]{1,200})\/?$/, view: ResetView, text: ['token'], public: true },
];

export function matchRoute(path) {
	for (const r of ROUTES) {
		const m = r.re.exec(path);
		if (!m) continue;
		const route = { name: r.name, view: r.view, public: !!r.public };
		const params = r.params || [];
		params.forEach((p, i) => { route[p] = Number(m[i + 1]); });
		(r.text || []).forEach((p, i) => { route[p] = m[params.length + i + 1]; });
		return route;
	}
	return { name: 'notfound', view: NotFoundView };
}

class NotFoundView {
	title() { return t('notfound.title'); }
	mount(main) {
		this.heading = h('h1', { tabindex: '-1' }, t('notfound.title'));
		main.append(h('div', { class: 'page page-narrow' }, h('div', { class: 'card empty' },
			this.heading, h('p', null, t('notfound.text')),
			h('p', null, h('a', { href: '/' }, t('nav.back_to_rounds'))))));
	}
	unmount() {}
}

class ConnectingView {
	title() { return t('app.name'); }
	mount(main) {
		main.append(h('div', { class: 'page page-narrow' },
			h('p', { class: 'muted connecting', role: 'status' }, t('conn.connecting'))));
	}
	unmount() {}
}

class App {
	constructor() {
		this.main = document.getElementById('main');
		this.conn = new Connection();
		this.user = null;
		this.view = null;
		this.route = null;
		this.banner = new ConnectionBanner(this);
		this.waiters = [];
		this.conn.addEventListener('state', (e) => this.onConnState(e.detail));
		this.conn.addEventListener('event', (e) => {
			if (e.detail.ev === 'notification') {
				if (this.bell) this.bell.onNotification(e.detail.notification);
				return;
			}
			// The view sees user.updated too (a round the new role may
			// not see closes).
			if (e.detail.ev === 'user.updated') this.onUserUpdated(e.detail);
			if (this.view && this.view.onEvent) this.view.onEvent(e.detail);
		});
		document.addEventListener('click', (e) => this.onClick(e));
		addEventListener('popstate', () => this.render());
		setInterval(() => refreshTimes(this.main), 30000);
	}

	start() {
		renderSkipLink();
		renderHeader(this);
		const route = matchRoute(location.pathname);
		const tryConnect = hasSessionNote();
		if (route.public) {
			// A public page (an invite link) shows at once; the connection
			// finds out in the background whether someone is signed in.
			this.route = route;
			this.show(new route.view(this, route));
			if (this.view.focus) this.view.focus();
		} else if (tryConnect) {
			this.show(new ConnectingView());
		} else {
			this.showSignIn();
		}
		if (tryConnect) this.conn.start();
	}

	// --- connection -----------------------------------------------------

	async onConnState({ state, at }) {
		if (state === 'open') {
			let hello;
			try {
				hello = await this.conn.request('hello');
			} catch {
				return; // the socket dropped again; the next 'open' retries
			}
			const reconnect = !!this.user && !!this.view && !(this.view instanceof SignInView);
			if (!this.bell || (this.user && this.user.id !== hello.user.id)) this.bell = new Bell(this);
			this.user = hello.user;
			this.bell.load();
			// The person's saved language wins; without one, this browser's.
			const relang = pickLocale(this.user && this.user.lang) !== this.shownLocale;
			this.banner.hide();
			renderHeader(this);
			this.resolveWaiters(null);
			if (reconnect && relang) {
				this.relocalize();
			} else if (reconnect && this.view.onReconnect) {
				this.view.onReconnect();
				announce(t('conn.restored'));
			} else {
				this.render();
				// A view kept by render() was drawn in the language before.
				if (this.shownLocale !== currentLocale()) this.relocalize();
			}
		} else if (state === 'reconnecting') {
			this.banner.showRetrying(at, !!this.user);
			if (this.view instanceof ConnectingView) this.view.reconnecting = true;
		} else if (state === 'closed') {
			this.banner.hide();
		} else if (state === 'unauthorized') {
			this.banner.hide();
			const hadUser = !!this.user;
			this.user = null;
			renderHeader(this);
			if (this.resolveWaiters(new RequestError('unauthorized_ws'))) return;
			if (this.route && this.route.public && this.view && !(this.view instanceof SignInView)) return;
			this.showSignIn(hadUser ? t('signin.expired') : '');
		}
	}

	// An admin changed this account (its role perhaps): what the header
	// offers follows at once.
	resolveWaiters(err) {
		const waiters = this.waiters;
		this.waiters = [];
		for (const w of waiters) (err ? w.reject(err) : w.resolve());
		return waiters.length > 0;
	}

	// After a successful POST /api/login: connect, and resolve once signed in.
	connectAfterSignIn() {
		return new Promise((resolve, reject) => {
			this.waiters.push({ resolve, reject });
			this.conn.start();
		});
	}

	// After an invite was accepted (the reply set a new session cookie):
	// drop any socket of an earlier session, go to `path`, and connect as the
	// new account. Resolves once signed in.
	signedInByInvite(path) {
		return this.signedInAgain(path);
	}

	// The same after a password was set with a reset link.
	signedInAgain(path) {
		this.conn.stop();
		this.user = null;
		this.route = null;
		history.replaceState(null, '', path);
		return this.connectAfterSignIn();
	}

	// --- language ---------------------------------------------------------

	// The menu's choice: shown at once, kept for the person (user.settings)
	// when signed in, and in this browser either way. Rejects when the
	// server could not keep it (the page stays in the chosen language).
	async chooseLanguage(code) {
		if (!hasLocale(code) || !setLocale(code)) return;
		rememberLocale(code);
		if (code !== this.shownLocale) {
			this.relocalize();
			announce(t('lang.changed'));
		}
		if (this.user && this.user.lang !== code) {
			const r = await this.conn.request('user.settings', { lang: code });
			if (r && r.user) this.user = r.user;
		}
	}

	// Another tab (or this one) changed the person's settings, or an admin
	// changed the account (a new role is announced).
	onUserUpdated(msg) {
		const user = msg && msg.user;
		if (!user || !this.user || user.id !== this.user.id) return;
		const renamed = user.display_name !== this.user.display_name;
		const roleChanged = user.role !== this.user.role;
		this.user = { ...this.user, ...user };
		if (hasLocale(user.lang) && user.lang !== currentLocale()) {
			setLocale(user.lang);
			rememberLocale(user.lang);
			this.relocalize();
		} else if (renamed || roleChanged) {
			renderHeader(this);
		}
		if (roleChanged) announce(t('account.role_changed', { role: t(`role.${user.role}`) }));
	}

	// Everything on screen again, in the current language, without a reload:
	// the header, the banner, and the view, made anew where it is (a view
	// may hand what was typed into it over to its successor).
	relocalize() {
		const menuFocused = document.activeElement && document.activeElement.id === LANGUAGE_MENU_ID;
		this.shownLocale = currentLocale();
		renderSkipLink();
		renderHeader(this);
		this.banner.relocalize();
		if (this.view) {
			const old = this.view;
			const state = old.saveState ? old.saveState() : null;
			const View = old.constructor;
			const view = new View(this, this.route || {});
			this.show(view);
			if (state && view.restoreState) view.restoreState(state);
		}
		if (menuFocused) {
			const menu = document.getElementById(LANGUAGE_MENU_ID);
			if (menu) menu.focus();
		}
	}

	// A message for the next view to show once (e.g. after losing access).
	takeFlash() {
		const f = this.flash;
		this.flash = null;
		return f || null;
	}

	async signOut() {
		await logout();
		this.conn.stop();
		this.user = null;
		this.bell = null;
		history.replaceState(null, '', '/');
		renderHeader(this);
		this.showSignIn();
		announce(t('signin.signed_out'));
	}

	// --- views ---------------------------------------------------------------

	show(view) {
		if (this.view && this.view.unmount) this.view.unmount();
		this.view = view;
		this.shownLocale = currentLocale();
		replaceChildren(this.main);
		view.mount(this.main);
		this.setTitle(view.title());
	}

	showSignIn(notice = '') {
		this.route = null;
		const v = new SignInView(this);
		this.show(v);
		if (notice) v.error.textContent = notice;
		v.focus();
	}

	setTitle(text) {
		document.title = text && text !== t('app.name') ? `${text} \u2013 ${t('app.name')}` : t('app.name');
	}

	announce(text) {
		announce(text);
	}

	navigate(path, { replace = false } = {}) {
		if (path === location.pathname + location.hash || path === location.pathname) {
			// Following a link to where one is: fetch it afresh.
			if (this.view && this.view.refresh) this.view.refresh();
			return;
		}
		if (replace) history.replaceState(null, '', path);
		else history.pushState(null, '', path);
		this.render();
	}

	render() {
		const route = matchRoute(location.pathname);
		if (!this.user) {
			// Not signed in (yet): public pages show; elsewhere the sign-in form
			// (or "connecting") stays, except when leaving a public page.
			if (route.public) {
				if (this.view && this.route && this.route.view === route.view && this.view.update &&
				    this.view.update(route)) return;
				this.route = route;
				this.show(new route.view(this, route));
				if (this.view.focus) this.view.focus();
			} else if (this.route && this.route.public) {
				if (['unauthorized', 'closed', 'idle'].includes(this.conn.state)) this.showSignIn();
				else { this.route = null; this.show(new ConnectingView()); }
			}
			return;
		}
		renderHeader(this);
		if (this.view && this.view.update && this.route && this.route.view === route.view &&
		    this.view.update(route)) {
			this.route = route;
			return;
		}
		this.route = route;
		// A page just loaded (the "connecting" note was all there was) leaves
		// the focus at the top, where Tab finds the skip links first; a view
		// replacing another (a link, signing in) takes the focus.
		const landing = this.view instanceof ConnectingView;
		const view = new route.view(this, route);
		this.show(view);
		window.scrollTo(0, 0);
		if (landing) return;
		if (view.focus) view.focus();
		else if (view.heading) view.heading.focus();
	}

	onClick(e) {
		if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
		const a = e.target.closest && e.target.closest('a[href]');
		if (!a || a.target === '_blank' || a.hasAttribute('download')) return;
		const url = new URL(a.href, location.href);
		if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
		if (url.hash && url.pathname === location.pathname) return;
		e.preventDefault();
		// A #fragment (a comment in a thread) goes along for the view to find.
		this.navigate(url.pathname + url.hash);
	}
}

pickLocale();
const app = new App();
app.start();
