// Small shared renderings: people, errors, times.
import { t, hasKey, relativeTime, absoluteTime } from '../i18n/index.js';
import { h } from './dom.js';

// "Display name", or "Display name · Organisation" for customers; "A
// customer" for another organisation's customer the server keeps anonymous.
export function authorName(user) {
	if (!user) return t('user.unknown');
	if (user.anonymous) return t('user.anonymous');
	const name = user.display_name || user.username || t('user.unknown');
	if (user.role === 'customer' && user.org) return t('user.with_org', { name, org: user.org });
	return name;
}

export function roleName(role) {
	return t(`role.${role}`);
}

export function isStaffManager(user) {
	return !!user && (user.role === 'manager' || user.role === 'admin');
}

// The author with a small role tag for managers, admins and customers.
export function authorElement(user) {
	const tags = [];
	if (user && (user.role === 'manager' || user.role === 'admin' || user.role === 'customer'))
		tags.push(h('span', { class: `role-tag role-${user.role}` }, roleName(user.role)));
	return h('span', { class: 'author' }, h('span', { class: 'author-name' }, authorName(user)), tags);
}

export function initials(user) {
	const name = (user && (user.display_name || user.username)) || '?';
	const parts = name.trim().split(/\s+/).filter(Boolean);
	const first = parts[0] ? Array.from(parts[0])[0] : '?';
	const last = parts.length > 1 ? Array.from(parts[parts.length - 1])[0] : '';
	return (first + last).toUpperCase();
}

// A <time> that keeps itself fresh (see refreshTimes).
export function timeElement(iso) {
	return h('time', { datetime: iso, title: absoluteTime(iso), 'data-rel': '' }, relativeTime(iso));
}

export function refreshTimes(root = document) {
	const now = Date.now();
	for (const el of root.querySelectorAll('time[data-rel]')) {
		const text = relativeTime(el.getAttribute('datetime'), now);
		if (el.textContent !== text) el.textContent = text;
	}
}

// The words for an error from the server (or from the connection), in the
// reader's language, chosen by its code alone. The server's own message is
// English meant for developers and is never shown; only the name of the
// field at fault (a protocol word it quotes, 'title') is taken from it, and
// shown in the reader's words.
export function errorText(err) {
	const code = (err && err.code) || 'internal';
	const key = `error.${code}`;
	let text = hasKey(key) ? t(key) : t('error.internal');
	const field = fieldOf(err && err.serverMessage);
	if (field && (code === 'bad_request' || code === 'too_large'))
		text = t('error.with_detail', { text, detail: t(`field.${field}`) });
	return text;
}

function fieldOf(message) {
	const m = /'([a-z_]+)'/.exec(typeof message === 'string' ? message : '');
	return m && hasKey(`field.${m[1]}`) ? m[1] : null;
}
