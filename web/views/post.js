// One post: its rendered body, votes by role, and the threaded comments with
// a reply form under any comment.
import { t, formatNumber } from '../i18n/index.js';
import { h, newId, replaceChildren } from '../lib/dom.js';
import { authorElement, authorName, errorText, timeElement } from '../lib/format.js';
import { richBody, countText, phaseBadge } from './common.js';
import { VoteControl, tallyOf } from './vote.js';

const COMMENT_LIMIT = 5000;
const ROLES = ['employee', 'customer', 'manager', 'admin'];

export class PostDetail {
	constructor(roundView, postId) {
		this.rv = roundView;
		this.postId = postId;
		this.comments = new Map();
		this.nodes = new Map(); // comment id -> {li, children}
		this.openReply = null;
		this.heading = h('h1', { tabindex: '-1', class: 'post-detail-title' }, t('common.loading'));
		this.el = h('div', { class: 'post-detail' }, this.heading);
	}

	get post() {
		return this.rv.posts.get(this.postId) || this.loaded;
	}

	async load() {
		try {
			const r = await this.rv.app.conn.request('post.get', { post: this.postId });
			this.loaded = r.post;
			const merged = this.rv.mergePost(r.post, { withMyVote: true }) || r.post;
			const comments = r.comments || [];
			for (const c of comments) this.rv.noteComment(c, { counted: true });
			if (this.meta) {
				// Already on screen (a reload after a reconnect): add what is new
				// and keep what the reader was typing.
				this.update(merged);
				for (const c of comments) this.addComment(c, { own: true });
				return true;
			}
			this.comments = new Map();
			for (const c of comments) this.comments.set(c.id, c);
			this.render();
			return true;
		} catch (e) {
			replaceChildren(this.el,
				this.backLink(),
				this.heading,
				h('p', { class: 'form-error', role: 'alert' }, e.code === 'not_found' ? t('post.not_found') : errorText(e)));
			this.heading.textContent = t('post.unavailable');
			return false;
		}
	}

	backLink() {
		return h('p', { class: 'back' }, h('a', { href: `/round/${this.rv.roundId}`, class: 'back-link' },
			h('span', { 'aria-hidden': 'true' }, '\u2190 '), t('post.back', { round: this.rv.round ? this.rv.round.title : '' })));
	}

	render() {
		const post = this.post;
		if (!post) return;
		this.heading.textContent = post.title;
		this.kicker = h('p', { class: 'kicker' });
		this.meta = h('p', { class: 'post-meta' });
		this.body = h('div');
		this.vote = new VoteControl(this.rv, post, 'row', 'post-detail-h');
		this.voteError = h('p', { class: 'form-error', role: 'alert' });
		this.breakdown = h('dl', { class: 'by-role' });
		this.commentsHeading = h('h2', { id: newId('comments-h') });
		this.thread = h('ol', { class: 'thread thread-root' });
		this.emptyComments = h('p', { class: 'muted' }, t('comment.none'));
		this.topForm = this.commentForm(null);
		replaceChildren(this.el,
			this.backLink(),
			h('article', { class: `card post-article kind-${post.kind}`, 'aria-labelledby': 'post-detail-h' },
				this.kicker,
				Object.assign(this.heading, { id: 'post-detail-h' }),
				this.meta,
				this.body,
				h('div', { class: 'post-votes' }, this.vote.el, this.breakdown),
				this.voteError),
			h('section', { class: 'comments', 'aria-labelledby': this.commentsHeading.id },
				this.commentsHeading,
				this.emptyComments,
				this.thread,
				this.topForm.el));
		this.update(post);
		this.renderThread();
	}

