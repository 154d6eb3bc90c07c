// Where the groups disagree: a pane of the round view for leadership
// (/round/N/insights, managers and admins), from round.insights. For each
// post, each group's support (employees, customers, managers with admins),
// as bars with the percentage written out. It follows the votes: while it is
// open, new tallies refresh it (debounced).
import { t, formatNumber } from '../i18n/index.js';
import { h, replaceChildren } from '../lib/dom.js';
import { errorText, isStaffManager } from '../lib/format.js';

const GROUPS = ['employees', 'customers', 'managers'];
const REFRESH_MS = 1200;

function pct(x) {
	return Math.round((Number(x) || 0) * 100);
}

// The bar is drawing only (the words beside it say the same); its width is
// set through the CSSOM, which the style-src policy allows.
function supportBar(p) {
	const fill = h('span', { class: 'support-fill' });
	fill.style.width = `${Math.max(0, Math.min(100, p))}%`;
	return h('span', { class: 'support-bar', 'aria-hidden': 'true' }, fill);
}

export class InsightsPane {
	constructor(roundView) {
		this.rv = roundView;
		this.app = roundView.app;
		this.heading = h('h1', { tabindex: '-1', class: 'pane-title', id: 'insights-h' }, t('insights.heading'));
		this.backSlot = h('p', { class: 'back' });
		this.error = h('p', { class: 'form-error', role: 'alert' });
		this.status = h('p', { class: 'muted small', role: 'status' });
		this.body = h('div', { class: 'insights-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('common.loading')));
		this.refreshBtn = h('button', { type: 'button', class: 'btn', onclick: () => this.load(true) }, t('insights.refresh'));
		this.el = h('div', { class: 'pane insights-pane' },
			this.backSlot,
			h('div', { class: 'page-head' },
				h('div', null, this.heading, h('p', { class: 'muted lead' }, t('insights.lead'))),
				h('div', { class: 'page-actions' }, this.refreshBtn)),
			this.error, this.status, this.body);
		this.renderBack();
	}

	title() {
		return t('insights.heading');
	}

	renderBack() {
		const round = this.rv.round;
		replaceChildren(this.backSlot, h('a', { href: `/round/${this.rv.roundId}`, class: 'back-link' },
			h('span', { 'aria-hidden': 'true' }, '\u2190 '), t('post.back', { round: round ? round.title : '' })));
	}

	async load(announce = false) {
		this.renderBack();
		if (!isStaffManager(this.app.user)) {
			this.body.removeAttribute('aria-busy');
			replaceChildren(this.body, h('p', { class: 'card empty-small' }, t('insights.not_allowed')));
			return;
		}
		try {
			const r = await this.app.conn.request('round.insights', { round: this.rv.roundId });
			this.data = r;
			this.error.textContent = '';
			this.render();
			if (announce) this.status.textContent = t('insights.updated');
		} catch (e) {
			this.error.textContent = errorText(e);
		}
	}

	// A tally changed somewhere in the round: look again, a little later.
	poke() {
		clearTimeout(this.timer);
		this.timer = setTimeout(() => { if (this.el.isConnected) this.load(); }, REFRESH_MS);
	}

	render() {
		const r = this.data || {};
		const disagree = Array.isArray(r.disagree) ? r.disagree : [];
		const agree = Array.isArray(r.agree) ? r.agree : [];
		this.body.removeAttribute('aria-busy');
		const customers = this.rv.round && this.rv.round.audience === 'invited';
		replaceChildren(this.body,
			h('section', { class: 'insights-section', 'aria-labelledby': 'disagree-h' },
				h('h2', { id: 'disagree-h' }, t('insights.disagree'), ' ', h('span', { class: 'count-pill count-pill-quiet' }, formatNumber(disagree.length))),
				h('p', { class: 'muted small' }, t('insights.disagree_help')),
				disagree.length
					? h('ol', { class: 'insight-list' }, disagree.map((x) => this.item(x, true, customers)))
					: h('p', { class: 'muted card empty-small' }, t('insights.disagree_none'))),
			h('section', { class: 'insights-section', 'aria-labelledby': 'agree-h' },
				h('h2', { id: 'agree-h' }, t('insights.agree'), ' ', h('span', { class: 'count-pill count-pill-quiet' }, formatNumber(agree.length))),
				h('p', { class: 'muted small' }, t('insights.agree_help')),
				agree.length
					? h('ol', { class: 'insight-list' }, agree.map((x) => this.item(x, false, customers)))
					: h('p', { class: 'muted card empty-small' }, t('insights.agree_none'))),
			this.needsSection(Array.isArray(r.needs) ? r.needs : []));
	}

	// Each need: its ideas' combined support by group and the customer
	// organisations behind it, as a table.
	needsSection(needs) {
		const dots = this.rv.round && this.rv.round.vote_mode === 'dots';
		const sup = (g) => {
			const v = Number(g && g.support) || 0;
			return dots || v <= 0 ? formatNumber(v) : `+${formatNumber(v)}`;
		};
		return h('section', { class: 'insights-section', 'aria-labelledby': 'needs-support-h' },
			h('h2', { id: 'needs-support-h' }, t('insights.needs'), ' ', h('span', { class: 'count-pill count-pill-quiet' }, formatNumber(needs.length))),
			h('p', { class: 'muted small' }, t(dots ? 'insights.needs_help_dots' : 'insights.needs_help')),
			needs.length
				? h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'needs-support-h' },
					h('table', { class: 'needs-support' },
						h('thead', null, h('tr', null,
							h('th', { scope: 'col' }, t('insights.needs_col.need')),
							GROUPS.map((g) => h('th', { scope: 'col', class: 'num' }, t(`insights.group.${g}`))),
							h('th', { scope: 'col', class: 'num' }, t('insights.needs_col.total')),
							h('th', { scope: 'col' }, t('insights.needs_col.orgs')))),
						h('tbody', null, needs.map((x) => h('tr', { 'data-need': String(x.need && x.need.id) },
							h('th', { scope: 'row' },
								h('a', { href: `/round/${this.rv.roundId}/needs#need-${x.need && x.need.id}` }, x.need ? x.need.title : ''),
								h('span', { class: 'muted small' }, ' ', t('insights.needs_ideas', { count: (x.ideas || []).length, n: formatNumber((x.ideas || []).length) }))),
							GROUPS.map((g) => {
								const s = (x.support || {})[g] || {};
								return h('td', { class: 'num' }, sup(s), h('span', { class: 'muted small' }, ' ',
									t('insights.needs_people', { count: Number(s.people) || 0, n: formatNumber(Number(s.people) || 0) })));
							}),
							h('td', { class: 'num' }, sup({ support: x.total })),
							h('td', null, (x.orgs || []).length
								? (x.orgs || []).map((o, i) => [i ? ', ' : null, `${o.org} (${formatNumber(o.people)})`])
								: h('span', { class: 'muted' }, t('insights.needs_no_orgs'))))))))
				: h('p', { class: 'muted card empty-small' }, t('insights.needs_none')));
	}

