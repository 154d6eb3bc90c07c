// body_html comes from the server's cmark in safe mode. We still treat it as
// hostile (defence in depth): it is parsed in an inert document, and a new
// tree is built in ours from a whitelist of elements, with no attributes but
// a checked href on links and a numeric start on ordered lists. Anything not
// on the list is dropped (with its contents, for script-like elements) or
// unwrapped (its text kept).

const KEEP = new Set([
	'P', 'EM', 'STRONG', 'A', 'UL', 'OL', 'LI', 'CODE', 'PRE', 'BLOCKQUOTE',
	'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HR', 'BR',
	'TABLE', 'THEAD', 'TBODY', 'TFOOT', 'TR', 'TH', 'TD', 'CAPTION',
]);
const HEADINGS = new Set(['H1', 'H2', 'H3', 'H4', 'H5', 'H6']);
// Dropped together with everything inside them.
const DROP = new Set([
	'SCRIPT', 'STYLE', 'TEMPLATE', 'IFRAME', 'FRAME', 'FRAMESET', 'OBJECT', 'EMBED',
	'NOSCRIPT', 'SVG', 'MATH', 'TEXTAREA', 'SELECT', 'BUTTON', 'INPUT', 'FORM',
	'LINK', 'META', 'BASE', 'HEAD', 'TITLE', 'AUDIO', 'VIDEO', 'SOURCE', 'TRACK',
	'CANVAS', 'APPLET', 'PARAM', 'DIALOG',
]);
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
const MAX_DEPTH = 64;

export function safeHref(raw) {
	if (typeof raw !== 'string') return null;
	const s = raw.trim();
	if (!/^(https?:\/\/|mailto:)/i.test(s)) return null;
	try {
		const u = new URL(s);
		return SAFE_PROTOCOLS.has(u.protocol) ? u.href : null;
	} catch {
		return null;
	}
}

function copyChildren(from, to, opts, depth) {
	for (const child of Array.from(from.childNodes)) {
		const n = cleanNode(child, opts, depth + 1);
		if (n) to.appendChild(n);
	}
}

function cleanNode(node, opts, depth) {
	if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.nodeValue);
	if (node.nodeType !== Node.ELEMENT_NODE) return null;
	const tag = node.tagName.toUpperCase();
	if (DROP.has(tag) || depth > MAX_DEPTH) return null;
	if (tag === 'IMG') {
		// No images from user content (the CSP would block remote ones anyway):
		// keep the alternative text.
		const alt = node.getAttribute('alt');
		return alt ? document.createTextNode(alt) : null;
	}
	if (!KEEP.has(tag)) {
		const frag = document.createDocumentFragment();
		copyChildren(node, frag, opts, depth);
		return frag;
	}
	let name = tag;
	if (HEADINGS.has(tag)) {
		// Headings inside a post sit below the page's own headings.
		const level = Math.min(6, Number(tag[1]) + opts.headingOffset);
		name = `H${level}`;
	}
	if (tag === 'A' && /^\/u\/[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/.test(node.getAttribute('href') || '')) {
		// A mention (the server links it to /u/USERNAME): there is no page
		// for a person, so it shows as a marked name.
		const span = document.createElement('span');
		span.className = 'mention';
		span.dataset.username = node.getAttribute('href').slice(3);
		copyChildren(node, span, opts, depth);
		return span;
	}
	const el = document.createElement(name.toLowerCase());
	if (tag === 'A') {
		const href = safeHref(node.getAttribute('href'));
		if (href) {
			el.setAttribute('href', href);
			el.setAttribute('rel', 'noopener noreferrer nofollow ugc');
			el.setAttribute('target', '_blank');
		}
	} else if (tag === 'OL') {
		const start = node.getAttribute('start');
		if (start && /^\d{1,9}$/.test(start)) el.setAttribute('start', start);
	}
	// A post's top-level blocks keep their number (data-block="N"), which
	// comments on a paragraph point at.
	if (depth === 1) {
		const block = node.getAttribute('data-block');
		if (block && /^\d{1,6}$/.test(block)) el.setAttribute('data-block', block);
	}
	copyChildren(node, el, opts, depth);
	return el;
}

// Returns a DocumentFragment built only from whitelisted nodes.
export function sanitizeHtml(html, { headingOffset = 2 } = {}) {
	const frag = document.createDocumentFragment();
	if (typeof html !== 'string' || html === '') return frag;
	const doc = new DOMParser().parseFromString(html, 'text/html');
	copyChildren(doc.body, frag, { headingOffset }, 0);
	return frag;
}