	update(post) {
		if (!this.meta) return;
		this.heading.textContent = post.title;
		replaceChildren(this.kicker,
			h('span', { class: `badge kind kind-${post.kind}` }, t(`kind.${post.kind}`)),
			post.status && post.status !== 'open' ? h('span', { class: `badge status status-${post.status}` }, t(`status.${post.status}`)) : null,
			this.rv.round ? phaseBadge(this.rv.round.phase) : null);
		replaceChildren(this.meta, authorElement(post.author), h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'), timeElement(post.created_at));
		replaceChildren(this.body, richBody(post, 1));
		this.updateTally(post);
	}

	updateTally(post) {
		if (!this.vote) return;
		this.vote.update(post);
		const tally = tallyOf(post);
		const dots = this.rv.round && this.rv.round.vote_mode === 'dots';
		const rows = [];
		const by = tally.by_role || {};
		for (const role of ROLES) {
			const r = by[role];
			if (!r) continue;
			const any = dots ? r.dots : r.up || r.down;
			if (!any) continue;
			rows.push(h('div', { class: 'by-role-row' },
				h('dt', null, t(`role_plural.${role}`)),
				h('dd', null, dots ? t('vote.dots_total', { count: r.dots })
					: t('vote.updown_detail', { up: r.up, down: r.down }))));
		}
		if (rows.length === 0) rows.push(h('div', { class: 'by-role-row muted' }, h('dt', null, t('vote.no_votes')), h('dd')));
		replaceChildren(this.breakdown, rows);
		this.breakdown.setAttribute('aria-label', t('vote.by_role'));
	}

	showVoteError(text) {
		if (this.voteError) this.voteError.textContent = text;
	}

	commentForm(parent) {
		const ids = { body: newId('comment-body'), err: newId('comment-err') };
		const textarea = h('textarea', { id: ids.body, rows: 3, maxlength: COMMENT_LIMIT, 'aria-describedby': ids.err });
		const error = h('p', { class: 'form-error', id: ids.err, role: 'alert' });
		const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, parent ? t('comment.reply_submit') : t('comment.submit'));
		const label = parent
			? t('comment.reply_label', { name: authorName(parent.author) })
			: t('comment.label');
		const form = h('form', {
			class: parent ? 'reply-form stack' : 'comment-form stack', novalidate: true,
			onsubmit: async (e) => {
				e.preventDefault();
				error.textContent = '';
				const body = textarea.value.trim();
				if (!body) {
					error.textContent = t('comment.empty');
					textarea.focus();
					return;
				}
				submit.disabled = true;
				try {
					const fields = { post: this.postId, body };
					if (parent) fields.parent = parent.id;
					const r = await this.rv.app.conn.request('comment.create', fields);
					textarea.value = '';
					this.addComment(r.comment, { own: true });
					if (parent) this.closeReply(true);
				} catch (err) {
					error.textContent = errorText(err);
				} finally {
					submit.disabled = false;
				}
			},
			onkeydown: (e) => {
				if (parent && e.key === 'Escape') { e.preventDefault(); this.closeReply(true); }
			},
		},
		h('label', { for: ids.body, class: parent ? 'reply-label' : null }, label),
		textarea,
		h('p', { class: 'hint' }, t('compose.markdown_hint')),
		error,
		h('div', { class: 'form-actions' }, submit,
			parent ? h('button', { type: 'button', class: 'btn', onclick: () => this.closeReply(true) }, t('common.cancel')) : null));
		return { el: form, textarea };
	}

	toggleReply(comment, button) {
		if (this.openReply && this.openReply.comment.id === comment.id) {
			this.closeReply(true);
			return;
		}
		this.closeReply(false);
		const node = this.nodes.get(comment.id);
		if (!node) return;
		const f = this.commentForm(comment);
		node.replySlot.append(f.el);
		button.setAttribute('aria-expanded', 'true');
		this.openReply = { comment, form: f, button };
		f.textarea.focus();
	}

	closeReply(refocus) {
		if (!this.openReply) return;
		const { form, button } = this.openReply;
		form.el.remove();
		button.setAttribute('aria-expanded', 'false');
		this.openReply = null;
		if (refocus) button.focus();
	}

	commentNode(c) {
		const replyBtn = h('button', { type: 'button', class: 'btn btn-small btn-quiet', 'aria-expanded': 'false' }, t('comment.reply'));
		replyBtn.addEventListener('click', () => this.toggleReply(c, replyBtn));
		const children = h('ol', { class: 'thread' });
		const replySlot = h('div', { class: 'reply-slot' });
		const from = c.from_post ? h('span', { class: 'badge status status-merged' }, t('comment.from_merged')) : null;
		const li = h('li', { class: 'comment-item', id: `comment-${c.id}` },
			h('article', { class: 'comment' },
				h('p', { class: 'comment-meta' }, authorElement(c.author),
					h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'), timeElement(c.created_at), from),
				richBody(c, 3),
				h('div', { class: 'comment-actions' }, replyBtn)),
			replySlot,
			children);
		const node = { li, children, replySlot };
		this.nodes.set(c.id, node);
		return node;
	}

	renderThread() {
		this.nodes = new Map();
		this.openReply = null;
		const visible = [...this.comments.values()].filter((c) => !c.hidden).sort((a, b) => a.id - b.id);
		const roots = [];
		for (const c of visible) this.commentNode(c);
		for (const c of visible) {
			const node = this.nodes.get(c.id);
			const parent = c.parent != null ? this.nodes.get(c.parent) : null;
			if (parent) parent.children.append(node.li);
			else roots.push(node.li);
		}
		replaceChildren(this.thread, roots);
		this.updateCount();
	}

	updateCount() {
		const n = [...this.comments.values()].filter((c) => !c.hidden).length;
		this.commentsHeading.textContent = countText('comment.heading', n);
		this.emptyComments.hidden = n > 0;
	}

	addComment(c, { own = false } = {}) {
		if (!c || c.post !== this.postId && !c.from_post) return;
		this.rv.noteComment(c);
		if (this.comments.has(c.id)) return;
		this.comments.set(c.id, c);
		if (!this.thread) return;
		const node = this.commentNode(c);
		const parent = c.parent != null ? this.nodes.get(c.parent) : null;
		(parent ? parent.children : this.thread).append(node.li);
		node.li.classList.add('is-new');
		this.updateCount();
		if (!own) this.rv.app.announce(t('comment.arrived', { name: authorName(c.author) }));
	}

	replaceComment(c) {
		if (!this.comments.has(c.id)) return;
		this.comments.set(c.id, { ...this.comments.get(c.id), ...c });
		if (this.thread) this.renderThread();
	}

	focus() {
		this.heading.focus();
	}
}

export function commentsCountText(n) {
	return t('post.comments', { count: n, n: formatNumber(n) });
}
