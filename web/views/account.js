// Your account, for everyone signed in: the name others see and the
// language (user.settings), and a new password (POST /api/password; every
// other session of yours ends).
import { t, currentLocale, LANGUAGES } from '../i18n/index.js';
import { h, newId } from '../lib/dom.js';
import { errorText, roleName } from '../lib/format.js';
import { changePassword } from '../lib/conn.js';

const MIN_PASSWORD = 8;

export class AccountView {
	constructor(app) {
		this.app = app;
	}

	title() {
		return t('account.title');
	}

	mount(main) {
		const u = this.app.user || {};
		this.heading = h('h1', { tabindex: '-1', id: 'account-h' }, t('account.title'));
		main.append(h('div', { class: 'page page-narrow account-page' },
			h('div', { class: 'page-head' }, h('div', null, this.heading,
				h('p', { class: 'muted lead' }, t('account.lead')))),
			h('dl', { class: 'card account-facts' },
				h('dt', null, t('account.username')), h('dd', null, u.username || ''),
				h('dt', null, t('account.role')), h('dd', null, u.role ? roleName(u.role) : ''),
				h('dt', null, t('account.email')), h('dd', null, u.email || t('account.no_email')),
				u.org ? [h('dt', null, t('account.org')), h('dd', null, u.org)] : null),
			this.profileForm(u),
			this.passwordForm()));
	}

	profileForm(u) {
		const ids = { name: newId('acc-name'), lang: newId('acc-lang'), head: newId('acc-profile') };
		this.name = h('input', {
			id: ids.name, type: 'text', autocomplete: 'name', maxlength: 80, required: true,
			value: u.display_name || '',
		});
		const current = u.lang || currentLocale();
		this.lang = h('select', { id: ids.lang },
			LANGUAGES.map((l) => h('option', { value: l.code, selected: l.code === current, lang: l.code }, l.name)));
		this.profileError = h('p', { class: 'form-error', role: 'alert' });
		this.profileStatus = h('p', { class: 'small', role: 'status' });
		this.profileButton = h('button', { type: 'submit', class: 'btn btn-primary' }, t('account.save'));
		return h('section', { class: 'card account-section', 'aria-labelledby': ids.head },
			h('h2', { id: ids.head }, t('account.profile')),
			h('form', {
				class: 'stack', novalidate: true,
				onsubmit: (e) => { e.preventDefault(); this.saveProfile(); },
			},
			h('div', { class: 'field field-medium' }, h('label', { for: ids.name }, t('account.display_name')), this.name),
			h('div', { class: 'field field-medium' }, h('label', { for: ids.lang }, t('account.language')), this.lang),
			this.profileError,
			h('div', { class: 'form-actions' }, this.profileButton, this.profileStatus)));
	}

	passwordForm() {
		const ids = {
			old: newId('acc-old'), new1: newId('acc-new'), new2: newId('acc-new2'),
			hint: newId('acc-hint'), head: newId('acc-pw'),
		};
		this.oldPw = h('input', { id: ids.old, type: 'password', autocomplete: 'current-password', required: true });
		this.newPw = h('input', {
			id: ids.new1, type: 'password', autocomplete: 'new-password', required: true,
			minlength: MIN_PASSWORD, 'aria-describedby': ids.hint,
		});
		this.newPw2 = h('input', { id: ids.new2, type: 'password', autocomplete: 'new-password', required: true });
		this.pwError = h('p', { class: 'form-error', role: 'alert' });
		this.pwStatus = h('p', { class: 'small', role: 'status' });
		this.pwButton = h('button', { type: 'submit', class: 'btn btn-primary' }, t('account.change_password'));
		return h('section', { class: 'card account-section', 'aria-labelledby': ids.head },
			h('h2', { id: ids.head }, t('account.password')),
			h('p', { class: 'muted small' }, t('account.password_lead')),
			h('form', {
				class: 'stack', novalidate: true,
				onsubmit: (e) => { e.preventDefault(); this.savePassword(); },
			},
			h('div', { class: 'field field-medium' }, h('label', { for: ids.old }, t('account.old_password')), this.oldPw),
			h('div', { class: 'field field-medium' }, h('label', { for: ids.new1 }, t('account.new_password')), this.newPw,
				h('p', { class: 'hint', id: ids.hint }, t('invite.password_hint'))),
			h('div', { class: 'field field-medium' }, h('label', { for: ids.new2 }, t('account.new_password_again')), this.newPw2),
			this.pwError,
			h('div', { class: 'form-actions' }, this.pwButton, this.pwStatus)));
	}

	focus() {
		this.heading.focus();
	}

	async saveProfile() {
		const u = this.app.user || {};
		const fields = {};
		const name = this.name.value.trim();
		this.profileError.textContent = '';
		this.profileStatus.textContent = '';
		if (!name) {
			this.profileError.textContent = t('invite.display_missing');
			this.name.focus();
			return;
		}
		if (name !== u.display_name) fields.display_name = name;
		if (this.lang.value !== (u.lang || currentLocale())) fields.lang = this.lang.value;
		if (!Object.keys(fields).length) {
			this.profileStatus.textContent = t('account.nothing_changed');
			return;
		}
		this.profileButton.disabled = true;
		try {
			const r = await this.app.conn.request('user.settings', fields);
			// The header follows, and a new language redraws the page
			// (this view gives way to a new one): it says so in its words.
			this.app.onUserUpdated({ user: r.user });
			const view = this.app.view instanceof AccountView ? this.app.view : this;
			view.profileStatus.textContent = t('account.saved');
		} catch (e) {
			this.profileError.textContent = errorText(e);
		} finally {
			this.profileButton.disabled = false;
		}
	}

	async savePassword() {
		const old = this.oldPw.value;
		const pw = this.newPw.value;
		this.pwError.textContent = '';
		this.pwStatus.textContent = '';
		for (const el of [this.oldPw, this.newPw, this.newPw2]) el.removeAttribute('aria-invalid');
		const bad = (el, key) => {
			this.pwError.textContent = t(key);
			el.setAttribute('aria-invalid', 'true');
			el.focus();
		};
		if (!old) return bad(this.oldPw, 'account.old_missing');
		if (Array.from(pw).length < MIN_PASSWORD) return bad(this.newPw, 'invite.password_short');
		if (pw !== this.newPw2.value) return bad(this.newPw2, 'account.mismatch');
		this.pwButton.disabled = true;
		try {
			await changePassword(old, pw);
			for (const el of [this.oldPw, this.newPw, this.newPw2]) el.value = '';
			this.pwStatus.textContent = t('account.password_changed');
			this.app.announce(this.pwStatus.textContent);
		} catch (e) {
			if (e.code === 'bad_credentials') bad(this.oldPw, 'account.old_wrong');
			else if (e.code === 'conflict') this.pwError.textContent = t('account.directory');
			else if (e.code === 'bad_request') bad(this.newPw, 'invite.password_short');
			else this.pwError.textContent = errorText(e);
		} finally {
			this.pwButton.disabled = false;
		}
		return undefined;
	}

	onReconnect() {}

	onEvent(msg) {
		// An admin changed this account meanwhile: show what is true now.
		if (msg.ev === 'user.updated' && msg.user && this.app.user && msg.user.id === this.app.user.id &&
		    document.activeElement !== this.name)
			this.name.value = msg.user.display_name || '';
	}

	unmount() {}
}
