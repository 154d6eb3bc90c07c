// The needs behind the wishes, one pane of the round view (/round/N/needs):
// everyone in the round reads the needs leadership named, each with the
// ideas that express it and the priorities that answer it, live. Managers
// and admins name needs, edit and delete them, and link ideas (found by a
// search within the round) and priorities. Idea cards and pages say which
// needs an idea serves (needsNote).
import { t } from '../i18n/index.js';
import { h, newId, replaceChildren } from '../lib/dom.js';
import { errorText, isStaffManager } from '../lib/format.js';
import { confirmDialog } from '../lib/confirm.js';
import { richBody, countText } from './common.js';
import { sortedPriorities } from './priorities.js';

const SEARCH_MAX = 8;

export function sortedNeeds(map) {
	return [...map.values()].sort((a, b) => a.id - b.id);
}

// The needs a post serves, oldest first.
export function needsOf(rv, postId) {
	if (!rv.needs) return [];
	return sortedNeeds(rv.needs).filter((n) => Array.isArray(n.posts) && n.posts.map(Number).includes(postId));
}

// "Serves the needs: <title>, <title>", for a card or a post page.
export function needsNote(rv, post) {
	const list = needsOf(rv, post.id);
	if (!list.length) return null;
	return h('p', { class: 'needs-note small' }, h('span', { class: 'needs-label' }, t('needs.serves')), ' ',
		list.map((n, i) => [i ? ', ' : null,
			h('a', { href: `/round/${rv.roundId}/needs#need-${n.id}` }, n.title)]));
}

// Posts of the round matching a search, for linking: titles and bodies,
// case-insensitively, every word; hidden and merged posts left out.
function matches(rv, need, query) {
	const words = query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
	if (!words.length) return [];
	const linked = new Set((need.posts || []).map(Number));
	const out = [];
	for (const p of rv.posts.values()) {
		if (linked.has(p.id) || p.status === 'hidden' || p.status === 'merged') continue;
		const text = `${p.title} ${p.body || ''}`.toLocaleLowerCase();
		if (words.every((w) => text.includes(w))) out.push(p);
	}
	return out.sort((a, b) => a.title.localeCompare(b.title)).slice(0, SEARCH_MAX);
}

export class NeedsPane {
	constructor(roundView) {
		this.rv = roundView;
		this.app = roundView.app;
		this.queries = new Map(); // need id -> the search typed in its finder
		this.editing = null;
		this.heading = h('h1', { tabindex: '-1', class: 'pane-title', id: 'needs-h' }, t('needs.heading'));
		this.list = h('ol', { class: 'need-board', 'aria-labelledby': 'needs-h' });
		this.empty = h('p', { class: 'muted card empty-small', hidden: true }, t('needs.empty'));
		this.formSlot = h('div');
		this.backSlot = h('p', { class: 'back' });
		this.el = h('div', { class: 'pane needs-pane' },
			this.backSlot,
			h('div', { class: 'page-head' },
				h('div', null, this.heading, h('p', { class: 'muted lead' }, t('needs.lead'))),
				this.actions()),
			this.formSlot, this.empty, this.list);
		this.render();
	}

	get manager() {
		return isStaffManager(this.app.user);
	}

	title() {
		return t('needs.heading');
	}

	actions() {
		if (!this.manager) return null;
		this.newButton = h('button', {
			type: 'button', class: 'btn btn-primary', 'aria-expanded': 'false',
			onclick: () => this.toggleForm(),
		}, t('needs.new'));
		return h('div', { class: 'page-actions' }, this.newButton);
	}

	toggleForm(show) {
		const open = show ?? !this.form;
		if (!open) {
			this.form = null;
			replaceChildren(this.formSlot);
			this.newButton.setAttribute('aria-expanded', 'false');
			this.newButton.focus();
			return;
		}
		if (this.form) return;
		this.form = this.needForm(null);
		replaceChildren(this.formSlot, this.form);
		this.newButton.setAttribute('aria-expanded', 'true');
		this.form.querySelector('input').focus();
	}

