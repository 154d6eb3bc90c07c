// The sign-in page.
import { t } from '../i18n/index.js';
import { h, newId } from '../lib/dom.js';
import { errorText } from '../lib/format.js';
import { login, RequestError } from '../lib/conn.js';

export class SignInView {
	constructor(app) {
		this.app = app;
	}

	title() {
		return t('signin.title');
	}

	mount(main) {
		const userId = newId('username');
		const passId = newId('password');
		const errId = newId('signin-error');
		this.error = h('p', { class: 'form-error', id: errId, role: 'alert' });
		this.username = h('input', {
			id: userId, name: 'username', type: 'text', autocomplete: 'username',
			autocapitalize: 'none', spellcheck: 'false', required: true, maxlength: 32,
		});
		this.password = h('input', {
			id: passId, name: 'password', type: 'password', autocomplete: 'current-password',
			required: true,
		});
		this.button = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('signin.submit'));
		const form = h('form', {
			class: 'stack', novalidate: true, 'aria-describedby': errId,
			onsubmit: (e) => { e.preventDefault(); this.submit(); },
		},
		h('div', { class: 'field' }, h('label', { for: userId }, t('signin.username')), this.username),
		h('div', { class: 'field' }, h('label', { for: passId }, t('signin.password')), this.password),
		this.error,
		this.button);
		this.heading = h('h1', { tabindex: '-1' }, t('signin.title'));
		main.append(h('div', { class: 'signin-page' },
			h('section', { class: 'signin-card', 'aria-labelledby': 'signin-h' },
				h('p', { class: 'signin-brand' },
					h('img', { src: '/icon.svg', alt: '', width: 40, height: 40 }),
					h('span', null, t('app.name'))),
				Object.assign(this.heading, { id: 'signin-h' }),
				h('p', { class: 'muted' }, t('signin.lead')),
				form),
			h('p', { class: 'signin-about muted' }, t('signin.about'))));
	}

	focus() {
		this.username.focus();
	}

	// What was typed survives a change of language (App.relocalize).
	saveState() {
		return { username: this.username.value, password: this.password.value };
	}

	restoreState(state) {
		this.username.value = state.username || '';
		this.password.value = state.password || '';
	}

	async submit() {
		this.error.textContent = '';
		const username = this.username.value.trim();
		const password = this.password.value;
		if (!username || !password) {
			this.error.textContent = t('signin.missing');
			(username ? this.password : this.username).focus();
			return;
		}
		this.button.disabled = true;
		this.button.textContent = t('signin.busy');
		try {
			await login(username, password);
			await this.app.connectAfterSignIn();
		} catch (e) {
			this.button.disabled = false;
			this.button.textContent = t('signin.submit');
			const err = e instanceof RequestError ? e : new RequestError('internal');
			this.error.textContent = err.code === 'unauthorized_ws'
				? t('signin.ws_refused') : errorText(err);
			this.password.select();
			this.password.focus();
		}
	}

	unmount() {}
}
