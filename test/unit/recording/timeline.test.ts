import { buildTimeline } from '../../../server/recording/timeline/buildTimeline';
import { chaptersOf, chaptersVtt } from '../../../server/recording/timeline/chapters';
import { presenceGaps } from '../../../server/recording/timeline/presenceGaps';
import { stampCues, stampsVtt } from '../../../server/recording/timeline/stampsTrack';
import { thumbnailCues, thumbnailsVtt } from '../../../server/recording/timeline/thumbnailTrack';
import { vttTimestamp, webVtt } from '../../../server/recording/timeline/webvtt';
import { at, segment, sessionInput, T0 } from './timelineFixture';

const TITLES: Record<string, string> = {
  'common.signboard': '招牌与地址',
  'common.extinguishers': '灭火器',
  'food.records': '进货查验记录',
  'common.licence': '营业执照',
};
const titleOf = (k: string) => TITLES[k];

describe('the session timeline', () => {
  const t = buildTimeline(sessionInput());

  it('counts from the earliest first media of any track, and places everything on that clock', () => {
    expect(t.recordingStartedAt).toBe(at(1));
    expect(t.originAt).toBe(at(1));
    expect(t.recordingEndedAt).toBe(at(71));
    for (const e of t.entries) expect(e.offsetMs).toBe(e.at - at(1));
    // The inspector joined half a second before their microphone's first packet: before time 0.
    expect(t.entries[0]).toMatchObject({ kind: 'transition', to: 'waiting_for_applicant', offsetMs: -1000 });
  });

  it('holds every walk event, photo, fix, transition, segment start and end, and gap, in server-time order', () => {
    const count = (k: string) => t.entries.filter((e) => e.kind === k).length;
    expect({
      walk: ['point_opened', 'result_set', 'note_set', 'fact_answered', 'evidence_attached', 'permit_signed', 'closed'].reduce((n, k) => n + count(k), 0),
      photo: count('photo'),
      fix: count('fix'),
      transition: count('transition'),
      segment_started: count('segment_started'),
      segment_ended: count('segment_ended'),
      gap: count('gap'),
    }).toEqual({ walk: 10, photo: 2, fix: 3, transition: 6, segment_started: 3, segment_ended: 3, gap: 1 });
    const times = t.entries.map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('names a photo by its original with its stamped copy folded in, and keeps a frame grab apart', () => {
    const photos = t.entries.filter((e) => e.kind === 'photo');
    expect(photos).toEqual([
      expect.objectContaining({ evidenceId: 'p1', stampedId: 'p1s', grade: 'original', source: 'photo', distance: 'pass', distanceM: 10, offsetMs: 18_500 }),
      expect.objectContaining({ evidenceId: 'f1', grade: 'frame', source: 'frame', capturedBy: 'inspector' }),
    ]);
    expect(photos[1]).not.toHaveProperty('stampedId');
  });

  it('gives the phone gap its cause and length, and orders end, gap, start at one instant', () => {
    const gap = t.entries.find((e) => e.kind === 'gap');
    expect(gap).toMatchObject({ track: 'phone', peer: 'applicant', at: at(40), toAt: at(45), durationMs: 5000, cause: 'phone_left', after: 'g2', before: 'g3' });
    const atEnd = t.entries.filter((e) => e.at === at(71)).map((e) => e.kind);
    expect(atEnd).toEqual(['segment_ended', 'segment_ended', 'transition']);
    const at40 = t.entries.filter((e) => e.at === at(40)).map((e) => e.kind);
    expect(at40).toEqual(['segment_ended', 'gap', 'transition']);
  });

  it('is the same bytes for the same records, whatever order the store returned them in', () => {
    const input = sessionInput();
    const shuffled = { ...input, segments: [...input.segments].reverse(), evidence: [...input.evidence].reverse(), transitions: [...input.transitions].reverse() };
    expect(JSON.stringify(buildTimeline(shuffled))).toBe(JSON.stringify(t));
  });

  it('has no recording start while nothing was recorded, and no end while a segment is still being written', () => {
    const none = buildTimeline({ ...sessionInput(), segments: [] });
    expect(none.recordingStartedAt).toBeNull();
    expect(none.recordingEndedAt).toBeNull();
    expect(none.originAt).toBe(at(0));
    expect(none.entries[0]!.offsetMs).toBe(0);

    const live = sessionInput();
    live.segments = [segment({ id: 'r1', seq: 1, track: 'phone', startedAt: at(5), state: 'recording' })];
    const running = buildTimeline(live);
    // No first media yet: the start stands in for it.
    expect(running.recordingStartedAt).toBe(at(5));
    expect(running.recordingEndedAt).toBeNull();
    expect(running.entries.filter((e) => e.kind === 'segment_ended')).toEqual([]);
  });
});

describe('chapters', () => {
  const t = buildTimeline(sessionInput());

  it('gives each visited point a chapter from when it was opened to the next, in the reader language', () => {
    const chapters = chaptersOf(t, { titleOf, firstPointKey: 'common.licence' });
    expect(chapters.map((c) => [c.key, c.title, c.startMs / 1000, c.endMs / 1000])).toEqual([
      // The first point is on the console from the start until another is opened.
      ['common.licence', '营业执照', 0, 9],
      ['common.signboard', '招牌与地址', 9, 22],
      ['common.extinguishers', '灭火器', 22, 49],
      // A result given from the list moves the inspector to that point; closing ends the last chapter.
      ['food.records', '进货查验记录', 49, 69],
    ]);
  });

  it('does not count the first point when the inspector opened another at once', () => {
    const input = sessionInput();
    input.walkEvents = input.walkEvents.map((e) => (e.seq === 2 ? { ...e, at: at(1) } : e));
    const chapters = chaptersOf(buildTimeline(input), { titleOf, firstPointKey: 'common.licence' });
    expect(chapters[0]).toMatchObject({ key: 'common.signboard', startMs: 0 });
  });

  it('writes a WebVTT chapters track, cutting what lies before the recording and escaping the titles', () => {
    const input = sessionInput();
    // The signboard opened before the recording started (a recorder that started late).
    input.segments = input.segments.map((s) => ({ ...s, firstMediaAt: (s.firstMediaAt ?? s.startedAt) + 14_000 }));
    const chapters = chaptersOf(buildTimeline(input), { titleOf: (k) => (k === 'common.extinguishers' ? '灭火器 <压力> & 标签' : titleOf(k)) });
    expect(chaptersVtt(chapters)).toBe(
      [
        'WEBVTT - chapters',
        '',
        'common.signboard',
        '00:00:00.000 --> 00:00:08.000',
        '招牌与地址',
        '',
        'common.extinguishers',
        '00:00:08.000 --> 00:00:35.000',
        '灭火器 &lt;压力&gt; &amp; 标签',
        '',
        'food.records',
        '00:00:35.000 --> 00:00:55.000',
        '进货查验记录',
        '',
      ].join('\n'),
    );
  });

  it('numbers a second visit of the same point', () => {
    const input = sessionInput();
    input.walkEvents = [...input.walkEvents.filter((e) => e.type !== 'closed'), { type: 'point_opened', key: 'common.signboard', seq: 11, at: at(60), actor: 'inspector' }];
    const vtt = chaptersVtt(chaptersOf(buildTimeline(input), { titleOf }));
    expect(vtt).toContain('common.signboard #2\n00:00:59.000 --> 00:01:10.000\n招牌与地址');
  });
});

describe('the stamps and thumbnails tracks', () => {
  const t = buildTimeline(sessionInput());

  it('has one metadata cue per fix, lasting until the next, with server time and the position as JSON', () => {
    const cues = stampCues(t, { lat: 39.92893, lon: 116.41642 });
    expect(cues.map((c) => [c.startMs / 1000, c.endMs / 1000])).toEqual([
      [7, 27],
      [27, 59],
      [59, 70],
    ]);
    expect(cues[0]!.json).toEqual({ serverTime: at(8), serverTimeText: '2026-03-14T09:00:08.000+08:00', lat: 39.92902, lon: 116.41642, accuracyM: 5, fixTime: at(8) - 800, distanceM: 10 });
    const vtt = stampsVtt(t);
    expect(vtt.split('\n').slice(0, 4)).toEqual(['WEBVTT - stamps', '', '00:00:07.000 --> 00:00:27.000', JSON.stringify({ serverTime: at(8), serverTimeText: '2026-03-14T09:00:08.000+08:00', lat: 39.92902, lon: 116.41642, accuracyM: 5, fixTime: at(8) - 800 })]);
    expect(JSON.parse(vtt.split('\n')[3]!)).toMatchObject({ lat: 39.92902 });
  });

  it('points each thumbnail cue at its tile of the segment sprite, on the session clock', () => {
    const input = sessionInput();
    const sprite = { intervalMs: 5000, width: 160, height: 90, columns: 3, rows: 2, count: 6 };
    input.segments = input.segments.map((s) => (s.id === 'g3' ? { ...s, derived: { thumbnails: { file: 'c1/s1/3-phone.thumbs.jpg', sha256: 'x', bytes: 1, mediaType: 'image/jpeg', sprite } } } : s));
    const cues = thumbnailCues(input.segments, at(1), (s) => `/api/recordings/${s.id}/thumbnails.jpg`);
    // 26 s of segment from 44 s on the session clock: six tiles, the last cut at the segment's end.
    expect(cues.map((c) => [c.startMs / 1000, c.endMs / 1000, c.url])).toEqual([
      [44, 49, '/api/recordings/g3/thumbnails.jpg#xywh=0,0,160,90'],
      [49, 54, '/api/recordings/g3/thumbnails.jpg#xywh=160,0,160,90'],
      [54, 59, '/api/recordings/g3/thumbnails.jpg#xywh=320,0,160,90'],
      [59, 64, '/api/recordings/g3/thumbnails.jpg#xywh=0,90,160,90'],
      [64, 69, '/api/recordings/g3/thumbnails.jpg#xywh=160,90,160,90'],
      [69, 70, '/api/recordings/g3/thumbnails.jpg#xywh=320,90,160,90'],
    ]);
    expect(thumbnailsVtt(cues).split('\n').slice(2, 4)).toEqual(['00:00:44.000 --> 00:00:49.000', '/api/recordings/g3/thumbnails.jpg#xywh=0,0,160,90']);
    // A segment without a sprite yet has no cues.
    expect(thumbnailCues(sessionInput().segments, at(1), () => '')).toEqual([]);
  });
});

describe('presence gaps', () => {
  it('are the stretches in which the phone was reconnecting or waited for', () => {
    const gaps = presenceGaps(buildTimeline(sessionInput()));
    expect(gaps.map((g) => [g.state, g.fromMs / 1000, g.toMs / 1000])).toEqual([
      ['waiting_for_applicant', -1, 4],
      ['applicant_reconnecting', 39, 43],
    ]);
  });

  it('run to the end of the timeline when the phone never came back', () => {
    const input = sessionInput();
    input.transitions = input.transitions.slice(0, 3);
    input.walkEvents = [];
    const gaps = presenceGaps(buildTimeline(input));
    expect(gaps.at(-1)).toMatchObject({ state: 'applicant_reconnecting', fromAt: at(40), toAt: at(71) });
  });
});

describe('WebVTT', () => {
  it('writes timestamps with hours and milliseconds, never negative', () => {
    expect(vttTimestamp(3_723_456)).toBe('01:02:03.456');
    expect(vttTimestamp(-50)).toBe('00:00:00.000');
    expect(vttTimestamp(59_999.6)).toBe('00:01:00.000');
  });

  it('keeps a cue whole: no blank line and no arrow can come out of its text or its JSON', () => {
    const vtt = webVtt([
      { id: 'a-->b\nc', startMs: 0, endMs: 0, text: 'line one\n\n\nline two' },
      { startMs: 1000, endMs: 2000, json: { note: 'x --> y' } },
    ]);
    expect(vtt).toBe(['WEBVTT', '', 'a→b c', '00:00:00.000 --> 00:00:00.001', 'line one\nline two', '', '00:00:01.000 --> 00:00:02.000', '{"note":"x --\\u003e y"}', ''].join('\n'));
    expect(JSON.parse('{"note":"x --\\u003e y"}')).toEqual({ note: 'x --> y' });
    expect(T0).toBeGreaterThan(0);
  });
});
