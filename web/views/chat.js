// The round's room: who is online, and the chat.
import { t, clockTime, absoluteTime, formatNumber } from '../i18n/index.js';
import { h, newId, replaceChildren } from '../lib/dom.js';
import { authorName, errorText, initials } from '../lib/format.js';
import { FlagControl, hideButton, hiddenBadge } from './moderation.js';
import { excerpt } from '../lib/markdown.js';

const HISTORY_PAGE = 50;
const GROUP_GAP_MS = 5 * 60 * 1000;
const PRESENCE_SHOWN = 12;

export class ChatPanel {
	constructor(roundView) {
		this.rv = roundView;
		this.messages = new Map();
		this.hasMore = false;
		const ids = { msg: newId('chat-msg'), err: newId('chat-err'), chatH: newId('chat-h'), onH: newId('online-h') };
		this.onlineCount = h('span', { class: 'count-pill' }, '0');
		this.onlineList = h('ul', { class: 'people' });
		this.more = h('button', { type: 'button', class: 'btn btn-small btn-quiet load-earlier', hidden: true, onclick: () => this.loadEarlier() }, t('chat.load_earlier'));
		this.log = h('ol', { class: 'chat-log', role: 'log', 'aria-labelledby': ids.chatH, 'aria-live': 'polite' });
		this.empty = h('p', { class: 'muted small chat-empty' }, t('chat.empty'));
		this.scroller = h('div', { class: 'chat-scroll', tabindex: '0', 'aria-label': t('chat.scroll_label') }, this.more, this.empty, this.log);
		this.input = h('input', { id: ids.msg, type: 'text', maxlength: 1000, autocomplete: 'off', 'aria-describedby': ids.err });
		this.error = h('p', { class: 'form-error', id: ids.err, role: 'alert' });
		this.sendBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, t('chat.send'));
		// Flagging a message opens its form here, under the log (the log is
		// redrawn as messages come and go).
		this.flagSlot = h('div', { class: 'chat-flag-slot' });
		this.modError = h('p', { class: 'form-error', role: 'alert' });
		this.el = h('aside', { class: 'round-side', 'aria-label': t('chat.region') },
			h('section', { class: 'panel presence', 'aria-labelledby': ids.onH },
				h('h2', { class: 'panel-title', id: ids.onH }, t('presence.title'), ' ', this.onlineCount),
				this.onlineList),
			h('section', { class: 'panel chat', 'aria-labelledby': ids.chatH },
				h('h2', { class: 'panel-title', id: ids.chatH }, t('chat.title')),
				this.scroller,
				this.flagSlot,
				this.modError,
				this.closedNote = h('p', { class: 'notice chat-closed', hidden: true }, t('chat.closed')),
				this.form = h('form', { class: 'chat-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); this.send(); } },
					h('label', { for: ids.msg, class: 'chat-label' }, t('chat.message')),
					h('div', { class: 'chat-row' }, this.input, this.sendBtn),
					this.error)));
	}

	// A closed round's chat is for reading: no input, and a note saying why.
	setWritable(on) {
		this.form.hidden = !on;
		this.closedNote.hidden = on;
	}

	setOnline(online, count) {
		const list = Array.isArray(online) ? online : [];
		const total = typeof count === 'number' ? count : list.length;
		this.onlineCount.textContent = formatNumber(total);
		this.onlineCount.setAttribute('aria-label', t('presence.count', { count: total }));
		const shown = list.slice(0, PRESENCE_SHOWN);
		for (const u of list) this.rv.noteUser(u);
		const items = shown.map((u) => h('li', { class: 'person', title: authorName(u) },
			h('span', { class: `avatar role-${u.role}`, 'aria-hidden': 'true' }, initials(u)),
			h('span', { class: 'person-name' }, authorName(u))));
		if (total > shown.length)
			items.push(h('li', { class: 'person person-more' }, t('presence.more', { count: total - shown.length })));
		if (total === 0) items.push(h('li', { class: 'muted small' }, t('presence.nobody')));
		replaceChildren(this.onlineList, items);
	}

	async load() {
		try {
			const r = await this.rv.app.conn.request('chat.history', { round: this.rv.roundId, limit: HISTORY_PAGE });
			const msgs = Array.isArray(r.messages) ? r.messages : [];
			if (this.messages.size === 0) this.hasMore = msgs.length >= HISTORY_PAGE;
			for (const m of msgs) {
				this.messages.set(m.id, m);
				this.rv.noteUser(m.author);
			}
			this.render(true);
		} catch (e) {
			this.error.textContent = errorText(e);
		}
	}

