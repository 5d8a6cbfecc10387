import type { LatLon } from '../../geo/distance';
import { distanceMetres } from '../../geo/distance';
import { shanghaiTime } from '../../evidence/shanghaiTime';
import { timelineEnd } from './chapters';
import type { SessionTimeline } from './SessionTimeline';
import { webVtt, type VttCue } from './webvtt';

/** What one stamp cue carries: the server's time and the phone's position at that moment of the recording. */
export interface StampPayload {
  serverTime: number;
  /** The same, as Beijing time (ISO 8601, +08:00). */
  serverTimeText: string;
  lat: number;
  lon: number;
  accuracyM: number;
  /** The phone's own time of the fix (claimed, unverified). */
  fixTime: number;
  /** From the registered address, when it was given. */
  distanceM?: number;
}

/** The longest a stamp is shown for when no later fix replaces it. */
const LAST_STAMP_MS = 60_000;

/**
 * One metadata cue per GPS fix, from the moment the server received it until the next fix: a player
 * shows where the phone was and the server time at any moment of the recording.
 */
export function stampCues(t: SessionTimeline, registered?: LatLon): Array<VttCue & { json: StampPayload }> {
  const fixes = t.entries.flatMap((e) => (e.kind === 'fix' ? [e] : []));
  const end = timelineEnd(t);
  const cues: Array<VttCue & { json: StampPayload }> = [];
  fixes.forEach((f, i) => {
    const next = fixes[i + 1];
    const endAt = next ? next.at : Math.min(Math.max(end, f.at + 1000), f.at + LAST_STAMP_MS);
    const startMs = f.at - t.originAt;
    const endMs = endAt - t.originAt;
    if (endMs <= 0) return;
    cues.push({
      startMs: Math.max(0, startMs),
      endMs,
      json: {
        serverTime: f.at,
        serverTimeText: shanghaiTime(f.at),
        lat: f.lat,
        lon: f.lon,
        accuracyM: f.accuracyM,
        fixTime: f.fixTime,
        ...(registered ? { distanceM: Math.round(distanceMetres(registered, f) * 10) / 10 } : {}),
      },
    });
  });
  return cues;
}

export const stampsVtt = (t: SessionTimeline, registered?: LatLon): string => webVtt(stampCues(t, registered), 'stamps');
