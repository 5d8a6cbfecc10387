import type { RecordingSegment } from '../RecordingSegment';
import { segmentZeroAt } from './buildTimeline';
import { webVtt, type VttCue } from './webvtt';

/** One tile of a segment's sprite, placed on the session's recording clock. */
export interface ThumbnailCue {
  segmentId: string;
  startMs: number;
  endMs: number;
  /** The sprite's URL with the tile as a media fragment: `…/thumbnails.jpg#xywh=160,0,160,90`. */
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A segment's length on the server clock: its probed duration, else first media to stop. */
export function segmentDurationMs(s: RecordingSegment): number | undefined {
  if (s.durationMs !== undefined) return s.durationMs;
  return s.endedAt === undefined ? undefined : Math.max(0, s.endedAt - segmentZeroAt(s));
}

/**
 * The thumbnail cues of every segment whose sprite exists (post-processing records its grid on the
 * derivative): tile n covers n × interval to the next tile or the segment's end.
 */
export function thumbnailCues(segments: readonly RecordingSegment[], originAt: number, spriteUrl: (s: RecordingSegment) => string): ThumbnailCue[] {
  const cues: ThumbnailCue[] = [];
  for (const s of segments) {
    const sprite = s.derived?.thumbnails?.sprite;
    if (!sprite || sprite.intervalMs <= 0 || sprite.columns <= 0) continue;
    const zero = segmentZeroAt(s) - originAt;
    const length = segmentDurationMs(s) ?? sprite.count * sprite.intervalMs;
    for (let n = 0; n < sprite.count; n++) {
      const from = n * sprite.intervalMs;
      if (from >= length && n > 0) break;
      const to = Math.min(from + sprite.intervalMs, Math.max(length, from + 1));
      const x = (n % sprite.columns) * sprite.width;
      const y = Math.floor(n / sprite.columns) * sprite.height;
      cues.push({ segmentId: s.id, startMs: zero + from, endMs: zero + to, url: `${spriteUrl(s)}#xywh=${x},${y},${sprite.width},${sprite.height}`, x, y, w: sprite.width, h: sprite.height });
    }
  }
  return cues.sort((a, b) => a.startMs - b.startMs);
}

export const thumbnailsVtt = (cues: readonly ThumbnailCue[]): string =>
  webVtt(
    cues.filter((c) => c.endMs > 0).map((c): VttCue => ({ startMs: Math.max(0, c.startMs), endMs: c.endMs, text: c.url })),
    'thumbnails',
  );
