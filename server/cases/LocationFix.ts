/** A position the phone claimed, and when the server received it. */
export interface LocationFix {
  sessionId: string;
  lat: number;
  lon: number;
  accuracyM: number;
  /** The phone's own timestamp for the fix (claimed, not trusted). */
  fixTime: number;
  /** Trusted server receive time. */
  serverTime: number;
}
