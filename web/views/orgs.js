// Customer organisations (/orgs, managers and admins), from orgs.list: a
// portfolio table with each organisation's people, the rounds they were
// invited to, when they were last active (active or gone quiet), their
// ideas, comments and votes, the needs they back, and where they disagree
// with staff. Every column sorts; the order is kept while the page lives.
import { t, formatNumber } from '../i18n/index.js';
import { h, replaceChildren } from '../lib/dom.js';
import { authorName, errorText, isStaffManager, timeElement } from '../lib/format.js';

const COLUMNS = [
	{ key: 'org', label: 'orgs.col.org', value: (o) => (o.org || '').toLocaleLowerCase(), text: true },
	{ key: 'people', label: 'orgs.col.people', value: (o) => (o.people || []).length },
	{ key: 'rounds', label: 'orgs.col.rounds', value: (o) => (o.rounds || []).length },
	{ key: 'last_active', label: 'orgs.col.last_active', value: (o) => (o.last_active ? Date.parse(o.last_active) : 0) },
	{ key: 'ideas', label: 'orgs.col.ideas', value: (o) => Number(o.ideas) || 0 },
	{ key: 'comments', label: 'orgs.col.comments', value: (o) => Number(o.comments) || 0 },
	{ key: 'votes', label: 'orgs.col.votes', value: (o) => Number(o.votes) || 0 },
	{ key: 'needs', label: 'orgs.col.needs', value: (o) => (o.needs || []).length },
	{ key: 'disagree', label: 'orgs.col.disagree', value: (o) => (o.disagree || []).length },
];

export class OrgsView {
	constructor(app) {
		this.app = app;
		this.orgs = [];
		this.sortKey = 'last_active';
		this.sortDir = -1;
	}

	title() {
		return t('orgs.title');
	}

	mount(main) {
		this.heading = h('h1', { tabindex: '-1', id: 'orgs-h' }, t('orgs.title'));
		if (!isStaffManager(this.app.user)) {
			main.append(h('div', { class: 'page page-narrow' }, h('div', { class: 'card empty' },
				this.heading, h('p', null, t('orgs.not_allowed')),
				h('p', null, h('a', { href: '/' }, t('nav.back_to_rounds'))))));
			return;
		}
		this.error = h('p', { class: 'form-error', role: 'alert' });
		this.status = h('p', { class: 'muted orgs-status', role: 'status' }, t('common.loading'));
		this.thead = h('thead');
		this.tbody = h('tbody');
		this.table = h('table', { class: 'orgs-table', hidden: true },
			h('caption', { class: 'sr-only' }, t('orgs.caption')), this.thead, this.tbody);
		main.append(h('div', { class: 'page' },
			h('div', { class: 'page-head' }, h('div', null, this.heading, h('p', { class: 'muted lead' }, t('orgs.lead')))),
			this.error, this.status,
			h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'orgs-h' }, this.table)));
		this.load();
	}

	focus() {
		if (this.heading) this.heading.focus();
	}

	async load() {
		if (!this.table) return;
		try {
			const r = await this.app.conn.request('orgs.list');
			this.orgs = Array.isArray(r.orgs) ? r.orgs : [];
			this.error.textContent = '';
			this.render();
		} catch (e) {
			this.error.textContent = errorText(e);
		}
	}

	sortBy(key) {
		if (this.sortKey === key) this.sortDir = -this.sortDir;
		else {
			this.sortKey = key;
			this.sortDir = COLUMNS.find((c) => c.key === key).text ? 1 : -1;
		}
		this.render();
		const btn = this.thead.querySelector(`[data-sort="${key}"]`);
		if (btn) btn.focus();
	}

	sorted() {
		const col = COLUMNS.find((c) => c.key === this.sortKey) || COLUMNS[0];
		return [...this.orgs].sort((a, b) => {
			const x = col.value(a), y = col.value(b);
			const c = x < y ? -1 : x > y ? 1 : 0;
			return c * this.sortDir || (a.org || '').localeCompare(b.org || '');
		});
	}

	render() {
		const active = this.orgs.filter((o) => !o.quiet).length;
		this.status.textContent = this.orgs.length
			? t('orgs.summary', { count: this.orgs.length, n: formatNumber(this.orgs.length), active: formatNumber(active), quiet: formatNumber(this.orgs.length - active) })
			: t('orgs.empty');
		this.table.hidden = this.orgs.length === 0;
		replaceChildren(this.thead, h('tr', null, COLUMNS.map((c) => {
			const on = c.key === this.sortKey;
			return h('th', { scope: 'col', 'aria-sort': on ? (this.sortDir > 0 ? 'ascending' : 'descending') : 'none' },
				h('button', { type: 'button', class: 'sort-button', 'data-sort': c.key, onclick: () => this.sortBy(c.key) },
					t(c.label), h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, on ? (this.sortDir > 0 ? ' \u25b2' : ' \u25bc') : '')));
		})));
		replaceChildren(this.tbody, this.sorted().map((o) => this.row(o)));
	}

	row(o) {
		const people = o.people || [];
		const needs = o.needs || [];
		const dis = o.disagree || [];
		const details = (summary, items) => (items.length
			? h('details', { class: 'orgs-more' }, h('summary', null, summary), h('ul', { class: 'small' }, items))
			: h('span', null, summary));
		return h('tr', { class: o.quiet ? 'org-quiet' : 'org-active', 'data-org': o.org || '' },
			h('th', { scope: 'row' }, o.org || h('span', { class: 'muted' }, t('orgs.no_org')),
				' ', h('span', { class: `badge ${o.quiet ? 'org-badge-quiet' : 'org-badge-active'}` }, t(o.quiet ? 'orgs.quiet' : 'orgs.active'))),
			h('td', null, details(formatNumber(people.length), people.map((u) => h('li', null, authorName(u),
				u.last_active ? [' ', h('span', { class: 'muted' }, '(', timeElement(u.last_active), ')')] : null)))),
			h('td', null, details(formatNumber((o.rounds || []).length),
				(o.rounds || []).map((r) => h('li', null, h('a', { href: `/round/${r.id}` }, r.title))))),
			h('td', null, o.last_active ? timeElement(o.last_active)
				: h('span', { class: 'muted' }, t('orgs.never'))),
			h('td', { class: 'num' }, formatNumber(Number(o.ideas) || 0)),
			h('td', { class: 'num' }, formatNumber(Number(o.comments) || 0)),
			h('td', { class: 'num' }, formatNumber(Number(o.votes) || 0)),
			h('td', null, details(formatNumber(needs.length),
				needs.map((n) => h('li', null, h('a', { href: `/round/${n.round}/needs#need-${n.id}` }, n.title))))),
			h('td', null, details(formatNumber(dis.length), dis.map((d) => h('li', null,
				h('a', { href: `/round/${d.round}/post/${d.post}` }, d.title), ' ',
				h('span', { class: 'muted' }, t('orgs.disagree_detail', { org: signed(d.org_net), staff: signed(d.staff_net) })))))));
	}

	onReconnect() {
		this.load();
	}

	onEvent() {}

	unmount() {}
}

function signed(n) {
	const v = Number(n) || 0;
	return v > 0 ? `+${formatNumber(v)}` : formatNumber(v);
}
