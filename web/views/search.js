// Finding things: the search box over a round's posts and comments (the
// `search` op), and the "similar ideas" list shown while someone writes a new
// idea (`post.similar`, debounced), so that duplicates are fewer.
import { t } from '../i18n/index.js';
import { excerpt } from '../lib/markdown.js';
import { h, newId, replaceChildren } from '../lib/dom.js';
import { errorText } from '../lib/format.js';
import { countText } from './common.js';

const SIMILAR_DELAY_MS = 350;
const SIMILAR_MIN_CHARS = 4;

export class RoundSearch {
	constructor(roundView) {
		this.rv = roundView;
		const ids = { q: newId('search-q'), res: newId('search-res') };
		this.input = h('input', { id: ids.q, type: 'search', maxlength: 200, autocomplete: 'off', enterkeyhint: 'search' });
		this.results = h('div', { class: 'search-results', id: ids.res, hidden: true });
		this.status = h('p', { class: 'muted small search-status', role: 'status' });
		this.button = h('button', { type: 'submit', class: 'btn' }, t('search.submit'));
		this.form = h('form', {
			class: 'search-form', role: 'search', novalidate: true, 'aria-label': t('search.label'),
			onsubmit: (e) => { e.preventDefault(); this.run(); },
			onkeydown: (e) => {
				if (e.key === 'Escape' && this.input.value) { e.preventDefault(); this.clear(); }
			},
		},
		h('label', { for: ids.q, class: 'sr-only' }, t('search.label')),
		h('div', { class: 'search-row' }, this.input, this.button));
		this.input.setAttribute('placeholder', t('search.placeholder'));
		this.input.addEventListener('input', () => { if (!this.input.value.trim()) this.clear(false); });
		this.el = h('div', { class: 'round-search' }, this.form, this.status, this.results);
	}

	async run() {
		const q = this.input.value.trim();
		if (!q) {
			this.clear();
			return;
		}
		this.button.disabled = true;
		try {
			const r = await this.rv.app.conn.request('search', { q, round: this.rv.roundId, limit: 20 });
			this.render(q, Array.isArray(r.results) ? r.results : []);
		} catch (e) {
			this.status.textContent = errorText(e);
		} finally {
			this.button.disabled = false;
		}
	}

	render(q, results) {
		this.status.textContent = results.length
			? countText('search.count', results.length) : t('search.none', { q });
		const clear = h('button', { type: 'button', class: 'btn btn-small btn-quiet', onclick: () => this.clear() }, t('search.clear'));
		replaceChildren(this.results,
			h('div', { class: 'search-head' }, h('h3', { class: 'search-title' }, t('search.results_for', { q })), clear),
			results.length ? h('ol', { class: 'search-list' }, results.map((x) => {
				const href = `/round/${x.round}/post/${x.post}${x.target === 'comment' ? `#comment-${x.id}` : ''}`;
				return h('li', { class: 'search-hit' },
					h('a', { href, class: 'search-hit-title' }, x.title),
					x.target === 'comment' ? h('span', { class: 'badge search-kind' }, t('search.in_comment')) : null,
					x.hidden ? h('span', { class: 'badge status status-hidden' }, t('status.hidden')) : null,
					x.snippet ? h('p', { class: 'search-snippet small' }, x.snippet) : null);
			})) : null);
		this.results.hidden = false;
	}

	clear(refocus = true) {
		if (refocus) this.input.value = '';
		replaceChildren(this.results);
		this.results.hidden = true;
		this.status.textContent = '';
		if (refocus) this.input.focus();
	}
}

// Under the new-idea form: up to five existing ideas that share words with
// the draft, as links. Quiet while nothing is similar.
export class SimilarIdeas {
	constructor(roundView) {
		this.rv = roundView;
		this.seq = 0;
		this.list = h('ul', { class: 'similar-list' });
		this.heading = h('h3', { class: 'similar-title', id: newId('similar-h') }, t('similar.heading'));
		this.box = h('section', { class: 'similar', hidden: true, 'aria-labelledby': this.heading.id },
			this.heading, h('p', { class: 'muted small' }, t('similar.lead')), this.list);
		// Announced politely, once per change in what is found.
		this.live = h('p', { class: 'sr-only', 'aria-live': 'polite' });
		this.el = h('div', { class: 'similar-slot' }, this.box, this.live);
	}

	// Called on every keystroke with the draft; asks the server after a pause.
	update(text) {
		clearTimeout(this.timer);
		const q = text.trim();
		if (Array.from(q).length < SIMILAR_MIN_CHARS) {
			this.seq++;
			this.show([]);
			return;
		}
		this.timer = setTimeout(() => this.ask(q), SIMILAR_DELAY_MS);
	}

	async ask(q) {
		const seq = ++this.seq;
		try {
			const r = await this.rv.app.conn.request('post.similar', { round: this.rv.roundId, q: q.slice(0, 1000), limit: 5 });
			if (seq !== this.seq) return;
			this.show((Array.isArray(r.results) ? r.results : []).slice(0, 5));
		} catch {
			// Only a hint: say nothing when it fails.
		}
	}

	show(results) {
		const ids = results.map((x) => x.post || x.id).join(',');
		if (ids === this.lastIds) return;
		this.lastIds = ids;
		replaceChildren(this.list, results.map((x) => {
			const id = x.post || x.id;
			const post = this.rv.posts.get(id);
			const snippet = similarSnippet(x, post);
			return h('li', null,
				h('a', { href: `/round/${this.rv.roundId}/post/${id}` }, x.title),
				post && post.status === 'merged' ? h('span', { class: 'badge status status-merged similar-badge' }, t('status.merged')) : null,
				snippet ? h('span', { class: 'muted small similar-snippet' }, ' \u2013 ', snippet) : null);
		}));
		this.box.hidden = results.length === 0;
		this.live.textContent = results.length ? countText('similar.found', results.length) : '';
	}

	destroy() {
		clearTimeout(this.timer);
		this.seq++;
	}
}

// What a hint shows after the title: the server's snippet, unless it only
// repeats the title (the words matched there); then the start of the body
// when this page has it, else nothing.
export function similarSnippet(x, post) {
	const norm = (v) => String(v || '').replace(/[\s\u2026.]+/g, ' ').trim().toLowerCase();
	const snip = norm(x.snippet);
	const title = norm(x.title);
	if (snip && !(title.includes(snip) || snip.includes(title))) return x.snippet;
	const body = post && post.body ? excerpt(post.body, 120) : '';
	return body && norm(body) !== title ? body : '';
}
