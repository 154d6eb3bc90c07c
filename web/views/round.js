// A round: its description and phase, the posts (sortable, live), the room
// (chat and who is online), and one post opened in place of the list.
//
// The view subscribes to the round and keeps the snapshot current from the
// events; after a reconnect it subscribes again and takes the new snapshot,
// keeping what only this client knows (sort order, open forms, drafts).
import { t, formatNumber, currentLocale } from '../i18n/index.js';
import { h, newId, replaceChildren } from '../lib/dom.js';
import { authorElement, authorName, errorText, isStaffManager, timeElement } from '../lib/format.js';
import { excerpt } from '../lib/markdown.js';
import { phaseBadge, roundFacts, countText } from './common.js';
import { VoteControl, tallyOf } from './vote.js';
import { Composer } from './compose.js';
import { filesCount } from './files.js';
import { ChatPanel } from './chat.js';
import { revisionMark } from './revise.js';
import { PostDetail } from './post.js';
import { PrioritiesPane, sortedPriorities } from './priorities.js';
import { InsightsPane } from './insights.js';
import { NeedsPane, needsNote } from './needs.js';
import { OutcomesPane } from './outcomes.js';
import { MembersPanel } from './members.js';
import { RoundSearch } from './search.js';
import { hiddenBadge, isModerator } from './moderation.js';
import { exportUrl } from '../lib/conn.js';
import { confirmDialog } from '../lib/confirm.js';

// Posts come a page at a time (round.subscribe's posts_limit, then
// posts.list with the cursor), so that a round of thousands opens at once.
const PAGE_SIZE = 50;

const EXPORTS = [['csv', 'export.csv'], ['json', 'export.json'], ['md', 'export.md'], ['xlsx', 'export.xlsx']];
const PANES = { priorities: PrioritiesPane, insights: InsightsPane, needs: NeedsPane, outcomes: OutcomesPane };

// Which phase moves a manager is offered, in order; each asks first.
const PHASE_MOVES = {
	draft: [['open', 'phase.move.open']],
	open: [['voting', 'phase.move.voting'], ['closed', 'phase.move.close']],
	voting: [['closed', 'phase.move.close'], ['open', 'phase.move.back_to_open']],
	closed: [['voting', 'phase.move.reopen_voting'], ['open', 'phase.move.reopen']],
};

export function roundIdOf(msg) {
	const r = msg.round;
	if (r && typeof r === 'object') return Number(r.id);
	return Number(r);
}

export class RoundView {
	constructor(app, route) {
		this.app = app;
		this.roundId = route.round;
		this.round = null;
		this.posts = new Map();
		this.priorities = new Map();
		this.needs = new Map();
		this.cards = new Map();
		this.sort = 'score';
		this.kind = 'all';
		this.loaded = false;
		this.queued = [];
		this.composer = null;
		this.detail = null;
		this.detailId = route.post || null;
		this.paneName = route.post ? null : route.pane || null;
		this.pane = null;
		this.listScroll = 0;
		this.users = new Map(); // everyone this view has met: for owners and members
		// Which posts the list shows: the pages loaded in the current order
		// and kind, and those that arrived since and belong among them.
		this.listing = null;
		// Dots spent on posts this view holds no my_vote for (dots rounds).
		this.dotsElsewhere = 0;
		this.myVoteKnown = new Set();
		this.chat = new ChatPanel(this);
	}

	title() {
		if (this.detail && this.detail.post) return `${this.detail.post.title} \u2013 ${this.round ? this.round.title : ''}`;
		if (this.pane) return `${this.pane.title()} \u2013 ${this.round ? this.round.title : ''}`;
		return this.round ? this.round.title : t('round.loading');
	}

	// What the round's phase lets the signed-in person do (docs/PROTOCOL.md):
	// posts and comments need `open`; votes `open` or `voting`; chat any
	// phase but `closed`. In a closed round admins may still write.
	allows(action) {
		const phase = this.round && this.round.phase;
		if (!phase) return true;
		if (phase === 'closed') return !!this.app.user && this.app.user.role === 'admin';
		if (action === 'vote') return phase === 'open' || phase === 'voting';
		if (action === 'chat') return true;
		return phase === 'open';
	}

	get moderator() {
		return isModerator(this.app.user);
	}

	mount(main) {
		this.heading = h('h1', { tabindex: '-1', class: 'round-title', id: 'round-h' }, t('round.loading'));
		this.headerSlot = h('div', { class: 'round-head' });
		this.phaseSlot = h('div', { class: 'phase-controls' });
		this.phaseError = h('p', { class: 'form-error', role: 'alert' });
		this.toolsSlot = h('div', { class: 'lead-tools' });
		this.prioritySlot = h('div');
		this.membersSlot = h('div');
		this.search = new RoundSearch(this);
		this.toolbar = this.buildToolbar();
		this.phaseNote = h('p', { class: 'notice phase-note', hidden: true });
		this.sortHint = h('p', { class: 'sort-hint muted small', id: 'sort-hint' });
		this.composeSlot = h('div', { class: 'compose-slot' });
		this.listStatus = h('p', { class: 'muted', role: 'status' });
		this.list = h('ol', { class: 'post-list', 'aria-labelledby': 'posts-h' });
		this.moreButton = h('button', { type: 'button', class: 'btn show-more', hidden: true, onclick: () => this.loadMore() },
			t('posts.show_more'));
		this.moreStatus = h('p', { class: 'muted small more-status', role: 'status' });
		this.listPane = h('div', { class: 'list-pane' },
			h('section', { class: 'card round-intro', 'aria-labelledby': 'round-h' }, this.heading, this.headerSlot,
				this.phaseSlot, this.toolsSlot, this.phaseError),
			this.membersSlot,
			this.prioritySlot,
			h('section', { class: 'posts', 'aria-labelledby': 'posts-h' },
				h('h2', { id: 'posts-h', class: 'sr-only' }, t('posts.heading')),
				this.search.el,
				this.toolbar, this.sortHint, this.phaseNote, this.composeSlot, this.listStatus, this.list,
				h('div', { class: 'list-more' }, this.moreButton, this.moreStatus)));
		this.detailPane = h('div', { class: 'detail-pane', hidden: true });
		this.panePane = h('div', { class: 'other-pane', hidden: true });
		this.errorPane = h('div', { hidden: true });
		this.mainCol = h('div', { class: 'round-main' }, this.errorPane, this.listPane, this.detailPane, this.panePane);
		this.layout = h('div', { class: 'round-layout' }, this.mainCol, this.chat.el);
		main.append(this.layout);
		this.renderSkipLinks();
		// A link straight to a post: show its (loading) view, not the list.
		if (this.detailId) this.openDetail(this.detailId, { focus: false });
		else if (this.paneName) this.openPane(this.paneName, { focus: false });
		this.firstLoad = true;
		this.subscribe();
	}

