// Attachments: the picker in the composer (drop or choose, each file sent
// over HTTP with its own progress bar once the post exists) and the files
// of a post (images shown, PDFs opened in the browser's own viewer).
import { t, formatDecimal, formatNumber } from '../i18n/index.js';
import { h, newId } from '../lib/dom.js';
import { errorText } from '../lib/format.js';

export const MAX_FILES = 10;
// The server's default limit (serve --max-upload-mb): a larger file is
// refused before it is sent, instead of after its first megabytes.
export const MAX_BYTES = 20 * 1024 * 1024;
const ACCEPT = 'application/pdf,image/png,image/jpeg,image/webp,.pdf,.png,.jpg,.jpeg,.webp';

export function sizeText(bytes) {
	const n = Number(bytes) || 0;
	if (n >= 1024 * 1024) return t('files.size_mb', { size: formatDecimal(n / (1024 * 1024), 1) });
	return t('files.size_kb', { size: formatNumber(Math.max(1, Math.round(n / 1024))) });
}

// Sends one file as the body of POST /api/files; onProgress(loaded, total)
// as it goes. Resolves to the FILE, rejects with {code, serverMessage}.
export function uploadFile(postId, file, onProgress) {
	return new Promise((resolve, reject) => {
		const xhr = new XMLHttpRequest();
		xhr.open('POST', `/api/files?post=${encodeURIComponent(postId)}`);
		xhr.setRequestHeader('X-Filename', encodeURIComponent(file.name || 'file'));
		xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); };
		xhr.onload = () => {
			let j = null;
			try { j = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
			if (xhr.status === 201 && j && j.file) {
				resolve(j.file);
				return;
			}
			const err = (j && j.error) || {};
			reject({ code: err.code || (xhr.status === 413 ? 'too_large' : 'internal'), serverMessage: err.message });
		};
		// A refused upload may be cut off before its answer can be read.
		xhr.onerror = () => reject({ code: 'disconnected' });
		xhr.send(file);
	});
}

// The composer's part: files chosen or dropped, each with a row that
// becomes a progress bar while it is sent.
export class FilePicker {
	constructor() {
		const hint = newId('files-hint');
		this.items = [];
		this.input = h('input', { type: 'file', multiple: true, accept: ACCEPT, class: 'sr-only', tabindex: '-1' });
		this.input.addEventListener('change', () => {
			this.add([...this.input.files]);
			this.input.value = '';
		});
		this.button = h('button', { type: 'button', class: 'btn btn-small', 'aria-describedby': hint, onclick: () => this.input.click() }, t('files.attach'));
		this.list = h('ul', { class: 'file-queue' });
		this.note = h('p', { class: 'form-error', 'aria-live': 'polite' });
		this.el = h('div', { class: 'file-drop', 'data-testid': 'file-drop' },
			h('div', { class: 'file-drop-row' }, this.button, h('span', { class: 'hint', id: hint }, t('files.drop_hint'))),
			this.input, this.list, this.note);
		for (const ev of ['dragenter', 'dragover']) {
			this.el.addEventListener(ev, (e) => {
				if (!e.dataTransfer || ![...e.dataTransfer.types].includes('Files')) return;
				e.preventDefault();
				this.el.classList.add('is-over');
			});
		}
		this.el.addEventListener('dragleave', () => this.el.classList.remove('is-over'));
		this.el.addEventListener('drop', (e) => {
			e.preventDefault();
			this.el.classList.remove('is-over');
			if (e.dataTransfer) this.add([...e.dataTransfer.files]);
		});
	}

	add(files) {
		this.note.textContent = '';
		for (const file of files) {
			if (this.items.length >= MAX_FILES) {
				this.note.textContent = t('files.too_many', { max: MAX_FILES });
				break;
			}
			const item = { file, bar: h('progress', { max: 100, value: 0, hidden: true }), state: h('span', { class: 'file-state small' }) };
			item.bar.setAttribute('aria-label', t('files.uploading', { name: file.name }));
			item.remove = h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.removeItem(item) }, t('files.remove'));
			item.remove.setAttribute('aria-label', t('files.remove_named', { name: file.name }));
			item.li = h('li', { class: 'file-item' },
				h('span', { class: 'file-name' }, file.name), ' ',
				h('span', { class: 'muted small' }, sizeText(file.size)), ' ',
				item.bar, item.state, item.remove);
			if (file.size > MAX_BYTES) {
				item.tooBig = true;
				item.state.textContent = t('files.too_big', { max: formatNumber(MAX_BYTES / (1024 * 1024)) });
				item.li.classList.add('is-failed');
			}
			this.items.push(item);
			this.list.append(item.li);
		}
	}

	removeItem(item) {
		this.items = this.items.filter((x) => x !== item);
		item.li.remove();
		this.button.focus();
	}

	get count() {
		return this.items.length;
	}

	// Sends every file in turn to postId. Resolves to the number that
	// failed (each failure is shown on its row).
	async uploadAll(postId) {
		this.button.disabled = true;
		let failed = 0;
		for (const item of this.items) {
			item.remove.hidden = true;
			if (item.tooBig) {
				failed++;
				continue;
			}
			item.bar.hidden = false;
			item.state.textContent = '';
			try {
				await uploadFile(postId, item.file, (loaded, total) => {
					item.bar.value = Math.round((loaded / total) * 100);
				});
				item.bar.value = 100;
				item.state.textContent = t('files.done');
				item.li.classList.add('is-done');
			} catch (e) {
				failed++;
				item.bar.hidden = true;
				item.state.textContent = t('files.failed', { error: errorText(e) });
				item.li.classList.add('is-failed');
			}
		}
		return failed;
	}
}

// The files of a post: images inline, PDFs as links that open the
// browser's viewer, with their size and page count.
export function filesElement(post) {
	const files = Array.isArray(post.files) ? post.files : [];
	if (!files.length) return null;
	const images = files.filter((f) => f.type !== 'application/pdf');
	const pdfs = files.filter((f) => f.type === 'application/pdf');
	return h('section', { class: 'post-files', 'aria-label': t('files.heading') },
		images.length ? h('div', { class: 'file-images' }, ...images.map((f) =>
			h('figure', { class: 'file-image' },
				h('a', { href: f.url, target: '_blank', rel: 'noopener' },
					h('img', { src: f.url, alt: f.name, loading: 'lazy' })),
				h('figcaption', { class: 'small muted' }, f.name)))) : null,
		pdfs.length ? h('ul', { class: 'file-list' }, ...pdfs.map((f) =>
			h('li', { class: 'file-pdf' },
				h('a', { href: f.url, target: '_blank', rel: 'noopener' },
					h('span', { class: 'badge file-kind' }, 'PDF'), ' ', f.name),
				' ',
				h('span', { class: 'muted small' },
					[sizeText(f.size), f.pages ? t('files.pages', { count: f.pages, n: formatNumber(f.pages) }) : null]
						.filter(Boolean).join(' · '))))) : null);
}

// A card's mark for a post with files.
export function filesCount(post) {
	const n = Array.isArray(post.files) ? post.files.length : 0;
	if (!n) return null;
	return h('span', { class: 'post-files-count' }, t('files.count', { count: n, n: formatNumber(n) }));
}
