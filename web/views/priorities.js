// The priorities board, one pane of the round view (/round/N/priorities):
// everyone sees the round's priorities in order, live, each with its owner
// and the ideas that feed it. Managers create them, name owners, reorder
// them and unlink ideas (ideas are linked from the post: "Feeds priority…").
import { t, formatNumber } from '../i18n/index.js';
import { h, newId, replaceChildren } from '../lib/dom.js';
import { authorName, errorText, isStaffManager } from '../lib/format.js';
import { countText } from './common.js';
import { Combobox } from '../lib/combobox.js';

export function sortedPriorities(map) {
	return [...map.values()].sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0) || a.id - b.id);
}

// A searchable picker of staff to own a priority: "No owner" and the staff
// this page knows at first; typing asks the server (users.find), so anyone
// on the staff can be picked, met in this round or not.
export function ownerPicker(rv, { id, current = null, describedBy = null, onPick = null }) {
	const option = (u) => ({ value: u.id, label: `${authorName(u)} (${t(`role.${u.role}`)})`, user: u });
	const none = { value: '', label: t('priorities.no_owner_option') };
	const known = () => {
		const staff = rv.knownUsers().filter((u) => u.role !== 'customer');
		staff.sort((a, b) => authorName(a).localeCompare(authorName(b)));
		return [none, ...staff.slice(0, 20).map(option)];
	};
	return new Combobox({
		id, describedBy, placeholder: t('priorities.owner_placeholder'), noMatches: t('priorities.owner_no_matches'),
		current: current ? option(current) : null,
		initial: known,
		search: async (q) => {
			const r = await rv.app.conn.request('users.find', { query: q, role: 'staff', limit: 20 });
			const users = Array.isArray(r.users) ? r.users : [];
			for (const u of users) rv.noteUser(u);
			return users.map(option);
		},
		onPick,
	});
}

export class PrioritiesPane {
	constructor(roundView) {
		this.rv = roundView;
		this.app = roundView.app;
		this.heading = h('h1', { tabindex: '-1', class: 'pane-title', id: 'priorities-h' }, t('priorities.heading'));
		this.lead = h('p', { class: 'muted lead' }, t('priorities.lead'));
		this.list = h('ol', { class: 'priority-board', 'aria-labelledby': 'priorities-h' });
		this.empty = h('p', { class: 'muted card empty-small', hidden: true }, t('priorities.empty'));
		this.formSlot = h('div');
		this.backSlot = h('p', { class: 'back' });
		this.el = h('div', { class: 'pane priorities-pane' },
			this.backSlot,
			h('div', { class: 'page-head' }, h('div', null, this.heading, this.lead), this.actions()),
			this.formSlot, this.empty, this.list);
		this.render();
	}

	get manager() {
		return isStaffManager(this.app.user);
	}

	title() {
		return t('priorities.heading');
	}

	actions() {
		if (!this.manager) return null;
		this.newButton = h('button', {
			type: 'button', class: 'btn btn-primary', 'aria-expanded': 'false',
			onclick: () => this.toggleForm(),
		}, t('priorities.new'));
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
		this.form = this.buildForm();
		replaceChildren(this.formSlot, this.form);
		this.newButton.setAttribute('aria-expanded', 'true');
		this.form.querySelector('input').focus();
	}

