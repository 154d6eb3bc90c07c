// Pieces shared by several views.
import { t, formatNumber } from '../i18n/index.js';
import { h } from '../lib/dom.js';
import { sanitizeHtml } from '../lib/safehtml.js';
import { renderMarkdown } from '../lib/markdown.js';

export function phaseBadge(phase) {
	return h('span', { class: `badge phase phase-${phase}` },
		h('span', { class: 'sr-only' }, t('round.phase_label')), t(`phase.${phase}`));
}

export function roundFacts(round) {
	const facts = [t(`audience.${round.audience}`)];
	if (round.vote_mode === 'dots')
		facts.push(t('vote_mode.dots_with_budget', { count: round.dots_per_member }));
	else
		facts.push(t('vote_mode.updown'));
	return h('p', { class: 'facts' }, facts.map((f, i) => [i ? h('span', { class: 'sep', 'aria-hidden': 'true' }, '·') : null, h('span', null, f)]));
}

// The server's rendering of a Markdown body, run through the whitelist; if a
// server sent no body_html, the Markdown is rendered here instead.
export function richBody(obj, headingOffset = 2) {
	const div = h('div', { class: 'prose' });
	if (typeof obj.body_html === 'string' && obj.body_html !== '')
		div.append(sanitizeHtml(obj.body_html, { headingOffset }));
	else
		div.append(renderMarkdown(obj.body || '', { headingOffset }));
	return div;
}

export function countText(key, n) {
	return t(key, { count: n, n: formatNumber(n) });
}