	// Keyboard: straight to the chat or the post list, right after "Skip to
	// content" (index.html's #skip-more).
	renderSkipLinks() {
		const slot = document.getElementById('skip-more');
		if (!slot) return;
		const link = (key, go) => h('a', {
			class: 'skip-link', href: '#',
			onclick: (e) => { e.preventDefault(); go(); },
		}, t(key));
		replaceChildren(slot,
			link('nav.skip_chat', () => this.chat.focusInput()),
			link('nav.skip_posts', () => this.focusList()));
	}

	// The first post in the list, or the list's tools when it is empty.
	focusList() {
		if (this.detail || this.pane) this.app.navigate(`/round/${this.roundId}`);
		const first = this.list.querySelector('.post-title a') || this.toolbar.querySelector('button');
		if (first) {
			first.scrollIntoView({ block: 'center' });
			first.focus({ preventScroll: true });
		}
	}

	// --- loading --------------------------------------------------------

	async subscribe() {
		this.loaded = false;
		this.queued = [];
		let r;
		try {
			r = await this.app.conn.request('round.subscribe', {
				round: this.roundId, posts_limit: PAGE_SIZE, posts_order: this.orderName(),
				posts_kind: this.kind === 'all' ? undefined : this.kind,
			});
		} catch (e) {
			if (e.code === 'offline' || e.code === 'disconnected') return; // retried on reconnect
			this.showFatal(e);
			return;
		}
		if (this.gone) return;
		this.applySnapshot(r);
		this.loaded = true;
		const queued = this.queued;
		this.queued = [];
		for (const ev of queued) this.onEvent(ev);
		this.chat.load();
		if (this.members) this.members.load();
		if (this.detailId) this.openDetail(this.detailId, { focus: this.firstLoad, reload: true });
		else if (this.pane) this.pane.loadAndFocus(this.firstLoad);
		this.firstLoad = false;
	}

	showFatal(e, text = null) {
		this.listPane.hidden = true;
		this.detailPane.hidden = true;
		this.panePane.hidden = true;
		this.chat.el.hidden = true;
		this.errorPane.hidden = false;
		this.app.setTitle(t('round.unavailable'));
		const head = h('h1', { tabindex: '-1' }, t('round.unavailable'));
		replaceChildren(this.errorPane, h('div', { class: 'card empty' }, head,
			h('p', { role: 'alert' }, text || (e.code === 'not_found' ? t('round.not_found') : errorText(e))),
			h('p', null, h('a', { href: '/' }, t('nav.back_to_rounds')))));
		head.focus();
	}

	// The server ended this customer's access (access.revoked); it closes the
	// connection next. Say so now, and go to the round list once reconnected.
	onAccessRevoked() {
		this.revoked = true;
		this.loaded = false;
		this.showFatal({ code: 'not_found' }, t('round.access_revoked'));
		this.app.announce(t('round.access_revoked'));
	}

	applySnapshot(r) {
		this.round = r.round;
		const posts = new Map();
		for (const p of r.posts || []) posts.set(p.id, p);
		// A post opened in detail and loaded before the snapshot stays.
		this.posts = posts;
		this.myVoteKnown = new Set();
		this.dotsElsewhere = r.dots_spent !== undefined ? Number(r.dots_spent) || 0
			: [...posts.values()].reduce((sum, p) => sum + (Number(p.my_vote) || 0), 0);
		for (const p of posts.values()) this.noteMyVote(p);
		this.listing = this.newListing(r.posts || [], r.next);
		for (const p of posts.values()) this.noteUser(p.author);
		this.priorities = new Map();
		for (const p of r.priorities || []) {
			this.priorities.set(p.id, p);
			this.noteUser(p.owner);
		}
		this.needs = new Map();
		for (const n of r.needs || []) this.needs.set(n.id, n);
		this.chat.setOnline(r.online, r.online_count);
		this.renderRound();
		this.renderPriorities();
		this.renderList();
		if (!this.detail) this.app.setTitle(this.title());
		this.fetchLinked();
	}

	// --- pages of posts ---------------------------------------------------------

	orderName() {
		return this.sort === 'new' ? 'new' : 'top';
	}

	// A listing from the first page of an order and kind (posts in the
	// server's order, next its cursor or null when that was all).
	newListing(posts, next) {
		const last = posts.length ? posts[posts.length - 1] : null;
		return {
			sort: this.sort, kind: this.kind, next: next || null,
			listed: new Set(posts.map((p) => p.id)),
			boundary: next && last ? this.keyOf(last) : null,
		};
	}