	buildForm() {
		const ids = { title: newId('prio-title'), desc: newId('prio-desc'), owner: newId('prio-owner'), head: newId('prio-form-h') };
		const title = h('input', { id: ids.title, type: 'text', required: true, maxlength: 200, autocomplete: 'off' });
		const desc = h('textarea', { id: ids.desc, rows: 3, maxlength: 10000 });
		const owner = ownerPicker(this.rv, { id: ids.owner });
		const error = h('p', { class: 'form-error', role: 'alert' });
		const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('priorities.create'));
		return h('form', {
			class: 'card stack form-card', 'aria-labelledby': ids.head, novalidate: true,
			onsubmit: async (e) => {
				e.preventDefault();
				error.textContent = '';
				const fields = { round: this.rv.roundId, title: title.value.trim(), description: desc.value.trim() };
				if (!fields.title) {
					error.textContent = t('priorities.title_missing');
					title.focus();
					return;
				}
				if (owner.value) fields.owner = Number(owner.value);
				submit.disabled = true;
				try {
					const r = await this.app.conn.request('priority.create', fields);
					this.rv.takePriority(r.priority);
					this.app.announce(t('priorities.created', { title: r.priority.title }));
					this.form = null;
					replaceChildren(this.formSlot);
					this.newButton.setAttribute('aria-expanded', 'false');
					const head = this.list.querySelector(`[data-priority="${r.priority.id}"] .priority-board-title`);
					if (head) head.focus();
				} catch (err) {
					submit.disabled = false;
					error.textContent = errorText(err);
				}
			},
			onkeydown: (e) => {
				if (e.key === 'Escape') { e.preventDefault(); this.toggleForm(false); }
			},
		},
		h('h2', { id: ids.head }, t('priorities.new')),
		h('div', { class: 'field' }, h('label', { for: ids.title }, t('priorities.title')), title),
		h('div', { class: 'field' }, h('label', { for: ids.desc }, t('priorities.description')), desc),
		h('div', { class: 'field field-medium' }, h('label', { for: ids.owner }, t('priorities.owner_label')), owner.el),
		error,
		h('div', { class: 'form-actions' }, submit,
			h('button', { type: 'button', class: 'btn', onclick: () => this.toggleForm(false) }, t('common.cancel'))));
	}

	render() {
		const round = this.rv.round;
		replaceChildren(this.backSlot, h('a', { href: `/round/${this.rv.roundId}`, class: 'back-link' },
			h('span', { 'aria-hidden': 'true' }, '\u2190 '), t('post.back', { round: round ? round.title : '' })));
		// Keep focus on the same control across a redraw (a move, an owner).
		const active = document.activeElement;
		const key = active && this.list.contains(active) ? active.dataset.focusKey : null;
		const list = sortedPriorities(this.rv.priorities);
		this.empty.hidden = list.length > 0;
		replaceChildren(this.list, list.map((p, i) => this.item(p, i, list.length)));
		if (key) {
			const again = this.list.querySelector(`[data-focus-key="${key}"]`);
			if (again && !again.disabled) again.focus();
			else {
				const head = this.list.querySelector(`[data-focus-key="${key.split(':')[0]}:title"]`);
				if (head) head.focus();
			}
		}
	}

	item(p, index, total) {
		const titleId = `priority-${p.id}-title`;
		const error = h('p', { class: 'form-error', role: 'alert' });
		const posts = (Array.isArray(p.posts) ? p.posts : []).map((id) => this.rv.posts.get(id) || { id, title: t('priorities.unknown_post', { id: String(id) }) });
		const linked = posts.length
			? h('ul', { class: 'priority-posts' }, posts.map((post) => {
				const linkId = `priority-${p.id}-post-${post.id}`;
				return h('li', null,
					h('a', { href: `/round/${this.rv.roundId}/post/${post.id}`, id: linkId }, post.title),
					post.tally ? h('span', { class: 'muted small' }, ' ', this.rv.round && this.rv.round.vote_mode === 'dots'
						? t('priorities.post_dots', { count: post.tally.dots || 0 })
						: t('priorities.post_votes', { up: post.tally.up || 0, down: post.tally.down || 0 })) : null,
					this.manager ? h('button', {
						type: 'button', class: 'btn btn-small btn-quiet', 'aria-describedby': linkId,
						'data-focus-key': `${p.id}:unlink:${post.id}`,
						onclick: (e) => this.change(e.currentTarget, error, 'priority.unlink', { priority: p.id, post: post.id }),
					}, t('priorities.unlink')) : null);
			}))
			: h('p', { class: 'muted small' }, t('priorities.no_posts'));
		let ownerEl;
		if (this.manager) {
			const id = newId('owner');
			const picker = ownerPicker(this.rv, {
				id, current: p.owner, describedBy: titleId,
				onPick: (o) => this.change(picker.input, error, 'priority.update', { priority: p.id, owner: o.value ? Number(o.value) : null }),
			});
			picker.input.dataset.focusKey = `${p.id}:owner`;
			ownerEl = h('div', { class: 'priority-owner-field' }, h('label', { for: id }, t('priorities.owner_label')), picker.el);
		} else {
			ownerEl = h('p', { class: 'priority-meta muted small' },
				p.owner ? t('priorities.owner', { name: authorName(p.owner) }) : t('priorities.no_owner'));
		}
		const controls = this.manager ? h('div', { class: 'priority-move', role: 'group', 'aria-label': t('priorities.order') },
			h('button', {
				type: 'button', class: 'btn btn-small', disabled: index === 0, 'aria-describedby': titleId,
				'data-focus-key': `${p.id}:up`,
				onclick: (e) => this.change(e.currentTarget, error, 'priority.update', { priority: p.id, rank: index }),
			}, h('span', { 'aria-hidden': 'true' }, '\u2191 '), t('priorities.move_up')),
			h('button', {
				type: 'button', class: 'btn btn-small', disabled: index === total - 1, 'aria-describedby': titleId,
				'data-focus-key': `${p.id}:down`,
				onclick: (e) => this.change(e.currentTarget, error, 'priority.update', { priority: p.id, rank: index + 2 }),
			}, h('span', { 'aria-hidden': 'true' }, '\u2193 '), t('priorities.move_down'))) : null;
		return h('li', { class: 'card priority-card', 'data-priority': String(p.id) },
			h('div', { class: 'priority-card-head' },
				h('span', { class: 'priority-rank', 'aria-hidden': 'true' }, formatNumber(index + 1)),
				h('div', { class: 'priority-card-main' },
					h('h2', { class: 'priority-board-title', id: titleId, tabindex: '-1', 'data-focus-key': `${p.id}:title` },
						h('span', { class: 'sr-only' }, t('priorities.rank_sr', { rank: index + 1 })), p.title),
					p.description ? h('p', { class: 'priority-desc' }, p.description) : null,
					ownerEl),
				controls),
			h('div', { class: 'priority-feeds' },
				h('h3', { class: 'small priority-feeds-title' }, countText('priorities.linked', posts.length)),
				linked),
			error);
	}

	// Controls are not disabled while the request runs (that would drop the
	// focus the redraw keeps); a second press meanwhile is ignored.
	async change(control, error, op, fields) {
		if (this.busy) return;
		this.busy = true;
		error.textContent = '';
		try {
			const r = await this.app.conn.request(op, fields);
			if (r.priority) this.rv.takePriority(r.priority);
		} catch (e) {
			error.textContent = errorText(e);
		} finally {
			this.busy = false;
		}
	}

	loadAndFocus(focus) {
		this.render();
		if (focus) this.focus();
	}

	focus() {
		this.heading.focus();
	}
}
