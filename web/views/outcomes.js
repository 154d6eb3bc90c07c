// The Outcomes board, one pane of the round view (/round/N/outcomes): each
// priority as a tracked commitment, live. Its owner and status, its goal,
// its measures as bars from baseline through current to target (with a small
// chart of each measure over time, drawn here as SVG, and the same numbers
// as a table), its milestones with the next one marked, and its progress
// updates with their comments. The priority's owner, managers and admins
// edit; everyone who can see the round reads, comments and follows.
import { t, formatNumber, currentLocale } from '../i18n/index.js';
import { h, newId, replaceChildren } from '../lib/dom.js';
import { authorName, errorText, isStaffManager, timeElement } from '../lib/format.js';
import { sanitizeHtml } from '../lib/safehtml.js';
import { richBody, countText } from './common.js';
import { sortedPriorities } from './priorities.js';

const STATUSES = ['planned', 'active', 'at_risk', 'done', 'dropped'];
const SVG = 'http://www.w3.org/2000/svg';

// How far current has come from baseline to target, 0..1 (unclamped in
// the text, clamped in the bar); null when baseline equals target.
export function progressOf(m) {
	const span = Number(m.target) - Number(m.baseline);
	if (!span || !Number.isFinite(span)) return null;
	return (Number(m.current) - Number(m.baseline)) / span;
}

function pctText(share) {
	return new Intl.NumberFormat(currentLocale(), { style: 'percent', maximumFractionDigits: 0 })
		.format(share);
}

function num(v) {
	return formatNumber(Number(v));
}

function svg(tag, attrs, ...children) {
	const el = document.createElementNS(SVG, tag);
	for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
	for (const c of children) if (c) el.append(c);
	return el;
}

// The first milestone not done yet, by due date.
export function nextMilestone(p) {
	return (p.milestones || []).find((m) => !m.done_at) || null;
}

