// A small Markdown renderer for the live preview while writing. The server's
// cmark rendering is what everyone reads once posted; this only has to be
// close. It builds DOM nodes directly (text as text nodes), so nothing the
// writer types can become markup or script.
import { safeHref } from './safehtml.js';

const RE_FENCE = /^\s{0,3}(```|~~~)(.*)$/;
const RE_HEADING = /^\s{0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RE_HR = /^\s{0,3}((\*[ \t]*){3,}|(-[ \t]*){3,}|(_[ \t]*){3,})$/;
const RE_QUOTE = /^\s{0,3}>[ ]?(.*)$/;
const RE_UL = /^(\s{0,3})[-*+][ \t]+(.*)$/;
const RE_OL = /^(\s{0,3})(\d{1,9})[.)][ \t]+(.*)$/;
const RE_BLANK = /^\s*$/;

function isBlockStart(line) {
	return RE_FENCE.test(line) || RE_HEADING.test(line) || RE_HR.test(line) ||
		RE_QUOTE.test(line) || RE_UL.test(line) || RE_OL.test(line);
}

function el(tag, ...kids) {
	const e = document.createElement(tag);
	for (const k of kids) e.appendChild(typeof k === 'string' ? document.createTextNode(k) : k);
	return e;
}

// Inline: code spans, links, autolinks, strong, emphasis, hard breaks.
const RE_INLINE = new RegExp([
	'(`+)([\\s\\S]*?[^`])\\1(?!`)',                  // 1,2 code
	'\\[([^\\]\\n]+)\\]\\(\\s*((?:[^()\\s]|\\([^()\\s]*\\))+)(?:\\s+"[^"]*")?\\s*\\)', // 3,4 link
	'<((?:https?://|mailto:)[^>\\s]+)>',            // 5 autolink
	'\\*\\*(?=\\S)([\\s\\S]*?\\S)\\*\\*',            // 6 strong
	'__(?=\\S)([\\s\\S]*?\\S)__',                    // 7 strong
	'\\*(?=[^\\s*])([\\s\\S]*?[^\\s*])\\*',          // 8 em
	'\\b_(?=[^\\s_])([\\s\\S]*?[^\\s_])_\\b',        // 9 em
	'(?: {2,}|\\\\)\\n',                             // hard break
].join('|'), 'g');

function inline(text, parent, depth = 0) {
	if (depth > 8) {
		parent.appendChild(document.createTextNode(text));
		return;
	}
	let last = 0;
	let m;
	const re = new RegExp(RE_INLINE.source, 'g');
	while ((m = re.exec(text)) !== null) {
		if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
		last = re.lastIndex;
		if (m[1] !== undefined) {
			parent.appendChild(el('code', m[2].replace(/^ (.*) $/s, '$1')));
		} else if (m[3] !== undefined) {
			const href = safeHref(m[4]);
			const a = document.createElement(href ? 'a' : 'span');
			if (href) {
				a.setAttribute('href', href);
				a.setAttribute('rel', 'noopener noreferrer nofollow ugc');
				a.setAttribute('target', '_blank');
			}
			inline(m[3], a, depth + 1);
			parent.appendChild(a);
		} else if (m[5] !== undefined) {
			const href = safeHref(m[5]);
			if (href) {
				const a = el('a', m[5]);
				a.setAttribute('href', href);
				a.setAttribute('rel', 'noopener noreferrer nofollow ugc');
				a.setAttribute('target', '_blank');
				parent.appendChild(a);
			} else {
				parent.appendChild(document.createTextNode(m[0]));
			}
		} else if (m[6] !== undefined || m[7] !== undefined) {
			const s = document.createElement('strong');
			inline(m[6] ?? m[7], s, depth + 1);
			parent.appendChild(s);
		} else if (m[8] !== undefined || m[9] !== undefined) {
			const e = document.createElement('em');
			inline(m[8] ?? m[9], e, depth + 1);
			parent.appendChild(e);
		} else {
			parent.appendChild(document.createElement('br'));
		}
	}
	if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
}

function blocks(lines, parent, opts, depth = 0) {
	let i = 0;
	while (i < lines.length) {
		const line = lines[i];
		let m;
		if (RE_BLANK.test(line)) {
			i++;
		} else if ((m = RE_FENCE.exec(line))) {
			const fence = m[1];
			const body = [];
			i++;
			while (i < lines.length && !lines[i].trimStart().startsWith(fence)) body.push(lines[i++]);
			i++;
			parent.appendChild(el('pre', el('code', body.join('\n'))));
		} else if ((m = RE_HEADING.exec(line))) {
			const level = Math.min(6, m[1].length + opts.headingOffset);
			const hd = document.createElement(`h${level}`);
			inline(m[2] || '', hd);
			parent.appendChild(hd);
			i++;
		} else if (RE_HR.test(line)) {
			parent.appendChild(document.createElement('hr'));
			i++;
		} else if (RE_QUOTE.test(line)) {
			const inner = [];
			while (i < lines.length && (m = RE_QUOTE.exec(lines[i]))) {
				inner.push(m[1]);
				i++;
			}
			const bq = document.createElement('blockquote');
			if (depth < 8) blocks(inner, bq, opts, depth + 1);
			parent.appendChild(bq);
		} else if (RE_UL.test(line) || RE_OL.test(line)) {
			const ordered = !RE_UL.test(line);
			const re = ordered ? RE_OL : RE_UL;
			const list = document.createElement(ordered ? 'ol' : 'ul');
			if (ordered) {
				const start = RE_OL.exec(line)[2];
				if (start !== '1') list.setAttribute('start', String(Number(start)));
			}
			while (i < lines.length && (m = re.exec(lines[i]))) {
				const item = [ordered ? m[3] : m[2]];
				i++;
				while (i < lines.length && !RE_BLANK.test(lines[i]) && !re.test(lines[i]) &&
				       (/^\s{2,}/.test(lines[i]) || !isBlockStart(lines[i])))
					item.push(lines[i++].trim());
				const li = document.createElement('li');
				inline(item.join('\n'), li);
				list.appendChild(li);
				if (i < lines.length && RE_BLANK.test(lines[i]) && i + 1 < lines.length &&
				    re.test(lines[i + 1])) i++;
			}
			parent.appendChild(list);
		} else {
			const para = [];
			while (i < lines.length && !RE_BLANK.test(lines[i]) && !isBlockStart(lines[i]))
				para.push(lines[i++].replace(/^\s+/, ''));
			if (para.length === 0) para.push(lines[i++]);
			const p = document.createElement('p');
			inline(para.join('\n'), p);
			parent.appendChild(p);
		}
	}
}

export function renderMarkdown(src, { headingOffset = 2 } = {}) {
	const frag = document.createDocumentFragment();
	if (typeof src !== 'string' || src.trim() === '') return frag;
	blocks(src.replace(/\r\n?/g, '\n').split('\n'), frag, { headingOffset });
	return frag;
}

// A plain-text excerpt of Markdown for list views.
export function excerpt(src, max = 220) {
	if (typeof src !== 'string') return '';
	const text = src
		.replace(/```[\s\S]*?```/g, ' ')
		.replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+/gm, '')
		.replace(/`+/g, '')
		.replace(/(^|[\s(])(\*\*|__|\*|_)(?=\S)(.*?\S)\2(?=$|[\s).,!?:;])/g, '$1$3')
		.replace(/\s+/g, ' ')
		.trim();
	return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}
