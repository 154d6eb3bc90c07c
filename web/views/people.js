// People, for admins: everyone with an account, found by typing (a name,
// username, email or organisation) and filtered by role and status, a page
// at a time however many there are. A role is changed in place; an account
// is disabled (after a confirmation) or enabled again; a password reset
// link is made to copy and send.
import { t, formatNumber, absoluteTime } from '../i18n/index.js';
import { h, newId, replaceChildren } from '../lib/dom.js';
import { errorText, roleName, timeElement } from '../lib/format.js';

const PAGE = 50;
const DEBOUNCE_MS = 250;
const ROLES = ['admin', 'manager', 'employee', 'customer'];

export class PeopleView {
	constructor(app) {
		this.app = app;
		this.users = [];
		this.total = 0;
		this.offset = 0;
		this.seq = 0;
		this.timer = null;
	}

	title() {
		return t('people.title');
	}

	mount(main) {
		this.heading = h('h1', { tabindex: '-1', id: 'people-h' }, t('people.title'));
		if (!this.app.user || this.app.user.role !== 'admin') {
			main.append(h('div', { class: 'page page-narrow' }, h('div', { class: 'card empty' },
				this.heading, h('p', null, t('people.not_allowed')),
				h('p', null, h('a', { href: '/' }, t('nav.back_to_rounds'))))));
			return;
		}
		const ids = { q: newId('people-q'), role: newId('people-role'), status: newId('people-status') };
		this.query = h('input', {
			id: ids.q, type: 'search', autocomplete: 'off', spellcheck: 'false', maxlength: 200,
			placeholder: t('people.search_placeholder'),
			oninput: () => this.schedule(),
		});
		this.role = h('select', { id: ids.role, onchange: () => this.reload() },
			h('option', { value: '' }, t('people.role_any')),
			ROLES.map((r) => h('option', { value: r }, t(`role_plural.${r}`))));
		this.status = h('select', { id: ids.status, onchange: () => this.reload() },
			h('option', { value: '' }, t('people.status_any')),
			h('option', { value: 'active' }, t('people.status_active')),
			h('option', { value: 'disabled' }, t('people.status_disabled')));
		this.error = h('p', { class: 'form-error', role: 'alert' });
		this.summary = h('p', { class: 'muted people-summary', role: 'status' }, t('common.loading'));
		this.tbody = h('tbody');
		this.table = h('table', { class: 'audit-table people-table', hidden: true },
			h('caption', { class: 'sr-only' }, t('people.caption')),
			h('thead', null, h('tr', null,
				['people.col.name', 'people.col.email', 'people.col.org', 'people.col.role',
					'people.col.last_seen', 'people.col.status', 'people.col.actions']
					.map((k) => h('th', { scope: 'col' }, t(k))))),
			this.tbody);
		this.prev = h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.page(-1) }, t('people.prev'));
		this.next = h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.page(1) }, t('people.next'));
		this.pageInfo = h('span', { class: 'muted small' });
		this.pager = h('nav', { class: 'people-pager', 'aria-label': t('people.pages'), hidden: true },
			this.prev, this.pageInfo, this.next);
		main.append(h('div', { class: 'page' },
			h('div', { class: 'page-head' }, h('div', null, this.heading,
				h('p', { class: 'muted lead' }, t('people.lead')))),
			h('form', {
				class: 'people-filters', role: 'search', 'aria-label': t('people.filters'),
				onsubmit: (e) => { e.preventDefault(); this.reload(); },
			},
			h('div', { class: 'field people-search' }, h('label', { for: ids.q }, t('people.search')), this.query),
			h('div', { class: 'field' }, h('label', { for: ids.role }, t('people.role_filter')), this.role),
			h('div', { class: 'field' }, h('label', { for: ids.status }, t('people.status_filter')), this.status)),
			this.error, this.summary,
			h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'people-h' }, this.table),
			this.pager));
		this.load();
	}

	focus() {
		if (this.query) this.query.focus();
		else this.heading.focus();
	}

	// Typing: ask once the typing pauses.
	schedule() {
		clearTimeout(this.timer);
		this.timer = setTimeout(() => this.reload(), DEBOUNCE_MS);
	}

	reload() {
		clearTimeout(this.timer);
		this.offset = 0;
		this.load();
	}

	page(dir) {
		const next = this.offset + dir * PAGE;
		if (next < 0 || next >= this.total) return;
		this.offset = next;
		this.load().then(() => this.heading.scrollIntoView({ block: 'start' }));
	}

	async load() {
		const seq = ++this.seq;
		const fields = { limit: PAGE, offset: this.offset };
		const q = this.query.value.trim();
		if (q) fields.query = q;
		if (this.role.value) fields.role = this.role.value;
		if (this.status.value) fields.disabled = this.status.value === 'disabled';
		try {
			const r = await this.app.conn.request('users.list', fields);
			// An older answer that arrives after a newer question is not shown.
			if (seq !== this.seq || this.gone) return;
			this.users = Array.isArray(r.users) ? r.users : [];
			this.total = Number(r.total) || 0;
			this.error.textContent = '';
			this.render();
		} catch (e) {
			if (seq === this.seq && !this.gone) this.error.textContent = errorText(e);
		}
	}

	render() {
		const n = this.users.length;
		this.summary.textContent = n === 0
			? (this.query.value.trim() || this.role.value || this.status.value ? t('people.none_match') : t('people.none'))
			: t('people.showing', {
				count: this.total, from: formatNumber(this.offset + 1),
				to: formatNumber(this.offset + n), total: formatNumber(this.total),
			});
		this.table.hidden = n === 0;
		replaceChildren(this.tbody, this.users.map((u) => this.row(u)));
		const pages = Math.max(1, Math.ceil(this.total / PAGE));
		this.pager.hidden = this.total <= PAGE;
		this.pageInfo.textContent = t('people.page_of', {
			page: formatNumber(Math.floor(this.offset / PAGE) + 1), pages: formatNumber(pages),
		});
		this.prev.disabled = this.offset === 0;
		this.next.disabled = this.offset + PAGE >= this.total;
	}

	row(u) {
		const nameId = newId('person');
		const tr = h('tr', { 'data-username': u.username, class: u.disabled ? 'is-disabled' : null });
		const self = this.app.user && u.id === this.app.user.id;
		const status = h('p', { class: 'small people-row-status', role: 'status' });
		const error = h('p', { class: 'form-error', role: 'alert' });
		const extra = h('div', { class: 'people-extra' });
		const roleSel = h('select', {
			class: 'people-role', 'aria-label': t('people.role_of', { name: u.display_name || u.username }),
			onchange: () => this.changeRole(u, roleSel, status, error),
		}, ROLES.map((r) => h('option', { value: r, selected: r === u.role }, roleName(r))));
		const actions = [];
		if (!self) {
			const toggle = h('button', {
				type: 'button', class: 'btn btn-small', 'aria-describedby': nameId,
				onclick: () => (u.disabled ? this.setDisabled(u, false, error) : this.confirmDisable(u, extra, toggle, error)),
			}, u.disabled ? t('people.enable') : t('people.disable'));
			actions.push(toggle);
		}
		if (u.source !== 'directory' && !u.disabled) {
			actions.push(h('button', {
				type: 'button', class: 'btn btn-small', 'aria-describedby': nameId,
				onclick: () => this.resetLink(u, extra, error),
			}, t('people.reset')));
		}
		const statusText = [u.disabled ? t('people.disabled') : t('people.active')];
		if (u.source === 'directory') statusText.push(t('people.source_directory'));
		if (u.source === 'invite') statusText.push(t('people.source_invite'));
		tr.append(
			h('td', null, h('span', { class: 'people-name', id: nameId }, u.display_name || u.username),
				h('span', { class: 'muted small people-username' }, u.username)),
			h('td', { class: 'people-email' }, u.email || ''),
			h('td', null, u.org || ''),
			h('td', null, roleSel),
			h('td', null, u.last_seen_at ? timeElement(u.last_seen_at) : h('span', { class: 'muted' }, t('people.never'))),
			h('td', null, h('span', { class: u.disabled ? 'badge hidden-badge' : 'badge status-visible' }, statusText.join(' · '))),
			h('td', { class: 'people-actions' }, h('div', { class: 'form-actions' }, actions), extra, status, error));
		return tr;
	}

	async changeRole(u, select, status, error) {
		const role = select.value;
		status.textContent = '';
		error.textContent = '';
		select.disabled = true;
		try {
			const r = await this.app.conn.request('user.update', { user: u.id, role });
			Object.assign(u, r.user || { role });
			const name = u.display_name || u.username;
			status.textContent = t('people.role_changed', { name, role: roleName(u.role) });
			this.app.announce(status.textContent);
		} catch (e) {
			select.value = u.role;
			error.textContent = e.code === 'conflict' ? t('people.last_admin') : errorText(e);
		} finally {
			select.disabled = false;
		}
	}

	confirmDisable(u, slot, button, error) {
		if (slot.querySelector('.people-confirm')) {
			replaceChildren(slot);
			button.setAttribute('aria-expanded', 'false');
			return;
		}
		const name = u.display_name || u.username;
		const yes = h('button', {
			type: 'button', class: 'btn btn-small btn-danger',
			onclick: async () => {
				yes.disabled = true;
				if (!(await this.setDisabled(u, true, error))) yes.disabled = false;
			},
		}, t('people.disable_confirm'));
		const no = h('button', {
			type: 'button', class: 'btn btn-small',
			onclick: () => { replaceChildren(slot); button.setAttribute('aria-expanded', 'false'); button.focus(); },
		}, t('common.cancel'));
		replaceChildren(slot, h('div', { class: 'people-confirm', role: 'group', 'aria-label': t('people.disable_question', { name }) },
			h('p', { class: 'small' }, t('people.disable_question', { name }), ' ', t('people.disable_effect')),
			h('div', { class: 'form-actions' }, yes, no)));
		button.setAttribute('aria-expanded', 'true');
		yes.focus();
	}

	async setDisabled(u, disabled, error) {
		error.textContent = '';
		try {
			await this.app.conn.request('user.disable', { user: u.id, disabled });
		} catch (e) {
			error.textContent = e.code === 'conflict' && u.role === 'admin' ? t('people.last_admin') : errorText(e);
			return false;
		}
		const name = u.display_name || u.username;
		this.app.announce(disabled ? t('people.disabled_done', { name }) : t('people.enabled_done', { name }));
		await this.load();
		const row = [...this.tbody.querySelectorAll('tr')].find((tr) => tr.dataset.username === u.username);
		const again = row && row.querySelector('.people-actions button');
		if (again) again.focus();
		return true;
	}

	async resetLink(u, slot, error) {
		error.textContent = '';
		let r;
		try {
			r = await this.app.conn.request('password.reset', { user: u.id });
		} catch (e) {
			error.textContent = errorText(e);
			return;
		}
		const url = r.url && /^https?:\/\//.test(r.url) ? r.url : '';
		const id = newId('reset-link');
		const input = h('input', { id, type: 'text', readonly: true, value: url, class: 'invite-url', spellcheck: 'false' });
		input.addEventListener('focus', () => input.select());
		const copied = h('span', { class: 'copy-status', role: 'status' });
		const copy = h('button', {
			type: 'button', class: 'btn btn-small btn-primary',
			onclick: async () => {
				copied.textContent = '';
				try {
					await navigator.clipboard.writeText(url);
					copied.textContent = t('invite.copied');
				} catch {
					input.focus();
					input.select();
					copied.textContent = t('invite.copy_manually');
				}
			},
		}, t('invite.copy'));
		replaceChildren(slot, h('div', { class: 'people-reset' },
			h('label', { for: id, class: 'small' }, t('people.reset_link', { name: u.display_name || u.username })),
			h('div', { class: 'invite-row' }, input, copy),
			h('p', { class: 'muted small' },
				r.expires_at ? t('invite.link_expires', { when: absoluteTime(r.expires_at) }) : null,
				' ', t('people.reset_once'), ' ', copied)));
		input.focus();
	}

	refresh() {
		this.load();
	}

	onReconnect() {
		this.load();
	}

	onEvent() {}

	unmount() {
		this.gone = true;
		clearTimeout(this.timer);
	}
}
