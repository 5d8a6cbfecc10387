import type { ReplayView } from '../../../server/recording/timeline/ReplayView';
import { distanceMetres } from '../../../server/geo/distance';
import { api, ApiError } from '../../shared/api';
import { h, toast } from '../../shared/dom';
import { t, type MessageKey } from '../../shared/i18n';
import { openPhotoViewer } from '../../shared/PhotoViewer';
import { plotDistance } from '../../shared/positionPlot';
import { beijingTime, fill } from '../../shared/staff';
import { sessionStateLabel } from '../labels';
import { chapterList } from './chapterList';
import { fileChecks } from './fileChecks';
import { photoItems, photoStrip } from './photoStrip';
import { positionBox } from './positionBox';
import { clockText, momentLink } from './replayTime';
import { reviewPanel } from './reviewPanel';
import { SeekBar } from './SeekBar';
import { SessionPlayer } from './SessionPlayer';

export interface ReplayPage {
  root: HTMLElement;
  sessionId: string;
  /** Moves the playhead (a `?t=` link to the page already open). */
  seekTo(ms: number): void;
  dispose(): void;
}

const SPEEDS = [1, 1.5, 2, 4];

/**
 * #/replay/<session>[?t=<s>]: the session's recording for a reviewer. The video with a seek bar over
 * the whole session (chapters, photos, gaps marked), controls that never scroll away, the server's
 * time and the phone's position over the picture; beside it, tabs with the checklist points (click
 * to jump), the photos, the GPS trace, the verification of every file, and the review.
 */
