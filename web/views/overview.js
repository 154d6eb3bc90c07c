// Leadership's view across rounds (/outcomes, managers and admins): every
// round's priorities in one table, each with its owner, status, progress on
// its measures (bars, with the numbers written out) and next milestone,
// linking to the round's Outcomes board.
import { t } from '../i18n/index.js';
import { h, replaceChildren } from '../lib/dom.js';
import { authorName, errorText, isStaffManager } from '../lib/format.js';
import { progressOf, nextMilestone } from './outcomes.js';

function pct(share) {
	return `${Math.round(share * 100)}%`;
}

export class OverviewView {
	constructor(app) {
		this.app = app;
	}

	title() {
		return t('overview.title');
	}

	mount(main) {
		this.heading = h('h1', { tabindex: '-1', id: 'overview-h' }, t('overview.title'));
		if (!isStaffManager(this.app.user)) {
			main.append(h('div', { class: 'page page-narrow' }, h('div', { class: 'card empty' },
				this.heading, h('p', null, t('overview.not_allowed')),
				h('p', null, h('a', { href: '/' }, t('nav.back_to_rounds'))))));
			return;
		}
		this.error = h('p', { class: 'form-error', role: 'alert' });
		this.body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('common.loading')));
		main.append(h('div', { class: 'page' },
			h('div', { class: 'page-head' }, h('div', null, this.heading, h('p', { class: 'muted lead' }, t('overview.lead')))),
			this.error, this.body));
		this.load();
	}

	async load() {
		try {
			const r = await this.app.conn.request('outcomes.overview');
			this.rounds = r.rounds || [];
			this.error.textContent = '';
			this.render();
		} catch (e) {
			this.error.textContent = errorText(e);
		}
	}

	render() {
		this.body.removeAttribute('aria-busy');
		if (!this.rounds.length) {
			replaceChildren(this.body, h('p', { class: 'card empty-small' }, t('overview.empty')));
			return;
		}
		const rows = [];
		for (const { round, priorities } of this.rounds)
			for (const p of priorities) {
				const next = nextMilestone(p);
				rows.push(h('tr', { 'data-priority': String(p.id) },
					h('td', null, h('a', { href: `/round/${round.id}` }, round.title)),
					h('th', { scope: 'row' }, h('a', { href: `/round/${round.id}/outcomes#priority-${p.id}` }, p.title)),
					h('td', null, p.owner ? authorName(p.owner) : t('priorities.no_owner')),
					h('td', null, h('span', { class: `badge outcome-status status-${p.status}` }, t(`outcomes.status.${p.status}`))),
					h('td', null, (p.measures || []).length ? h('ul', { class: 'overview-measures' }, p.measures.map((m) => {
						const share = progressOf(m);
						const fill = h('span', { class: 'measure-fill' });
						fill.style.width = `${share === null ? 0 : Math.max(0, Math.min(1, share)) * 100}%`;
						return h('li', null, h('span', { class: 'small' }, m.name, share === null ? '' : ` ${pct(share)}`),
							h('span', { class: 'measure-bar', 'aria-hidden': 'true' }, fill));
					})) : '\u2014'),
					h('td', null, next ? `${next.title} (${next.due})` : '\u2014')));
			}
		replaceChildren(this.body, h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'overview-h' },
			h('table', { class: 'audit-table overview-table' },
				h('caption', { class: 'sr-only' }, t('overview.caption')),
				h('thead', null, h('tr', null, ['overview.col.round', 'overview.col.priority', 'overview.col.owner',
					'overview.col.status', 'overview.col.progress', 'overview.col.next'].map((k) => h('th', { scope: 'col' }, t(k))))),
				h('tbody', null, rows))));
	}

	refresh() {
		this.load();
	}

	onReconnect() {
		this.load();
	}

	onEvent(msg) {
		if (msg.ev === 'round.updated') this.load();
	}

	unmount() {}
}