	// The form to name a need (need null) or to edit one.
	needForm(need) {
		const ids = { title: newId('need-title'), desc: newId('need-desc'), head: newId('need-form-h') };
		const title = h('input', { id: ids.title, type: 'text', required: true, maxlength: 200, autocomplete: 'off', value: need ? need.title : '' });
		const desc = h('textarea', { id: ids.desc, rows: 3, maxlength: 20000 });
		desc.value = need ? need.description || '' : '';
		const error = h('p', { class: 'form-error', role: 'alert' });
		const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, need ? t('needs.save') : t('needs.create'));
		const cancel = () => {
			if (need) {
				this.editing = null;
				this.render();
				const head = this.list.querySelector(`[data-need="${need.id}"] .need-title`);
				if (head) head.focus();
			} else {
				this.toggleForm(false);
			}
		};
		return h('form', {
			class: 'card stack form-card need-form', 'aria-labelledby': ids.head, novalidate: true,
			onsubmit: async (e) => {
				e.preventDefault();
				error.textContent = '';
				const fields = { title: title.value.trim(), description: desc.value.trim() };
				if (!fields.title) {
					error.textContent = t('needs.title_missing');
					title.focus();
					return;
				}
				submit.disabled = true;
				try {
					const r = need
						? await this.app.conn.request('need.update', { need: need.id, ...fields })
						: await this.app.conn.request('need.create', { round: this.rv.roundId, ...fields });
					if (need) this.editing = null;
					else {
						this.form = null;
						replaceChildren(this.formSlot);
						this.newButton.setAttribute('aria-expanded', 'false');
					}
					this.rv.takeNeed(r.need);
					this.app.announce(t(need ? 'needs.saved' : 'needs.created', { title: r.need.title }));
					const head = this.list.querySelector(`[data-need="${r.need.id}"] .need-title`);
					if (head) head.focus();
				} catch (err) {
					submit.disabled = false;
					error.textContent = errorText(err);
				}
			},
			onkeydown: (e) => {
				if (e.key === 'Escape') { e.preventDefault(); cancel(); }
			},
		},
		h('h2', { id: ids.head }, need ? t('needs.edit_heading', { title: need.title }) : t('needs.new')),
		h('div', { class: 'field' }, h('label', { for: ids.title }, t('needs.title')), title),
		h('div', { class: 'field' }, h('label', { for: ids.desc }, t('needs.description')),
			h('p', { class: 'hint' }, t('needs.description_hint')), desc),
		error,
		h('div', { class: 'form-actions' }, submit,
			h('button', { type: 'button', class: 'btn', onclick: cancel }, t('common.cancel'))));
	}

	render() {
		const round = this.rv.round;
		replaceChildren(this.backSlot, h('a', { href: `/round/${this.rv.roundId}`, class: 'back-link' },
			h('span', { 'aria-hidden': 'true' }, '\u2190 '), t('post.back', { round: round ? round.title : '' })));
		// Keep focus (and a search being typed) across a redraw from an event.
		const active = document.activeElement;
		const key = active && this.list.contains(active) ? active.dataset.focusKey : null;
		const caret = active && this.list.contains(active) && active.selectionStart != null ? active.selectionStart : null;
		const list = sortedNeeds(this.rv.needs);
		this.empty.hidden = list.length > 0;
		// An edit form lives across redraws: what is typed in it stays.
		if (this.editForm && this.editForm.id !== this.editing) this.editForm = null;
		replaceChildren(this.list, list.map((n) => {
			if (this.editing !== n.id || !this.manager) return this.item(n);
			if (!this.editForm) this.editForm = { id: n.id, el: this.needForm(n) };
			return h('li', { class: 'need-item', 'data-need': String(n.id), id: `need-${n.id}` }, this.editForm.el);
		}));
		if (active && active.isConnected && document.activeElement !== active) {
			// A field of the kept edit form: back where the cursor was.
			active.focus();
			if (caret != null && active.setSelectionRange) active.setSelectionRange(caret, caret);
		} else if (key) {
			const again = this.list.querySelector(`[data-focus-key="${key}"]`);
			if (again) {
				again.focus();
				if (caret != null && again.setSelectionRange) again.setSelectionRange(caret, caret);
			}
		}
	}

	item(n) {
		const titleId = `need-${n.id}-title`;
		const error = h('p', { class: 'form-error', role: 'alert' });
		const posts = (n.posts || []).map(Number).map((id) => this.rv.posts.get(id) || { id, title: t('needs.unknown_post', { id: String(id) }) });
		const prios = (n.priorities || []).map(Number).map((id) => this.rv.priorities.get(id) || { id, title: t('needs.unknown_priority', { id: String(id) }) });
		const unlink = (what, id, labelId) => (this.manager ? h('button', {
			type: 'button', class: 'btn btn-small btn-quiet', 'aria-describedby': labelId,
			'data-focus-key': `${n.id}:unlink-${what}:${id}`,
			onclick: () => this.change(error, 'need.unlink', { need: n.id, [what]: id }, t('needs.unlinked')),
		}, t('needs.unlink')) : null);
		const ideas = posts.length
			? h('ul', { class: 'need-posts' }, posts.map((p) => {
				const linkId = `need-${n.id}-post-${p.id}`;
				return h('li', null, h('a', { href: `/round/${this.rv.roundId}/post/${p.id}`, id: linkId }, p.title),
					p.status && p.status !== 'open' ? [' ', h('span', { class: `badge status status-${p.status}` }, t(`status.${p.status}`))] : null,
					' ', unlink('post', p.id, linkId));
			}))
			: h('p', { class: 'muted small' }, t('needs.no_posts'));
		const answered = prios.length
			? h('ul', { class: 'need-priorities' }, prios.map((p) => {
				const linkId = `need-${n.id}-priority-${p.id}`;
				return h('li', null, h('a', { href: `/round/${this.rv.roundId}/priorities`, id: linkId }, p.title),
					' ', unlink('priority', p.id, linkId));
			}))
			: h('p', { class: 'muted small' }, t('needs.no_priorities'));
		return h('li', { class: 'card need-card', 'data-need': String(n.id), id: `need-${n.id}` },
			h('div', { class: 'need-card-head' },
				h('h2', { class: 'need-title', id: titleId, tabindex: '-1', 'data-focus-key': `${n.id}:title` }, n.title),
				this.manager ? h('div', { class: 'need-actions', role: 'group', 'aria-label': t('needs.actions', { title: n.title }) },
					h('button', {
						type: 'button', class: 'btn btn-small', 'aria-describedby': titleId, 'data-focus-key': `${n.id}:edit`,
						onclick: () => {
							this.editing = n.id;
							this.render();
							const input = this.list.querySelector(`[data-need="${n.id}"] input`);
							if (input) input.focus();
						},
					}, t('needs.edit')),
					h('button', {
						type: 'button', class: 'btn btn-small btn-danger', 'aria-describedby': titleId,
						onclick: () => this.remove(n, error),
					}, t('needs.delete'))) : null),
			n.description_html || n.description ? richBody({ body_html: n.description_html, body: n.description }, 3) : null,
			h('div', { class: 'need-section' },
				h('h3', { class: 'small need-section-title' }, countText('needs.ideas', posts.length)), ideas,
				this.manager ? this.finder(n, error, titleId) : null),
			h('div', { class: 'need-section' },
				h('h3', { class: 'small need-section-title' }, countText('needs.priorities', prios.length)), answered,
				this.manager ? this.priorityPicker(n, error, titleId) : null),
			error);
	}

	// Find an idea of this round by its words, and link it.
	finder(n, error, titleId) {
		const id = newId('need-find');
		const results = h('ul', { class: 'need-results', 'aria-live': 'polite' });
		const input = h('input', {
			id, type: 'search', autocomplete: 'off', 'data-focus-key': `${n.id}:find`,
			value: this.queries.get(n.id) || '', 'aria-describedby': titleId,
		});
		const draw = () => {
			const q = input.value;
			this.queries.set(n.id, q);
			const found = matches(this.rv, n, q);
			replaceChildren(results, q.trim() && !found.length
				? h('li', { class: 'muted small' }, t('needs.find_none'))
				: found.map((p) => {
					const labelId = `need-${n.id}-found-${p.id}`;
					return h('li', null, h('span', { id: labelId }, p.title), ' ',
						h('button', {
							type: 'button', class: 'btn btn-small', 'aria-describedby': labelId,
							'data-focus-key': `${n.id}:link-post:${p.id}`,
							onclick: () => this.change(error, 'need.link', { need: n.id, post: p.id }, t('needs.linked', { title: p.title }), () => {
								input.value = '';
								this.queries.delete(n.id);
							}),
						}, t('needs.link')));
				}));
		};
		input.addEventListener('input', draw);
		draw();
		return h('div', { class: 'need-finder' },
			h('label', { for: id, class: 'small' }, t('needs.find_label')), input, results);
	}

	priorityPicker(n, error, titleId) {
		const linked = new Set((n.priorities || []).map(Number));
		const free = sortedPriorities(this.rv.priorities).filter((p) => !linked.has(p.id));
		if (!free.length) return null;
		const id = newId('need-prio');
		const select = h('select', { id, 'data-focus-key': `${n.id}:prio`, 'aria-describedby': titleId },
			free.map((p) => h('option', { value: String(p.id) }, p.title)));
		return h('div', { class: 'need-finder action-row' },
			h('label', { for: id, class: 'small' }, t('needs.priority_label')), select,
			h('button', {
				type: 'button', class: 'btn btn-small', 'data-focus-key': `${n.id}:link-prio`,
				onclick: () => this.change(error, 'need.link', { need: n.id, priority: Number(select.value) },
					t('needs.linked', { title: select.selectedOptions[0] ? select.selectedOptions[0].textContent : '' })),
			}, t('needs.link')));
	}

	async remove(n, error) {
		const ok = await confirmDialog({
			title: t('needs.delete_title', { title: n.title }),
			text: t('needs.delete_text'),
			confirm: t('needs.delete'),
			danger: true,
		});
		if (!ok) return;
		error.textContent = '';
		try {
			await this.app.conn.request('need.delete', { need: n.id });
			this.rv.dropNeed(n.id);
			this.app.announce(t('needs.deleted', { title: n.title }));
			this.heading.focus();
		} catch (e) {
			error.textContent = errorText(e);
		}
	}

	async change(error, op, fields, done, after) {
		if (this.busy) return;
		this.busy = true;
		error.textContent = '';
		try {
			const r = await this.app.conn.request(op, fields);
			if (after) after();
			if (r.need) this.rv.takeNeed(r.need);
			if (done) this.app.announce(done);
		} catch (e) {
			error.textContent = errorText(e);
		} finally {
			this.busy = false;
		}
	}

	loadAndFocus(focus) {
		this.render();
		const target = location.hash.length > 1 && this.list.querySelector(`#${CSS.escape(location.hash.slice(1))} .need-title`);
		if (target) {
			target.scrollIntoView({ block: 'start' });
			if (focus) target.focus({ preventScroll: true });
		} else if (focus) {
			this.focus();
		}
	}

	focus() {
		this.heading.focus();
	}
}
