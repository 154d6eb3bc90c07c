// "What became of my idea?" (/my-ideas): every post the signed-in person
// wrote, in every round they may still see, newest first, from my.ideas.
// Each says in one line where it stands (rank in its round's Top order,
// merged into another, hidden), which needs it serves, and which priority
// it feeds, with the priority's owner and status once priorities have one.
import { t, formatNumber } from '../i18n/index.js';
import { h, replaceChildren } from '../lib/dom.js';
import { authorName, errorText, timeElement } from '../lib/format.js';
import { phaseBadge, countText } from './common.js';

export class MyIdeasView {
	constructor(app) {
		this.app = app;
		this.ideas = [];
	}

	title() {
		return t('myideas.title');
	}

	mount(main) {
		this.heading = h('h1', { tabindex: '-1', id: 'myideas-h' }, t('myideas.title'));
		this.error = h('p', { class: 'form-error', role: 'alert' });
		this.summary = h('p', { class: 'muted my-ideas-summary', role: 'status' }, t('common.loading'));
		this.list = h('ol', { class: 'my-ideas', 'aria-labelledby': 'myideas-h' });
		main.append(h('div', { class: 'page page-narrow' },
			h('div', { class: 'page-head' }, h('div', null, this.heading, h('p', { class: 'muted lead' }, t('myideas.lead')))),
			this.error, this.summary, this.list));
		this.load();
	}

	focus() {
		if (this.heading) this.heading.focus();
	}

	async load() {
		try {
			const r = await this.app.conn.request('my.ideas');
			this.ideas = Array.isArray(r.ideas) ? r.ideas : [];
			this.error.textContent = '';
			this.render();
		} catch (e) {
			this.error.textContent = errorText(e);
		}
	}

	render() {
		const n = this.ideas.length;
		if (!n) {
			this.summary.textContent = t('myideas.empty');
			replaceChildren(this.list);
			return;
		}
		const fed = this.ideas.filter((x) => x.priority).length;
		const served = this.ideas.filter((x) => Array.isArray(x.needs) && x.needs.length).length;
		const merged = this.ideas.filter((x) => x.status === 'merged').length;
		this.summary.textContent = t('myideas.summary', {
			posts: countText('myideas.n_posts', n), fed: formatNumber(fed), needs: formatNumber(served), merged: formatNumber(merged),
		});
		replaceChildren(this.list, this.ideas.map((x) => this.item(x)));
	}

	// Where the post stands, in one sentence.
	standing(x) {
		const round = x.round || {};
		if (x.status === 'merged' && x.merged_into) {
			return h('p', { class: 'my-idea-standing' }, t('myideas.merged_into'), ' ',
				x.merged_into.title
					? h('a', { href: `/round/${round.id}/post/${x.merged_into.id}` }, x.merged_into.title)
					: t('merge.another_post'));
		}
		if (x.status === 'hidden') return h('p', { class: 'my-idea-standing' }, t('myideas.hidden'));
		if (x.rank) {
			return h('p', { class: 'my-idea-standing' }, t('myideas.rank', {
				rank: formatNumber(x.rank), of: formatNumber(x.of),
				kind: t(x.post && x.post.kind === 'plan' ? 'myideas.of_plans' : 'myideas.of_ideas'),
			}), ' ', h('span', { class: 'muted' }, t('myideas.score', { score: formatNumber(Number(x.score) || 0) })));
		}
		return null;
	}

	item(x) {
		const post = x.post || {};
		const round = x.round || {};
		const needs = Array.isArray(x.needs) ? x.needs : [];
		const pr = x.priority;
		return h('li', { class: 'card my-idea', 'data-post': String(post.id) },
			h('p', { class: 'kicker' },
				h('span', { class: `badge kind kind-${post.kind}` }, t(`kind.${post.kind}`)),
				x.status && x.status !== 'open' ? h('span', { class: `badge status status-${x.status}` }, t(`status.${x.status}`)) : null,
				round.phase ? phaseBadge(round.phase) : null),
			h('h2', { class: 'my-idea-title' }, x.status === 'hidden'
				? post.title
				: h('a', { href: `/round/${round.id}/post/${post.id}` }, post.title)),
			h('p', { class: 'muted small' }, t('myideas.in_round'), ' ', h('a', { href: `/round/${round.id}` }, round.title),
				h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'), timeElement(post.created_at),
				h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'), countText('post.comments', Number(post.comment_count) || 0)),
			this.standing(x),
			h('dl', { class: 'my-idea-facts' },
				h('dt', null, t('myideas.needs')),
				h('dd', { class: 'my-idea-needs' }, needs.length
					? needs.map((n, i) => [i ? ', ' : null, h('a', { href: `/round/${round.id}/needs#need-${n.id}` }, n.title)])
					: h('span', { class: 'muted' }, t('myideas.no_needs'))),
				h('dt', null, t('myideas.priority')),
				h('dd', { class: 'my-idea-priority' }, pr
					? [h('a', { href: `/round/${round.id}/priorities` }, pr.title),
						pr.owner ? [' ', h('span', { class: 'muted' }, t('myideas.led_by', { name: authorName(pr.owner) }))] : null,
						pr.status ? [' ', h('span', { class: `badge priority-status status-${pr.status}` }, t(`myideas.pstatus.${pr.status}`))] : null]
					: h('span', { class: 'muted' }, t('myideas.no_priority')))));
	}

	onReconnect() {
		this.load();
	}

	onEvent() {}

	unmount() {}
}