	async loadEarlier() {
		const oldest = Math.min(...this.messages.keys());
		if (!Number.isFinite(oldest)) return;
		this.more.disabled = true;
		try {
			const r = await this.rv.app.conn.request('chat.history', { round: this.rv.roundId, before: oldest, limit: HISTORY_PAGE });
			const msgs = Array.isArray(r.messages) ? r.messages : [];
			this.hasMore = msgs.length >= HISTORY_PAGE;
			const height = this.scroller.scrollHeight;
			for (const m of msgs) this.messages.set(m.id, m);
			this.render(false);
			this.scroller.scrollTop += this.scroller.scrollHeight - height;
		} catch (e) {
			this.error.textContent = errorText(e);
		} finally {
			this.more.disabled = false;
		}
	}

	nearBottom() {
		const s = this.scroller;
		return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
	}

	sorted() {
		return [...this.messages.values()].filter((m) => !m.hidden || this.rv.moderator).sort((a, b) => a.id - b.id);
	}

	render(stickToBottom) {
		const list = this.sorted();
		let prev = null;
		replaceChildren(this.log, list.map((m) => {
			const li = this.item(m, prev);
			prev = m;
			return li;
		}));
		this.empty.hidden = list.length > 0;
		this.more.hidden = !this.hasMore;
		if (stickToBottom) this.scroller.scrollTop = this.scroller.scrollHeight;
	}

	item(m, prev) {
		const grouped = prev && prev.author && m.author && prev.author.id === m.author.id &&
			Date.parse(m.created_at) - Date.parse(prev.created_at) < GROUP_GAP_MS;
		const mine = this.rv.app.user && m.author && m.author.id === this.rv.app.user.id;
		const bodyId = `chat-${m.id}-body`;
		const tools = [];
		if (!mine) {
			const flag = new FlagControl(this.rv.app, {
				target: 'chat', id: m.id, describedBy: bodyId, slot: this.flagSlot,
				what: t('flag.chat_what', { name: authorName(m.author), text: excerpt(m.body || '', 80) }),
			});
			tools.push(flag.el);
		}
		if (this.rv.moderator)
			tools.push(hideButton(this.rv.app, { target: 'chat', id: m.id, hidden: !!m.hidden, describedBy: bodyId, errorEl: this.modError }));
		return h('li', { class: ['chat-msg', grouped && !m.hidden && 'is-grouped', mine && 'is-mine', m.hidden && 'is-hidden'], 'data-id': String(m.id) },
			h('p', { class: 'chat-meta' },
				h('span', { class: 'chat-author' }, authorName(m.author)),
				h('time', { datetime: m.created_at, title: absoluteTime(m.created_at) }, clockTime(m.created_at)),
				m.hidden ? hiddenBadge() : null),
			h('p', { class: 'chat-body', id: bodyId }, m.body),
			tools.length ? h('div', { class: 'chat-tools' }, tools) : null);
	}

	add(m) {
		if (!m || this.messages.has(m.id)) return;
		this.rv.noteUser(m.author);
		const stick = this.nearBottom() || (this.rv.app.user && m.author && m.author.id === this.rv.app.user.id);
		this.messages.set(m.id, m);
		const list = this.sorted();
		if (list.length && list[list.length - 1].id === m.id) {
			// The usual case: append without touching the rest of the log.
			const prev = list.length > 1 ? list[list.length - 2] : null;
			this.log.append(this.item(m, prev));
			this.empty.hidden = true;
			if (stick) this.scroller.scrollTop = this.scroller.scrollHeight;
		} else {
			this.render(stick);
		}
	}

	focusInput() {
		if (this.form.hidden) {
			this.scroller.focus();
			return;
		}
		this.input.scrollIntoView({ block: 'center' });
		this.input.focus({ preventScroll: true });
	}

	// Hidden or restored by a moderator. A restored message this reader never
	// had (it was hidden when the history loaded) joins the log in its place.
	replace(m) {
		const old = this.messages.get(m.id);
		if (!old && m.hidden) return;
		const next = { ...old, ...m };
		if (!m.hidden) delete next.hidden;
		this.messages.set(m.id, next);
		// Keep the focus on the same message's control across the redraw.
		const active = document.activeElement;
		const li = active && this.log.contains(active) ? active.closest('.chat-msg') : null;
		const cls = active && active.classList.contains('mod-btn') ? '.mod-btn' : '.flag-btn';
		this.render(this.nearBottom());
		if (li) {
			const again = this.log.querySelector(`.chat-msg[data-id="${li.dataset.id}"] ${cls}`);
			if (again) again.focus();
		}
	}

	async send() {
		this.error.textContent = '';
		const body = this.input.value.trim();
		if (!body) {
			this.input.focus();
			return;
		}
		this.sendBtn.disabled = true;
		try {
			const r = await this.rv.app.conn.request('chat.send', { round: this.rv.roundId, body });
			this.input.value = '';
			if (r.chat) this.add(r.chat);
		} catch (e) {
			this.error.textContent = errorText(e);
		} finally {
			this.sendBtn.disabled = false;
			this.input.focus();
		}
	}
}
