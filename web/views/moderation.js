// Moderation: the "Flag" action anyone has on posts, comments and chat
// messages; the "Hide" / "Restore" action of moderators; and the queue of
// flagged items that managers and admins work through.
import { t } from '../i18n/index.js';
import { h, newId, replaceChildren } from '../lib/dom.js';
import { authorElement, errorText, isStaffManager, timeElement } from '../lib/format.js';
import { excerpt } from '../lib/markdown.js';
import { countText } from './common.js';

const REASON_LIMIT = 500;

export function isModerator(user) {
	return isStaffManager(user);
}

// A "Flag" button that opens a small form asking why. The form goes into
// `slot` (by default right after the button's own row).
export class FlagControl {
	constructor(app, { target, id, describedBy = null, slot = null, what = '' }) {
		this.app = app;
		this.target = target;
		this.id = id;
		this.what = what;
		this.button = h('button', {
			type: 'button', class: 'btn btn-small btn-quiet flag-btn', 'aria-expanded': 'false',
			'aria-describedby': describedBy, onclick: () => this.toggle(),
		}, t('flag.action'));
		this.status = h('span', { class: 'flag-status small', role: 'status' });
		this.ownSlot = h('div', { class: 'flag-slot' });
		this.slot = slot || this.ownSlot;
		this.el = h('span', { class: 'flag-control' }, this.button, this.status);
		this.form = null;
	}

	toggle() {
		if (this.form && this.form.isConnected) this.close(true);
		else this.open();
	}

	open() {
		// One open flag form per slot.
		if (this.slot.flagOwner && this.slot.flagOwner !== this) this.slot.flagOwner.close(false);
		this.slot.flagOwner = this;
		const ids = { reason: newId('flag-reason'), err: newId('flag-err') };
		const input = h('input', { id: ids.reason, type: 'text', maxlength: REASON_LIMIT, autocomplete: 'off', 'aria-describedby': ids.err });
		const error = h('p', { class: 'form-error', id: ids.err, role: 'alert' });
		const submit = h('button', { type: 'submit', class: 'btn btn-small btn-primary' }, t('flag.submit'));
		this.form = h('form', {
			class: 'flag-form', novalidate: true,
			onsubmit: async (e) => {
				e.preventDefault();
				error.textContent = '';
				const reason = input.value.trim();
				if (!reason) {
					error.textContent = t('flag.reason_missing');
					input.focus();
					return;
				}
				submit.disabled = true;
				try {
					await this.app.conn.request('flag.create', { target: this.target, id: this.id, reason });
					this.close(true);
					this.status.textContent = t('flag.sent');
				} catch (err) {
					submit.disabled = false;
					error.textContent = err.code === 'conflict' ? t('flag.already') : errorText(err);
				}
			},
			onkeydown: (e) => {
				if (e.key === 'Escape') { e.preventDefault(); this.close(true); }
			},
		},
		this.what ? h('p', { class: 'flag-what small muted' }, this.what) : null,
		h('label', { for: ids.reason }, t('flag.reason')),
		h('div', { class: 'flag-row' }, input, submit,
			h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.close(true) }, t('common.cancel'))),
		error);
		this.slot.append(this.form);
		this.button.setAttribute('aria-expanded', 'true');
		this.status.textContent = '';
		input.focus();
	}

	close(refocus) {
		if (this.form) this.form.remove();
		this.form = null;
		if (this.slot.flagOwner === this) this.slot.flagOwner = null;
		this.button.setAttribute('aria-expanded', 'false');
		if (refocus && this.button.isConnected) this.button.focus();
	}
}

// "Hide" or "Restore" for moderators. The change comes back as an event
// (post.updated, comment.updated, chat.updated) that redraws the item;
// onDone runs after the server said yes.
export function hideButton(app, { target, id, hidden, describedBy = null, onDone = null, errorEl = null, quiet = true }) {
	const look = quiet ? `btn-small btn-quiet${hidden ? '' : ' btn-danger-quiet'}` : (hidden ? 'btn-primary' : 'btn-danger');
	const btn = h('button', {
		type: 'button', class: `btn ${look} mod-btn`,
		'aria-describedby': describedBy,
		onclick: async () => {
			if (errorEl) errorEl.textContent = '';
			btn.disabled = true;
			try {
				await app.conn.request('mod.hide', { target, id, hidden: !hidden });
				app.announce(hidden ? t('mod.restored') : t('mod.hidden_done'));
				if (onDone) onDone(!hidden);
			} catch (e) {
				btn.disabled = false;
				if (errorEl) errorEl.textContent = errorText(e);
			}
		},
	}, hidden ? t('mod.restore') : t('mod.hide'));
	return btn;
}

export function hiddenBadge() {
	return h('span', { class: 'badge status status-hidden hidden-badge' }, t('status.hidden'));
}

// The queue: flagged items, newest flag first, with their text, reasons and
// how many people flagged them; hidden or not; one click to decide.
export class ModerationView {
	constructor(app) {
		this.app = app;
		this.items = [];
		this.decided = new Map(); // "target:id" -> item, decided in this visit
		this.rounds = new Map();
	}

