import type { RecordingSegment } from '../../../server/recording/RecordingSegment';
import { overlappingInspectors, playbackArgs } from '../../../server/recording/jobs/playbackMix';
import { spriteArgs, spriteLayout } from '../../../server/recording/jobs/thumbnailSprite';

const T = 1_800_000_000_000;
let serial = 0;
function seg(track: RecordingSegment['track'], from: number, to: number | undefined, extra: Partial<RecordingSegment> = {}): RecordingSegment {
  return {
    id: `s${++serial}`, sessionId: 'x', caseId: 'c', seq: serial, track, peer: track === 'phone' ? 'applicant' : 'insp',
    file: `c/x/${serial}-${track}.mkv`, startedAt: T + from - 200, firstMediaAt: T + from, endedAt: to === undefined ? undefined : T + to,
    startCause: 'call_started', state: to === undefined ? 'recording' : 'closed', attempts: 0, ...extra,
  };
}

describe('the playback mix', () => {
  it('takes every inspector segment that overlaps the phone in server time, open ones included', () => {
    const phone = seg('phone', 10_000, 20_000);
    const before = seg('inspector', 0, 9_000);
    const across = seg('inspector', 5_000, 12_000);
    const inside = seg('inspector', 12_000, 15_000);
    const open = seg('inspector', 19_000, undefined);
    const after = seg('inspector', 20_000, 30_000);
    const otherPhone = seg('phone', 11_000, 12_000);
    // A probed length wins over the recorder's stop time.
    const probedShort = seg('inspector', 1_000, 15_000, { durationMs: 8_000 });
    expect(overlappingInspectors(phone, [before, across, inside, open, after, otherPhone, probedShort]).map((s) => s.id)).toEqual([across.id, inside.id, open.id]);
  });

  it('delays a later voice and trims an earlier one to the phone’s time 0, mixing without normalising', () => {
    const args = playbackArgs({ file: 'p.mkv', timeZero: T, durationMs: 10_000, hasVideo: true, hasAudio: true }, [{ file: 'a.mkv', timeZero: T + 1500 }, { file: 'b.mkv', timeZero: T - 2250 }], 'out.webm');
    const graph = args[args.indexOf('-filter_complex') + 1];
    expect(graph).toBe('[1:a:0]adelay=delays=1500:all=1[i0];[2:a:0]atrim=start=2.250,asetpts=PTS-STARTPTS[i1];[0:a:0][i0][i1]amix=inputs=3:duration=first:dropout_transition=0:normalize=0[mix]');
    expect(args.join(' ')).toContain('-map 0:v:0 -c:v copy');
    expect(args.slice(-6)).toEqual(['-f', 'webm', '-cues_to_front', '1', '-y', 'out.webm']);
  });

  it('copies the phone’s own audio when no inspector spoke, and lays voices on silence when the phone had no microphone', () => {
    expect(playbackArgs({ file: 'p.mkv', timeZero: T, durationMs: 5000, hasVideo: true, hasAudio: true }, [], 'o.webm').join(' ')).toContain('-map 0:a:0 -c:a copy');
    const silent = playbackArgs({ file: 'p.mkv', timeZero: T, durationMs: 5000, hasVideo: true, hasAudio: false }, [{ file: 'a.mkv', timeZero: T }], 'o.webm').join(' ');
    expect(silent).toContain('-f lavfi -t 5.000 -i anullsrc=r=48000:cl=stereo');
    expect(silent).toContain('[2:a][i0]amix=inputs=2');
  });
});

describe('the thumbnail sprite', () => {
  it('has one tile every 5 s, at most 10 per row', () => {
    expect(spriteLayout(4_000)).toMatchObject({ count: 1, columns: 1, rows: 1 });
    expect(spriteLayout(5_000)).toMatchObject({ count: 1, columns: 1, rows: 1 });
    expect(spriteLayout(5_001)).toMatchObject({ count: 2, columns: 2, rows: 1 });
    expect(spriteLayout(3_600_000)).toMatchObject({ count: 720, columns: 10, rows: 72, width: 160, height: 90 });
  });

  it('turns a rotated phone upright and decodes key frames only', () => {
    const args = spriteArgs('in.mkv', spriteLayout(12_000), 90, 'o.jpg');
    expect(args.slice(0, 2)).toEqual(['-skip_frame', 'nokey']);
    expect(args[args.indexOf('-vf') + 1]).toBe('transpose=1,tpad=stop_mode=clone:stop_duration=5,fps=1000/5000,scale=160:90:force_original_aspect_ratio=decrease,pad=160:90:(ow-iw)/2:(oh-ih)/2,tile=3x1');
  });
});
