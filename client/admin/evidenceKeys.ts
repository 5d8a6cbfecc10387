import { api } from '../shared/api';
import { h, toast } from '../shared/dom';
import { lang, t } from '../shared/i18n';
import { fill } from '../shared/staff';

// The admin's evidence key rotation: the running server retires its signing keys and makes new ones.
// Records signed before stay verifiable with the published old keys; the rotation goes into the office log.

interface RotationResult {
  rotated: Array<{ alg: string; retiredKeyId: string; newKeyId: string }>;
}

export function evidenceKeysCard(fail: (err: unknown) => void): HTMLElement {
  const result = h('p', { class: 'muted small-text evidence-keys-result', role: 'status' });
  const rotate = h('button', { class: 'danger-outline rotate-evidence-keys', type: 'button' }, t('admin.keys.rotate'));
  rotate.addEventListener('click', () => {
    if (!confirm(t('admin.keys.confirm'))) return;
    rotate.disabled = true;
    api<RotationResult>('POST', '/api/admin/evidence-keys/rotate').then(
      ({ rotated }) => {
        rotate.disabled = false;
        const done = rotated.map((r) => fill('admin.keys.rotatedOne', { alg: r.alg, old: r.retiredKeyId, key: r.newKeyId })).join(lang === 'en' ? '; ' : '；');
        result.textContent = done;
        toast(fill('admin.keys.rotated', { keys: done }), 'info', 10_000);
      },
      (err: unknown) => {
        rotate.disabled = false;
        fail(err);
      },
    );
  });
  return h(
    'section',
    { class: 'card evidence-keys-card', 'aria-labelledby': 'evidence-keys-title' },
    h('h2', { id: 'evidence-keys-title' }, t('admin.keys.title')),
    h('p', { class: 'muted small-text' }, t('admin.keys.hint')),
    h('div', { class: 'row' }, rotate),
    result,
  );
}
