// A searchable picker: a text input with a list of options under it, after
// the ARIA combobox pattern (an input with role combobox that owns a
// listbox; the active option named by aria-activedescendant). The options
// come from search(text), usually the server, so that the picker can offer
// what this page has never loaded.
//
//   const c = new Combobox({ id, search: async (q) => [{ value, label }],
//                            initial: () => [...], onPick: (opt) => {} });
//   label with { for: id }; c.el goes in the form; c.value is the pick.
//
// Keys: Down and Up open the list and move in it, Enter picks, Escape
// closes it (a second Escape is the form's), Tab leaves it.
import { h, newId, replaceChildren } from './dom.js';

const DELAY_MS = 200;

export class Combobox {
	constructor({ id, search, initial = () => [], onPick = null, current = null, placeholder = '', describedBy = null, noMatches = '' }) {
		this.search = search;
		this.initial = initial;
		this.onPick = onPick;
		this.noMatches = noMatches;
		this.options = [];
		this.active = -1;
		this.seq = 0;
		this.picked = current;
		const listId = newId('combo-list');
		this.input = h('input', {
			id, type: 'text', role: 'combobox', autocomplete: 'off', spellcheck: 'false',
			'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId,
			'aria-describedby': describedBy, placeholder: placeholder || null,
			value: current ? current.label : '',
		});
		this.list = h('ul', { id: listId, role: 'listbox', class: 'combo-list', hidden: true });
		this.status = h('p', { class: 'sr-only combo-status', role: 'status' });
		this.el = h('div', { class: 'combo' }, this.input, this.list, this.status);
		this.input.addEventListener('input', () => this.typed());
		this.input.addEventListener('keydown', (e) => this.key(e));
		this.input.addEventListener('focus', () => { if (!this.input.value) this.show(this.initial()); });
		this.input.addEventListener('click', () => { if (this.list.hidden) this.refresh(); });
		this.input.addEventListener('blur', () => setTimeout(() => {
			if (document.activeElement !== this.input) this.close();
		}, 150));
	}

	get value() {
		return this.picked ? this.picked.value : null;
	}

	get label() {
		return this.picked ? this.picked.label : '';
	}

	focus() {
		this.input.focus();
	}

	typed() {
		// What was picked no longer matches the text: nothing is picked.
		if (this.picked && this.input.value !== this.picked.label) this.picked = null;
		// The options shown are for the text before: none is active.
		this.active = -1;
		this.input.removeAttribute('aria-activedescendant');
		for (const li of this.list.children) li.setAttribute('aria-selected', 'false');
		clearTimeout(this.timer);
		const q = this.input.value.trim();
		if (!q) {
			this.show(this.initial());
			return;
		}
		this.timer = setTimeout(() => this.run(q), DELAY_MS);
	}

	refresh() {
		const q = this.input.value.trim();
		if (!q || (this.picked && this.input.value === this.picked.label)) this.show(this.initial());
		else this.run(q);
	}

	async run(q) {
		const seq = ++this.seq;
		let options;
		try {
			options = await this.search(q);
		} catch {
			options = [];
		}
		// Only the answer to the latest text counts.
		if (seq !== this.seq || this.input.value.trim() !== q) return;
		this.show(options);
	}

	show(options) {
		this.options = options || [];
		this.active = -1;
		replaceChildren(this.list, this.options.map((o, i) => h('li', {
			id: `${this.list.id}-${i}`, role: 'option', class: 'combo-option', 'aria-selected': 'false',
			onmousedown: (e) => e.preventDefault(), // keep the focus in the input
			onclick: () => this.pick(i),
		}, o.label, o.detail ? h('span', { class: 'combo-detail muted small' }, ` ${o.detail}`) : null)));
		const open = this.options.length > 0 && document.activeElement === this.input;
		this.setOpen(open);
		this.status.textContent = document.activeElement !== this.input ? ''
			: this.options.length ? '' : (this.input.value.trim() ? this.noMatches : '');
	}

	setOpen(open) {
		this.list.hidden = !open;
		this.input.setAttribute('aria-expanded', String(open));
		if (!open) {
			this.active = -1;
			this.input.removeAttribute('aria-activedescendant');
		}
	}

	close() {
		this.setOpen(false);
	}

	move(delta) {
		if (this.list.hidden) {
			this.refresh();
			return;
		}
		const n = this.options.length;
		if (!n) return;
		this.active = (this.active + delta + n) % n;
		const items = this.list.children;
		for (let i = 0; i < items.length; i++) items[i].setAttribute('aria-selected', String(i === this.active));
		const el = items[this.active];
		this.input.setAttribute('aria-activedescendant', el.id);
		el.scrollIntoView({ block: 'nearest' });
	}

	pick(i) {
		const o = this.options[i];
		if (!o) return;
		this.picked = o;
		this.input.value = o.label;
		this.close();
		this.input.focus();
		if (this.onPick) this.onPick(o);
	}

	key(e) {
		if (e.key === 'ArrowDown') {
			e.preventDefault();
			this.move(1);
		} else if (e.key === 'ArrowUp') {
			e.preventDefault();
			this.move(-1);
		} else if (e.key === 'Enter' && !this.list.hidden && this.active >= 0) {
			e.preventDefault();
			this.pick(this.active);
		} else if (e.key === 'Escape' && !this.list.hidden) {
			e.preventDefault();
			e.stopPropagation();
			this.close();
		} else if (e.key === 'Tab') {
			this.close();
		}
	}
}
