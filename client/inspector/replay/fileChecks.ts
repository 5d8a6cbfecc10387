import type { ReplayFile, ReplayView } from '../../../server/recording/timeline/ReplayView';
import { h } from '../../shared/dom';
import { t, type MessageKey } from '../../shared/i18n';
import { fill } from '../../shared/staff';

const BAD: ReadonlyArray<ReplayFile['state']> = ['mismatch', 'missing'];

/** What the file is, in words: 原始录像 #2（手机）, 照片原图 · 招牌与地址. */
function fileLabel(f: ReplayFile, v: ReplayView): string {
  const point = v.points.find((p) => p.key === f.pointKey)?.title ?? f.pointKey ?? '';
  const track = f.track ? t(`replay.track.${f.track}` as MessageKey) : '';
  return fill(`replay.file.${f.kind}` as MessageKey, { seq: f.seq ?? '', track, point });
}

/**
 * Every file of the session the evidence chain vouches for, and whether its bytes still match the
 * chained hash: a summary a reviewer reads first, then the list (state in words and colour, never colour alone).
 */
export function fileChecks(v: ReplayView): HTMLElement {
  const bad = v.files.filter((f) => BAD.includes(f.state));
  const pending = v.files.filter((f) => f.state === 'unchained' || f.state === 'recording');
  const summary = bad.length
    ? h('p', { class: 'files-summary bad', role: 'alert' }, fill('replay.files.problems', { n: bad.length }))
    : h('p', { class: 'files-summary good' }, fill('replay.files.allGood', { n: v.files.length - pending.length }));
  const originals = new Map(v.segments.map((s) => [s.id, s]));
  return h(
    'div',
    { class: 'file-checks' },
    summary,
    pending.length ? h('p', { class: 'files-pending muted' }, fill('replay.files.pending', { n: pending.length })) : null,
    h(
      'table',
      { class: 'files' },
      h('caption', { class: 'visually-hidden' }, t('replay.files.title')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('replay.files.file')), h('th', { scope: 'col' }, t('replay.files.state')), h('th', { scope: 'col' }, t('replay.files.hash')))),
      h(
        'tbody',
        {},
        ...v.files.map((f) => {
          const segment = f.kind === 'recording' && f.segmentId ? originals.get(f.segmentId) : undefined;
          const label = fileLabel(f, v);
          return h(
            'tr',
            { class: `file file-${f.state}`, 'data-state': f.state, 'data-kind': f.kind, 'data-segment-id': f.segmentId, 'data-evidence-id': f.evidenceId },
            h('th', { scope: 'row' }, segment ? h('a', { href: segment.originalUrl, download: '', title: fill('replay.file.download', { seq: segment.seq }) }, label) : label),
            h('td', { class: `check check-${f.state}` }, t(`replay.check.${f.state}` as MessageKey)),
            h('td', { class: 'hash' }, f.sha256 ? h('code', { title: f.sha256 }, `${f.sha256.slice(0, 12)}…`) : '—'),
          );
        }),
      ),
    ),
  );
}