	// Where a post sits in the order, as the server places it.
	keyOf(p) {
		return { g: this.groupOf(p), s: this.sort === 'new' ? 0 : this.scoreOf(p), id: p.id };
	}

	cmpKeys(a, b) {
		return a.g - b.g || b.s - a.s || b.id - a.id;
	}

	// Plans (the few documents the round is about) come first, then ideas;
	// merged posts sink to the end, hidden ones (moderators see them) after.
	groupOf(p) {
		return p.status === 'hidden' ? 3 : p.status === 'merged' ? 2 : p.kind === 'plan' ? 0 : 1;
	}

	// A post the list has not shown yet joins it when it belongs among the
	// pages loaded (or all are loaded); one further down comes with its page.
	considerListing(p, force = false) {
		const l = this.listing;
		if (!l || l.listed.has(p.id)) return;
		if (force || !l.next || !l.boundary || this.cmpKeys(this.keyOf(p), l.boundary) <= 0) l.listed.add(p.id);
	}

	isListed(p) {
		return !this.listing || this.listing.listed.has(p.id);
	}

	// The caller's vote on a post, once known from the server: dots on it
	// are no longer counted among those spent elsewhere.
	noteMyVote(p) {
		if (!p || p.my_vote === undefined || this.myVoteKnown.has(p.id)) return;
		this.myVoteKnown.add(p.id);
		this.dotsElsewhere -= Number(p.my_vote) || 0;
	}

	// Posts the priorities name but no page has brought: their titles.
	fetchLinked() {
		const want = new Set();
		for (const pr of this.priorities.values())
			for (const id of Array.isArray(pr.posts) ? pr.posts : []) if (!this.posts.has(id)) want.add(id);
		for (const id of [...want].slice(0, PAGE_SIZE)) this.refreshPost(id);
	}

	async loadMore() {
		const l = this.listing;
		if (!l || !l.next || this.loadingMore) return;
		// The button stays enabled (disabling it would drop the keyboard
		// focus); a second press meanwhile is ignored.
		this.loadingMore = true;
		this.moreButton.setAttribute('aria-busy', 'true');
		this.moreStatus.textContent = t('common.loading');
		let r;
		try {
			r = await this.app.conn.request('posts.list', {
				round: this.roundId, order: this.orderName(), kind: this.kind === 'all' ? undefined : this.kind,
				cursor: l.next, limit: PAGE_SIZE,
			});
		} catch (e) {
			this.moreStatus.textContent = errorText(e);
			return;
		} finally {
			this.loadingMore = false;
			this.moreButton.removeAttribute('aria-busy');
		}
		if (this.gone || this.listing !== l) return;
		const posts = Array.isArray(r.posts) ? r.posts : [];
		const added = this.takePage(posts);
		l.next = r.next || null;
		l.boundary = l.next && posts.length ? this.keyOf(posts[posts.length - 1]) : null;
		this.renderList();
		this.moreStatus.textContent = t('posts.loaded_more', { count: added.length, n: formatNumber(added.length) });
		// Keyboard: on to the first post that came.
		const first = added.map((id) => this.cards.get(id)).find(Boolean);
		const link = first && first.li.querySelector('.post-title a');
		if (link) link.focus();
	}

	// Posts of a page: kept, listed; returns the ids that were not listed.
	takePage(posts) {
		const added = [];
		for (const p of posts) {
			if (Number(p.round) !== this.roundId) continue;
			this.noteMyVote(p);
			const old = this.posts.get(p.id);
			this.posts.set(p.id, { ...old, ...p });
			this.noteUser(p.author);
			if (!this.listing.listed.has(p.id)) added.push(p.id);
			this.listing.listed.add(p.id);
		}
		return added;
	}

	// The order or the kind changed: the first page of the new one, unless
	// every post it needs is here already.
	async changeListing() {
		const l = this.listing;
		this.renderSortHint();
		if (!l || (!l.next && (l.kind === 'all' || l.kind === this.kind))) {
			if (l) this.listing = { ...l, sort: this.sort, kind: l.kind === 'all' ? 'all' : this.kind };
			this.renderList();
			return;
		}
		const want = { sort: this.sort, kind: this.kind };
		this.pendingListing = want;
		let r;
		try {
			r = await this.app.conn.request('posts.list', {
				round: this.roundId, order: this.orderName(), kind: this.kind === 'all' ? undefined : this.kind,
				limit: PAGE_SIZE,
			});
		} catch (e) {
			this.moreStatus.textContent = errorText(e);
			return;
		}
		if (this.gone || this.pendingListing !== want) return;
		this.pendingListing = null;
		const posts = Array.isArray(r.posts) ? r.posts : [];
		this.listing = this.newListing(posts, r.next);
		this.takePage(posts);
		this.renderList();
	}

	// --- people this view knows (owners to pick, customers to add back) -------

	noteUser(u) {
		if (u && typeof u === 'object' && u.id) this.users.set(u.id, u);
	}

	knownUsers() {
		if (this.app.user) this.noteUser(this.app.user);
		return [...this.users.values()];
	}

	// --- rendering: the round -----------------------------------------------

	renderRound() {
		const round = this.round;
		if (!round) return;
		this.heading.textContent = round.title;
		const desc = round.description
			? h('div', { class: 'round-desc' }, round.description.split(/\n{2,}/).map((para) => h('p', null, para)))
			: null;
		replaceChildren(this.headerSlot,
			h('div', { class: 'round-badges' }, phaseBadge(round.phase), roundFacts(round)),
			h('p', { class: 'phase-help' }, t(`phase.help.${round.phase}`)),
			desc);
		this.renderPhaseControls();
		this.renderTools();
		this.renderMembers();
		this.renderBudget();
		if (this.composer) this.composer.updatePhase();
		this.renderPhaseLimits();
		if (this.detail && this.detail.post) this.detail.update(this.detail.post);
	}

