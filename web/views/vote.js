// Voting controls for one post: up/down in updown rounds, add/remove a dot in
// dots rounds. The control only asks; RoundView.castVote talks to the server
// and calls update() with what came back.
import { t, formatNumber, formatDecimal } from '../i18n/index.js';
import { h } from '../lib/dom.js';

export function tallyOf(post) {
	return post.tally || { up: 0, down: 0, dots: 0, score: 0 };
}

export class VoteControl {
	// layout: 'stack' (in lists) or 'row' (in the post view)
	// describedBy: the id of the element holding the post's title, so that a
	// screen reader says which post "Vote up" is about. (A description, not a
	// label, so that the buttons keep their short names.)
	constructor(roundView, post, layout = 'stack', describedBy = null) {
		this.rv = roundView;
		this.postId = post.id;
		this.layout = layout;
		this.busy = false;
		this.describedBy = describedBy;
		this.el = h('div', { class: `vote vote-${layout}` });
		this.mode = null;
		this.update(post);
	}

	build(mode) {
		this.mode = mode;
		this.el.replaceChildren();
		const d = this.describedBy || null;
		if (mode === 'dots') {
			this.plus = h('button', { type: 'button', class: 'vote-btn vote-plus', 'aria-label': t('vote.add_dot'), 'aria-describedby': d, onclick: () => this.changeDots(1) }, '+');
			this.minus = h('button', { type: 'button', class: 'vote-btn vote-minus', 'aria-label': t('vote.remove_dot'), 'aria-describedby': d, onclick: () => this.changeDots(-1) }, '\u2212');
			this.total = h('span', { class: 'vote-total' });
			this.mine = h('span', { class: 'vote-mine' });
			this.el.append(this.plus, h('span', { class: 'vote-count' }, this.total, this.mine), this.minus);
		} else {
			this.up = h('button', { type: 'button', class: 'vote-btn vote-up', 'aria-label': t('vote.up'), 'aria-describedby': d, onclick: () => this.press(1) },
				h('span', { 'aria-hidden': 'true', class: 'chev chev-up' }));
			this.down = h('button', { type: 'button', class: 'vote-btn vote-down', 'aria-label': t('vote.down'), 'aria-describedby': d, onclick: () => this.press(-1) },
				h('span', { 'aria-hidden': 'true', class: 'chev chev-down' }));
			this.total = h('span', { class: 'vote-total' });
			this.mine = h('span', { class: 'sr-only' });
			// The score "Top" orders by (the server's), explained on hover
			// and to screen readers.
			this.score = h('span', { class: 'vote-score', title: t('vote.score_help') });
			this.el.append(this.up, h('span', { class: 'vote-count' }, this.total, this.mine, this.score), this.down);
		}
	}

	update(post) {
		const round = this.rv.round;
		const mode = round && round.vote_mode === 'dots' ? 'dots' : 'updown';
		if (mode !== this.mode) this.build(mode);
		const tally = tallyOf(post);
		const my = Number(post.my_vote) || 0;
		const merged = post.status === 'merged';
		// Not allowed in this phase: the buttons show the tally only.
		const shut = this.rv.allows ? !this.rv.allows('vote') : false;
		if (mode === 'dots') {
			this.total.textContent = formatNumber(tally.dots || 0);
			this.total.title = t('vote.dots_total', { count: tally.dots || 0 });
			this.mine.textContent = my > 0 ? t('vote.dots_mine_short', { count: my }) : '';
			this.mine.classList.toggle('is-mine', my > 0);
			this.el.classList.toggle('has-vote', my > 0);
			const left = this.rv.dotsLeft();
			this.plus.disabled = this.busy || merged || shut || left <= 0;
			this.minus.disabled = this.busy || merged || shut || my <= 0;
			this.plus.title = left <= 0 ? t('vote.no_dots_left') : t('vote.add_dot');
		} else {
			const up = tally.up || 0;
			const down = tally.down || 0;
			const net = up - down;
			this.total.textContent = (net > 0 ? '+' : net < 0 ? '\u2212' : '') + formatNumber(Math.abs(net));
			this.total.title = t('vote.updown_detail', { up, down });
			this.mine.textContent = t('vote.updown_detail', { up, down });
			const score = Number(tally.score) || 0;
			this.score.dataset.score = String(score);
			this.score.textContent = t('vote.score_short', { score: formatDecimal(score, 2) });
			this.score.setAttribute('aria-label', `${t('vote.score_short', { score: formatDecimal(score, 2) })}. ${t('vote.score_help')}`);
			this.up.setAttribute('aria-pressed', String(my === 1));
			this.down.setAttribute('aria-pressed', String(my === -1));
			this.up.disabled = this.busy || merged || shut;
			this.down.disabled = this.busy || merged || shut;
			this.el.classList.toggle('voted-up', my === 1);
			this.el.classList.toggle('voted-down', my === -1);
		}
	}

	async press(value) {
		const post = this.rv.posts.get(this.postId);
		if (!post) return;
		const my = Number(post.my_vote) || 0;
		await this.send({ value: my === value ? 0 : value });
	}

	async changeDots(delta) {
		const post = this.rv.posts.get(this.postId);
		if (!post) return;
		const my = Number(post.my_vote) || 0;
		await this.send({ dots: Math.max(0, my + delta) });
	}

	async send(fields) {
		if (this.busy) return;
		this.busy = true;
		const focused = document.activeElement;
		try {
			await this.rv.castVote(this.postId, fields);
		} finally {
			this.busy = false;
			const post = this.rv.posts.get(this.postId);
			if (post) this.update(post);
			// Disabling a focused button drops focus; put it back.
			if (focused && this.el.contains(focused) && !focused.disabled) focused.focus();
		}
	}
}
