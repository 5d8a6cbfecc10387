import type { ReusedPhotoView, WalkPointView } from '../../../server/protocol/walk';
import { h } from '../../shared/dom';
import { t, type MessageKey } from '../../shared/i18n';
import { fill } from '../../shared/staff';

/** The shortest and longest reason the server takes (protocol/walk AcceptReuseRequest). */
const REASON = { min: 4, max: 500 };

/**
 * What the inspector has typed into an open "accept anyway" form, by evidence id: the card is drawn
 * again on every change of the walk, and a half-written reason must survive that.
 */
const drafts = new Map<string, string>();

/** "Photo 2 is the same as photo 1 of case KY-…", worded for the same case or another, identical or near. */
export function reuseText(index: number, r: ReusedPhotoView): string {
  const key = `call.reuse.${r.kind === 'identical' ? 'identical' : 'near'}${r.sameCase ? 'Same' : 'Other'}` as MessageKey;
  return fill(key, { i: index, n: r.photoNumber, case: r.caseNumber });
}

export interface ReuseNoticeOptions {
  locked: boolean;
  /** Sends the acceptance; resolves true when the server took it. */
  onAccept(evidenceId: string, reason: string): Promise<boolean>;
}

/**
 * One warning per photo of the point that repeats an earlier photo: what it repeats, that it does not
 * count yet, and "accept anyway" with a required written reason; once accepted, who accepted it and why.
 */
export function reuseNotices(p: WalkPointView, o: ReuseNoticeOptions): HTMLElement | null {
  const flagged = p.photos.map((ph, i) => ({ ph, index: i + 1 })).filter((x) => x.ph.reuse);
  if (!flagged.length) return null;
  return h('div', { class: 'reuse-notices' }, ...flagged.map(({ ph, index }) => notice(ph.id, index, ph.reuse!, o)));
}

function notice(evidenceId: string, index: number, r: ReusedPhotoView, o: ReuseNoticeOptions): HTMLElement {
  const what = h('p', { class: 'reuse-what' }, h('strong', {}, reuseText(index, r)));
  if (r.accepted) {
    return h('div', { class: 'reuse-notice accepted', 'data-evidence-id': evidenceId, role: 'note' }, what, h('p', { class: 'reuse-accepted' }, `✓ ${fill('call.reuse.accepted', { by: r.accepted.by, reason: r.accepted.reason })}`));
  }
  // A note, not an alert: the card is drawn again on every change, and an alert would be read out each time.
  const box = h('div', { class: 'reuse-notice', 'data-evidence-id': evidenceId, role: 'note' }, what, h('p', {}, t('call.reuse.notCounted')));
  if (o.locked) return box;
  const formArea = h('div', { class: 'reuse-form-area' });
  const closeForm = () => {
    drafts.delete(evidenceId);
    formArea.replaceChildren(acceptButton);
  };
  const openForm = () => formArea.replaceChildren(form(evidenceId, o, closeForm));
  const acceptButton = h('button', { type: 'button', class: 'reuse-accept' }, t('call.reuse.accept'));
  acceptButton.addEventListener('click', () => {
    drafts.set(evidenceId, drafts.get(evidenceId) ?? '');
    openForm();
    formArea.querySelector<HTMLTextAreaElement>('textarea')?.focus();
    formArea.scrollIntoView({ block: 'nearest' });
  });
  if (drafts.has(evidenceId)) openForm();
  else formArea.replaceChildren(acceptButton);
  box.append(formArea);
  return box;
}

function form(evidenceId: string, o: ReuseNoticeOptions, cancel: () => void): HTMLElement {
  const id = `reuse-reason-${evidenceId}`;
  const reason = h('textarea', { id, class: 'reuse-reason', rows: 2, maxlength: REASON.max, placeholder: t('call.reuse.reasonPlaceholder'), 'aria-required': 'true', 'aria-describedby': `${id}-problem` });
  reason.value = drafts.get(evidenceId) ?? '';
  const problem = h('p', { class: 'reuse-problem', id: `${id}-problem`, 'aria-live': 'polite' });
  reason.addEventListener('input', () => {
    drafts.set(evidenceId, reason.value);
    problem.textContent = '';
  });
  const submit = h('button', { type: 'submit', class: 'reuse-confirm primary' }, t('call.reuse.confirm'));
  const el = h(
    'form',
    { class: 'reuse-form' },
    h('label', { for: id }, t('call.reuse.reasonLabel')),
    problem,
    reason,
    h('div', { class: 'reuse-actions' }, submit, h('button', { type: 'button', class: 'reuse-cancel', onclick: cancel }, t('call.reuse.cancel'))),
  );
  el.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = reason.value.trim();
    if (text.length < REASON.min) {
      problem.textContent = t('call.reuse.tooShort');
      reason.focus();
      problem.scrollIntoView({ block: 'nearest' });
      return;
    }
    submit.disabled = true;
    void o.onAccept(evidenceId, text).then((ok) => {
      submit.disabled = false;
      if (ok) drafts.delete(evidenceId);
    });
  });
  return el;
}
