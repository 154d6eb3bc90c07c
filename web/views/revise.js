// Plans that listen: comments on a paragraph (its words, chosen by selecting
// them or with the paragraph's own button), the Edit action for a post and a
// comment, and what changed between two revisions of a post (a word diff).
import { t } from '../i18n/index.js';
import { h, newId, replaceChildren } from '../lib/dom.js';
import { authorElement, errorText, timeElement } from '../lib/format.js';
import { richBody } from './common.js';

const QUOTE_MAX = 300;
const EDIT_WINDOW_MS = 24 * 3600 * 1000;
const PLAN_LIMIT = 50000;
const IDEA_LIMIT = 10000;

// White space as the server collapses it: runs of space, tab and line breaks.
export function collapse(s) {
	return String(s || '').replace(/[ \t\n\r\f\v]+/g, ' ').trim();
}

// The first words of a paragraph, for its comment button: at most 80
// characters, cut at a space.
function openingWords(text) {
	const s = collapse(text);
	if (s.length <= 80) return s;
	const cut = s.slice(0, 80);
	const sp = cut.lastIndexOf(' ');
	return sp > 20 ? cut.slice(0, sp) : cut;
}

export function mayEditPost(user, post) {
	if (!user || !post) return false;
	if (user.role === 'admin') return true;
	if (post.author && post.author.id === user.id) return true;
	return post.kind === 'plan' && user.role === 'manager';
}

export function mayEditComment(user, c) {
	if (!user || !c) return false;
	if (user.role === 'admin') return true;
	if (!c.author || c.author.id !== user.id) return false;
	const at = Date.parse(c.created_at);
	return Number.isFinite(at) && Date.now() - at < EDIT_WINDOW_MS;
}

// "edited · revision N", or null for a post as first written.
export function revisionMark(post) {
	const n = Number(post && post.revision) || 1;
	if (n <= 1) return null;
	return h('span', { class: 'badge revised', title: post.edited_at || '' }, t('revise.revised', { n }));
}

