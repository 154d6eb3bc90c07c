// Invites: the public page behind an invite link (/invite/TOKEN), where the
// invited person creates their account, and the panel managers use to make
// a link (a customer for one invited round, or a colleague).
import { t, absoluteTime } from '../i18n/index.js';
import { h, newId, replaceChildren } from '../lib/dom.js';
import { errorText } from '../lib/format.js';
import { inviteInfo, acceptInvite, RequestError } from '../lib/conn.js';

const USERNAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

// The page an invite link opens. It asks the server what the invite is for
// first: a used, expired or unknown link says so in words, with no form.
export class InviteView {
	constructor(app, route) {
		this.app = app;
		this.token = route.token;
	}

	title() {
		return t('invite.title');
	}

	mount(main) {
		this.heading = h('h1', { tabindex: '-1', id: 'invite-h' }, t('invite.title'));
		this.body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'muted', role: 'status' }, t('common.loading')));
		main.append(h('div', { class: 'signin-page invite-page' },
			h('section', { class: 'signin-card', 'aria-labelledby': 'invite-h' },
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
			this.info = await inviteInfo(this.token);
		} catch (e) {
			this.showRefused(e);
			return;
		}
		if (this.gone) return;
		this.renderForm();
	}

	// Used, expired, unknown: a plain explanation and a way on.
	showRefused(e) {
		if (this.gone) return;
		const code = e && e.code;
		const known = code === 'invite_used' || code === 'invite_expired' || code === 'not_found';
		const key = known ? code : 'other';
		this.heading.textContent = t(`invite.refused.${key}.title`);
		this.app.setTitle(this.heading.textContent);
		replaceChildren(this.body,
			h('p', { role: 'alert', class: 'invite-refused' }, known ? t(`invite.refused.${key}.text`) : errorText(e)),
			h('p', null, h('a', { href: '/' }, code === 'invite_used' ? t('invite.sign_in_instead') : t('invite.to_start'))));
		this.body.removeAttribute('aria-busy');
		this.heading.focus();
	}

	renderForm() {
		const info = this.info || {};
		const ids = {
			user: newId('inv-user'), userErr: newId('inv-user-err'), disp: newId('inv-disp'),
			org: newId('inv-org'), pass: newId('inv-pass'), passHint: newId('inv-pass-hint'), err: newId('inv-err'),
		};
		const customer = info.role === 'customer';
		this.heading.textContent = customer && info.round
			? t('invite.heading_round', { round: info.round.title })
			: t('invite.heading_staff');
		this.app.setTitle(t('invite.title'));
		this.username = h('input', {
			id: ids.user, name: 'username', type: 'text', autocomplete: 'username', autocapitalize: 'none',
			spellcheck: 'false', required: true, maxlength: 32, 'aria-describedby': ids.userErr,
		});
		this.userError = h('p', { class: 'form-error', id: ids.userErr, role: 'alert' });
		this.display = h('input', { id: ids.disp, name: 'display_name', type: 'text', autocomplete: 'name', required: true, maxlength: 80 });
		// An invite that names the organisation fixes it: shown, not typed.
		this.org = info.org
			? h('input', { id: ids.org, name: 'org', type: 'text', value: info.org, readonly: true, 'aria-readonly': 'true' })
			: h('input', { id: ids.org, name: 'org', type: 'text', autocomplete: 'organization', maxlength: 80, required: customer });
		this.fixedOrg = info.org || null;
		this.password = h('input', {
			id: ids.pass, name: 'password', type: 'password', autocomplete: 'new-password', required: true,
			minlength: 8, 'aria-describedby': ids.passHint,
		});
		this.error = h('p', { class: 'form-error', id: ids.err, role: 'alert' });
		this.button = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('invite.join'));
		const form = h('form', {
			class: 'stack', novalidate: true, 'aria-describedby': ids.err,
			onsubmit: (e) => { e.preventDefault(); this.submit(); },
		},
		h('div', { class: 'field' }, h('label', { for: ids.user }, t('invite.username')), this.username, this.userError),
		h('div', { class: 'field' }, h('label', { for: ids.disp }, t('invite.display_name')), this.display),
		h('div', { class: 'field' }, h('label', { for: ids.org }, t('invite.org')), this.org),
		h('div', { class: 'field' }, h('label', { for: ids.pass }, t('invite.password')), this.password,
			h('p', { class: 'hint', id: ids.passHint }, t('invite.password_hint'))),
		this.error,
		this.button);
		replaceChildren(this.body,
			h('p', { class: 'muted' }, customer ? t('invite.lead_customer') : t('invite.lead_staff')),
			info.expires_at ? h('p', { class: 'muted small invite-expiry' }, t('invite.expires', { when: absoluteTime(info.expires_at) })) : null,
			form);
		this.body.removeAttribute('aria-busy');
		if (this.typed) this.fill(this.typed);
	}

	// What was typed survives a change of language (App.relocalize): the
	// form comes back once the invite is loaded again.
	saveState() {
		if (!this.username) return null;
		return {
			username: this.username.value, display: this.display.value,
			org: this.org.value, password: this.password.value,
		};
	}

	restoreState(state) {
		this.typed = state;
		if (this.username) this.fill(state);
	}

	fill(state) {
		this.username.value = state.username || '';
		this.display.value = state.display || '';
		this.org.value = this.fixedOrg || state.org || '';
		this.password.value = state.password || '';
	}

	focus() {
		if (this.username) this.username.focus();
		else this.heading.focus();
	}

	async submit() {
		this.error.textContent = '';
		this.userError.textContent = '';
		this.username.removeAttribute('aria-invalid');
		const fields = {
			token: this.token,
			username: this.username.value.trim(),
			display_name: this.display.value.trim(),
			org: this.org.value.trim(),
			password: this.password.value,
		};
		if (!USERNAME_RE.test(fields.username)) {
			this.userError.textContent = fields.username ? t('invite.username_bad') : t('invite.username_missing');
			this.username.setAttribute('aria-invalid', 'true');
			this.username.focus();
			return;
		}
		if (!fields.display_name) {
			this.error.textContent = t('invite.display_missing');
			this.display.focus();
			return;
		}
		if (this.org.required && !fields.org) {
			this.error.textContent = t('invite.org_missing');
			this.org.focus();
			return;
		}
		if (Array.from(fields.password).length < 8) {
			this.error.textContent = t('invite.password_short');
			this.password.focus();
			return;
		}
		this.button.disabled = true;
		this.button.textContent = t('invite.busy');
		let reply;
		try {
			reply = await acceptInvite(fields);
		} catch (e) {
			this.button.disabled = false;
			this.button.textContent = t('invite.join');
			const err = e instanceof RequestError ? e : new RequestError('internal');
			if (err.code === 'username_taken') {
				this.userError.textContent = t('error.username_taken');
				this.username.setAttribute('aria-invalid', 'true');
				this.username.select();
				this.username.focus();
			} else if (err.code === 'invite_used' || err.code === 'invite_expired' || err.code === 'not_found') {
				this.showRefused(err);
			} else {
				this.error.textContent = errorText(err);
			}
			return;
		}
		const round = reply && Number(reply.round);
		try {
			await this.app.signedInByInvite(round > 0 ? `/round/${round}` : '/');
		} catch (e) {
			// Signed up, but the live connection was refused: the account exists,
			// so signing in is the way on.
			this.app.showSignIn(e && e.code === 'unauthorized_ws' ? t('signin.ws_refused') : errorText(e));
		}
	}

	unmount() {
		this.gone = true;
	}
}

