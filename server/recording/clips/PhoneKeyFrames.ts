import type { types } from 'mediasoup';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { ProducerInfo } from '../../sfu/MediaPeer';
import type { Room } from '../../sfu/Room';

interface PhoneVideo {
  room: Room;
  producer?: types.Producer<ProducerInfo>;
  /** Server ms of the phone's recent key frames, ascending. */
  times: number[];
}

/** Key frames remembered per session: at the recorder's one per 5 s, well over two hours. */
const KEPT = 2048;
/** Packets of one frame arrive together: key-frame marks closer than this are one frame. */
const SAME_FRAME_MS = 100;

/**
 * When the phone's camera sent its key frames, and a way to ask for one now. A point's clip is
 * cut by copy, so it can only start on a key frame: its counted time starts on one too. The
 * producer reports incoming key frames itself (no copy of the media reaches Node); a request goes
 * through a consumer made for that moment only and closed at once.
 */
export class PhoneKeyFrames {
  private readonly sessions = new Map<string, PhoneVideo>();

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Follows the phone's camera in a call's room until the room closes. */
  attach(room: Room): void {
    const entry: PhoneVideo = { room, times: [] };
    this.sessions.set(room.sessionId, entry);
    room.observer.on('producer', (p) => {
      if (p.appData.role !== 'applicant' || p.kind !== 'video') return;
      entry.producer = p;
      p.on('trace', (trace) => {
        if (trace.type !== 'keyframe' || trace.direction !== 'in' || (trace.info as { isRtx?: boolean } | undefined)?.isRtx) return;
        const now = this.clock.now();
        const last = entry.times.at(-1);
        if (last !== undefined && now - last < SAME_FRAME_MS) return;
        entry.times.push(now);
        if (entry.times.length > KEPT) entry.times.splice(0, entry.times.length - KEPT);
      });
      p.enableTraceEvent(['keyframe']).catch((err: unknown) => this.log.warn({ err, sessionId: room.sessionId }, 'could not follow the phone’s key frames'));
    });
    room.observer.once('close', () => {
      if (this.sessions.get(room.sessionId) === entry) this.sessions.delete(room.sessionId);
    });
  }

  /** The phone's key frames seen in this session's current call. */
  times(sessionId: string): readonly number[] {
    return this.sessions.get(sessionId)?.times ?? [];
  }

  /** Asks the phone for a key frame now (a point that needs video was opened, or marked for recording). */
  async request(sessionId: string): Promise<void> {
    const entry = this.sessions.get(sessionId);
    const producer = entry?.producer;
    if (!entry || !producer || producer.closed || entry.room.closed) return;
    const router = entry.room.router;
    const transport = await router.createDirectTransport();
    try {
      // An active consumer asks for a key frame as it starts; the explicit request makes sure.
      const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      await consumer.requestKeyFrame();
    } finally {
      transport.close();
    }
  }

  close(): void {
    this.sessions.clear();
  }
}
