// One post: its rendered body, votes by role, and the threaded comments with
// a reply form under any comment.
import { highlightTarget } from './bell.js';
import { t, formatNumber } from '../i18n/index.js';
import { h, newId, replaceChildren } from '../lib/dom.js';
import { confirmDialog } from '../lib/confirm.js';
import { Combobox } from '../lib/combobox.js';
import { authorElement, authorName, errorText, isStaffManager, timeElement } from '../lib/format.js';
import { richBody, countText, phaseBadge } from './common.js';
import { VoteControl, tallyOf } from './vote.js';
import { FlagControl, hideButton, hiddenBadge } from './moderation.js';
import { sortedPriorities } from './priorities.js';
import { Blocks, commentEditForm, mayEditComment, mayEditPost, postEditForm, revisionMark, revisionsView } from './revise.js';
import { filesElement } from './files.js';

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
			for (const c of comments) {
				this.rv.noteComment(c, { counted: true });
				this.rv.noteUser(c.author);
			}
			if (this.meta && !this.gone) {
				// Already on screen (a reload after a reconnect): add what is new
				// and keep what the reader was typing.
				this.update(merged);
				for (const c of comments) this.addComment(c, { own: true });
				return true;
			}
			this.gone = false;
			this.comments = new Map();
			for (const c of comments) this.comments.set(c.id, c);
			this.render();
			if (location.hash && /^#comment-\d+$/.test(location.hash)) setTimeout(highlightTarget, 0);
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
		this.notes = h('div', { class: 'post-notes' });
		this.actions = h('div', { class: 'post-actions' });
		this.actionSlot = h('div', { class: 'post-action-slot' });
		this.actionError = h('p', { class: 'form-error', role: 'alert' });
		this.flag = null;
		this.openAction = null;
		this.commentsHeading = h('h2', { id: newId('comments-h') });
		this.thread = h('ol', { class: 'thread thread-root' });
		this.emptyComments = h('p', { class: 'muted' }, t('comment.none'));
		this.topForm = this.commentForm(null);
		this.commentsShut = h('p', { class: 'notice comments-closed', hidden: true });
		if (this.blocksView) this.blocksView.destroy();
		this.blocksView = new Blocks(this);
		replaceChildren(this.el,
			this.backLink(),
			h('article', { class: `card post-article kind-${post.kind}`, 'aria-labelledby': 'post-detail-h' },
				this.kicker,
				Object.assign(this.heading, { id: 'post-detail-h' }),
				this.meta,
				this.notes,
				this.body,
				h('div', { class: 'post-votes' }, this.vote.el, this.breakdown),
				this.voteError,
				this.actions,
				this.actionSlot,
				this.actionError),
			h('section', { class: 'comments', 'aria-labelledby': this.commentsHeading.id },
				this.commentsHeading,
				this.emptyComments,
				this.thread,
				this.topForm.el,
				this.commentsShut));
		this.update(post);
		this.renderThread();
	}

	update(post) {
		if (!this.meta) return;
		if (post.status === 'hidden' && !this.rv.moderator) {
			this.showGone();
			return;
		}
		if (this.gone) {
			// Restored while the reader was looking at the notice: load it again.
			this.gone = false;
			this.meta = null;
			this.load();
			return;
		}
		this.heading.textContent = post.title;
		replaceChildren(this.kicker,
			h('span', { class: `badge kind kind-${post.kind}` }, t(`kind.${post.kind}`)),
			post.status && post.status !== 'open' ? h('span', { class: `badge status status-${post.status}` }, t(`status.${post.status}`)) : null,
			this.rv.round ? phaseBadge(this.rv.round.phase) : null);
		replaceChildren(this.meta, authorElement(post.author), h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'), timeElement(post.created_at),
			revisionMark(post) ? [h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'), revisionMark(post)] : null);
		replaceChildren(this.notes,
			post.status === 'hidden' ? h('p', { class: 'notice notice-hidden' }, t('mod.hidden_note')) : null,
			this.rv.mergedNote(post),
			this.rv.feedsNote(post),
			this.rv.needsNote(post));
		replaceChildren(this.body, richBody(post, 1), filesElement(post));
		if (this.blocksView) this.blocksView.decorate(this.body);
		this.updateTally(post);
		this.renderActions(post);
		// A merged post takes no more comments: the discussion goes on at its target.
		// Nor does a round past `open`: say so instead of a form that fails.
		const canComment = this.rv.allows('comment');
		if (this.topForm) this.topForm.el.hidden = post.status === 'merged' || !canComment;
		this.commentsShut.hidden = canComment || post.status === 'merged';
		this.commentsShut.textContent = canComment ? '' : t('comment.phase_closed');
		for (const b of this.thread.querySelectorAll('.reply-btn')) b.hidden = !canComment;
		if (!canComment) this.closeReply(false);
	}

	// The post was hidden by a moderator (or is gone): say so in place.
	showGone() {
		if (this.gone) return;
		this.gone = true;
		this.openAction = null;
		replaceChildren(this.el,
			this.backLink(),
			this.heading,
			h('p', { class: 'notice', role: 'alert' }, t('post.hidden_gone')));
		this.heading.textContent = t('post.unavailable');
	}

	// Under the post: Flag (anyone but its author), Hide/Restore (moderators),
	// Merge into… and Feeds priority… (managers).
	renderActions(post) {
		const me = this.rv.app.user;
		const mine = me && post.author && post.author.id === me.id;
		const manager = isStaffManager(me);
		const items = [];
		if (!mine) {
			if (!this.flag) this.flag = new FlagControl(this.rv.app, { target: 'post', id: post.id, describedBy: 'post-detail-h', slot: this.actionSlot });
			items.push(this.flag.el);
		}
		if (this.rv.moderator) {
			items.push(hideButton(this.rv.app, {
				target: 'post', id: post.id, hidden: post.status === 'hidden', describedBy: 'post-detail-h', errorEl: this.actionError,
			}));
		}
		if (mayEditPost(me, post) && post.status !== 'merged' && this.rv.allows('post'))
			items.push(this.actionToggle('edit', t('revise.edit'), () => postEditForm(this, this.post || post, (refocus) => this.closeAction(refocus))));
		if (Number(post.revision) > 1)
			items.push(this.actionToggle('revisions', t('revise.revisions'), () => revisionsView(this, post)));
		if (manager && post.status !== 'merged' && post.status !== 'hidden') {
			items.push(this.actionToggle('merge', t('merge.action'), () => this.mergeForm(post)));
			items.push(this.actionToggle('feeds', t('priorities.feeds_action'), () => this.feedsForm(post)));
		}
		replaceChildren(this.actions, items);
		if (this.openAction && !items.some((el) => el.dataset && el.dataset.action === this.openAction)) {
			replaceChildren(this.actionSlot);
			this.openAction = null;
		}
		this.actions.hidden = items.length === 0;
	}

	// A button that opens one form in the action slot (and closes it again).
	actionToggle(name, label, build) {
		const open = this.openAction === name;
		const btn = h('button', {
			type: 'button', class: 'btn btn-small', 'aria-expanded': String(open), 'data-action': name,
			onclick: () => {
				if (this.flag) this.flag.close(false);
				if (this.openAction === name) {
					this.closeAction(true);
					return;
				}
				this.openAction = name;
				replaceChildren(this.actionSlot, build());
				for (const b of this.actions.querySelectorAll('[data-action]'))
					b.setAttribute('aria-expanded', String(b.dataset.action === name));
				const first = this.actionSlot.querySelector('select, input');
				if (first) first.focus();
			},
		}, label);
		return btn;
	}

	closeAction(refocus) {
		const name = this.openAction;
		this.openAction = null;
		replaceChildren(this.actionSlot);
		for (const b of this.actions.querySelectorAll('[data-action]')) b.setAttribute('aria-expanded', 'false');
		if (refocus && name) {
			const b = this.actions.querySelector(`[data-action="${name}"]`);
			if (b) b.focus();
		}
	}

	// "Merge into…": pick the post this one duplicates; its votes move there.
	// A searchable picker over the whole round (the server's search), so a
	// post this page has not loaded can be picked too.
	mergeForm(post) {
		const id = newId('merge-into');
		const hintId = newId('merge-hint');
		const mergeable = (p) => p.id !== post.id && p.status !== 'merged' && p.status !== 'hidden';
		const option = (id, title, kind) => ({ value: id, label: kind ? `${title} (${t(`kind.${kind}`)})` : title });
		const loaded = () => [...this.rv.posts.values()].filter(mergeable)
			.sort((a, b) => a.title.localeCompare(b.title)).slice(0, 20)
			.map((p) => option(p.id, p.title, p.kind));
		const picker = new Combobox({
			id, describedBy: hintId, placeholder: t('merge.placeholder'), noMatches: t('merge.no_matches'),
			initial: loaded,
			search: async (q) => {
				const r = await this.rv.app.conn.request('search', { q, round: this.rv.roundId, limit: 30 });
				const seen = new Set();
				const out = [];
				for (const x of Array.isArray(r.results) ? r.results : []) {
					const pid = Number(x.post);
					if (seen.has(pid) || pid === post.id || x.hidden) continue;
					seen.add(pid);
					const known = this.rv.posts.get(pid);
					if (known && !mergeable(known)) continue;
					out.push(option(pid, known ? known.title : x.title, known ? known.kind : null));
				}
				return out.slice(0, 20);
			},
		});
		const error = h('p', { class: 'form-error', role: 'alert' });
		const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('merge.submit'));
		return h('form', {
			class: 'action-form', novalidate: true,
			onsubmit: async (e) => {
				e.preventDefault();
				error.textContent = '';
				const into = picker.value;
				if (!into) {
					error.textContent = t('merge.pick_first');
					picker.focus();
					return;
				}
				const target = this.rv.posts.get(Number(into));
				const ok = await confirmDialog({
					title: t('merge.confirm_title', { from: post.title, into: target ? target.title : picker.label }),
					text: t('merge.hint'),
					confirm: t('merge.submit'),
				});
				if (!ok) return;
				submit.disabled = true;
				try {
					const r = await this.rv.app.conn.request('post.merge', { post: post.id, into: Number(into) });
					this.closeAction(false);
					this.rv.onPostUpdated(r.post);
					this.rv.app.announce(t('merge.done'));
					this.heading.focus();
				} catch (err) {
					submit.disabled = false;
					error.textContent = errorText(err);
				}
			},
			onkeydown: (e) => { if (e.key === 'Escape') { e.preventDefault(); this.closeAction(true); } },
		},
		h('label', { for: id }, t('merge.label')),
		h('p', { class: 'hint', id: hintId }, t('merge.hint')),
		h('div', { class: 'action-row' }, picker.el, submit,
			h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.closeAction(true) }, t('common.cancel'))),
		error);
	}

	// "Feeds priority…": link the post to one priority, or to none.
	feedsForm(post) {
		const id = newId('feeds');
		const list = sortedPriorities(this.rv.priorities);
		const current = post.priority ? Number(post.priority) : 0;
		const error = h('p', { class: 'form-error', role: 'alert' });
		if (list.length === 0)
			return h('div', { class: 'action-form' }, h('p', { class: 'muted small' }, t('priorities.none_yet'), ' ',
				h('a', { href: `/round/${this.rv.roundId}/priorities` }, t('priorities.open_board'))));
		const select = h('select', { id },
			h('option', { value: '' }, t('priorities.feeds_none')),
			list.map((p) => h('option', { value: String(p.id), selected: p.id === current }, p.title)));
		const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('priorities.feeds_save'));
		return h('form', {
			class: 'action-form', novalidate: true,
			onsubmit: async (e) => {
				e.preventDefault();
				error.textContent = '';
				const want = select.value ? Number(select.value) : 0;
				if (want === current) {
					this.closeAction(true);
					return;
				}
				submit.disabled = true;
				try {
					let r;
					if (want) r = await this.rv.app.conn.request('priority.link', { priority: want, post: post.id });
					else r = await this.rv.app.conn.request('priority.unlink', { priority: current, post: post.id });
					if (r.priority) this.rv.takePriority(r.priority);
					const p = this.rv.posts.get(post.id);
					if (p) this.rv.mergePost({ ...p, priority: want || null });
					this.closeAction(true);
					this.rv.app.announce(want ? t('priorities.linked_done') : t('priorities.unlinked_done'));
				} catch (err) {
					submit.disabled = false;
					error.textContent = errorText(err);
				}
			},
			onkeydown: (e) => { if (e.key === 'Escape') { e.preventDefault(); this.closeAction(true); } },
		},
		h('label', { for: id }, t('priorities.feeds_label')),
		h('div', { class: 'action-row' }, select, submit,
			h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.closeAction(true) }, t('common.cancel'))),
		error);
	}

	updateTally(post) {
		if (!this.vote) return;
		this.vote.update(post);
		const tally = tallyOf(post);
		const dots = this.rv.round && this.rv.round.vote_mode === 'dots';
		const rows = [];
		const by = tally.by_role || {};
		// Customers keep their own column in invited rounds, even at zero, so
		// that staff and customers are never read as one crowd.
		const invited = this.rv.round && this.rv.round.audience === 'invited';
		const total = dots ? Number(tally.dots) || 0 : (Number(tally.up) || 0) + (Number(tally.down) || 0);
		for (const role of ROLES) {
			const r = by[role] || { up: 0, down: 0, dots: 0 };
			const any = dots ? r.dots : r.up || r.down;
			const always = total > 0 && (role === 'employee' || role === 'manager' || (role === 'customer' && invited));
			if (!any && !always) continue;
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
		const replyBtn = h('button', { type: 'button', class: 'btn btn-small btn-quiet reply-btn', 'aria-expanded': 'false', hidden: !this.rv.allows('comment') }, t('comment.reply'));
		replyBtn.addEventListener('click', () => this.toggleReply(c, replyBtn));
		const children = h('ol', { class: 'thread' });
		const replySlot = h('div', { class: 'reply-slot' });
		const metaId = `comment-${c.id}-meta`;
		const fromPost = c.from_post ? this.rv.posts.get(Number(c.from_post)) : null;
		const from = c.from_post ? h('span', { class: 'from-merged' },
			h('span', { class: 'badge status status-merged' }, t('comment.from_merged')),
			fromPost ? [' ', h('a', { href: `/round/${this.rv.roundId}/post/${fromPost.id}`, class: 'small' }, fromPost.title)] : null) : null;
		const me = this.rv.app.user;
		const mine = me && c.author && c.author.id === me.id;
		const error = h('p', { class: 'form-error', role: 'alert' });
		const flag = mine ? null : new FlagControl(this.rv.app, { target: 'comment', id: c.id, describedBy: metaId, slot: replySlot });
		const bodyEl = richBody(c, 3);
		const editBtn = mayEditComment(me, c) && this.rv.allows('comment')
			? h('button', { type: 'button', class: 'btn btn-small btn-quiet edit-comment-btn', 'aria-describedby': metaId,
				onclick: () => commentEditForm(this, c, bodyEl) }, t('revise.edit')) : null;
		const anchor = c.anchor && !c.from_post ? h('p', { class: ['comment-anchor', c.anchor.outdated && 'is-outdated'] },
			c.anchor.outdated ? t('revise.anchor_outdated') : t('revise.anchor_on'), ' ', h('q', null, c.anchor.quote)) : null;
		const li = h('li', { class: ['comment-item', c.hidden && 'is-hidden'], id: `comment-${c.id}` },
			h('article', { class: 'comment' },
				h('p', { class: 'comment-meta', id: metaId }, authorElement(c.author),
					h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'), timeElement(c.created_at), from,
					c.edited_at ? [h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'), h('span', { class: 'edited', title: c.edited_at }, t('revise.edited'))] : null,
					c.hidden ? hiddenBadge() : null),
				anchor,
				bodyEl,
				h('div', { class: 'comment-actions' }, replyBtn, editBtn, flag ? flag.el : null,
					this.rv.moderator ? hideButton(this.rv.app, { target: 'comment', id: c.id, hidden: !!c.hidden, describedBy: metaId, errorEl: error }) : null),
				error),
			replySlot,
			children);
		const node = { li, children, replySlot };
		this.nodes.set(c.id, node);
		return node;
	}

	renderThread() {
		this.nodes = new Map();
		this.openReply = null;
		const visible = [...this.comments.values()].filter((c) => !c.hidden || this.rv.moderator).sort((a, b) => a.id - b.id);
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
		const n = [...this.comments.values()].filter((c) => !c.hidden || this.rv.moderator).length;
		this.commentsHeading.textContent = countText('comment.heading', n);
		this.emptyComments.hidden = n > 0;
		if (this.blocksView) this.blocksView.refresh();
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

	// A comment hidden or restored. A restored one this reader never had
	// (it was hidden when the thread loaded) joins the thread.
	replaceComment(c) {
		const old = this.comments.get(c.id);
		if (!old && c.hidden) return;
		const next = { ...old, ...c };
		if (!c.hidden) delete next.hidden;
		this.comments.set(c.id, next);
		if (this.thread) {
			const focusedId = document.activeElement && document.activeElement.closest
				? (document.activeElement.closest('.comment-item') || {}).id : null;
			this.renderThread();
			if (focusedId) {
				const again = document.getElementById(focusedId);
				const btn = again && again.querySelector('.comment-actions .mod-btn');
				if (btn) btn.focus();
			}
		}
	}

	focus() {
		this.heading.focus();
	}
}

export function commentsCountText(n) {
	return t('post.comments', { count: n, n: formatNumber(n) });
}