export function replayView(sessionId: string, startMs: number | undefined, onLoggedOut: (message: string) => void): ReplayPage {
  const root = h('div', { class: 'replay', 'data-session-id': sessionId, 'data-playing': 'false' }, h('p', { class: 'card muted' }, t('replay.loading')));
  let player: SessionPlayer | undefined;
  let pendingSeek = startMs;
  let disposed = false;

  const fail = (err: unknown) => {
    if (err instanceof ApiError && err.status === 401) onLoggedOut(err.message);
    else toast(err instanceof Error ? err.message : String(err), 'error', 8000);
  };

  api<ReplayView>('GET', `/api/sessions/${encodeURIComponent(sessionId)}/replay`)
    .then((v) => {
      if (disposed) return;
      player = render(v);
      player.seek(pendingSeek ?? player.firstMs ?? 0);
    })
    .catch((err: unknown) => {
      fail(err);
      if (err instanceof ApiError) root.replaceChildren(h('nav', { class: 'replay-nav' }, h('a', { class: 'button', href: `#/review/${sessionId}` }, `← ${t('replay.backToReview')}`)), h('p', { class: 'card' }, err.message));
    });

  function render(v: ReplayView): SessionPlayer {
    const notice = h('p', { class: 'replay-notice', role: 'status', 'aria-live': 'polite' });
    let noticeTimer: number | undefined;
    const say = (text: string) => {
      notice.textContent = text;
      notice.hidden = false;
      window.clearTimeout(noticeTimer);
      noticeTimer = window.setTimeout(() => (notice.hidden = true), 5000);
    };
    notice.hidden = true;

    const causeText = (cause: string) => t(`replay.cause.${cause}` as MessageKey) ?? cause;
    const p = new SessionPlayer(v.segments, v.durationMs, {
      time: (ms) => update(ms),
      state: (playing) => {
        playBtn.textContent = playing ? `❚❚ ${t('replay.pause')}` : `▶ ${t('replay.play')}`;
        playBtn.setAttribute('aria-pressed', String(playing));
        root.dataset.playing = String(playing);
      },
      skipped: (fromMs, toMs) => {
        const gap = v.gaps.find((g) => g.track === 'phone' && g.fromMs <= fromMs + 300 && (toMs === undefined || g.toMs >= toMs - 300));
        if (toMs === undefined) return;
        if (gap) say(fill('replay.gapSkipped', { s: Math.max(1, Math.round((toMs - fromMs) / 1000)), why: causeText(gap.cause) }));
        else say(fill('replay.beforeVideo', { at: clockText(toMs) }));
      },
    }, t('replay.video'));

    // Over the picture: the server's time and the phone's position at the playhead (what the stamps track says).
    const stampTime = h('span', { class: 'stamp-time' });
    const stampFix = h('span', { class: 'stamp-fix' });
    const stamp = h('p', { class: 'replay-stamp', 'aria-live': 'off' }, stampTime, stampFix);
    const screen = h(
      'div',
      { class: `replay-screen rotate-${v.segments.find((s) => s.track === 'phone')?.rotation ?? 0}` },
      p.playable ? p.video : h('p', { class: 'replay-empty' }, t('replay.noRecording')),
      p.playable ? stamp : null,
      notice,
    );

    const items = photoItems(v);
    const openPhoto = (i: number) => {
      const photo = v.photos[i];
      if (!photo) return;
      p.pause();
      if (photo.offsetMs >= 0) p.seek(photo.offsetMs);
      openPhotoViewer(items, i);
    };
    const recordingGaps = v.gaps.filter((g) => g.track === 'phone');
    const seekBar = new SeekBar(
      v.durationMs,
      {
        chapters: v.chapters.map((c) => ({ ms: Math.max(0, c.startMs), label: fill('replay.chapterMark', { title: c.title, at: clockText(c.startMs) }), result: v.points.find((x) => x.key === c.key)?.result })),
        photos: v.photos.map((ph) => ({ ms: Math.max(0, ph.offsetMs), label: fill('replay.photoMark', { title: ph.pointTitle, at: clockText(ph.offsetMs) }) })),
        gaps: [
          ...v.presenceGaps.map((g) => ({ fromMs: Math.max(0, g.fromMs), toMs: g.toMs, kind: 'presence' as const, label: fill('replay.gapMark', { why: t(`replay.presence.${g.state}` as MessageKey) ?? g.state, from: clockText(g.fromMs), to: clockText(g.toMs) }) })),
          ...recordingGaps.map((g) => ({ fromMs: g.fromMs, toMs: g.toMs, kind: 'recording' as const, label: fill('replay.gapMark', { why: causeText(g.cause), from: clockText(g.fromMs), to: clockText(g.toMs) }) })),
        ],
        thumbnails: v.thumbnails,
      },
      (ms) => p.seek(ms),
      openPhoto,
    );

    const playBtn = h('button', { type: 'button', class: 'primary replay-play', 'aria-pressed': 'false', disabled: !p.playable, onclick: () => p.toggle() }, `▶ ${t('replay.play')}`);
    const timeText = h('span', { class: 'replay-time', 'aria-live': 'off' });
    const speed = h('select', { class: 'replay-speed', 'aria-label': t('replay.speed'), disabled: !p.playable }, ...SPEEDS.map((s) => h('option', { value: String(s) }, `${s}×`)));
    speed.addEventListener('change', () => (p.rate = Number(speed.value)));
    const controls = h(
      'div',
      { class: 'replay-controls' },
      h('button', { type: 'button', class: 'replay-back', disabled: !p.playable, 'aria-label': t('replay.back10'), title: t('replay.back10'), onclick: () => p.seek(p.positionMs - 10_000) }, '−10s'),
      playBtn,
      h('button', { type: 'button', class: 'replay-forward', disabled: !p.playable, 'aria-label': t('replay.forward10'), title: t('replay.forward10'), onclick: () => p.seek(p.positionMs + 10_000) }, '+10s'),
      timeText,
      h('span', { class: 'spacer' }),
      speed,
      h('button', { type: 'button', class: 'replay-link', onclick: () => copyLink(momentLink(sessionId, p.positionMs)) }, t('replay.copyLink')),
    );

    // On a narrow screen the list is under the video: a jump brings the picture back into view.
    const showPicture = () => {
      if (screen.getBoundingClientRect().top < 0) screen.scrollIntoView({ block: 'start' });
    };
    const chapters = chapterList(v, (ms) => {
      p.seek(ms);
      p.play();
      showPicture();
    });
    const position = positionBox(v);
    const review = reviewPanel({
      sessionId,
      now: () => p.positionMs,
      seek: (ms) => {
        p.seek(ms);
        showPicture();
      },
      fail,
    });
    const tabs = tabbed([
      { id: 'chapters', label: t('replay.tab.chapters'), body: chapters.root },
      { id: 'photos', label: `${t('replay.tab.photos')} ${v.photos.length}`, body: photoStrip(v, openPhoto) },
      { id: 'position', label: t('replay.tab.position'), body: position.root },
      { id: 'files', label: t('replay.tab.files'), body: fileChecks(v), warn: v.files.some((f) => f.state === 'mismatch' || f.state === 'missing') },
      { id: 'review', label: t('replay.tab.review'), body: review.root },
    ]);

    const processing = v.segments.filter((s) => s.state === 'recording' || s.state === 'closed').length;
    const failed = v.segments.filter((s) => s.state === 'failed').length;
    root.replaceChildren(
      h(
        'nav',
        { class: 'replay-nav', 'aria-label': t('replay.title') },
        h('a', { class: 'button small back-to-case', href: `#/case/${v.caseId}` }, `← ${t('console.backToCase')}`),
        h('a', { class: 'button small to-review', href: `#/review/${sessionId}` }, t('replay.backToReview')),
        h('h2', { id: 'replay-title' }, `${v.businessName} · ${t('replay.title')}`),
        h('span', { class: 'muted case-number' }, v.caseNumber),
        h('span', { class: `state-badge state-${v.sessionState}`, 'data-state': v.sessionState }, sessionStateLabel(v.sessionState)),
      ),
      ...(processing || failed
        ? [h('p', { class: 'notice replay-processing' }, [processing ? fill('replay.processing', { n: processing }) : '', failed ? fill('replay.failedSegments', { n: failed }) : ''].filter(Boolean).join(' '))]
        : []),
      h(
        'div',
        { class: 'replay-body' },
        h('section', { class: 'replay-stage', 'aria-labelledby': 'replay-title' }, screen, seekBar.root, controls),
        h('section', { class: 'replay-side', 'aria-label': t('replay.tabs') }, tabs),
      ),
    );

    function update(ms: number): void {
      seekBar.position = ms;
      chapters.setTime(ms);
      position.setTime(ms);
      review.setTime(ms);
      timeText.textContent = fill('replay.position', { at: clockText(ms), total: clockText(v.durationMs) });
      const at = v.originAt + ms;
      stampTime.textContent = fill('replay.stamp', { time: beijingTime(at, true) });
      const fix = [...v.trace].reverse().find((f) => f.at <= at);
      stampFix.textContent = fix ? fill('replay.stampFix', { d: plotDistance(distanceMetres(v.registered, fix)), acc: Math.round(fix.accuracyM) }) : t('replay.stampNoFix');
      root.dataset.positionMs = String(Math.round(ms));
    }
    update(0);
    return p;
  }

  return {
    root,
    sessionId,
    seekTo(ms) {
      if (player) player.seek(ms);
      else pendingSeek = ms;
    },
    dispose() {
      disposed = true;
      player?.dispose();
    },
  };
}

