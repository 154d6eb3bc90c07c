// The one WebSocket to the server, and the HTTP calls around it.
//
// request(op, fields) sends {op, rid, ...fields} and returns a promise of the
// reply: resolved with the reply object when ok, rejected with a
// RequestError carrying {code, serverMessage} when not, when it times out, or when
// the connection drops first. Pushed events are dispatched as 'event'
// CustomEvents; connection changes as 'state' events whose detail is one of:
//   connecting   the first attempt is under way
//   open         connected (after every (re)connect)
//   reconnecting lost; detail also has {attempt, delay} until the next try
//   unauthorized the server is up but refuses our session: sign in
//   closed       we closed it ourselves (sign out)

export const PROTOCOL = 'openstrat.v1';

// A refused request. The server's message (English, for developers) is kept
// as serverMessage for the console and for finding the field at fault; what
// people read comes from the code (errorText() in format.js).
export class RequestError extends Error {
	constructor(code, message) {
		super(code);
		this.code = code;
		this.serverMessage = typeof message === 'string' ? message : '';
	}
}

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 15000;
const REQUEST_TIMEOUT_MS = 15000;

export function backoffDelay(attempt, random = Math.random) {
	const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
	// "Equal jitter": at least half the ceiling, so retries never bunch at 0.
	return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export class Connection extends EventTarget {
	constructor(url = location.origin.replace(/^http/, 'ws') + '/ws') {
		super();
		this.url = url;
		this.ws = null;
		this.nextRid = 1;
		this.pending = new Map();
		this.state = 'idle';
		this.attempt = 0;
		this.everOpened = false;
		this.retryTimer = null;
		this.wanted = false;
		addEventListener('online', () => {
			if (this.state === 'reconnecting') this.retryNow();
		});
	}

	setState(state, extra = {}) {
		this.state = state;
		this.dispatchEvent(new CustomEvent('state', { detail: { state, ...extra } }));
	}

	// Start connecting (again). Safe to call when already connected.
	start() {
		this.wanted = true;
		if (this.ws && (this.ws.readyState === WebSocket.OPEN ||
				this.ws.readyState === WebSocket.CONNECTING)) return;
		clearTimeout(this.retryTimer);
		this.retryTimer = null;
		if (!this.everOpened && this.state !== 'reconnecting') this.setState('connecting');
		let ws;
		try {
			ws = new WebSocket(this.url, PROTOCOL);
		} catch {
			this.onDown(false);
			return;
		}
		this.ws = ws;
		let opened = false;
		ws.addEventListener('open', () => {
			if (this.ws !== ws) return;
			opened = true;
			this.everOpened = true;
			this.attempt = 0;
			this.setState('open');
		});
		ws.addEventListener('message', (e) => {
			if (this.ws === ws) this.onMessage(e.data);
		});
		// 'error' is always followed by 'close'; all the work is done there.
		ws.addEventListener('close', () => {
			if (this.ws !== ws) return;
			this.ws = null;
			this.failPending('disconnected');
			if (this.wanted) this.onDown(opened);
		});
	}

	// The socket closed, or never opened. A browser cannot see the HTTP status
	// of a refused upgrade, so ask /healthz: if the server answers, it is up
	// and refused us (401: no valid session); if not, it is down, so retry.
	async onDown(wasOpen) {
		if (!wasOpen) {
			const up = await serverIsUp();
			if (!this.wanted) return;
			if (up) {
				this.wanted = false;
				setSessionNote(false);
				this.setState('unauthorized');
				return;
			}
		}
		this.scheduleRetry();
	}

	scheduleRetry() {
		const delay = backoffDelay(this.attempt);
		this.attempt += 1;
		this.setState('reconnecting', { attempt: this.attempt, delay, at: Date.now() + delay });
		clearTimeout(this.retryTimer);
		this.retryTimer = setTimeout(() => this.start(), delay);
	}

	retryNow() {
		if (!this.wanted) return;
		clearTimeout(this.retryTimer);
		this.retryTimer = null;
		this.start();
	}

	// Close for good (signing out).
	stop() {
		this.wanted = false;
		clearTimeout(this.retryTimer);
		this.retryTimer = null;
		const ws = this.ws;
		this.ws = null;
		this.everOpened = false;
		this.attempt = 0;
		this.failPending('disconnected');
		if (ws) {
			try { ws.close(1000); } catch { /* already closing */ }
		}
		this.setState('closed');
	}

	get isOpen() {
		return !!this.ws && this.ws.readyState === WebSocket.OPEN;
	}

	request(op, fields = {}, { timeout = REQUEST_TIMEOUT_MS } = {}) {
		if (!this.isOpen) return Promise.reject(new RequestError('offline'));
		const rid = this.nextRid++;
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.pending.delete(rid);
				reject(new RequestError('timeout'));
			}, timeout);
			this.pending.set(rid, { resolve, reject, timer });
			try {
				this.ws.send(JSON.stringify({ ...fields, op, rid }));
			} catch {
				clearTimeout(timer);
				this.pending.delete(rid);
				reject(new RequestError('offline'));
			}
		});
	}

	failPending(code) {
		for (const [rid, p] of this.pending) {
			clearTimeout(p.timer);
			p.reject(new RequestError(code));
			this.pending.delete(rid);
		}
	}

	onMessage(data) {
		let parsed;
		try {
			parsed = JSON.parse(data);
		} catch {
			console.warn('openstrat: a frame that is not JSON was ignored');
			return;
		}
		const msgs = Array.isArray(parsed) ? parsed : [parsed];
		for (const msg of msgs) {
			if (!msg || typeof msg !== 'object') continue;
			if (Object.prototype.hasOwnProperty.call(msg, 'rid') && !msg.ev) {
				const p = this.pending.get(msg.rid);
				if (!p) continue;
				this.pending.delete(msg.rid);
				clearTimeout(p.timer);
				if (msg.ok) {
					p.resolve(msg);
				} else {
					const err = msg.error || {};
					p.reject(new RequestError(err.code || 'internal', err.message));
				}
			} else if (typeof msg.ev === 'string') {
				try {
					this.dispatchEvent(new CustomEvent('event', { detail: msg }));
				} catch (e) {
					console.error(e);
				}
			}
		}
	}
}

