// Asking before a step that is hard to take back: a modal <dialog> with the
// question, what will happen, and two buttons. Cancel has the focus first;
// Escape cancels; focus goes back to where it was. Resolves true only when
// the step was confirmed.
import { t } from '../i18n/index.js';
import { h, newId } from './dom.js';

export function confirmDialog({ title, text = '', confirm, danger = false }) {
	return new Promise((resolve) => {
		const opener = document.activeElement;
		const titleId = newId('confirm-h');
		const textId = newId('confirm-text');
		let answer = false;
		const cancelBtn = h('button', { type: 'button', class: 'btn', onclick: () => dialog.close() }, t('common.cancel'));
		const okBtn = h('button', {
			type: 'button', class: danger ? 'btn btn-danger' : 'btn btn-primary',
			onclick: () => { answer = true; dialog.close(); },
		}, confirm);
		const dialog = h('dialog', {
			class: 'confirm-dialog', 'aria-labelledby': titleId, 'aria-describedby': text ? textId : null,
		},
		h('h2', { id: titleId, class: 'confirm-title' }, title),
		text ? h('p', { id: textId }, text) : null,
		h('div', { class: 'form-actions' }, okBtn, cancelBtn));
		// Escape fires 'cancel' and then 'close': the answer stays false.
		dialog.addEventListener('close', () => {
			dialog.remove();
			if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
			resolve(answer);
		});
		document.body.append(dialog);
		dialog.showModal();
		cancelBtn.focus();
	});
}
