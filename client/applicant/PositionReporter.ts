import type { PositionReport } from '../../server/protocol/signaling';

/**
 * Streams the phone's position: watchPosition with high accuracy, sending at most one fix every
 * two seconds unless the phone moved or its accuracy improved noticeably.
 */
export class PositionReporter {
  private watchId: number | undefined;
  private lastSent: PositionReport | undefined;
  private lastSentAt = 0;
  latest: PositionReport | undefined;

  constructor(
    private readonly send: (report: PositionReport) => void,
    private readonly onError: (err: GeolocationPositionError) => void,
  ) {}

  start(): void {
    if (!('geolocation' in navigator)) return;
    this.watchId = navigator.geolocation.watchPosition(
      (pos) => this.onFix(pos),
      (err) => this.onError(err),
      { enableHighAccuracy: true, maximumAge: 5000, timeout: 20_000 },
    );
  }

  /** Re-sends the latest fix, e.g. right after a reconnect. */
  resend(): void {
    if (this.latest) {
      this.lastSent = this.latest;
      this.lastSentAt = Date.now();
      this.send(this.latest);
    }
  }

  stop(): void {
    if (this.watchId !== undefined) navigator.geolocation.clearWatch(this.watchId);
    this.watchId = undefined;
  }

  private onFix(pos: GeolocationPosition): void {
    const report: PositionReport = {
      lat: pos.coords.latitude,
      lon: pos.coords.longitude,
      accuracy: Math.round(pos.coords.accuracy * 10) / 10,
      fixTime: Math.round(pos.timestamp),
    };
    this.latest = report;
    const now = Date.now();
    const prev = this.lastSent;
    const moved = !prev || Math.abs(prev.lat - report.lat) > 0.00005 || Math.abs(prev.lon - report.lon) > 0.00005;
    const sharper = !prev || report.accuracy < prev.accuracy * 0.7;
    if (moved || sharper || now - this.lastSentAt > 2000) {
      this.lastSent = report;
      this.lastSentAt = now;
      this.send(report);
    }
  }
}
