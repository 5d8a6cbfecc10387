import type { WalkEvent } from '../../../server/checklist/WalkEvent';
import { countedFrom, countedMs, dwellRuns, liveSpans, phoneSegmentSpans, pointSpans, withinWindow } from '../../../server/recording/clips/pointDwell';
import type { RecordingSegment } from '../../../server/recording/RecordingSegment';

const S = 1000;
let seq = 0;
const opened = (key: string, at: number): WalkEvent => ({ type: 'point_opened', key, at, seq: ++seq, actor: 'inspector' });
const closed = (at: number): WalkEvent => ({ type: 'closed', outcome: 'pass', computed: 'pass', at, seq: ++seq, actor: 'inspector' });
const step = (from: string, to: string, at: number) => ({ from, to, at }) as { from: 'live'; to: 'live'; at: number };
const segment = (id: string, s: Partial<RecordingSegment>): Pick<RecordingSegment, 'id' | 'track' | 'state' | 'firstMediaAt' | 'endedAt'> => ({ id, track: 'phone', state: 'closed', ...s });

describe('point spans', () => {
  test('each point is open until the next one is opened, the last until the walk closes', () => {
    expect(pointSpans([opened('a', 10 * S), opened('b', 20 * S), opened('c', 35 * S), closed(50 * S)])).toEqual([
      { pointKey: 'a', from: 10 * S, to: 20 * S },
      { pointKey: 'b', from: 20 * S, to: 35 * S },
      { pointKey: 'c', from: 35 * S, to: 50 * S },
    ]);
  });

  test('opening the open point again does not restart it; the last open point goes on', () => {
    expect(pointSpans([opened('a', 10 * S), opened('a', 14 * S)])).toEqual([{ pointKey: 'a', from: 10 * S, to: null }]);
  });

  test('without any point_opened no point is open', () => {
    expect(pointSpans([])).toEqual([]);
  });
});

describe('live spans', () => {
  test('the phone is live from each step into live until the step out of it', () => {
    const steps = [step('scheduled', 'waiting_for_applicant', 1 * S), step('waiting_for_applicant', 'live', 5 * S), step('live', 'applicant_reconnecting', 30 * S), step('applicant_reconnecting', 'live', 33 * S)];
    expect(liveSpans(steps)).toEqual([
      { from: 5 * S, to: 30 * S },
      { from: 33 * S, to: null },
    ]);
  });
});

describe('phone segment spans', () => {
  test('from the first key frame to the end; inspector tracks and segments without media hold nothing', () => {
    expect(
      phoneSegmentSpans([
        segment('p1', { firstMediaAt: 6 * S, endedAt: 30 * S }),
        segment('p2', { state: 'recording', firstMediaAt: 34 * S }),
        segment('m1', { track: 'inspector', firstMediaAt: 2 * S, endedAt: 60 * S }),
        segment('p0', { firstMediaAt: undefined, endedAt: 5 * S }),
      ]),
    ).toEqual([
      { segmentId: 'p1', from: 6 * S, to: 30 * S },
      { segmentId: 'p2', from: 34 * S, to: null },
    ]);
  });
});

describe('dwell runs: point open × phone live × segment recording', () => {
  const live = liveSpans([step('waiting_for_applicant', 'live', 5 * S), step('live', 'applicant_reconnecting', 30 * S), step('applicant_reconnecting', 'live', 33 * S)]);
  const segs = phoneSegmentSpans([segment('p1', { firstMediaAt: 6 * S, endedAt: 30.4 * S }), segment('p2', { state: 'recording', firstMediaAt: 34 * S })]);

  test('a point opened before the phone was recorded counts from the segment’s first key frame', () => {
    const runs = dwellRuns(pointSpans([opened('a', 2 * S), opened('b', 25 * S)]), live, segs);
    expect(runs.filter((r) => r.pointKey === 'a')).toEqual([{ pointKey: 'a', segmentId: 'p1', from: 6 * S, to: 25 * S }]);
  });

  test('a gap (the phone dropping, its segment ending) splits the run; each part is one segment', () => {
    const runs = dwellRuns(pointSpans([opened('a', 20 * S)]), live, segs);
    expect(runs).toEqual([
      { pointKey: 'a', segmentId: 'p1', from: 20 * S, to: 30 * S },
      { pointKey: 'a', segmentId: 'p2', from: 34 * S, to: null },
    ]);
  });

  test('the phone live without a segment recording counts nothing, nor a segment while the phone is not live', () => {
    expect(dwellRuns(pointSpans([opened('a', 10 * S)]), [{ from: 10 * S, to: null }], [])).toEqual([]);
    expect(dwellRuns(pointSpans([opened('a', 10 * S)]), [], segs)).toEqual([]);
  });

  test('a point left after 5 s has a 5 s run, never the 15 s a rule needs', () => {
    const runs = dwellRuns(pointSpans([opened('a', 10 * S), opened('b', 15 * S)]), live, segs);
    const a = runs.find((r) => r.pointKey === 'a')!;
    expect(a).toEqual({ pointKey: 'a', segmentId: 'p1', from: 10 * S, to: 15 * S });
    expect(countedMs(a, [10.2 * S], 40 * S)).toBe(4.8 * S);
  });
});

describe('counting from a key frame', () => {
  const run = { from: 10 * S, to: null };

  test('the count starts on the first key frame inside the run, not before it', () => {
    expect(countedFrom(run, [6 * S, 9.9 * S, 10.25 * S, 15 * S])).toBe(10.25 * S);
    expect(countedMs(run, [15 * S, 10.25 * S], 26 * S)).toBe(15.75 * S);
  });

  test('no key frame yet: nothing counted', () => {
    expect(countedFrom(run, [9 * S])).toBeUndefined();
    expect(countedMs(run, [], 40 * S)).toBe(0);
  });

  test('a key frame after a finished run does not belong to it', () => {
    expect(countedFrom({ from: 10 * S, to: 12 * S }, [12 * S])).toBeUndefined();
  });
});

describe('an explicit recording cuts runs to its window', () => {
  test('start and stop bound the run; outside the window nothing remains', () => {
    const r = { pointKey: 'a', segmentId: 'p1', from: 10 * S, to: null };
    expect(withinWindow(r, { from: 12 * S, to: 20 * S })).toEqual({ pointKey: 'a', segmentId: 'p1', from: 12 * S, to: 20 * S });
    expect(withinWindow({ ...r, to: 11 * S }, { from: 12 * S, to: 20 * S })).toBeUndefined();
  });
});