function dueText(due) {
	const d = new Date(`${due}T12:00:00Z`);
	if (Number.isNaN(d.getTime())) return due;
	return new Intl.DateTimeFormat(currentLocale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

// A measure over time: a line through every value current has had, with
// the baseline and the target as dashed rules. Drawing only: the table
// beside it says the same to a screen reader.
export function measureChart(m, points) {
	const W = 240, H = 64, pad = 4;
	const values = points.map((p) => Number(p.value));
	const all = [...values, Number(m.baseline), Number(m.target)];
	const lo = Math.min(...all), hi = Math.max(...all);
	const times = points.map((p) => Date.parse(p.at));
	const t0 = Math.min(...times), t1 = Math.max(...times);
	const x = (tm) => (t1 > t0 ? pad + ((tm - t0) / (t1 - t0)) * (W - 2 * pad) : W / 2);
	const y = (v) => (hi > lo ? H - pad - ((v - lo) / (hi - lo)) * (H - 2 * pad) : H / 2);
	const line = points.map((p, i) => `${x(times[i]).toFixed(1)},${y(values[i]).toFixed(1)}`).join(' ');
	return svg('svg', { class: 'measure-chart', viewBox: `0 0 ${W} ${H}`, width: W, height: H, 'aria-hidden': 'true', focusable: 'false' },
		svg('line', { class: 'chart-baseline', x1: 0, x2: W, y1: y(Number(m.baseline)), y2: y(Number(m.baseline)) }),
		svg('line', { class: 'chart-target', x1: 0, x2: W, y1: y(Number(m.target)), y2: y(Number(m.target)) }),
		points.length > 1 ? svg('polyline', { class: 'chart-line', points: line }) : null,
		...points.map((p, i) => svg('circle', { class: 'chart-point', cx: x(times[i]).toFixed(1), cy: y(values[i]).toFixed(1), r: 2.5 })));
}

export class OutcomesPane {
	constructor(roundView) {
		this.rv = roundView;
		this.app = roundView.app;
		this.open = new Set();      // priorities whose updates feed is open
		this.charts = new Set();    // measures whose chart is open
		this.history = new Map();   // measure id -> points
		this.updates = new Map();   // priority id -> updates (newest first)
		this.heading = h('h1', { tabindex: '-1', class: 'pane-title', id: 'outcomes-h' }, t('outcomes.heading'));
		this.backSlot = h('p', { class: 'back' });
		this.list = h('ol', { class: 'outcome-board', 'aria-labelledby': 'outcomes-h' });
		this.empty = h('p', { class: 'muted card empty-small', hidden: true }, t('outcomes.empty'));
		this.el = h('div', { class: 'pane outcomes-pane' },
			this.backSlot,
			h('div', { class: 'page-head' }, h('div', null, this.heading, h('p', { class: 'muted lead' }, t('outcomes.lead')))),
			this.empty, this.list);
		this.render();
	}

	title() {
		return t('outcomes.heading');
	}

	mayEdit(p) {
		const u = this.app.user;
		return !!u && (isStaffManager(u) || (p.owner && p.owner.id === u.id));
	}

	render() {
		const round = this.rv.round;
		replaceChildren(this.backSlot, h('a', { href: `/round/${this.rv.roundId}`, class: 'back-link' },
			h('span', { 'aria-hidden': 'true' }, '\u2190 '), t('post.back', { round: round ? round.title : '' })));
		// A redraw keeps focus on the same control, and typed drafts.
		const active = document.activeElement;
		const key = active && this.list.contains(active) ? active.dataset.focusKey : null;
		const drafts = new Map();
		for (const el of this.list.querySelectorAll('[data-focus-key]'))
			if ((el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') && el.type !== 'checkbox') drafts.set(el.dataset.focusKey, el.value);
		const list = sortedPriorities(this.rv.priorities);
		this.empty.hidden = list.length > 0;
		replaceChildren(this.list, list.map((p, i) => this.item(p, i)));
		for (const [k, v] of drafts) {
			const el = this.list.querySelector(`[data-focus-key="${k}"]`);
			if (el && v !== '' && el.value !== v && !el.dataset.fresh) el.value = v;
		}
		if (key) {
			const again = this.list.querySelector(`[data-focus-key="${key}"]`);
			if (again) again.focus();
		}
	}

	item(p, index) {
		const edit = this.mayEdit(p);
		const titleId = `outcome-${p.id}-title`;
		const error = h('p', { class: 'form-error', role: 'alert' });
		const status = p.status || 'planned';
		let statusEl;
		if (edit) {
			const id = newId('status');
			const select = h('select', { id, 'data-focus-key': `${p.id}:status`, 'aria-describedby': titleId },
				STATUSES.map((s) => h('option', { value: s, selected: s === status }, t(`outcomes.status.${s}`))));
			select.addEventListener('change', () => this.send(error, 'priority.update', { priority: p.id, status: select.value }));
			statusEl = h('span', { class: 'outcome-status-field' }, h('label', { for: id }, t('outcomes.status_label')), ' ', select);
		} else {
			statusEl = h('span', { class: `badge outcome-status status-${status}` },
				h('span', { class: 'sr-only' }, t('outcomes.status_label'), ' '), t(`outcomes.status.${status}`));
		}
		const follow = h('button', {
			type: 'button', class: 'btn btn-small', 'aria-pressed': String(!!p.following),
			'data-focus-key': `${p.id}:follow`, 'aria-describedby': titleId,
			onclick: () => this.send(error, p.following ? 'priority.unfollow' : 'priority.follow', { priority: p.id }),
		}, p.following ? t('outcomes.unfollow') : t('outcomes.follow'));
		return h('li', { class: 'card outcome-card', id: `priority-${p.id}`, 'data-priority': String(p.id) },
			h('div', { class: 'outcome-head' },
				h('span', { class: 'priority-rank', 'aria-hidden': 'true' }, formatNumber(index + 1)),
				h('div', { class: 'outcome-head-main' },
					h('h2', { class: 'outcome-title', id: titleId, tabindex: '-1' }, p.title),
					h('p', { class: 'priority-meta muted small' },
						p.owner ? t('priorities.owner', { name: authorName(p.owner) }) : t('priorities.no_owner'))),
				h('div', { class: 'outcome-head-actions' }, statusEl, follow)),
			this.goal(p, edit, error),
			this.measures(p, edit, error),
			this.milestones(p, edit, error),
			this.updatesBlock(p, edit),
			error);
	}

	goal(p, edit, error) {
		const shown = p.goal_html
			? h('div', { class: 'prose outcome-goal' }, sanitizeHtml(p.goal_html, { headingOffset: 3 }))
			: h('p', { class: 'muted small' }, t('outcomes.no_goal'));
		if (!edit) return h('div', { class: 'outcome-section' }, h('h3', { class: 'small outcome-section-title' }, t('outcomes.goal')), shown);
		const id = newId('goal');
		const area = h('textarea', { id, rows: 2, maxlength: 10000, 'data-focus-key': `${p.id}:goal`, 'data-fresh': '' }, p.goal || '');
		area.value = p.goal || '';
		const save = h('button', { type: 'submit', class: 'btn btn-small' }, t('outcomes.save_goal'));
		const form = h('form', {
			class: 'outcome-goal-form', hidden: true,
			onsubmit: async (e) => {
				e.preventDefault();
				if (await this.send(error, 'priority.update', { priority: p.id, goal: area.value })) form.hidden = true;
			},
		}, h('label', { for: id, class: 'sr-only' }, t('outcomes.goal')), area, h('div', { class: 'form-actions' }, save));
		const toggle = h('button', {
			type: 'button', class: 'btn btn-small btn-quiet', 'data-focus-key': `${p.id}:goal-edit`,
			onclick: () => { form.hidden = !form.hidden; if (!form.hidden) area.focus(); },
		}, t('outcomes.edit_goal'));
		return h('div', { class: 'outcome-section' },
			h('h3', { class: 'small outcome-section-title' }, t('outcomes.goal'), ' ', toggle), shown, form);
	}

	measures(p, edit, error) {
		const ms = Array.isArray(p.measures) ? p.measures : [];
		const rows = ms.map((m) => this.measure(p, m, edit, error));
		return h('div', { class: 'outcome-section' },
			h('h3', { class: 'small outcome-section-title' }, t('outcomes.measures')),
			ms.length ? h('ul', { class: 'measure-list' }, rows) : h('p', { class: 'muted small' }, t('outcomes.no_measures')),
			edit ? this.measureForm(p, null, error) : null);
	}

	measure(p, m, edit, error) {
		const share = progressOf(m);
		const fill = h('span', { class: 'measure-fill' });
		const width = share === null ? 0 : Math.max(0, Math.min(1, share)) * 100;
		fill.style.width = `${width}%`;
		const unit = m.unit ? ` ${m.unit}` : '';
		const words = t('outcomes.measure_line', {
			baseline: `${num(m.baseline)}${unit}`, current: `${num(m.current)}${unit}`, target: `${num(m.target)}${unit}`,
		});
		const bar = h('span', {
			class: 'measure-bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100',
			'aria-valuenow': String(Math.round(width)), 'aria-label': `${m.name}: ${words}`,
			'data-measure': String(m.id), 'data-progress': share === null ? '' : String(share),
		}, fill);
		const chartOpen = this.charts.has(m.id);
		const chartBtn = h('button', {
			type: 'button', class: 'btn btn-small btn-quiet', 'aria-expanded': String(chartOpen),
			'data-focus-key': `m${m.id}:chart`,
			onclick: () => this.toggleChart(m.id),
		}, t('outcomes.history'), h('span', { class: 'sr-only' }, `: ${m.name}`));
		const del = edit ? h('button', {
			type: 'button', class: 'btn btn-small btn-quiet', 'data-focus-key': `m${m.id}:delete`,
			onclick: () => this.send(error, 'measure.delete', { measure: m.id }),
		}, t('outcomes.delete'), h('span', { class: 'sr-only' }, `: ${m.name}`)) : null;
		return h('li', { class: 'measure', 'data-measure': String(m.id) },
			h('div', { class: 'measure-head' },
				h('span', { class: 'measure-name' }, m.name),
				h('span', { class: 'measure-words small' }, words,
					share === null ? null : [' ', h('span', { class: 'measure-pct' }, `(${pctText(share)})`)])),
			bar,
			h('div', { class: 'measure-actions' }, chartBtn, edit ? this.currentForm(p, m, error) : null, del),
			chartOpen ? this.chartBlock(m) : null);
	}

	// The one number that changes most: current, edited in place.
	currentForm(p, m, error) {
		const id = newId('current');
		const input = h('input', { id, type: 'number', step: 'any', class: 'input-small', value: String(m.current), 'data-focus-key': `m${m.id}:current`, 'data-fresh': '' });
		return h('form', {
			class: 'measure-current-form',
			onsubmit: (e) => {
				e.preventDefault();
				const v = Number(input.value);
				if (input.value.trim() === '' || !Number.isFinite(v)) {
					error.textContent = t('outcomes.number_needed');
					input.focus();
					return;
				}
				this.send(error, 'measure.set', {
					priority: p.id, id: m.id, name: m.name, unit: m.unit || '',
					baseline: Number(m.baseline), target: Number(m.target), current: v,
				});
			},
		}, h('label', { for: id }, t('outcomes.current_of', { name: m.name })), ' ', input, ' ',
		h('button', { type: 'submit', class: 'btn btn-small' }, t('outcomes.save')));
	}

	measureForm(p, m, error) {
		const ids = { name: newId('mname'), unit: newId('munit'), base: newId('mbase'), target: newId('mtarget'), cur: newId('mcur') };
		const k = `${p.id}:newmeasure`;
		const name = h('input', { id: ids.name, type: 'text', maxlength: 200, 'data-focus-key': `${k}:name` });
		const unit = h('input', { id: ids.unit, type: 'text', maxlength: 20, class: 'input-small', 'data-focus-key': `${k}:unit` });
		const base = h('input', { id: ids.base, type: 'number', step: 'any', class: 'input-small', 'data-focus-key': `${k}:base` });
		const target = h('input', { id: ids.target, type: 'number', step: 'any', class: 'input-small', 'data-focus-key': `${k}:target` });
		const cur = h('input', { id: ids.cur, type: 'number', step: 'any', class: 'input-small', 'data-focus-key': `${k}:cur` });
		const form = h('form', {
			class: 'outcome-add-form measure-add',
			onsubmit: async (e) => {
				e.preventDefault();
				const nums = [base, target, cur].map((x) => Number(x.value));
				if (!name.value.trim()) { error.textContent = t('outcomes.name_needed'); name.focus(); return; }
				if ([base, target, cur].some((x) => x.value.trim() === '') || nums.some((x) => !Number.isFinite(x))) {
					error.textContent = t('outcomes.number_needed');
					return;
				}
				if (await this.send(error, 'measure.set', { priority: p.id, name: name.value, unit: unit.value, baseline: nums[0], target: nums[1], current: nums[2] }))
					for (const x of [name, unit, base, target, cur]) x.value = '';
			},
		},
		h('fieldset', null, h('legend', { class: 'small' }, t('outcomes.add_measure')),
			h('span', { class: 'field-inline' }, h('label', { for: ids.name }, t('outcomes.measure_name')), name),
			h('span', { class: 'field-inline' }, h('label', { for: ids.unit }, t('outcomes.unit')), unit),
			h('span', { class: 'field-inline' }, h('label', { for: ids.base }, t('outcomes.baseline')), base),
			h('span', { class: 'field-inline' }, h('label', { for: ids.cur }, t('outcomes.current')), cur),
			h('span', { class: 'field-inline' }, h('label', { for: ids.target }, t('outcomes.target')), target),
			h('button', { type: 'submit', class: 'btn btn-small' }, t('outcomes.add'))));
		return m ? null : form;
	}

	chartBlock(m) {
		const points = this.history.get(m.id);
		if (!points) return h('p', { class: 'muted small' }, t('common.loading'));
		const tableId = newId('hist');
		return h('div', { class: 'measure-history' },
			measureChart(m, points),
			h('table', { class: 'history-table small', id: tableId },
				h('caption', null, t('outcomes.history_caption', { name: m.name })),
				h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('outcomes.when')), h('th', { scope: 'col' }, t('outcomes.value')))),
				h('tbody', null, points.map((pt) => h('tr', null, h('td', null, timeElement(pt.at)), h('td', null, num(pt.value)))))));
	}

	async toggleChart(id) {
		if (this.charts.has(id)) {
			this.charts.delete(id);
			this.render();
			return;
		}
		this.charts.add(id);
		this.render();
		await this.loadHistory(id);
	}

	async loadHistory(id) {
		try {
			const r = await this.app.conn.request('measure.history', { measure: id });
			this.history.set(id, r.history || []);
		} catch {
			this.charts.delete(id);
		}
		this.render();
	}

	milestones(p, edit, error) {
		const ms = Array.isArray(p.milestones) ? p.milestones : [];
		const next = nextMilestone(p);
		const items = ms.map((m) => {
			const label = [m.title, ' ', h('span', { class: 'muted small' }, t('outcomes.due', { date: dueText(m.due) }))];
			const isNext = next && next.id === m.id;
			let body;
			if (edit) {
				const id = newId('ms');
				const box = h('input', { id, type: 'checkbox', checked: !!m.done_at, 'data-focus-key': `l${m.id}:done` });
				box.addEventListener('change', () => this.send(error, 'milestone.set', { priority: p.id, id: m.id, title: m.title, due: m.due, done: box.checked }));
				body = [box, ' ', h('label', { for: id }, label), ' ',
					h('button', {
						type: 'button', class: 'btn btn-small btn-quiet', 'data-focus-key': `l${m.id}:delete`,
						onclick: () => this.send(error, 'milestone.delete', { milestone: m.id }),
					}, t('outcomes.delete'), h('span', { class: 'sr-only' }, `: ${m.title}`))];
			} else {
				body = [h('span', { class: 'milestone-mark', 'aria-hidden': 'true' }, m.done_at ? '\u2713 ' : '\u25cb '),
					h('span', { class: 'sr-only' }, m.done_at ? t('outcomes.done_sr') : t('outcomes.open_sr')), label];
			}
			return h('li', { class: ['milestone', m.done_at && 'is-done', isNext && 'is-next'], 'data-milestone': String(m.id) },
				body, isNext ? [' ', h('span', { class: 'badge next-badge' }, t('outcomes.next'))] : null);
		});
		let form = null;
		if (edit) {
			const ids = { title: newId('lt'), due: newId('ld') };
			const title = h('input', { id: ids.title, type: 'text', maxlength: 200, 'data-focus-key': `${p.id}:newms:title` });
			const due = h('input', { id: ids.due, type: 'date', 'data-focus-key': `${p.id}:newms:due` });
			form = h('form', {
				class: 'outcome-add-form',
				onsubmit: async (e) => {
					e.preventDefault();
					if (!title.value.trim()) { error.textContent = t('outcomes.name_needed'); title.focus(); return; }
					if (!/^\d{4}-\d{2}-\d{2}$/.test(due.value)) { error.textContent = t('outcomes.date_needed'); due.focus(); return; }
					if (await this.send(error, 'milestone.set', { priority: p.id, title: title.value, due: due.value })) {
						title.value = '';
						due.value = '';
					}
				},
			}, h('fieldset', null, h('legend', { class: 'small' }, t('outcomes.add_milestone')),
				h('span', { class: 'field-inline' }, h('label', { for: ids.title }, t('outcomes.milestone_title')), title),
				h('span', { class: 'field-inline' }, h('label', { for: ids.due }, t('outcomes.due_label')), due),
				h('button', { type: 'submit', class: 'btn btn-small' }, t('outcomes.add'))));
		}
		return h('div', { class: 'outcome-section' },
			h('h3', { class: 'small outcome-section-title' }, t('outcomes.milestones')),
			ms.length ? h('ul', { class: 'milestone-list' }, items) : h('p', { class: 'muted small' }, t('outcomes.no_milestones')),
			form);
	}

	updatesBlock(p, edit) {
		const open = this.open.has(p.id);
		const list = this.updates.get(p.id);
		const last = list && list.length ? list[0] : null;
		const toggle = h('button', {
			type: 'button', class: 'btn btn-small', 'aria-expanded': String(open), 'data-focus-key': `${p.id}:updates`,
			onclick: () => this.toggleUpdates(p.id),
		}, countText('outcomes.updates', Number(p.updates) || 0));
		const error = h('p', { class: 'form-error', role: 'alert' });
		let feed = null;
		if (open) {
			feed = h('div', { class: 'update-feed' },
				edit ? this.updateForm(p, error) : null, error,
				!list ? h('p', { class: 'muted small' }, t('common.loading'))
					: list.length ? h('ol', { class: 'update-list' }, list.map((u) => this.update(u)))
						: h('p', { class: 'muted small' }, t('outcomes.no_updates')));
		}
		return h('div', { class: 'outcome-section' },
			h('h3', { class: 'small outcome-section-title' }, t('outcomes.progress')),
			last && !open ? h('p', { class: 'small last-update' }, t('outcomes.last_update', { name: authorName(last.author) }), ' ', timeElement(last.created_at)) : null,
			toggle, feed);
	}

	updateForm(p, error) {
		const id = newId('upd');
		const area = h('textarea', { id, rows: 3, maxlength: 10000, 'data-focus-key': `${p.id}:update-body` });
		return h('form', {
			class: 'stack update-form',
			onsubmit: async (e) => {
				e.preventDefault();
				if (!area.value.trim()) { error.textContent = t('outcomes.update_empty'); area.focus(); return; }
				try {
					const r = await this.app.conn.request('priority.post_update', { priority: p.id, body: area.value });
					area.value = '';
					this.takeUpdate(r.update);
					this.app.announce(t('outcomes.update_posted'));
				} catch (err) {
					error.textContent = errorText(err);
				}
			},
		}, h('label', { for: id }, t('outcomes.new_update')), area,
		h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('outcomes.post_update'))));
	}

	update(u) {
		const error = h('p', { class: 'form-error', role: 'alert' });
		const id = newId('uc');
		const area = h('textarea', { id, rows: 2, maxlength: 5000, 'data-focus-key': `u${u.id}:comment` });
		const comments = Array.isArray(u.comments) ? u.comments : [];
		return h('li', { class: 'update', id: `update-${u.id}` },
			h('p', { class: 'update-meta small muted' },
				authorName(u.author), ' \u00b7 ', timeElement(u.created_at), ' \u00b7 ',
				h('span', { class: `badge outcome-status status-${u.status}` }, t(`outcomes.status.${u.status}`))),
			richBody(u, 3),
			comments.length ? h('ul', { class: 'update-comments' }, comments.map((c) => h('li', { class: 'update-comment', id: `update-comment-${c.id}` },
				h('p', { class: 'small muted' }, authorName(c.author), ' \u00b7 ', timeElement(c.created_at)), richBody(c, 4)))) : null,
			h('form', {
				class: 'update-comment-form',
				onsubmit: async (e) => {
					e.preventDefault();
					if (!area.value.trim()) { area.focus(); return; }
					try {
						const r = await this.app.conn.request('comment.create', { update: u.id, body: area.value });
						area.value = '';
						this.takeComment(r.comment);
					} catch (err) {
						error.textContent = errorText(err);
					}
				},
			}, h('label', { for: id, class: 'sr-only' }, t('outcomes.comment_label')), area,
			h('button', { type: 'submit', class: 'btn btn-small' }, t('outcomes.comment'))),
			error);
	}

	async toggleUpdates(id) {
		if (this.open.has(id)) {
			this.open.delete(id);
			this.render();
			return;
		}
		this.open.add(id);
		this.render();
		await this.loadUpdates(id);
	}

	async loadUpdates(id) {
		try {
			const r = await this.app.conn.request('priority.updates', { priority: id });
			this.updates.set(id, r.updates || []);
		} catch {
			this.updates.set(id, []);
		}
		this.render();
	}

	takeUpdate(u) {
		if (!u) return;
		const list = this.updates.get(u.priority);
		if (list && !list.some((x) => x.id === u.id)) list.unshift({ ...u, comments: [] });
		this.render();
	}

	takeComment(c) {
		if (!c) return;
		for (const list of this.updates.values())
			for (const u of list)
				if (u.id === c.update) {
					u.comments = u.comments || [];
					if (!u.comments.some((x) => x.id === c.id)) {
						u.comments.push(c);
						u.comment_count = u.comments.length;
					}
				}
		this.render();
	}

	// Live: an update or a comment arrived; a measure changed (its chart,
	// when open, is read again).
	onEvent(msg) {
		if (msg.ev === 'priority.update_posted') this.takeUpdate(msg.update);
		else if (msg.ev === 'priority.update_commented') this.takeComment(msg.comment);
		else if (msg.ev === 'priority.updated' && msg.priority)
			for (const m of msg.priority.measures || []) if (this.charts.has(m.id)) this.loadHistory(m.id);
	}

	// Sends a change; the reply's priority is shown at once (the event
	// follows for everyone else). Whether it worked.
	async send(error, op, fields) {
		if (this.busy) return false;
		this.busy = true;
		error.textContent = '';
		try {
			const r = await this.app.conn.request(op, fields);
			if (r.priority) this.rv.takePriority(r.priority);
			return true;
		} catch (e) {
			error.textContent = errorText(e);
			return false;
		} finally {
			this.busy = false;
		}
	}

	loadAndFocus(focus) {
		this.render();
		const m = /^#priority-(\d+)$/.exec(location.hash);
		const target = m ? document.getElementById(`outcome-${m[1]}-title`) : null;
		if (target) target.focus();
		else if (focus) this.focus();
	}

	focus() {
		this.heading.focus();
	}
}