/** Copies a link to the clipboard, or shows it to copy by hand where the browser refuses. */
function copyLink(url: string): void {
  const done = () => toast(fill('replay.linkCopied', { url }));
  const manual = () => toast(fill('replay.copyManually', { url }), 'info', 12_000);
  if (!navigator.clipboard) return manual();
  navigator.clipboard.writeText(url).then(done, manual);
}

/** Tabs over panels (WAI-ARIA tabs: arrow keys move between them; only the chosen one is shown). */
function tabbed(panels: Array<{ id: string; label: string; body: HTMLElement; warn?: boolean }>): HTMLElement {
  const buttons = panels.map((p, i) =>
    h(
      'button',
      { type: 'button', role: 'tab', id: `replay-tab-${p.id}`, class: `replay-tab${p.warn ? ' warn' : ''}`, 'aria-controls': `replay-panel-${p.id}`, 'aria-selected': String(i === 0), tabindex: i === 0 ? 0 : -1, 'data-tab': p.id },
      p.label,
    ),
  );
  const bodies = panels.map((p, i) => h('div', { role: 'tabpanel', id: `replay-panel-${p.id}`, class: `replay-panel panel-${p.id}`, 'aria-labelledby': `replay-tab-${p.id}`, tabindex: 0, hidden: i !== 0 }, p.body));
  const choose = (i: number, focus: boolean) => {
    buttons.forEach((b, j) => {
      b.setAttribute('aria-selected', String(i === j));
      b.tabIndex = i === j ? 0 : -1;
      bodies[j]!.hidden = i !== j;
    });
    if (focus) buttons[i]!.focus();
  };
  buttons.forEach((b, i) => {
    b.addEventListener('click', () => choose(i, false));
    b.addEventListener('keydown', (e) => {
      const to = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? buttons.length - 1 : undefined;
      if (to === undefined) return;
      e.preventDefault();
      choose((to + buttons.length) % buttons.length, true);
    });
  });
  return h('div', { class: 'replay-tabs' }, h('div', { role: 'tablist', class: 'replay-tablist', 'aria-label': t('replay.tabs') }, ...buttons), ...bodies);
}
