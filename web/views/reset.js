// The public page behind a password reset link (/reset/TOKEN): the person
// an admin sent it to sets a password and is signed in. A used, expired or
// unknown link says so in words, with no form.
import { t, absoluteTime } from '../i18n/index.js';
import { h, newId, replaceChildren } from '../lib/dom.js';
import { errorText } from '../lib/format.js';
import { resetInfo, resetPassword, RequestError } from '../lib/conn.js';

const MIN_PASSWORD = 8;
const REFUSED = ['reset_used', 'reset_expired', 'not_found', 'conflict', 'forbidden'];

export class ResetView {
	constructor(app, route) {
		this.app = app;
		this.token = route.token;
	}

	title() {
		return t('reset.title');
	}

	mount(main) {
		this.heading = h('h1', { tabindex: '-1', id: 'reset-h' }, t('reset.title'));
		this.body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'muted', role: 'status' }, t('common.loading')));
		main.append(h('div', { class: 'signin-page invite-page' },
			h('section', { class: 'signin-card', 'aria-labelledby': 'reset-h' },
				h('p', { class: 'signin-brand' },
					h('img', { src: '/icon.svg', alt: '', width: 40, height: 40 }),
					h('span', null, t('app.name'))),
				this.heading,
				this.body)));
		this.load();
	}

	update(route) {
		return route.token === this.token;
	}

	async load() {
		try {
			this.info = await resetInfo(this.token);
		} catch (e) {
			this.showRefused(e);
			return;
		}
		if (!this.gone) this.renderForm();
	}

	showRefused(e) {
		if (this.gone) return;
		const code = e && e.code;
		const key = REFUSED.includes(code) ? code : 'other';
		this.heading.textContent = t(`reset.refused.${key}.title`);
		this.app.setTitle(this.heading.textContent);
		replaceChildren(this.body,
			h('p', { role: 'alert', class: 'invite-refused' }, key === 'other' ? errorText(e) : t(`reset.refused.${key}.text`)),
			h('p', null, h('a', { href: '/' }, t('invite.to_start'))));
		this.body.removeAttribute('aria-busy');
		this.heading.focus();
	}

	renderForm() {
		const info = this.info || {};
		const ids = { pass: newId('reset-pass'), pass2: newId('reset-pass2'), hint: newId('reset-hint'), err: newId('reset-err') };
		this.heading.textContent = t('reset.heading', { name: info.display_name || info.username || '' });
		this.password = h('input', {
			id: ids.pass, type: 'password', autocomplete: 'new-password', required: true,
			minlength: MIN_PASSWORD, 'aria-describedby': ids.hint,
		});
		this.password2 = h('input', { id: ids.pass2, type: 'password', autocomplete: 'new-password', required: true });
		this.error = h('p', { class: 'form-error', id: ids.err, role: 'alert' });
		this.button = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('reset.submit'));
		// The username, for password managers to file the new password under.
		const user = h('input', { type: 'text', autocomplete: 'username', value: info.username || '', hidden: true, readonly: true });
		replaceChildren(this.body,
			h('p', { class: 'muted' }, t('reset.lead', { username: info.username || '' })),
			info.expires_at ? h('p', { class: 'muted small invite-expiry' }, t('reset.expires', { when: absoluteTime(info.expires_at) })) : null,
			h('form', {
				class: 'stack', novalidate: true, 'aria-describedby': ids.err,
				onsubmit: (e) => { e.preventDefault(); this.submit(); },
			},
			user,
			h('div', { class: 'field' }, h('label', { for: ids.pass }, t('account.new_password')), this.password,
				h('p', { class: 'hint', id: ids.hint }, t('invite.password_hint'))),
			h('div', { class: 'field' }, h('label', { for: ids.pass2 }, t('account.new_password_again')), this.password2),
			this.error,
			this.button));
		this.body.removeAttribute('aria-busy');
	}

	focus() {
		if (this.password) this.password.focus();
		else this.heading.focus();
	}

	async submit() {
		const pw = this.password.value;
		this.error.textContent = '';
		if (Array.from(pw).length < MIN_PASSWORD) {
			this.error.textContent = t('invite.password_short');
			this.password.focus();
			return;
		}
		if (pw !== this.password2.value) {
			this.error.textContent = t('account.mismatch');
			this.password2.focus();
			return;
		}
		this.button.disabled = true;
		this.button.textContent = t('reset.busy');
		try {
			await resetPassword(this.token, pw);
		} catch (e) {
			this.button.disabled = false;
			this.button.textContent = t('reset.submit');
			const err = e instanceof RequestError ? e : new RequestError('internal');
			if (REFUSED.includes(err.code)) this.showRefused(err);
			else this.error.textContent = errorText(err);
			return;
		}
		try {
			await this.app.signedInAgain('/');
		} catch (e) {
			this.app.showSignIn(e && e.code === 'unauthorized_ws' ? t('signin.ws_refused') : errorText(e));
		}
	}

	unmount() {
		this.gone = true;
	}
}
