import { api } from '../shared/api';
import { h, toast } from '../shared/dom';
import { t } from '../shared/i18n';
import { beijingTime, fill } from '../shared/staff';

// The admin's list of recordings whose post-processing gave up (a damaged file, a tool that kept
// failing), with the server's reason and a retry. The original file is always kept: retrying is safe.

interface FailedRecording {
  segmentId: string;
  caseNumber: string;
  seq: number;
  track: 'phone' | 'inspector';
  startedAt: number;
  attempts: number;
  failure: { code: string; text: string; detail: string };
}

export function failedRecordingsCard(fail: (err: unknown) => void): HTMLElement {
  const body = h('div', { class: 'failed-recordings-body' });
  const card = h(
    'section',
    { class: 'card failed-recordings-card', 'aria-labelledby': 'failed-recordings-title' },
    h('h2', { id: 'failed-recordings-title' }, t('admin.recordings.title')),
    h('p', { class: 'muted small-text' }, t('admin.recordings.hint')),
    body,
  );

  async function load(): Promise<void> {
    try {
      const { failed } = await api<{ failed: FailedRecording[] }>('GET', '/api/admin/recordings/failed');
      body.replaceChildren(failed.length ? table(failed) : h('p', { class: 'muted failed-recordings-none' }, t('admin.recordings.none')));
    } catch (err) {
      fail(err);
    }
  }

  function table(rows: FailedRecording[]): HTMLElement {
    return h(
      'table',
      { class: 'failed-recordings' },
      h('thead', {}, h('tr', {}, ...(['admin.recordings.case', 'admin.recordings.segment', 'admin.recordings.reason', 'admin.recordings.attempts', 'admin.actions'] as const).map((k) => h('th', {}, t(k))))),
      h('tbody', {}, ...rows.flatMap(row)),
    );
  }

  /** The row, and below it the tool's own words across the table (long, so they do not squeeze the columns). */
  function row(f: FailedRecording): HTMLElement[] {
    const retry = h('button', { class: 'small retry-recording', type: 'button' }, t('admin.recordings.retry'));
    retry.addEventListener('click', () => {
      retry.disabled = true;
      api('POST', `/api/admin/recordings/${encodeURIComponent(f.segmentId)}/retry`).then(
        () => {
          toast(fill('admin.recordings.retried', { seq: f.seq }), 'info', 8000);
          return load();
        },
        (err: unknown) => {
          retry.disabled = false;
          fail(err);
        },
      );
    });
    const main = h(
      'tr',
      { class: 'failed-recording', 'data-segment-id': f.segmentId },
      h('td', {}, h('code', {}, f.caseNumber)),
      h('td', {}, `#${f.seq} · ${t(f.track === 'phone' ? 'admin.recordings.track.phone' : 'admin.recordings.track.inspector')}`, h('br', {}), h('span', { class: 'muted small-text' }, beijingTime(f.startedAt, true))),
      h('td', {}, f.failure.text),
      h('td', {}, String(f.attempts)),
      h('td', {}, retry),
    );
    if (!f.failure.detail) return [main];
    return [main, h('tr', { class: 'failure-detail', 'data-segment-id': f.segmentId }, h('td', { colSpan: 5, class: 'muted small-text' }, h('code', {}, f.failure.detail)))];
  }

  void load();
  return card;
}
