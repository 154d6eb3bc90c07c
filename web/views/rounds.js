// The rounds the signed-in person can join, and (managers, admins) a form to
// create one.
import { t } from '../i18n/index.js';
import { h, newId, replaceChildren } from '../lib/dom.js';
import { errorText, isStaffManager } from '../lib/format.js';
import { excerpt } from '../lib/markdown.js';
import { phaseBadge, roundFacts } from './common.js';
import { InvitePanel } from './invite.js';

const PHASE_ORDER = { open: 0, voting: 1, draft: 2, closed: 3 };

export class RoundsView {
	constructor(app) {
		this.app = app;
		this.rounds = [];
	}

	title() {
		return t('rounds.title');
	}

	mount(main) {
		this.heading = h('h1', { tabindex: '-1', id: 'rounds-h' }, t('rounds.title'));
		this.listEl = h('div', { class: 'rounds-body', 'aria-busy': 'true' },
			h('p', { class: 'muted' }, t('common.loading')));
		this.error = h('p', { class: 'form-error', role: 'alert' });
		const head = h('div', { class: 'page-head' },
			h('div', null, this.heading, h('p', { class: 'muted lead' }, t('rounds.lead'))));
		if (isStaffManager(this.app.user)) {
			this.newButton = h('button', {
				type: 'button', class: 'btn btn-primary', 'aria-expanded': 'false',
				onclick: () => this.toggleForm(),
			}, t('rounds.new'));
			head.append(h('div', { class: 'page-actions' }, this.newButton));
		}
		this.formSlot = h('div');
		// A message left by the view before (e.g. "you no longer have access").
		const flash = this.app.takeFlash ? this.app.takeFlash() : null;
		this.flash = flash ? h('p', { class: 'notice flash', role: 'alert' }, flash) : null;
		// Managers and admins invite colleagues (employees) from here; customers
		// are invited from their round.
		this.invite = isStaffManager(this.app.user) ? new InvitePanel(this.app, { role: 'employee' }) : null;
		// Leadership's view of every round's priorities.
		const overview = isStaffManager(this.app.user)
			? h('p', { class: 'overview-link' }, h('a', { href: '/outcomes' }, t('overview.title'))) : null;
		main.append(h('div', { class: 'page page-narrow' },
			head, overview, this.flash, this.invite ? h('div', { class: 'rounds-invite' }, this.invite.el) : null,
			this.formSlot, this.error,
			h('section', { 'aria-labelledby': 'rounds-h' }, this.listEl)));
		this.load();
		this.onVisible = () => { if (document.visibilityState === 'visible') this.load(); };
		document.addEventListener('visibilitychange', this.onVisible);
	}

	async load() {
		try {
			const r = await this.app.conn.request('rounds.list');
			this.rounds = Array.isArray(r.rounds) ? r.rounds : [];
			this.error.textContent = '';
			this.renderList();
		} catch (e) {
			this.error.textContent = errorText(e);
			this.listEl.removeAttribute('aria-busy');
		}
	}

	renderList() {
		this.listEl.removeAttribute('aria-busy');
		if (this.rounds.length === 0) {
			replaceChildren(this.listEl, h('div', { class: 'empty' },
				h('p', null, t('rounds.empty')),
				isStaffManager(this.app.user) ? h('p', { class: 'muted' }, t('rounds.empty_manager')) : null));
			return;
		}
		const sorted = [...this.rounds].sort((a, b) =>
			(PHASE_ORDER[a.phase] ?? 9) - (PHASE_ORDER[b.phase] ?? 9) ||
			String(b.created_at || '').localeCompare(String(a.created_at || '')) || b.id - a.id);
		replaceChildren(this.listEl, h('ul', { class: 'round-list' }, sorted.map((r) =>
			h('li', { class: `round-item phase-${r.phase}` },
				h('div', { class: 'round-item-head' },
					h('h2', { class: 'round-item-title' }, h('a', { href: `/round/${r.id}` }, r.title)),
					phaseBadge(r.phase)),
				r.description ? h('p', { class: 'round-item-desc' }, excerpt(r.description, 260)) : null,
				roundFacts(r)))));
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
		const ids = {
			title: newId('round-title'), desc: newId('round-desc'), dots: newId('round-dots'),
			err: newId('round-err'),
		};
		const title = h('input', { id: ids.title, type: 'text', required: true, maxlength: 200 });
		const desc = h('textarea', { id: ids.desc, rows: 4, maxlength: 20000 });
		const radio = (name, value, label, checked) => {
			const id = newId(name);
			return h('div', { class: 'choice' },
				h('input', { type: 'radio', id, name, value, checked }),
				h('label', { for: id }, label));
		};
		const audName = newId('aud');
		const modeName = newId('mode');
		const dots = h('input', { id: ids.dots, type: 'number', min: 1, max: 1000, value: '10', inputmode: 'numeric' });
		const dotsField = h('div', { class: 'field field-short', hidden: true },
			h('label', { for: ids.dots }, t('round_form.dots_per_member')), dots);
		const error = h('p', { class: 'form-error', id: ids.err, role: 'alert' });
		const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('round_form.create'));
		const form = h('form', {
			class: 'card stack form-card', 'aria-labelledby': `${ids.title}-h`, novalidate: true,
			onsubmit: async (e) => {
				e.preventDefault();
				error.textContent = '';
				const fields = {
					title: title.value.trim(),
					description: desc.value.trim(),
					audience: form.querySelector(`input[name="${audName}"]:checked`).value,
					vote_mode: form.querySelector(`input[name="${modeName}"]:checked`).value,
				};
				if (!fields.title) {
					error.textContent = t('round_form.title_missing');
					title.focus();
					return;
				}
				if (fields.vote_mode === 'dots') fields.dots_per_member = Number(dots.value) || 0;
				submit.disabled = true;
				try {
					const r = await this.app.conn.request('round.create', fields);
					this.app.navigate(`/round/${r.round.id}`);
				} catch (err) {
					submit.disabled = false;
					error.textContent = errorText(err);
				}
			},
		},
		h('h2', { id: `${ids.title}-h` }, t('round_form.heading')),
		h('div', { class: 'field' }, h('label', { for: ids.title }, t('round_form.title')), title),
		h('div', { class: 'field' }, h('label', { for: ids.desc }, t('round_form.description')), desc),
		h('fieldset', { class: 'choices' }, h('legend', null, t('round_form.audience')),
			radio(audName, 'internal', t('audience.internal_long'), true),
			radio(audName, 'invited', t('audience.invited_long'), false)),
		h('fieldset', { class: 'choices' }, h('legend', null, t('round_form.vote_mode')),
			radio(modeName, 'updown', t('vote_mode.updown_long'), true),
			radio(modeName, 'dots', t('vote_mode.dots_long'), false)),
		dotsField,
		h('p', { class: 'muted small' }, t('round_form.draft_note')),
		error,
		h('div', { class: 'form-actions' },
			submit,
			h('button', { type: 'button', class: 'btn', onclick: () => this.toggleForm(false) }, t('common.cancel'))));
		form.addEventListener('change', () => {
			const mode = form.querySelector(`input[name="${modeName}"]:checked`).value;
			dotsField.hidden = mode !== 'dots';
		});
		return form;
	}

	refresh() {
		this.load();
	}

	// A round created, opened or changed by someone else: the server tells
	// everyone who may see it, subscribed or not.
	onEvent(ev) {
		if (ev && ev.ev === 'round.updated') this.load();
	}

	onReconnect() {
		this.load();
	}

	unmount() {
		document.removeEventListener('visibilitychange', this.onVisible);
	}
}