	title() {
		return t('mod.title');
	}

	mount(main) {
		this.heading = h('h1', { tabindex: '-1', id: 'mod-h' }, t('mod.title'));
		if (!isModerator(this.app.user)) {
			main.append(h('div', { class: 'page page-narrow' }, h('div', { class: 'card empty' },
				this.heading, h('p', null, t('mod.not_allowed')),
				h('p', null, h('a', { href: '/' }, t('nav.back_to_rounds'))))));
			return;
		}
		this.error = h('p', { class: 'form-error', role: 'alert' });
		this.status = h('p', { class: 'muted', role: 'status' }, t('common.loading'));
		this.list = h('ol', { class: 'mod-list', 'aria-labelledby': 'mod-h' });
		this.refreshBtn = h('button', { type: 'button', class: 'btn', onclick: () => this.load() }, t('mod.refresh'));
		main.append(h('div', { class: 'page page-narrow' },
			h('div', { class: 'page-head' },
				h('div', null, this.heading, h('p', { class: 'muted lead' }, t('mod.lead'))),
				h('div', { class: 'page-actions' }, this.refreshBtn)),
			this.error, this.status, this.list));
		this.load();
	}

	async load() {
		if (!this.list) return;
		this.refreshBtn.disabled = true;
		try {
			const [q, rl] = await Promise.all([
				this.app.conn.request('mod.queue'),
				this.app.conn.request('rounds.list'),
			]);
			for (const r of rl.rounds || []) this.rounds.set(r.id, r);
			this.items = Array.isArray(q.items) ? q.items : [];
			this.decided = new Map();
			this.error.textContent = '';
			this.render();
		} catch (e) {
			this.error.textContent = errorText(e);
			this.status.textContent = '';
		} finally {
			this.refreshBtn.disabled = false;
		}
	}

	render() {
		const items = this.items;
		this.status.textContent = items.length === 0 ? t('mod.empty') : countText('mod.count', items.length);
		replaceChildren(this.list, items.map((it) => this.itemEl(it)));
	}

	key(it) {
		return `${it.target}:${it.id}`;
	}

	itemEl(it) {
		const headId = newId('mod-item');
		const round = this.rounds.get(it.round);
		const roundLink = round ? h('a', { href: `/round/${round.id}` }, round.title) : t('mod.round_n', { id: String(it.round) });
		const what = it.target === 'post'
			? h('a', { href: `/round/${it.round}/post/${it.id}` }, it.title || t('mod.untitled'))
			: t(`mod.target.${it.target}`);
		const error = h('p', { class: 'form-error', role: 'alert' });
		const li = h('li', { class: ['card mod-item', it.hidden && 'is-hidden'], 'data-target': it.target, 'data-id': String(it.id) });
		const decided = this.decided.get(this.key(it));
		replaceChildren(li,
			h('p', { class: 'kicker' },
				h('span', { class: 'badge kind' }, t(`mod.kind.${it.target}`)),
				it.hidden ? hiddenBadge() : h('span', { class: 'badge status status-visible' }, t('mod.visible')),
				h('span', { class: 'mod-count' }, countText('mod.flagged_by', Number(it.count) || 0))),
			h('h2', { class: 'mod-item-title', id: headId }, what),
			h('blockquote', { class: 'mod-body' }, excerpt(it.body || '', 600)),
			h('p', { class: 'post-meta' }, authorElement(it.author),
				h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'), h('span', null, t('mod.in_round'), ' ', roundLink),
				h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'), h('span', null, t('mod.last_flagged'), ' ', timeElement(it.last_flagged_at))),
			h('div', { class: 'mod-reasons' },
				h('h3', { class: 'small' }, t('mod.reasons')),
				h('ul', null, (it.reasons || []).map((r) => h('li', null, r)))),
			Array.isArray(it.edits) && it.edits.length ? h('div', { class: 'mod-edits' },
				h('h3', { class: 'small' }, t('mod.earlier_text')),
				h('ol', null, it.edits.map((e) => h('li', null, timeElement(e.edited_at), ' ',
					h('blockquote', { class: 'mod-body' }, excerpt(e.body || '', 600)))))) : null,
			h('div', { class: 'form-actions' },
				hideButton(this.app, {
					target: it.target, id: it.id, hidden: !!it.hidden, describedBy: headId, errorEl: error, quiet: false,
					onDone: (hidden) => {
						it.hidden = hidden;
						this.decided.set(this.key(it), it);
						const fresh = this.itemEl(it);
						li.replaceWith(fresh);
						const b = fresh.querySelector('.mod-btn');
						if (b) b.focus();
					},
				}),
				decided ? h('span', { class: 'muted small' }, t('mod.decided')) : null),
			error);
		return li;
	}

	refresh() {
		this.load();
	}

	onReconnect() {
		this.load();
	}

	onEvent() {}

	unmount() {}
}
