import type { ReplaySegment } from '../../../server/recording/timeline/ReplayView';

/** A playable part of the recording on the session's clock. */
interface Part {
  segment: ReplaySegment;
  url: string;
  fromMs: number;
  toMs: number;
}

export interface SessionPlayerEvents {
  /** The playhead moved (playing, or sought), in ms on the session clock. */
  time(ms: number): void;
  /** Playing or paused now. */
  state(playing: boolean): void;
  /** Playback or a seek jumped over time with no recording, from `fromMs` to `toMs` (or to the end). */
  skipped(fromMs: number, toMs: number | undefined): void;
}

/**
 * One `<video>` playing a session's segments in order on the session's clock: seeking anywhere
 * loads the segment that holds that moment (or the next one, when the moment falls in a gap), and
 * the end of one segment goes on with the next. The phone's playback copies carry the mixed audio,
 * so those are what is played; without any, an inspector's audio-only copy is.
 */
export class SessionPlayer {
  readonly video: HTMLVideoElement;
  private readonly parts: Part[];
  private current: Part | undefined;
  /** Where the playhead is while a segment is loading (the video's own clock is not valid yet). */
  private pendingMs: number | undefined;
  private wantPlay = false;
  private lastMs = 0;
  private readonly listeners: Array<[string, EventListener]> = [];
  private disposed = false;

  constructor(
    segments: readonly ReplaySegment[],
    readonly durationMs: number,
    private readonly on: SessionPlayerEvents,
    label: string,
  ) {
    const playable = (track: string) => segments.filter((s) => s.track === track && s.playbackUrl && s.durationMs);
    const chosen = playable('phone').length ? playable('phone') : playable('inspector');
    this.parts = chosen
      .map((s) => ({ segment: s, url: s.playbackUrl!, fromMs: s.offsetMs, toMs: s.offsetMs + s.durationMs! }))
      .sort((a, b) => a.fromMs - b.fromMs);
    this.video = document.createElement('video');
    this.video.className = 'replay-video';
    this.video.preload = 'metadata';
    this.video.playsInline = true;
    this.video.setAttribute('aria-label', label);
    this.listen('timeupdate', () => this.emitTime());
    this.listen('seeked', () => this.emitTime());
    this.listen('play', () => this.on.state(true));
    this.listen('pause', () => {
      // A pause the browser makes at a segment's end, or while the next segment loads, is not the
      // reviewer's: play goes on once it can.
      if (this.video.ended || this.pendingMs !== undefined) return;
      this.wantPlay = false;
      this.on.state(false);
      // The browser may settle the playhead on a frame boundary as it pauses: show where it stopped.
      this.emitTime();
    });
    this.listen('ended', () => this.next());
    this.listen('loadedmetadata', () => this.arrived());
  }

  /** Whether there is anything to play. */
  get playable(): boolean {
    return this.parts.length > 0;
  }

  /** Playing, or about to as soon as the segment being loaded can (what the play button shows). */
  get playing(): boolean {
    return this.wantPlay;
  }

  /** The playhead on the session clock. */
  get positionMs(): number {
    if (this.pendingMs !== undefined) return this.pendingMs;
    if (!this.current) return this.lastMs;
    return this.current.fromMs + this.video.currentTime * 1000;
  }

  /** The first moment with a recording, on the session clock. */
  get firstMs(): number | undefined {
    return this.parts[0]?.fromMs;
  }

  /** Moves the playhead to `ms` (a gap goes to the next recorded moment), keeping play or pause. */
  seek(ms: number): void {
    if (this.disposed) return;
    const target = Math.max(0, Math.min(ms, this.durationMs));
    const holding = this.parts.find((p) => target >= p.fromMs && target < p.toMs);
    const part = holding ?? this.parts.find((p) => p.fromMs >= target);
    if (!part) {
      // After the last recorded moment: the playhead stays where asked, the video at its end.
      this.on.skipped(target, undefined);
      this.pause();
      this.lastMs = target;
      this.on.time(target);
      return;
    }
    if (!holding) this.on.skipped(target, part.fromMs);
    const at = holding ? target : part.fromMs;
    this.load(part, at);
  }

  play(): void {
    if (this.disposed || !this.parts.length) return;
    this.wantPlay = true;
    this.on.state(true);
    if (!this.current) {
      this.seek(this.lastMs);
      return;
    }
    if (this.video.ended || this.positionMs >= this.current.toMs - 50) {
      // At the very end, play means from the start again.
      if (this.current === this.parts.at(-1)) this.load(this.parts[0]!, this.parts[0]!.fromMs);
      else this.next();
      return;
    }
    this.startVideo();
  }

  pause(): void {
    this.wantPlay = false;
    this.video.pause();
    this.on.state(false);
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  set rate(r: number) {
    this.video.playbackRate = r;
    this.video.defaultPlaybackRate = r;
  }

  /** Stops the video and lets go of its file (the page is leaving). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.video.pause();
    for (const [type, fn] of this.listeners) this.video.removeEventListener(type, fn);
    this.video.removeAttribute('src');
    this.video.load();
  }

  private load(part: Part, atMs: number): void {
    const into = (atMs - part.fromMs) / 1000;
    if (this.current === part && this.pendingMs === undefined) {
      this.video.currentTime = into;
      this.on.time(atMs);
      if (this.wantPlay && this.video.paused) this.startVideo();
      return;
    }
    this.current = part;
    this.pendingMs = atMs;
    this.on.time(atMs);
    // The file's time 0 is the segment's first key frame; #t= lets the browser start fetching there.
    this.video.src = `${part.url}#t=${into.toFixed(3)}`;
    this.video.load();
  }

  private arrived(): void {
    if (this.pendingMs === undefined || !this.current) return;
    const into = Math.max(0, (this.pendingMs - this.current.fromMs) / 1000);
    if (Math.abs(this.video.currentTime - into) > 0.05) this.video.currentTime = into;
    this.pendingMs = undefined;
    this.emitTime();
    if (this.wantPlay) this.startVideo();
  }

  /** The current part ended: the next one follows (after its gap), or playback stops at the end. */
  private next(): void {
    const i = this.current ? this.parts.indexOf(this.current) : -1;
    const after = this.parts[i + 1];
    const endMs = this.current?.toMs ?? this.lastMs;
    if (!after) {
      this.wantPlay = false;
      this.lastMs = endMs;
      this.on.state(false);
      this.on.time(endMs);
      return;
    }
    if (after.fromMs > endMs + 250) this.on.skipped(endMs, after.fromMs);
    this.wantPlay = true;
    this.load(after, after.fromMs);
  }

  /** A refused play (no user gesture yet, a decode error) leaves the player paused and saying so. */
  private startVideo(): void {
    this.on.state(true);
    void this.video.play().catch(() => {
      this.wantPlay = false;
      this.on.state(false);
    });
  }

  private emitTime(): void {
    if (this.pendingMs !== undefined) return;
    this.lastMs = this.positionMs;
    this.on.time(this.lastMs);
  }

  private listen(type: string, fn: () => void): void {
    const l: EventListener = () => fn();
    this.video.addEventListener(type, l);
    this.listeners.push([type, l]);
  }
}