// A word diff: the longest common subsequence of the two texts' words.
export function wordDiff(a, b) {
	const x = String(a || '').split(/(\s+)/).filter((w) => w !== '');
	const y = String(b || '').split(/(\s+)/).filter((w) => w !== '');
	const n = x.length, m = y.length;
	// Texts this long would take too much memory for a table: show them whole.
	if (n * m > 4e6) return [{ op: 'del', text: x.join('') }, { op: 'ins', text: y.join('') }];
	const L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
	for (let i = n - 1; i >= 0; i--)
		for (let j = m - 1; j >= 0; j--)
			L[i][j] = x[i] === y[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
	const out = [];
	const push = (op, text) => {
		const last = out[out.length - 1];
		if (last && last.op === op) last.text += text;
		else out.push({ op, text });
	};
	let i = 0, j = 0;
	while (i < n && j < m) {
		if (x[i] === y[j]) { push('same', x[i]); i++; j++; }
		else if (L[i + 1][j] >= L[i][j + 1]) push('del', x[i++]);
		else push('ins', y[j++]);
	}
	while (i < n) push('del', x[i++]);
	while (j < m) push('ins', y[j++]);
	return out;
}

function diffElement(a, b) {
	return h('div', { class: 'diff' }, wordDiff(a, b).map((p) => {
		if (p.op === 'same') return p.text;
		return h(p.op, { class: `diff-${p.op}` }, h('span', { class: 'sr-only' }, p.op === 'ins' ? t('revise.added') : t('revise.removed')), p.text);
	}));
}

// The comment threads of a post's paragraphs, beside them (below on a
// phone). detail is the PostDetail.
export class Blocks {
	constructor(detail) {
		this.detail = detail;
		this.open = null;      // the block number whose threads are open
		this.selection = null; // {block, quote} of the reader's last selection
		this.onSelection = () => this.noteSelection();
		document.addEventListener('selectionchange', this.onSelection);
	}

	destroy() {
		document.removeEventListener('selectionchange', this.onSelection);
	}

	// Anchored comments per block: top-level comments on this very post.
	byBlock() {
		const map = new Map();
		for (const c of this.detail.comments.values()) {
			if (!c.anchor || c.anchor.block == null || c.from_post || c.parent != null) continue;
			if (c.hidden && !this.detail.rv.moderator) continue;
			const b = Number(c.anchor.block);
			if (!map.has(b)) map.set(b, []);
			map.get(b).push(c);
		}
		return map;
	}

	// Marks up the freshly rendered body: a comment button by each block.
	decorate(bodyEl) {
		this.body = bodyEl;
		const prose = bodyEl.querySelector('.prose');
		if (!prose) return;
		this.blocks = [...prose.children].filter((el) => /^\d+$/.test(el.dataset.block || ''));
		if (this.blocks.length === 0) return;
		prose.classList.add('has-blocks');
		for (const el of this.blocks) {
			const n = Number(el.dataset.block);
			const wrap = h('div', { class: 'block-row', 'data-block-row': String(n) });
			el.replaceWith(wrap);
			const button = h('button', {
				type: 'button', class: 'btn btn-small btn-quiet block-comments', 'aria-expanded': 'false',
				onclick: () => this.toggle(n),
			});
			const side = h('div', { class: 'block-side' }, button);
			wrap.append(el, side);
		}
		if (this.open != null && !this.blocks.some((el) => Number(el.dataset.block) === this.open)) this.open = null;
		this.refresh();
	}

	noteSelection() {
		// The post view was left (or drawn anew): stop listening.
		if (this.body && !this.body.isConnected) {
			this.destroy();
			return;
		}
		const sel = document.getSelection();
		if (!sel || sel.isCollapsed || !this.blocks || !sel.rangeCount) return;
		const range = sel.getRangeAt(0);
		const start = range.startContainer.parentElement && range.startContainer.parentElement.closest('[data-block]');
		const end = range.endContainer.parentElement && range.endContainer.parentElement.closest('[data-block]');
		if (!start || start !== end || !this.blocks.includes(start)) return;
		const quote = collapse(sel.toString());
		if (!quote || quote.length > QUOTE_MAX) return;
		this.selection = { block: Number(start.dataset.block), quote };
		this.refresh();
	}

	toggle(n) {
		this.open = this.open === n ? null : n;
		this.refresh();
		if (this.open === n) {
			const ta = this.body.querySelector(`[data-block-row="${n}"] textarea`);
			if (ta) ta.focus();
		}
	}

	refresh() {
		if (!this.body) return;
		const groups = this.byBlock();
		for (const row of this.body.querySelectorAll('[data-block-row]')) {
			const n = Number(row.dataset.blockRow);
			const list = groups.get(n) || [];
			const button = row.querySelector('.block-comments');
			const picked = this.selection && this.selection.block === n;
			button.textContent = picked ? t('revise.comment_selection') : t('revise.paragraph_comments', { count: list.length });
			button.setAttribute('aria-label', picked ? t('revise.comment_selection')
				: t('revise.paragraph_comments_label', { count: list.length, n: n + 1 }));
			button.setAttribute('aria-expanded', String(this.open === n));
			button.classList.toggle('has-comments', list.length > 0);
			let panel = row.querySelector('.block-threads');
			if (this.open !== n) {
				if (panel) panel.remove();
				continue;
			}
			const fresh = this.panel(n, list);
			if (panel) {
				// Keep what the reader was typing.
				const old = panel.querySelector('textarea');
				const now = fresh.querySelector('textarea');
				if (old && now) now.value = old.value;
				const focused = old && document.activeElement === old;
				panel.replaceWith(fresh);
				if (focused && now) now.focus();
			} else {
				row.querySelector('.block-side').append(fresh);
			}
		}
	}

	panel(n, list) {
		const rv = this.detail.rv;
		const block = this.blocks.find((el) => Number(el.dataset.block) === n);
		const picked = this.selection && this.selection.block === n ? this.selection.quote : null;
		const quote = picked || openingWords(block ? block.textContent : '');
		const items = list.map((c) => h('li', { class: 'block-comment', id: `block-comment-${c.id}` },
			h('p', { class: 'comment-meta' }, authorElement(c.author), h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'), timeElement(c.created_at)),
			h('blockquote', { class: 'anchor-quote' }, c.anchor.quote),
			richBody(c, 3),
			h('a', { href: `#comment-${c.id}`, class: 'small' }, t('revise.in_thread'))));
		const ids = { body: newId('block-comment') };
		const textarea = h('textarea', { id: ids.body, rows: 3, maxlength: 5000 });
		const error = h('p', { class: 'form-error', role: 'alert' });
		const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('comment.submit'));
		const form = rv.allows('comment') && this.detail.post && this.detail.post.status !== 'merged' ? h('form', {
			class: 'stack block-form', novalidate: true,
			onsubmit: async (e) => {
				e.preventDefault();
				error.textContent = '';
				const body = textarea.value.trim();
				if (!body) { error.textContent = t('comment.empty'); textarea.focus(); return; }
				submit.disabled = true;
				try {
					const r = await rv.app.conn.request('comment.create', { post: this.detail.postId, body, anchor: { block: n, quote } });
					textarea.value = '';
					this.selection = null;
					this.detail.addComment(r.comment, { own: true });
				} catch (err) {
					error.textContent = errorText(err);
				} finally {
					submit.disabled = false;
				}
			},
			onkeydown: (e) => { if (e.key === 'Escape') { e.preventDefault(); this.toggle(n); this.body.querySelector(`[data-block-row="${n}"] .block-comments`).focus(); } },
		},
		h('label', { for: ids.body }, t('revise.comment_on'), ' ', h('q', { class: 'anchor-quote' }, quote)),
		textarea, error, h('div', { class: 'form-actions' }, submit)) : null;
		return h('div', { class: 'block-threads', role: 'region', 'aria-label': t('revise.paragraph_threads', { n: n + 1 }) },
			items.length ? h('ol', { class: 'block-list' }, items) : h('p', { class: 'muted small' }, t('revise.no_paragraph_comments')),
			form);
	}
}

// The Edit form of a post, for the action slot.
export function postEditForm(detail, post, done) {
	const ids = { title: newId('edit-title'), body: newId('edit-body') };
	const title = h('input', { id: ids.title, type: 'text', maxlength: 200, value: post.title });
	const body = h('textarea', { id: ids.body, rows: 12, maxlength: post.kind === 'plan' ? PLAN_LIMIT : IDEA_LIMIT });
	body.value = post.body || '';
	const error = h('p', { class: 'form-error', role: 'alert' });
	const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('revise.save'));
	return h('form', {
		class: 'action-form stack edit-form', novalidate: true,
		onsubmit: async (e) => {
			e.preventDefault();
			error.textContent = '';
			if (!title.value.trim() || !body.value.trim()) { error.textContent = t('revise.empty'); return; }
			submit.disabled = true;
			try {
				const r = await detail.rv.app.conn.request('post.update', { post: post.id, title: title.value, body: body.value });
				detail.rv.onPostUpdated(r.post);
				detail.rv.app.announce(t('revise.saved', { n: r.post.revision }));
				done(true);
			} catch (err) {
				submit.disabled = false;
				error.textContent = errorText(err);
			}
		},
		onkeydown: (e) => { if (e.key === 'Escape') { e.preventDefault(); done(true); } },
	},
	h('label', { for: ids.title }, t('compose.title')), title,
	h('label', { for: ids.body }, t('revise.body_label')), body,
	h('p', { class: 'hint' }, t('revise.hint')),
	error,
	h('div', { class: 'action-row' }, submit, h('button', { type: 'button', class: 'btn btn-small', onclick: () => done(true) }, t('common.cancel'))));
}