	// Offer only what the phase allows, and say why the rest is missing.
	renderPhaseLimits() {
		const post = this.allows('post');
		if (this.ideaButton) this.ideaButton.hidden = !post;
		if (this.planButton) this.planButton.hidden = !post || !isStaffManager(this.app.user);
		const phase = this.round.phase;
		const note = post ? '' : !this.allows('vote') ? t('phase.note.read_only')
			: phase === 'voting' ? t('phase.note.voting') : t('phase.note.draft');
		this.phaseNote.hidden = !note;
		this.phaseNote.textContent = note;
		this.chat.setWritable(this.allows('chat'));
	}

	renderPhaseControls() {
		const user = this.app.user;
		if (!isStaffManager(user) || !this.round) {
			replaceChildren(this.phaseSlot);
			return;
		}
		const moves = PHASE_MOVES[this.round.phase] || [];
		const buttons = moves.map(([phase, key], i) => h('button', {
			type: 'button', class: i === 0 ? 'btn btn-primary' : 'btn',
			onclick: (e) => this.movePhase(phase, e.currentTarget, t(key)),
		}, t(key)));
		replaceChildren(this.phaseSlot, buttons.length
			? h('div', { class: 'phase-actions', role: 'group', 'aria-label': t('phase.controls') },
				h('span', { class: 'phase-actions-label' }, t('phase.controls')), buttons)
			: null);
	}

	// Leadership's tools (managers, admins): the priorities board, where the
	// groups disagree, and the exports.
	renderTools() {
		if (!isStaffManager(this.app.user) || !this.round) {
			replaceChildren(this.toolsSlot);
			return;
		}
		const base = `/round/${this.roundId}`;
		replaceChildren(this.toolsSlot,
			h('div', { class: 'phase-actions tool-group', role: 'group', 'aria-label': t('lead.tools') },
				h('span', { class: 'phase-actions-label' }, t('lead.tools')),
				h('a', { class: 'btn btn-small', href: `${base}/priorities` }, t('lead.priorities')),
				h('a', { class: 'btn btn-small', href: `${base}/insights` }, t('lead.insights')),
				h('a', { class: 'btn btn-small', href: `${base}/needs` }, t('lead.needs')),
				h('a', { class: 'btn btn-small', href: `${base}/outcomes` }, t('lead.outcomes'))),
			h('div', { class: 'phase-actions tool-group export-group', role: 'group', 'aria-label': t('export.label') },
				h('span', { class: 'phase-actions-label' }, t('export.label')),
				EXPORTS.map(([format, key]) => h('a', {
					class: 'btn btn-small', href: exportUrl(this.roundId, format, currentLocale()), download: true,
				}, t(key)))));
	}

	// Customers with access, for managers of an invited round.
	renderMembers() {
		const want = isStaffManager(this.app.user) && this.round && this.round.audience === 'invited';
		if (!want) {
			if (this.members) replaceChildren(this.membersSlot);
			this.members = null;
			return;
		}
		if (this.members) return;
		this.members = new MembersPanel(this);
		replaceChildren(this.membersSlot, this.members.el);
		if (this.loaded) this.members.load();
	}

	async movePhase(phase, button, label) {
		this.phaseError.textContent = '';
		const ok = await confirmDialog({
			title: t('phase.confirm_title', { phase: t(`phase.${phase}`) }),
			text: t(`phase.help.${phase}`),
			confirm: label,
			danger: phase === 'closed',
		});
		if (!ok || this.gone) return;
		button.disabled = true;
		try {
			const r = await this.app.conn.request('round.update', { round: this.roundId, phase });
			this.onRoundUpdated(r.round);
			const first = this.phaseSlot.querySelector('button');
			if (first) first.focus();
		} catch (e) {
			button.disabled = false;
			this.phaseError.textContent = errorText(e);
		}
	}

	onRoundUpdated(round) {
		if (!round || Number(round.id) !== this.roundId) return;
		const before = this.round ? this.round.phase : null;
		const modeChanged = this.round && this.round.vote_mode !== round.vote_mode;
		this.round = { ...this.round, ...round };
		this.renderRound();
		if (modeChanged) this.renderList();
		else for (const c of this.cards.values()) c.vote.update(this.posts.get(c.id));
		if (before && before !== round.phase)
			this.app.announce(t('round.phase_changed', { phase: t(`phase.${round.phase}`) }));
		if (!this.detail) this.app.setTitle(this.title());
	}

