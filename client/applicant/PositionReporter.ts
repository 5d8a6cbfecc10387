import type { PositionReport } from '../../server/protocol/signaling';
import type { LocationState } from './phoneScreen';

/** A fix younger than this still counts: a later timeout does not mean the phone lost its place. */
const FIX_STILL_GOOD_MS = 60_000;
/**
 * Some browsers call watchPosition's callback only when the position changes; a phone standing
 * still would then look stale to the inspector (the console warns after 60 s). After this long
 * without a fix the phone asks for a fresh one.
 */
const REFRESH_AFTER_MS = 20_000;

/**
 * Streams the phone's position: watchPosition with high accuracy, sending at most one fix every
 * two seconds unless the phone moved or its accuracy improved noticeably. Tells the page how the
 * location stands, so a refusal or a missing fix is shown for as long as it lasts.
 */
export class PositionReporter {
  private watchId: number | undefined;
  private refreshTimer: ReturnType<typeof setInterval> | undefined;
  private lastFixAt = 0;
  private lastSent: PositionReport | undefined;
  private lastSentAt = 0;
  private status: LocationState = 'off';
  latest: PositionReport | undefined;

  constructor(
    private readonly send: (report: PositionReport) => void,
    private readonly onStatus: (status: LocationState) => void,
  ) {}

  start(): void {
    if (this.watchId !== undefined) return;
    if (!('geolocation' in navigator)) return this.setStatus('unsupported');
    if (this.status !== 'ok') this.setStatus('waiting');
    this.watchId = navigator.geolocation.watchPosition(
      (pos) => this.onFix(pos),
      (err) => this.onError(err),
      { enableHighAccuracy: true, maximumAge: 5000, timeout: 20_000 },
    );
    this.refreshTimer = setInterval(() => {
      if (Date.now() - this.lastFixAt < REFRESH_AFTER_MS) return;
      navigator.geolocation.getCurrentPosition((pos) => this.onFix(pos), () => undefined, { enableHighAccuracy: true, maximumAge: 0, timeout: 15_000 });
    }, REFRESH_AFTER_MS);
  }

  /** Asks again (the shop owner tapped "retry"): a browser that has not blocked the site for good prompts once more. */
  restart(): void {
    this.stop();
    this.start();
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
    clearInterval(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  private setStatus(s: LocationState): void {
    if (s === this.status) return;
    this.status = s;
    this.onStatus(s);
  }

  private onError(err: GeolocationPositionError): void {
    if (err.code === err.PERMISSION_DENIED) {
      this.stop();
      return this.setStatus('denied');
    }
    const fresh = this.latest && Date.now() - this.latest.fixTime < FIX_STILL_GOOD_MS;
    if (!fresh) this.setStatus('unavailable');
  }

  private onFix(pos: GeolocationPosition): void {
    const report: PositionReport = {
      lat: pos.coords.latitude,
      lon: pos.coords.longitude,
      accuracy: Math.round(pos.coords.accuracy * 10) / 10,
      fixTime: Math.round(pos.timestamp),
    };
    this.latest = report;
    this.lastFixAt = Date.now();
    this.setStatus('ok');
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