// A button that makes an invite link and shows it, ready to copy, with its
// expiry. role: 'customer' (with round) or 'employee'.
export class InvitePanel {
	constructor(app, { role, round = null }) {
		this.app = app;
		this.role = role;
		this.round = round;
		const ids = { link: newId('invite-link'), head: newId('invite-h') };
		this.ids = ids;
		this.button = h('button', {
			type: 'button', class: 'btn',
			onclick: () => this.create(),
		}, role === 'customer' ? t('invite.create_customer') : t('invite.create_employee'));
		this.error = h('p', { class: 'form-error', role: 'alert' });
		this.result = h('div', { class: 'invite-result', hidden: true });
		this.el = h('div', { class: 'invite-panel' }, this.button, this.error, this.result);
	}

	async create() {
		this.error.textContent = '';
		this.button.disabled = true;
		try {
			const fields = { role: this.role };
			if (this.round) fields.round = this.round;
			const r = await this.app.conn.request('invite.create', fields);
			this.show(r);
		} catch (e) {
			this.error.textContent = errorText(e);
		} finally {
			this.button.disabled = false;
		}
	}

	show(r) {
		const url = r.url && /^https?:\/\//.test(r.url) ? r.url : `${location.origin}/invite/${r.token}`;
		const input = h('input', { id: this.ids.link, type: 'text', readonly: true, value: url, class: 'invite-url', spellcheck: 'false' });
		input.addEventListener('focus', () => input.select());
		const status = h('span', { class: 'copy-status', role: 'status' });
		const copy = h('button', {
			type: 'button', class: 'btn btn-primary',
			onclick: async () => {
				status.textContent = '';
				try {
					await navigator.clipboard.writeText(url);
					status.textContent = t('invite.copied');
				} catch {
					input.focus();
					input.select();
					status.textContent = t('invite.copy_manually');
				}
			},
		}, t('invite.copy'));
		replaceChildren(this.result,
			h('div', { class: 'field' },
				h('label', { for: this.ids.link }, this.role === 'customer' ? t('invite.link_customer') : t('invite.link_employee')),
				h('div', { class: 'invite-row' }, input, copy)),
			h('p', { class: 'muted small invite-meta' },
				r.expires_at ? t('invite.link_expires', { when: absoluteTime(r.expires_at) }) : null,
				' ', t('invite.single_use'), ' ', status));
		this.result.hidden = false;
		this.button.textContent = this.role === 'customer' ? t('invite.create_another_customer') : t('invite.create_another_employee');
		input.focus();
	}
}
