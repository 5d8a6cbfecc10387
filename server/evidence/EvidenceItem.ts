import type { ReuseFinding } from './reuse/ReuseCheck';

/**
 * One piece of evidence attached to a checklist point. What the phone claimed (its position and
 * accuracy) is kept apart from what the server checked (distance, rule verdict).
 */
export interface EvidenceItem {
  id: string;
  sessionId: string;
  pointKey: string;
  kind: 'photo' | 'video';
  /**
   * 'frame': grabbed from the forwarded live video by the inspector; lower grade than a phone photo.
   * 'clip': a point's video cut by copy from a recording segment (names the segment in `parentSha256`).
   */
  grade: 'frame' | 'original' | 'stamped' | 'clip';
  sha256: string;
  mediaType: string;
  bytes: number;
  serverTime: number;
  claimed: { lat?: number; lon?: number; accuracyM?: number; fixTime?: number };
  checked: {
    distanceM?: number;
    limitM?: number;
    distance?: 'pass' | 'fail' | 'uncertain';
    flags?: string[];
    source?: 'photo' | 'frame' | 'gallery';
    /** How old the phone's fix was when the photo arrived, whether that made it stale, and how far the phone's clock was off. */
    fixAgeMs?: number;
    fixStale?: boolean;
    clockSkewMs?: number;
    /** A challenge photo: the code the applicant had to hold in the picture, when it was issued and when the photo arrived. */
    challenge?: { code: string; issuedAt: number; arrivedAt: number };
    /** A clip: the segment it was cut from, the span asked for (server ms), what the walk's note says, and what the cut holds. */
    segmentId?: string;
    fromMs?: number;
    toMs?: number;
    seconds?: number;
    durationMs?: number;
    /** An earlier photo (any case) this one repeats, or null when none; absent on items from before the check. */
    reuse?: ReuseFinding | null;
  };
  capturedBy: string;
  /** The phone's id for this photo: a retried upload finds the item it already made. */
  requestId?: string;
  /** For a derivative: the original it was made from. */
  parentSha256?: string;
}