	item(x, disagree, customers) {
		const groups = x.groups || {};
		const titleId = `insight-${disagree ? 'd' : 'a'}-${x.post}`;
		return h('li', { class: 'card insight', 'data-post': String(x.post) },
			h('h3', { class: 'insight-title', id: titleId },
				h('a', { href: `/round/${this.rv.roundId}/post/${x.post}` }, x.title)),
			h('p', { class: 'muted small insight-facts' },
				t('insights.rank', { rank: x.rank }),
				h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'),
				disagree ? t('insights.spread', { points: pct(x.spread) }) : t('insights.floor', { pct: pct(x.floor) })),
			h('ul', { class: 'support-bars', 'aria-labelledby': titleId },
				GROUPS.filter((g) => g !== 'customers' || customers || (groups[g] && groups[g].votes > 0)).map((g) => {
					const s = groups[g] || { present: false, votes: 0, support: 0 };
					const p = pct(s.support);
					const name = t(`insights.group.${g}`);
					const text = s.present
						? t('insights.support', { pct: p, count: Number(s.votes) || 0, votes: formatNumber(Number(s.votes) || 0) })
						: Number(s.votes) > 0
							? t('insights.too_few', { count: Number(s.votes), votes: formatNumber(Number(s.votes)) })
							: t('insights.no_votes');
					return h('li', { class: ['support-row', `group-${g}`, !s.present && 'is-absent'] },
						h('span', { class: 'support-group' }, name),
						supportBar(s.present ? p : 0),
						h('span', { class: 'support-text' }, text));
				})));
	}

	loadAndFocus(focus) {
		if (focus) this.focus();
		return this.load();
	}

	focus() {
		this.heading.focus();
	}

	destroy() {
		clearTimeout(this.timer);
	}
}
