// Customers in an invited round, for its managers: who has access
// (round.members), inviting a new customer by link, adding back a customer
// this round already knows (member.add takes a user id), and revoking access
// (member.revoke) after a confirmation.
import { t, formatNumber } from '../i18n/index.js';
import { h, newId, replaceChildren } from '../lib/dom.js';
import { authorName, errorText } from '../lib/format.js';
import { InvitePanel } from './invite.js';

export class MembersPanel {
	constructor(roundView) {
		this.rv = roundView;
		this.app = roundView.app;
		this.members = [];
		this.loaded = false;
		const ids = { head: newId('members-h') };
		this.ids = ids;
		this.count = h('span', { class: 'count-pill count-pill-quiet' }, '…');
		this.error = h('p', { class: 'form-error', role: 'alert' });
		this.status = h('p', { class: 'muted small', role: 'status' });
		this.list = h('ul', { class: 'member-list' });
		this.addSlot = h('div', { class: 'member-add' });
		this.invite = new InvitePanel(this.app, { role: 'customer', round: this.rv.roundId });
		this.details = h('details', { class: 'card members' },
			h('summary', null, h('span', { class: 'members-title', id: ids.head }, t('members.heading')), ' ', this.count),
			h('div', { class: 'members-body' },
				h('p', { class: 'muted small' }, t('members.lead')),
				this.invite.el,
				h('h3', { class: 'members-sub' }, t('members.with_access')),
				this.status, this.list, this.error,
				this.addSlot));
		this.details.addEventListener('toggle', () => { this.rv.membersOpen = this.details.open; });
		this.el = h('section', { class: 'members-section', 'aria-labelledby': ids.head }, this.details);
		if (this.rv.membersOpen) this.details.open = true;
	}

	async load() {
		try {
			const r = await this.app.conn.request('round.members', { round: this.rv.roundId });
			this.members = Array.isArray(r.members) ? r.members : [];
			this.loaded = true;
			this.error.textContent = '';
			for (const m of this.members) this.rv.noteUser(m);
			this.render();
		} catch (e) {
			this.error.textContent = errorText(e);
		}
	}

	render() {
		this.count.textContent = formatNumber(this.members.length);
		this.count.setAttribute('aria-label', t('members.count', { count: this.members.length }));
		this.status.textContent = this.members.length ? '' : t('members.none');
		this.status.hidden = this.members.length > 0;
		const sorted = [...this.members].sort((a, b) => authorName(a).localeCompare(authorName(b)));
		replaceChildren(this.list, sorted.map((m) => this.memberEl(m)));
		this.renderAdd();
	}

	memberEl(m) {
		const nameId = newId('member');
		const li = h('li', { class: 'member', 'data-id': String(m.id) });
		const revoke = h('button', {
			type: 'button', class: 'btn btn-small', 'aria-describedby': nameId, 'aria-expanded': 'false',
			onclick: () => this.confirmRevoke(m, li, revoke),
		}, t('members.revoke'));
		replaceChildren(li,
			h('div', { class: 'member-row' },
				h('span', { class: 'member-name', id: nameId }, authorName(m),
					h('span', { class: 'muted small' }, ' (', m.username, ')')),
				revoke),
			h('div', { class: 'member-confirm-slot' }));
		return li;
	}

	confirmRevoke(m, li, button) {
		const slot = li.querySelector('.member-confirm-slot');
		if (slot.firstChild) {
			slot.replaceChildren();
			button.setAttribute('aria-expanded', 'false');
			return;
		}
		const error = h('p', { class: 'form-error', role: 'alert' });
		const yes = h('button', {
			type: 'button', class: 'btn btn-small btn-danger',
			onclick: async () => {
				yes.disabled = true;
				error.textContent = '';
				try {
					await this.app.conn.request('member.revoke', { round: this.rv.roundId, user: m.id });
					this.app.announce(t('members.revoked', { name: authorName(m) }));
					await this.load();
					const first = this.list.querySelector('button') || this.details.querySelector('summary');
					if (first) first.focus();
				} catch (e) {
					yes.disabled = false;
					error.textContent = errorText(e);
				}
			},
		}, t('members.revoke_confirm'));
		const no = h('button', {
			type: 'button', class: 'btn btn-small',
			onclick: () => { slot.replaceChildren(); button.setAttribute('aria-expanded', 'false'); button.focus(); },
		}, t('common.cancel'));
		slot.append(h('div', { class: 'member-confirm', role: 'group', 'aria-label': t('members.revoke_question', { name: authorName(m) }) },
			h('p', { class: 'small' }, t('members.revoke_question', { name: authorName(m) }), ' ', t('members.revoke_effect')),
			h('div', { class: 'form-actions' }, yes, no), error));
		button.setAttribute('aria-expanded', 'true');
		yes.focus();
	}

	// Customers this round knows (authors, people in the room, former members)
	// who have no access now: they can be added back without a new invite.
	renderAdd() {
		const have = new Set(this.members.map((m) => m.id));
		const candidates = this.rv.knownUsers().filter((u) => u.role === 'customer' && !have.has(u.id))
			.sort((a, b) => authorName(a).localeCompare(authorName(b)));
		if (candidates.length === 0) {
			replaceChildren(this.addSlot, h('p', { class: 'muted small' }, t('members.add_none')));
			return;
		}
		const id = newId('member-add');
		const select = h('select', { id }, candidates.map((u) => h('option', { value: String(u.id) }, authorName(u))));
		const error = h('p', { class: 'form-error', role: 'alert' });
		const submit = h('button', { type: 'submit', class: 'btn' }, t('members.add'));
		replaceChildren(this.addSlot, h('form', {
			class: 'member-add-form', novalidate: true,
			onsubmit: async (e) => {
				e.preventDefault();
				error.textContent = '';
				submit.disabled = true;
				try {
					await this.app.conn.request('member.add', { round: this.rv.roundId, user: Number(select.value) });
					const u = candidates.find((c) => c.id === Number(select.value));
					this.app.announce(t('members.added', { name: authorName(u) }));
					await this.load();
				} catch (err) {
					submit.disabled = false;
					error.textContent = errorText(err);
				}
			},
		},
		h('label', { for: id }, t('members.add_label')),
		h('div', { class: 'member-add-row' }, select, submit),
		error));
	}
}
