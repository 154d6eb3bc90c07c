// The audit log, for admins: every moderation and membership action, who
// did it, when and why, newest first, with older pages on request.
import { t, absoluteTime } from '../i18n/index.js';
import { h, replaceChildren } from '../lib/dom.js';
import { authorName, errorText } from '../lib/format.js';

const PAGE = 100;

export class AuditView {
	constructor(app) {
		this.app = app;
		this.entries = [];
		this.rounds = new Map();
	}

	title() {
		return t('audit.title');
	}

	mount(main) {
		this.heading = h('h1', { tabindex: '-1', id: 'audit-h' }, t('audit.title'));
		if (!this.app.user || this.app.user.role !== 'admin') {
			main.append(h('div', { class: 'page page-narrow' }, h('div', { class: 'card empty' },
				this.heading, h('p', null, t('audit.not_allowed')),
				h('p', null, h('a', { href: '/' }, t('nav.back_to_rounds'))))));
			return;
		}
		this.error = h('p', { class: 'form-error', role: 'alert' });
		this.status = h('p', { class: 'muted', role: 'status' }, t('common.loading'));
		this.tbody = h('tbody');
		this.table = h('table', { class: 'audit-table', hidden: true },
			h('caption', { class: 'sr-only' }, t('audit.caption')),
			h('thead', null, h('tr', null,
				['audit.col.when', 'audit.col.who', 'audit.col.action', 'audit.col.target', 'audit.col.round', 'audit.col.detail']
					.map((k) => h('th', { scope: 'col' }, t(k))))),
			this.tbody);
		this.more = h('button', { type: 'button', class: 'btn', hidden: true, onclick: () => this.load(true) }, t('audit.older'));
		main.append(h('div', { class: 'page' },
			h('div', { class: 'page-head' }, h('div', null, this.heading, h('p', { class: 'muted lead' }, t('audit.lead')))),
			this.error, this.status,
			h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'audit-h' }, this.table),
			h('p', { class: 'audit-more' }, this.more)));
		this.load(false);
	}

	async load(older) {
		this.more.disabled = true;
		try {
			const fields = { limit: PAGE };
			if (older && this.entries.length) fields.before = this.entries[this.entries.length - 1].id;
			const [r, rl] = await Promise.all([
				this.app.conn.request('audit.list', fields),
				this.rounds.size ? Promise.resolve(null) : this.app.conn.request('rounds.list'),
			]);
			if (rl) for (const x of rl.rounds || []) this.rounds.set(x.id, x);
			const got = Array.isArray(r.entries) ? r.entries : [];
			this.entries = older ? this.entries.concat(got) : got;
			this.more.hidden = got.length < PAGE;
			this.error.textContent = '';
			this.render();
		} catch (e) {
			this.error.textContent = errorText(e);
		} finally {
			this.more.disabled = false;
		}
	}

	render() {
		this.status.textContent = this.entries.length ? '' : t('audit.empty');
		this.status.hidden = this.entries.length > 0;
		this.table.hidden = this.entries.length === 0;
		replaceChildren(this.tbody, this.entries.map((e) => {
			const round = e.round ? this.rounds.get(e.round) : null;
			const actionKey = `audit.action.${String(e.action).replace(/[^a-z_.]/g, '')}`;
			let action = t(actionKey);
			if (action === actionKey) action = e.action;
			return h('tr', null,
				h('td', null, h('time', { datetime: e.at }, absoluteTime(e.at))),
				h('td', null, e.actor ? authorName(e.actor) : t('audit.system')),
				h('td', null, action),
				h('td', null, e.target ? `${t(`audit.target.${e.target}`)} ${e.target_id}` : ''),
				h('td', null, e.round ? (round ? h('a', { href: `/round/${round.id}` }, round.title) : String(e.round)) : ''),
				h('td', { class: 'audit-detail' }, e.detail || ''));
		}));
	}

	refresh() {
		this.load(false);
	}

	onReconnect() {
		this.load(false);
	}

	onEvent() {}

	unmount() {}
}
