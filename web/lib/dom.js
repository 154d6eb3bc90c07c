// A tiny element builder. It never parses HTML: text goes in as text nodes,
// attributes through setAttribute, listeners through addEventListener.
//
//   h('button', {type: 'button', class: 'btn', onclick: fn}, t('x'))
//
// Children may be strings, numbers, nodes, arrays, or null/false (skipped).

export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	if (attrs) setAttrs(el, attrs);
	append(el, children);
	return el;
}

export function setAttrs(el, attrs) {
	for (const [k, v] of Object.entries(attrs)) {
		if (v === undefined || v === null || v === false) continue;
		if (k.startsWith('on') && typeof v === 'function') {
			el.addEventListener(k.slice(2), v);
		} else if (k === 'class') {
			el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
		} else if (k === 'dataset') {
			Object.assign(el.dataset, v);
		} else if (k === 'value' && 'value' in el) {
			el.value = v;
		} else if (k === 'checked' || k === 'disabled' || k === 'hidden' ||
			   k === 'required' || k === 'selected' || k === 'open') {
			el[k] = Boolean(v);
		} else if (v === true) {
			el.setAttribute(k, '');
		} else {
			el.setAttribute(k, String(v));
		}
	}
}

export function append(el, children) {
	for (const c of children.flat(Infinity)) {
		if (c === null || c === undefined || c === false) continue;
		el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
	}
	return el;
}

export function clear(el) {
	while (el.firstChild) el.removeChild(el.firstChild);
	return el;
}

export function replaceChildren(el, ...children) {
	clear(el);
	return append(el, children);
}

let uid = 0;
export function newId(prefix = 'id') {
	uid += 1;
	return `${prefix}-${uid}`;
}

// A visually hidden element that screen readers still read.
export function srOnly(text) {
	return h('span', { class: 'sr-only' }, text);
}