export async function serverIsUp() {
	try {
		const r = await fetch('/healthz', { cache: 'no-store', credentials: 'same-origin' });
		return r.ok;
	} catch {
		return false;
	}
}

async function postJson(path, body) {
	return callJson(path, {
		method: 'POST',
		credentials: 'same-origin',
		headers: { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
}

async function getJson(path) {
	return callJson(path, { method: 'GET', credentials: 'same-origin', cache: 'no-store' });
}

async function callJson(path, init) {
	let r;
	try {
		r = await fetch(path, init);
	} catch {
		throw new RequestError('offline');
	}
	let json = null;
	if (r.status !== 204) {
		try { json = await r.json(); } catch { json = null; }
	}
	if (!r.ok) {
		const err = (json && json.error) || {};
		throw new RequestError(err.code || (r.status === 429 ? 'rate_limited' : 'internal'),
			err.message);
	}
	return json;
}

// Whether this browser holds a session, as far as the page can tell. The
// session cookie is HttpOnly, so the page keeps a note of its own (no secret
// in it) when a sign-in succeeds and drops it on sign-out or when the server
// refuses the session. Without the note the page shows the sign-in form and
// does not try the WebSocket (a try would only be refused with 401).
const SESSION_NOTE = 'openstrat.signed_in';

export function hasSessionNote() {
	try {
		return localStorage.getItem(SESSION_NOTE) === '1';
	} catch {
		return true; // no storage: try the connection, as before
	}
}

export function setSessionNote(on) {
	try {
		if (on) localStorage.setItem(SESSION_NOTE, '1');
		else localStorage.removeItem(SESSION_NOTE);
	} catch {
		// no storage: nothing to keep
	}
}

export async function login(username, password) {
	const r = await postJson('/api/login', { username, password });
	setSessionNote(true);
	return r;
}

export async function logout() {
	const r = await postJson('/api/logout');
	setSessionNote(false);
	return r;
}

// What an invite is for, before it is used: {role, expires_at, round?}.
// Refused with not_found, invite_used or invite_expired.
export function inviteInfo(token) {
	return getJson(`/api/invite?token=${encodeURIComponent(token)}`);
}

// Create the invited account; the reply sets the session cookie and, for a
// customer, names the round they were invited to.
export async function acceptInvite({ token, username, password, display_name, org }) {
	const r = await postJson('/api/invite/accept', { token, username, password, display_name, org });
	setSessionNote(true);
	return r;
}

// The languages the server writes the Markdown and XLSX exports in.
const EXPORT_LANGS = ['en', 'nb', 'sv', 'da'];

// Where a round's export in one format is downloaded from (the session
// cookie authenticates the download). lang, when the server knows it, asks
// for the report and the workbook in that language; otherwise they come in
// English.
export function exportUrl(round, format, lang) {
	let url = `/api/export?round=${encodeURIComponent(round)}&format=${encodeURIComponent(format)}`;
	if (EXPORT_LANGS.includes(lang)) url += `&lang=${lang}`;
	return url;
}

// Change one's own password (signed in). Every other session ends.
export function changePassword(oldPassword, newPassword) {
	return postJson('/api/password', { old: oldPassword, new: newPassword });
}

// Whose reset link this is, before it is used: {username, display_name,
// expires_at}. Refused with not_found, reset_used, reset_expired, conflict
// (a directory account) or forbidden (a disabled one).
export function resetInfo(token) {
	return getJson(`/api/password/reset?token=${encodeURIComponent(token)}`);
}

// Set a password with a reset link; the reply signs in (sets the cookie).
export function resetPassword(token, password) {
	return postJson('/api/password/reset', { token, password });
}