// The revisions of a post, and what changed between two of them.
export function revisionsView(detail, post) {
	const box = h('div', { class: 'action-form revisions', role: 'region', 'aria-label': t('revise.revisions') },
		h('p', { class: 'muted small' }, t('common.loading')));
	detail.rv.app.conn.request('post.revisions', { post: post.id }).then((r) => {
		const revs = r.revisions || [];
		if (revs.length < 2) { replaceChildren(box, h('p', { class: 'muted small' }, t('revise.only_one'))); return; }
		const ids = { from: newId('rev-from'), to: newId('rev-to') };
		const opt = (v, sel) => h('option', { value: String(v.revision), selected: sel },
			t('revise.revision_option', { n: v.revision, name: v.author ? (v.author.display_name || v.author.username || '') : '' }));
		const from = h('select', { id: ids.from }, revs.map((v, i) => opt(v, i === revs.length - 2)));
		const to = h('select', { id: ids.to }, revs.map((v, i) => opt(v, i === revs.length - 1)));
		const out = h('div', { class: 'diff-out', 'aria-live': 'polite' });
		const show = () => {
			const a = revs.find((v) => v.revision === Number(from.value));
			const b = revs.find((v) => v.revision === Number(to.value));
			if (!a || !b) return;
			replaceChildren(out,
				h('p', { class: 'small muted' }, t('revise.by'), ' ', authorElement(b.author), ' ', timeElement(b.created_at)),
				a.title !== b.title ? h('h3', { class: 'diff-title' }, diffElement(a.title, b.title)) : null,
				diffElement(a.body, b.body));
		};
		from.addEventListener('change', show);
		to.addEventListener('change', show);
		replaceChildren(box,
			h('div', { class: 'action-row' },
				h('label', { for: ids.from }, t('revise.from')), from,
				h('label', { for: ids.to }, t('revise.to')), to),
			out);
		show();
	}).catch((err) => replaceChildren(box, h('p', { class: 'form-error', role: 'alert' }, errorText(err))));
	return box;
}

// Turns a comment's body into an edit form, in place.
export function commentEditForm(detail, c, bodyEl) {
	const id = newId('edit-comment');
	const textarea = h('textarea', { id, rows: 3, maxlength: 5000 });
	textarea.value = c.body || '';
	const error = h('p', { class: 'form-error', role: 'alert' });
	const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('revise.save'));
	const restore = () => form.replaceWith(bodyEl);
	const form = h('form', {
		class: 'stack comment-edit', novalidate: true,
		onsubmit: async (e) => {
			e.preventDefault();
			error.textContent = '';
			if (!textarea.value.trim()) { error.textContent = t('comment.empty'); return; }
			submit.disabled = true;
			try {
				const r = await detail.rv.app.conn.request('comment.update', { comment: c.id, body: textarea.value });
				detail.replaceComment(r.comment);
			} catch (err) {
				submit.disabled = false;
				error.textContent = errorText(err);
			}
		},
		onkeydown: (e) => { if (e.key === 'Escape') { e.preventDefault(); restore(); } },
	},
	h('label', { for: id, class: 'sr-only' }, t('revise.edit_comment')), textarea, error,
	h('div', { class: 'action-row' }, submit, h('button', { type: 'button', class: 'btn btn-small', onclick: restore }, t('common.cancel'))));
	bodyEl.replaceWith(form);
	textarea.focus();
}

export { diffElement };