	// Priorities, compact: folded while the round is collecting ideas, open
	// once it is voting or closed; each with the ideas that feed it. The board
	// (/round/N/priorities) is where managers work on them.
	renderPriorities() {
		if (this.pane && this.pane.render && this.paneName === 'priorities') this.pane.render();
		const list = sortedPriorities(this.priorities);
		if (list.length === 0) {
			this.prioritiesOpen = null;
			replaceChildren(this.prioritySlot);
			return;
		}
		const phase = this.round ? this.round.phase : 'open';
		const open = this.prioritiesOpen ?? (phase === 'voting' || phase === 'closed');
		const details = h('details', { class: 'card priorities', open },
			h('summary', null, h('span', { class: 'priorities-title' }, t('priorities.heading')), ' ',
				h('span', { class: 'count-pill count-pill-quiet' }, formatNumber(list.length))),
			h('ol', { class: 'priority-list' }, list.map((p) => h('li', { class: 'priority' },
				h('p', { class: 'priority-title' }, p.title),
				h('p', { class: 'priority-meta muted small' },
					p.owner ? t('priorities.owner', { name: authorName(p.owner) }) : t('priorities.no_owner'),
					Array.isArray(p.posts) && p.posts.length
						? [h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'), countText('priorities.linked', p.posts.length)] : null),
				p.description ? h('p', { class: 'priority-desc' }, p.description) : null,
				Array.isArray(p.posts) && p.posts.length
					? h('ul', { class: 'priority-feeds-list small' }, p.posts.map((id) => {
						const post = this.posts.get(id);
						return post ? h('li', null, h('a', { href: `/round/${this.roundId}/post/${id}` }, post.title)) : null;
					})) : null))),
			h('p', { class: 'priorities-more small' }, h('a', { href: `/round/${this.roundId}/priorities` }, t('priorities.open_board')),
				h('span', { class: 'sep', 'aria-hidden': 'true' }, ' · '),
				h('a', { href: `/round/${this.roundId}/outcomes` }, t('outcomes.open_board'))));
		details.addEventListener('toggle', () => { this.prioritiesOpen = details.open; });
		replaceChildren(this.prioritySlot, details);
	}

	// --- rendering: the toolbar and the list --------------------------------

	buildToolbar() {
		const seg = (label, options, current, onPick) => {
			const group = h('div', { class: 'segmented', role: 'group', 'aria-label': label });
			for (const [value, key] of options) {
				group.append(h('button', {
					type: 'button', 'aria-pressed': String(value === current), 'data-value': value,
					onclick: () => {
						for (const b of group.querySelectorAll('button'))
							b.setAttribute('aria-pressed', String(b.dataset.value === value));
						onPick(value);
					},
				}, t(key)));
			}
			return group;
		};
		this.budget = h('p', { class: 'budget', 'aria-live': 'polite', hidden: true });
		this.ideaButton = h('button', {
			type: 'button', class: 'btn btn-primary', 'aria-expanded': 'false',
			onclick: () => this.openComposer('idea'),
		}, t('posts.new_idea'));
		this.planButton = h('button', {
			type: 'button', class: 'btn', 'aria-expanded': 'false', hidden: !isStaffManager(this.app.user),
			onclick: () => this.openComposer('plan'),
		}, t('posts.new_plan'));
		return h('div', { class: 'toolbar' },
			h('div', { class: 'toolbar-filters' },
				seg(t('posts.sort_label'), [['score', 'posts.sort_score'], ['new', 'posts.sort_new']], this.sort,
					(v) => { this.sort = v; this.changeListing(); }),
				seg(t('posts.kind_label'), [['all', 'posts.kind_all'], ['plan', 'posts.kind_plan'], ['idea', 'posts.kind_idea']], this.kind,
					(v) => { this.kind = v; this.changeListing(); })),
			this.budget,
			h('div', { class: 'toolbar-actions' }, this.ideaButton, this.planButton,
				h('button', {
					type: 'button', class: 'btn jump-to-chat',
					onclick: () => this.chat.focusInput(),
				}, t('chat.jump'))));
	}

	dotsLeft() {
		if (!this.round || this.round.vote_mode !== 'dots') return Infinity;
		let spent = this.dotsElsewhere;
		for (const p of this.posts.values()) spent += Number(p.my_vote) || 0;
		return (Number(this.round.dots_per_member) || 0) - spent;
	}

	renderBudget() {
		if (!this.budget) return;
		const dots = this.round && this.round.vote_mode === 'dots';
		this.budget.hidden = !dots;
		if (dots) {
			const left = Math.max(0, this.dotsLeft());
			this.budget.textContent = t('vote.budget', { count: left, left: formatNumber(left), total: formatNumber(this.round.dots_per_member) });
			this.budget.classList.toggle('is-empty', left <= 0);
		}
	}

	visiblePosts() {
		const list = [...this.posts.values()].filter((p) => this.shows(p) && this.isListed(p));
		list.sort((a, b) => this.cmpKeys(this.keyOf(a), this.keyOf(b)));
		return list;
	}

	// Whether a post belongs in the list: hidden posts only for moderators,
	// and the kind filter.
	shows(p) {
		return (p.status !== 'hidden' || this.moderator) && (this.kind === 'all' || p.kind === this.kind);
	}

	scoreOf(p) {
		const tally = tallyOf(p);
		return Number(tally.score) || 0;
	}

	// What the order is by, in words.
	renderSortHint() {
		if (!this.sortHint) return;
		const dots = this.round && this.round.vote_mode === 'dots';
		this.sortHint.textContent = this.sort === 'new' ? t('posts.sort_help_new')
			: dots ? t('posts.sort_help_dots') : t('posts.sort_help_score');
	}

	renderList() {
		this.renderSortHint();
		this.cards = new Map();
		const posts = this.visiblePosts();
		replaceChildren(this.list, posts.map((p) => this.card(p).li));
		this.renderListStatus();
		this.renderBudget();
	}

	renderListStatus() {
		const n = this.list.children.length;
		this.moreButton.hidden = !(this.listing && this.listing.next);
		if (this.moreButton.hidden) this.moreStatus.textContent = '';
		if (n > 0) {
			this.listStatus.textContent = '';
			this.listStatus.hidden = true;
			return;
		}
		this.listStatus.hidden = false;
		this.listStatus.textContent = this.posts.size === 0 ? t('posts.empty') : t('posts.empty_filter');
	}

	card(post) {
		const vote = new VoteControl(this, post, 'stack', `post-title-${post.id}`);
		const li = h('li', { class: 'post-card', 'data-id': String(post.id) });
		const c = { id: post.id, li, vote, error: h('p', { class: 'form-error post-error', role: 'alert' }) };
		this.fillCard(c, post);
		this.cards.set(post.id, c);
		return c;
	}

	fillCard(c, post) {
		c.li.className = ['post-card', `kind-${post.kind}`, post.status !== 'open' && `status-${post.status}`].filter(Boolean).join(' ');
		c.comments = h('span', { class: 'post-comments' }, countText('post.comments', Number(post.comment_count) || 0));
		replaceChildren(c.li,
			c.vote.el,
			h('div', { class: 'post-main' },
				h('p', { class: 'kicker' },
					h('span', { class: `badge kind kind-${post.kind}` }, t(`kind.${post.kind}`)),
					post.status && post.status !== 'open'
						? h('span', { class: `badge status status-${post.status}` }, t(`status.${post.status}`)) : null),
				h('h3', { class: 'post-title', id: `post-title-${post.id}` }, h('a', { href: `/round/${this.roundId}/post/${post.id}` }, post.title)),
				this.mergedNote(post),
				post.body ? h('p', { class: 'post-excerpt' }, excerpt(post.body)) : null,
				this.feedsNote(post),
				this.needsNote(post),
				h('p', { class: 'post-meta' }, authorElement(post.author),
					h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'), timeElement(post.created_at),
					h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'), c.comments,
					revisionMark(post) ? [h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'), revisionMark(post)] : null,
					filesCount(post) ? h('span', { class: 'sep', 'aria-hidden': 'true' }, '·') : null, filesCount(post)),
				c.error));
	}

	// "Merged into <title>", linking to where the discussion went on.
	mergedNote(post) {
		if (!post.merged_into) return null;
		const target = this.posts.get(Number(post.merged_into));
		return h('p', { class: 'merged-note small' }, t('merge.merged_into'), ' ',
			h('a', { href: `/round/${this.roundId}/post/${post.merged_into}` }, target ? target.title : t('merge.another_post')));
	}

	// "Feeds priority: <title>", for a post linked to a priority.
	feedsNote(post) {
		const pr = post.priority ? this.priorities.get(Number(post.priority)) : null;
		if (!pr) return null;
		return h('p', { class: 'feeds-note small' }, h('span', { class: 'feeds-label' }, t('priorities.feeds')), ' ',
			h('a', { href: `/round/${this.roundId}/priorities` }, pr.title));
	}

	// "Serves the needs: <title>, …" (needs.js).
	needsNote(post) {
		return needsNote(this, post);
	}

	// Where a post belongs in the current order, for inserting one.
	insertCard(post) {
		if (!this.shows(post) || !this.isListed(post)) return;
		const order = this.visiblePosts();
		const idx = order.findIndex((p) => p.id === post.id);
		const c = this.card(post);
		let before = null;
		for (let i = idx + 1; i < order.length && !before; i++) {
			const next = this.cards.get(order[i].id);
			if (next && next.li.parentNode === this.list) before = next.li;
		}
		this.list.insertBefore(c.li, before);
		c.li.classList.add('is-new');
		this.renderListStatus();
	}

	// Take in a post from a reply or an event. Events carry no my_vote: keep ours.
	mergePost(post, { withMyVote = false, list = false } = {}) {
		if (!post || Number(post.round) !== this.roundId) return null;
		const old = this.posts.get(post.id);
		if (withMyVote) this.noteMyVote(post);
		const merged = { ...old, ...post };
		if (!withMyVote || post.my_vote === undefined) merged.my_vote = old ? old.my_vote : 0;
		this.posts.set(post.id, merged);
		this.noteUser(merged.author);
		this.considerListing(merged, list);
		if (!old) {
			this.insertCard(merged);
		} else {
			const c = this.cards.get(post.id);
			if (c) {
				if (!this.shows(merged)) {
					c.li.remove();
					this.cards.delete(post.id);
					this.renderListStatus();
				} else {
					c.vote.update(merged);
					this.fillCard(c, merged);
				}
			} else {
				this.insertCard(merged);
			}
		}
		if (this.detail && this.detail.postId === post.id) this.detail.update(merged);
		this.renderBudget();
		return merged;
	}

	setTally(postId, tally, myVote) {
		const post = this.posts.get(postId);
		if (!post) return;
		if (tally) post.tally = tally;
		if (myVote !== undefined) post.my_vote = myVote;
		const c = this.cards.get(postId);
		if (c) c.vote.update(post);
		if (this.detail && this.detail.postId === postId) this.detail.updateTally(post);
		if (myVote !== undefined && this.round && this.round.vote_mode === 'dots') {
			this.renderBudget();
			for (const other of this.cards.values()) if (other.id !== postId) other.vote.update(this.posts.get(other.id));
		}
	}

	// --- writing -----------------------------------------------------------

	openComposer(kind) {
		const button = kind === 'plan' ? this.planButton : this.ideaButton;
		if (this.composer && this.composer.kind === kind) {
			this.composer.focus();
			return;
		}
		if (this.composer) {
			this.composer.setKind(kind);
		} else {
			this.composer = new Composer(this, kind, { onDone: (ok, post) => this.closeComposer(ok, post) });
			replaceChildren(this.composeSlot, this.composer.el);
		}
		this.ideaButton.setAttribute('aria-expanded', String(kind === 'idea'));
		this.planButton.setAttribute('aria-expanded', String(kind === 'plan'));
		button.setAttribute('aria-expanded', 'true');
		this.composer.focus();
	}

	closeComposer(ok, post) {
		const kind = this.composer ? this.composer.kind : 'idea';
		if (this.composer) this.composer.destroy();
		this.composer = null;
		replaceChildren(this.composeSlot);
		this.ideaButton.setAttribute('aria-expanded', 'false');
		this.planButton.setAttribute('aria-expanded', 'false');
		if (ok && post) {
			this.app.announce(t(kind === 'plan' ? 'posts.plan_posted' : 'posts.idea_posted'));
			const c = this.cards.get(post.id);
			const link = c && c.li.querySelector('.post-title a');
			if (link) {
				link.focus();
				return;
			}
		}
		(kind === 'plan' ? this.planButton : this.ideaButton).focus();
	}

	async createPost(kind, title, body) {
		const r = await this.app.conn.request('post.create', { round: this.roundId, kind, title, body });
		return this.mergePost(r.post, { withMyVote: true, list: true });
	}

	async castVote(postId, fields) {
		const c = this.cards.get(postId);
		if (c) c.error.textContent = '';
		if (this.detail) this.detail.showVoteError('');
		try {
			const r = await this.app.conn.request('vote.cast', { post: postId, ...fields });
			let my = r.my_vote;
			if (my === undefined) my = fields.dots !== undefined ? fields.dots : fields.value;
			this.setTally(postId, r.tally, my);
		} catch (e) {
			const text = errorText(e);
			if (c) c.error.textContent = text;
			if (this.detail && this.detail.postId === postId) this.detail.showVoteError(text);
		}
	}

	// --- the post view -----------------------------------------------------

	async openDetail(postId, { focus = true, reload = false } = {}) {
		if (this.detail && this.detail.postId === postId && !reload) return;
		if (this.pane) this.closePane();
		else if (!this.detail) this.listScroll = window.scrollY;
		const keep = this.detail && this.detail.postId === postId ? this.detail : null;
		const detail = keep || new PostDetail(this, postId);
		this.detail = detail;
		this.detailId = postId;
		if (!keep) replaceChildren(this.detailPane, detail.el);
		this.listPane.hidden = true;
		this.detailPane.hidden = false;
		if (!keep) window.scrollTo(0, 0);
		this.renderRound();
		if (!this.loaded) return;
		const ok = await detail.load();
		if (this.detail !== detail) return;
		this.app.setTitle(this.title());
		if (focus && ok) detail.focus();
		else if (focus) detail.heading.focus();
	}

	// --- the other panes: priorities board, where the groups disagree -----------

	openPane(name, { focus = true } = {}) {
		const Pane = PANES[name];
		if (!Pane) return;
		if (this.pane && this.paneName === name) return;
		if (this.detail) {
			this.detail = null;
			this.detailId = null;
			replaceChildren(this.detailPane);
			this.detailPane.hidden = true;
		} else if (!this.pane) {
			this.listScroll = window.scrollY;
		}
		if (this.pane) this.closePane();
		this.paneName = name;
		this.pane = new Pane(this);
		replaceChildren(this.panePane, this.pane.el);
		this.listPane.hidden = true;
		this.panePane.hidden = false;
		window.scrollTo(0, 0);
		this.app.setTitle(this.title());
		if (this.loaded) this.pane.loadAndFocus(focus);
	}

	closePane() {
		if (!this.pane) return;
		if (this.pane.destroy) this.pane.destroy();
		this.pane = null;
		this.paneName = null;
		replaceChildren(this.panePane);
		this.panePane.hidden = true;
	}

	closeDetail() {
		if (!this.detail && !this.pane) return;
		const id = this.detail ? this.detail.postId : null;
		this.closePane();
		this.detail = null;
		this.detailId = null;
		replaceChildren(this.detailPane);
		this.detailPane.hidden = true;
		this.listPane.hidden = false;
		this.renderRound();
		this.app.setTitle(this.title());
		window.scrollTo(0, this.listScroll);
		const c = this.cards.get(id);
		const link = c && c.li.querySelector('.post-title a');
		(link || this.heading).focus({ preventScroll: !!link });
	}

	// Called by the router for a path inside this round.
	update(route) {
		if (route.name !== 'round' || route.round !== this.roundId || this.revoked) return false;
		if (route.post) this.openDetail(route.post);
		else if (route.pane) this.openPane(route.pane);
		else this.closeDetail();
		return true;
	}

	focus() {
		if (this.detailId || this.pane) return; // those focus their heading once loaded
		this.heading.focus();
	}

	// --- live events ----------------------------------------------------------

	onEvent(msg) {
		if (roundIdOf(msg) !== this.roundId) return;
		if (!this.loaded) {
			this.queued.push(msg);
			return;
		}
		switch (msg.ev) {
		case 'post.created': {
			const known = this.posts.has(msg.post && msg.post.id);
			const p = this.mergePost(msg.post);
			if (p && !known && !(this.app.user && p.author && p.author.id === this.app.user.id))
				this.app.announce(t(p.kind === 'plan' ? 'posts.plan_arrived' : 'posts.idea_arrived',
					{ name: authorName(p.author), title: p.title }));
			break;
		}
		case 'post.updated':
			this.onPostUpdated(msg.post);
			break;
		case 'comment.created':
			if (!msg.comment) break;
			this.noteUser(msg.comment.author);
			this.noteComment(msg.comment);
			if (this.detail && this.detail.postId === msg.comment.post) this.detail.addComment(msg.comment);
			break;
		case 'vote.tally':
			this.setTally(Number(msg.post), msg.tally);
			if (this.pane && this.pane.poke) this.pane.poke();
			if (this.paneName === 'priorities') this.schedulePaneRender();
			break;
		case 'chat.message':
			this.chat.add(msg.chat);
			break;
		case 'presence':
			this.chat.setOnline(msg.online, msg.online_count);
			for (const u of msg.online || []) this.noteUser(u);
			break;
		case 'round.updated':
			this.onRoundUpdated(msg.round);
			break;
		case 'comment.updated':
			// Hidden or restored by a moderator: gone for others, marked for
			// moderators. (Comments of a merged post show on its target too.)
			if (msg.comment && this.detail && (this.detail.postId === msg.comment.post || this.detail.comments.has(msg.comment.id)))
				this.detail.replaceComment(msg.comment);
			break;
		case 'chat.updated':
			if (msg.chat) this.chat.replace(msg.chat);
			break;
		case 'access.revoked':
			this.onAccessRevoked();
			break;
		case 'user.updated':
			// A new role that may not see this round: the subscription has
			// ended already; back to the rounds one may see.
			if (Array.isArray(msg.unsubscribed) && msg.unsubscribed.map(Number).includes(this.roundId)) {
				this.revoked = true;
				this.app.flash = t('round.access_revoked');
				this.app.navigate('/', { replace: true });
			}
			break;
		case 'priority.updated':
			if (msg.priority) this.takePriority(msg.priority);
			if (this.pane && this.paneName === 'outcomes') this.pane.onEvent(msg);
			break;
		case 'priority.update_posted':
		case 'priority.update_commented':
			if (this.pane && this.paneName === 'outcomes') this.pane.onEvent(msg);
			break;
		case 'priority.deleted':
			if (this.priorities.delete(Number(msg.priority))) this.afterPriorities();
			break;
		case 'need.updated':
			if (msg.need) this.takeNeed(msg.need);
			break;
		case 'need.deleted':
			this.dropNeed(Number(msg.need));
			break;
		default:
			break;
		}
	}

	// A comment counts once towards its post's comment_count, whether it came
	// as our own reply or as an event; those already in a loaded thread were
	// counted by the server.
	noteComment(cm, { counted = false } = {}) {
		this.seenComments = this.seenComments || new Set();
		if (this.seenComments.has(cm.id)) return;
		this.seenComments.add(cm.id);
		if (counted) return;
		const post = this.posts.get(cm.post);
		if (!post) return;
		post.comment_count = (Number(post.comment_count) || 0) + 1;
		const c = this.cards.get(cm.post);
		if (c && c.comments) c.comments.textContent = countText('post.comments', post.comment_count);
	}

	// A post changed: hidden or restored, merged, linked to a priority.
	onPostUpdated(post) {
		if (!post) return;
		const before = this.posts.get(post.id);
		const p = this.mergePost(post);
		if (!p) return;
		if (p.status === 'merged' && p.merged_into && (!before || before.status !== 'merged')) {
			const into = Number(p.merged_into);
			// Our votes moved with the merge: fetch the target for my_vote.
			// A target no page has brought: fetch it for its title.
			if (Number(before && before.my_vote) || !this.posts.has(into)) {
				const known = this.posts.has(into);
				this.refreshPost(into).then(() => {
					if (!known && this.posts.has(into)) this.mergePost(this.posts.get(p.id));
				});
			}
			// The target's thread gained the merged post's comments.
			if (this.detail && this.detail.postId === into) this.detail.load();
		}
		if (this.pane && this.pane.render && (this.paneName === 'priorities' || this.paneName === 'needs')) this.pane.render();
		if (this.pane && this.pane.poke) this.pane.poke();
	}

	// Votes on linked ideas show on the priorities board: redraw it at most
	// once a frame.
	schedulePaneRender() {
		if (this.paneFrame) return;
		this.paneFrame = requestAnimationFrame(() => {
			this.paneFrame = null;
			if (this.pane && this.pane.render && this.paneName === 'priorities') this.pane.render();
		});
	}

	async refreshPost(id) {
		try {
			const r = await this.app.conn.request('post.get', { post: id });
			this.mergePost(r.post, { withMyVote: true });
		} catch {
			// The next snapshot will have it.
		}
	}

	// A priority from a reply or an event: keep it, and show it everywhere.
	takePriority(p) {
		if (!p || Number(p.round) !== this.roundId) return;
		// Following is personal: events leave it out; keep the one we have.
		const old = this.priorities.get(p.id);
		if (p.following === undefined && old) p = { ...p, following: old.following };
		this.priorities.set(p.id, p);
		this.noteUser(p.owner);
		this.afterPriorities();
	}

	afterPriorities() {
		this.renderPriorities();
		if (this.pane && this.paneName === 'outcomes') this.pane.render();
		// Cards show the priority they feed; titles may have changed.
		for (const c of this.cards.values()) {
			const post = this.posts.get(c.id);
			if (post && post.priority) this.fillCard(c, post);
		}
		if (this.detail && this.detail.post) this.detail.update(this.detail.post);
	}

	// A need from a reply or an event (needs.js): keep it, and show it on
	// the cards and the page of the ideas it gathers, before and after.
	takeNeed(n) {
		if (!n || Number(n.round) !== this.roundId) return;
		const before = this.needs.get(n.id);
		this.needs.set(n.id, n);
		this.afterNeeds([...(before ? before.posts || [] : []), ...(n.posts || [])]);
	}

	dropNeed(id) {
		const before = this.needs.get(id);
		if (!before) return;
		this.needs.delete(id);
		this.afterNeeds(before.posts || []);
	}

	afterNeeds(postIds) {
		if (this.pane && this.pane.render && this.paneName === 'needs') this.pane.render();
		for (const id of new Set(postIds.map(Number))) {
			const c = this.cards.get(id);
			const post = this.posts.get(id);
			if (c && post) this.fillCard(c, post);
		}
		if (this.detail && this.detail.post) this.detail.update(this.detail.post);
	}

	onReconnect() {
		if (this.revoked) {
			this.app.flash = t('round.access_revoked');
			this.app.navigate('/', { replace: true });
			return;
		}
		this.subscribe();
	}

	unmount() {
		this.gone = true;
		const skip = document.getElementById('skip-more');
		if (skip) replaceChildren(skip);
		if (this.pane && this.pane.destroy) this.pane.destroy();
		if (this.composer && this.composer.destroy) this.composer.destroy();
		if (this.app.conn.isOpen)
			this.app.conn.request('round.unsubscribe', { round: this.roundId }).catch(() => {});
	}
}
