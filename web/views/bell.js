// The bell in the header: how many notices are unread, live, and a list that
// opens each one at its place (the comment highlighted), one or all marked
// read.
import { t } from '../i18n/index.js';
import { h, replaceChildren } from '../lib/dom.js';
import { authorName, errorText, timeElement } from '../lib/format.js';

// Where a notice's item is.
export function noticePath(n) {
	if (n.post) return `/round/${n.round}/post/${n.post}${n.comment ? `#comment-${n.comment}` : ''}`;
	if (n.priority) return `/round/${n.round}/outcomes#priority-${n.priority}`;
	return `/round/${n.round}`;
}

// Scrolls to the comment of location.hash, if it is on screen, and marks it.
export function highlightTarget() {
	if (!/^#comment-\d+$/.test(location.hash)) return false;
	const el = document.getElementById(location.hash.slice(1));
	if (!el) return false;
	for (const old of document.querySelectorAll('.is-target')) old.classList.remove('is-target');
	el.classList.add('is-target');
	el.scrollIntoView({ block: 'center' });
	return true;
}

export class Bell {
	constructor(app) {
		this.app = app;
		this.items = [];
		this.unread = 0;
		this.open = false;
		this.count = h('span', { class: 'bell-count', 'aria-hidden': 'true' });
		this.button = h('button', {
			type: 'button', class: 'btn btn-quiet bell', 'aria-expanded': 'false',
			'aria-controls': 'bell-panel', onclick: () => this.toggle(),
		}, h('span', { class: 'bell-icon', 'aria-hidden': 'true' }, '\u{1F514}'), this.count);
		this.panel = h('div', { class: 'bell-panel', id: 'bell-panel', hidden: true });
		this.el = h('div', { class: 'bell-wrap' }, this.button, this.panel);
		document.addEventListener('keydown', (e) => {
			if (e.key === 'Escape' && this.open) { this.toggle(false); this.button.focus(); }
		});
		document.addEventListener('click', (e) => {
			if (this.open && !this.el.contains(e.target)) this.toggle(false);
		});
		this.renderCount();
	}

	async load() {
		try {
			const r = await this.app.conn.request('notifications.list', { limit: 30 });
			this.items = r.items;
			this.unread = r.unread;
			this.error = '';
		} catch (e) {
			this.error = errorText(e);
		}
		this.renderCount();
		if (this.open) this.renderPanel();
	}

	onNotification(n) {
		if (this.items.some((x) => x.id === n.id)) return;
		this.items.unshift(n);
		if (this.items.length > 100) this.items.pop();
		if (!n.read) this.unread++;
		this.renderCount();
		if (this.open) this.renderPanel();
	}

	renderCount() {
		this.count.textContent = this.unread > 0 ? (this.unread > 99 ? '99+' : String(this.unread)) : '';
		this.count.hidden = this.unread === 0;
		this.button.setAttribute('aria-label', t('bell.label', { count: this.unread }));
		this.button.classList.toggle('has-unread', this.unread > 0);
	}

	toggle(open = !this.open) {
		this.open = open;
		this.panel.hidden = !open;
		this.button.setAttribute('aria-expanded', String(open));
		if (open) {
			this.renderPanel();
			this.load();
		}
	}

	text(n) {
		return t(`bell.kind.${n.kind}`, { name: authorName(n.actor) });
	}

	async markRead(fields) {
		try {
			const r = await this.app.conn.request('notifications.read', fields);
			this.unread = r.unread;
			if (fields.all) for (const n of this.items) n.read = true;
			else for (const n of this.items) if (fields.ids.includes(n.id)) n.read = true;
		} catch (e) {
			this.error = errorText(e);
		}
		this.renderCount();
		if (this.open) this.renderPanel();
	}

	go(n) {
		if (!n.read) this.markRead({ ids: [n.id] });
		this.toggle(false);
		const path = noticePath(n);
		if (location.pathname + location.hash === path) {
			highlightTarget();
			return;
		}
		const samePage = path.split('#')[0] === location.pathname;
		if (samePage) {
			history.pushState(null, '', path);
			if (!highlightTarget() && this.app.view && this.app.view.refresh) this.app.view.refresh();
			return;
		}
		this.app.navigate(path);
	}

	renderPanel() {
		const list = h('ul', { class: 'bell-list' });
		for (const n of this.items) {
			const a = h('a', {
				href: noticePath(n), class: ['bell-item', !n.read && 'is-unread'],
				onclick: (e) => { e.preventDefault(); e.stopPropagation(); this.go(n); },
			}, h('span', { class: 'bell-text' }, this.text(n)), ' ', timeElement(n.created_at));
			const mark = n.read ? null : h('button', {
				type: 'button', class: 'btn btn-quiet btn-small',
				onclick: (e) => { e.stopPropagation(); this.markRead({ ids: [n.id] }); },
			}, t('bell.mark_read'), h('span', { class: 'sr-only' }, `: ${this.text(n)}`));
			list.append(h('li', {}, a, mark));
		}
		replaceChildren(this.panel,
			h('div', { class: 'bell-head' },
				h('h2', { class: 'bell-title' }, t('bell.title')),
				this.unread > 0 ? h('button', {
					type: 'button', class: 'btn btn-quiet btn-small',
					onclick: (e) => { e.stopPropagation(); this.markRead({ all: true }); },
				}, t('bell.mark_all')) : null),
			this.error ? h('p', { class: 'form-error', role: 'alert' }, this.error) : null,
			this.items.length ? list : h('p', { class: 'bell-empty' }, t('bell.empty')));
	}
}
