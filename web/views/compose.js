// The form for a new idea or plan, with a live Markdown preview: the server's
// own rendering (`markdown.preview`), so that the preview is what the posted
// page will show; the client's renderer only where the server lacks the op.
import { t } from '../i18n/index.js';
import { h, newId, replaceChildren } from '../lib/dom.js';
import { errorText } from '../lib/format.js';
import { renderMarkdown } from '../lib/markdown.js';
import { sanitizeHtml } from '../lib/safehtml.js';
import { SimilarIdeas } from './search.js';
import { FilePicker } from './files.js';

const LIMITS = { idea: 10000, plan: 50000 };
const PREVIEW_DELAY_MS = 250;
// Set once a server answered `unknown_op`: it has no preview op, so the
// client renders (the same Markdown rules, but not the server's code).
let serverPreview = true;

export class Composer {
	constructor(roundView, kind, { onDone }) {
		this.rv = roundView;
		this.onDone = onDone;
		const ids = { title: newId('post-title'), body: newId('post-body'), err: newId('post-err'), head: newId('compose-h'), prev: newId('preview-h'), hint: newId('body-hint') };
		this.heading = h('h2', { id: ids.head });
		this.phaseNote = h('p', { class: 'notice', hidden: true });
		this.title = h('input', { id: ids.title, name: 'title', type: 'text', required: true, maxlength: 200, autocomplete: 'off' });
		this.body = h('textarea', { id: ids.body, name: 'body', rows: 8, 'aria-describedby': ids.hint });
		this.preview = h('div', { class: 'prose preview-body' });
		this.previewEmpty = h('p', { class: 'muted small' }, t('compose.preview_empty'));
		this.error = h('p', { class: 'form-error', id: ids.err, role: 'alert' });
		this.files = new FilePicker();
		this.submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('compose.post'));
		let timer = null;
		this.body.addEventListener('input', () => {
			clearTimeout(timer);
			timer = setTimeout(() => this.renderPreview(), PREVIEW_DELAY_MS);
		});
		// While an idea is written: existing ideas that look alike.
		this.similar = new SimilarIdeas(roundView);
		const askSimilar = () => {
			if (this.kind === 'idea') this.similar.update(`${this.title.value} ${this.body.value}`);
		};
		this.title.addEventListener('input', askSimilar);
		this.body.addEventListener('input', askSimilar);
		this.el = h('form', {
			class: 'card compose stack', 'aria-labelledby': ids.head, novalidate: true,
			onsubmit: (e) => { e.preventDefault(); this.send(); },
			onkeydown: (e) => {
				if (e.key === 'Escape') { e.preventDefault(); this.onDone(false); }
			},
		},
		this.heading,
		this.phaseNote,
		h('div', { class: 'field' }, h('label', { for: ids.title }, t('compose.title')), this.title),
		this.similar.el,
		h('div', { class: 'compose-grid' },
			h('div', { class: 'field' },
				h('label', { for: ids.body }, t('compose.body')),
				this.body,
				h('p', { class: 'hint', id: ids.hint }, t('compose.markdown_hint'))),
			h('section', { class: 'preview', 'aria-labelledby': ids.prev },
				h('h3', { class: 'preview-label', id: ids.prev }, t('compose.preview')),
				this.previewEmpty, this.preview)),
		this.files.el,
		this.error,
		h('div', { class: 'form-actions' },
			this.submit,
			h('button', { type: 'button', class: 'btn', onclick: () => this.onDone(false) }, t('common.cancel'))));
		this.setKind(kind);
		this.renderPreview();
		this.updatePhase();
	}

	setKind(kind) {
		this.kind = kind;
		this.heading.textContent = kind === 'plan' ? t('compose.heading_plan') : t('compose.heading_idea');
		this.body.setAttribute('maxlength', String(LIMITS[kind]));
		this.el.classList.toggle('is-plan', kind === 'plan');
		if (kind !== 'idea') this.similar.update('');
	}

	// Posting needs an open round; say so up front, and let the server decide.
	updatePhase() {
		const phase = this.rv.round && this.rv.round.phase;
		const closed = phase && phase !== 'open';
		this.phaseNote.hidden = !closed;
		if (closed) this.phaseNote.textContent = t('compose.phase_note', { phase: t(`phase.${phase}`) });
	}

	async renderPreview() {
		const text = this.body.value;
		const seq = (this.previewSeq = (this.previewSeq || 0) + 1);
		if (text.trim() === '') {
			this.showPreview(document.createDocumentFragment());
			return;
		}
		// A body near the 64 KiB frame limit would close the connection.
		if (serverPreview && new TextEncoder().encode(text).length < 60000) {
			try {
				const r = await this.rv.app.conn.request('markdown.preview', { text });
				if (seq !== this.previewSeq) return;
				this.showPreview(sanitizeHtml(typeof r.html === 'string' ? r.html : '', { headingOffset: 2 }));
				return;
			} catch (e) {
				if (seq !== this.previewSeq) return;
				if (e.code === 'unknown_op') serverPreview = false;
				// Offline or refused: the client's rendering, until the next keystroke.
			}
		}
		this.showPreview(renderMarkdown(text));
	}

	showPreview(frag) {
		this.previewEmpty.hidden = frag.childNodes.length > 0;
		replaceChildren(this.preview, frag);
	}

	focus() {
		this.title.focus();
	}

	async send() {
		this.error.textContent = '';
		const title = this.title.value.trim();
		const body = this.body.value.trim();
		if (!title) {
			this.error.textContent = t('compose.title_missing');
			this.title.focus();
			return;
		}
		if (!body) {
			this.error.textContent = t('compose.body_missing');
			this.body.focus();
			return;
		}
		this.submit.disabled = true;
		let post;
		try {
			post = await this.rv.createPost(this.kind, title, body);
		} catch (e) {
			this.error.textContent = errorText(e);
			this.submit.disabled = false;
			return;
		}
		// The post exists: its files follow, each with its progress shown.
		if (this.files.count && post && (await this.files.uploadAll(post.id))) {
			this.error.textContent = t('files.partial');
			this.submit.textContent = t('files.continue');
			this.submit.disabled = false;
			this.send = async () => this.onDone(true, post);
			return;
		}
		this.onDone(true, post);
	}

	destroy() {
		this.similar.destroy();
	}
}
