import exifr from 'exifr';
import type { CaseRecord } from '../cases/CaseRecord';
import { WalkRuleError } from '../checklist/ChecklistWalk';
import type { ReuseNote, WalkEventBody } from '../checklist/WalkEvent';
import { distanceMetres } from '../geo/distance';
import { distanceVerdict } from '../geo/distanceVerdict';
import type { InspectionEvents } from '../inspection/InspectionEvents';
import type { InspectionWalks } from '../inspection/InspectionWalks';
import type { TypedEvents } from '../platform/TypedEvents';
import type { Clock } from '../platform/clock';
import type { PhotoRefusal } from '../protocol/signaling';
import { Conflict, Invalid, NotFound } from '../platform/errors';
import { text } from '../platform/Text';
import { newId } from '../platform/ids';
import type { Store } from '../store/Store';
import type { CaptureTickets } from './CaptureTickets';
import type { ChainedRecord, EvidenceChain } from './EvidenceChain';
import type { EvidenceFiles } from './EvidenceFiles';
import type { EvidenceItem } from './EvidenceItem';
import { imageTypeOf } from './imageType';
import { perceptualHashes } from './reuse/perceptualHash';
import { ReuseCheck, type ReuseFinding } from './reuse/ReuseCheck';
import type { SignedReceipt } from './receipts/UploadReceipt';
import sharp from 'sharp';
import { ImageRejected, MAX_INPUT_PIXELS, stampPhoto } from './Stamper';

/** What the phone said about a photo: unverified, kept apart from what the server checks. */
export interface PhotoClaim {
  lat?: number;
  lon?: number;
  accuracyM?: number;
  fixTime?: number;
  deviceTime?: number;
}

export interface IntakeArgs {
  caseRecord: CaseRecord;
  sessionId: string;
  pointKey: string;
  bytes: Buffer;
  capturedBy: string;
  /** 'photo': full resolution from the phone's own camera; 'frame': grabbed from the forwarded live video (lower grade); 'gallery': an existing photo the office allows. */
  source: 'photo' | 'frame' | 'gallery';
  claim: PhotoClaim;
  requestId?: string;
  /** For a camera photo: the ticket of the inspector's request it answers. */
  captureTicket?: string;
  /** When the server received the fix in `claim` (a frame uses the phone's latest reported fix): ages it by the server's clock. */
  fixReceivedAt?: number;
}

/**
 * A fix older than this (or this far in the future) when the photo was taken does not show where the
 * photo was taken: the photo is kept, its distance verdict becomes uncertain, and the stamp says so.
 */
export const MAX_FIX_AGE_MS = 10 * 60_000;

const EVIDENCE_AFTER_CLOSE = text('本次勘验已结束，不能再添加证据', 'This inspection has ended; no more evidence can be added');

/** Why a photo was refused for what it is; the phone drops such a photo (every other refusal keeps it queued). */
const IMAGE_REFUSALS = {
  photo_damaged: text('图片已损坏，无法作为证据，请重新拍摄', 'The image is damaged and cannot serve as evidence; please take it again'),
  photo_too_large_pixels: text(
    `图片像素过多（超过 ${MAX_INPUT_PIXELS / 10_000} 万像素），无法作为证据`,
    `The image has too many pixels (over ${MAX_INPUT_PIXELS / 1_000_000} megapixels) to serve as evidence`,
  ),
} as const;

/**
 * What the intake needs from the inspection's owner: whether the session still takes evidence, and
 * attaching an item to the checklist in the owner's own order of steps.
 */
export interface EvidenceGate {
  walkOpen(sessionId: string): Promise<boolean>;
  changeWalk(sessionId: string, body: WalkEventBody, actor: string): Promise<void>;
}

export interface ExifLimits {
  maxTimeSkewMs: number;
  maxGpsMismatchM: number;
}

export interface IntakeResult {
  original: EvidenceItem;
  stamped: EvidenceItem;
  duplicate: boolean;
  /** The signed receipt for the upload's primary record (the original, or the frame); see receipts/UploadReceipt. */
  receipt: SignedReceipt;
}

/** Signs the receipt for an upload's primary record (receipts/UploadReceipts). */
export interface ReceiptIssuer {
  issue(signed: ChainedRecord): SignedReceipt;
}

/**
 * Takes in a snapshot for a checklist point: checks it by content, stamps it with the server's time
 * and the phone's position, stores the untouched original and the stamped derivative by hash,
 * appends both to the case's signed hash chain, and attaches them to the walk. A retried upload
 * with the same request id returns what the first one made.
 */
/** The extension each kind of evidence is stored under (EvidenceFiles names files by hash + extension). */
const STORED_EXTENSION: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'video/x-matroska': 'mkv' };

export class EvidenceIntake {
  constructor(
    private readonly store: Store,
    private readonly files: EvidenceFiles,
    private readonly walks: InspectionWalks,
    private readonly chain: EvidenceChain,
    private readonly clock: Clock,
    private readonly tickets: CaptureTickets,
    private readonly events: TypedEvents<InspectionEvents>,
    private readonly gate: EvidenceGate,
    private readonly receipts: ReceiptIssuer,
    private readonly exifLimits: ExifLimits = { maxTimeSkewMs: 10 * 60_000, maxGpsMismatchM: 200 },
    /** Reused photos: the perceptual distance (bits) up to which a photo is near-identical to an earlier one. */
    reuseNearBits?: number,
  ) {
    this.reuse = new ReuseCheck(store, reuseNearBits);
  }

  /** Finds an earlier photo, in any case, that a new one repeats. */
  private readonly reuse: ReuseCheck;

  /** Uploads being taken in, by session and request id: a retry racing its own first attempt waits for it. */
  private readonly inFlight = new Map<string, Promise<IntakeResult>>();

  async accept(a: IntakeArgs): Promise<IntakeResult> {
    const result = await this.acceptOnce(a);
    // Also on a duplicate: the phone may have reported "retrying" after the first copy arrived.
    this.events.emit('evidence.accepted', { sessionId: a.sessionId, pointKey: a.pointKey, evidenceId: result.original.id, stampedId: result.stamped.id, requestId: a.requestId });
    return result;
  }

  private async acceptOnce(a: IntakeArgs): Promise<IntakeResult> {
    if (!a.requestId) return this.intake(a);
    const key = `${a.sessionId}\n${a.requestId}`;
    const running = this.inFlight.get(key);
    if (running) return { ...(await running), duplicate: true };
    const run = this.intake(a).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, run);
    return run;
  }

  private async intake(a: IntakeArgs): Promise<IntakeResult> {
    const serverTime = this.clock.now();
    if (a.requestId) {
      const done = await this.store.evidence.byRequest(a.sessionId, a.requestId);
      if (done) {
        // The first attempt may have stopped after storing the item (crash, closed walk): finish it.
        await this.attachToWalk(done);
        return { original: done, stamped: (await this.derivativeOf(done)) ?? done, duplicate: true, receipt: await this.receiptAgain(a.caseRecord.id, done) };
      }
    }
    const type = imageTypeOf(a.bytes);
    if (!type) throw new Invalid(text('上传的不是 JPEG 或 PNG 图片（按文件内容判断）', 'The upload is not a JPEG or PNG image (judged by its content)'), 'not an image by content', 'photo_not_image' satisfies PhotoRefusal);
    const point = await this.pointFor(a.sessionId, a.pointKey);

    const checked: EvidenceItem['checked'] & Record<string, unknown> = {};
    const hasFix = a.claim.lat !== undefined && a.claim.lon !== undefined;
    if (hasFix) {
      checked.distanceM = Math.round(distanceMetres({ lat: a.claim.lat!, lon: a.claim.lon! }, a.caseRecord.address) * 10) / 10;
      // The other input of the distance (WGS-84, as registered), signed with it so a verifier can recompute the verdict.
      checked.registered = { lat: a.caseRecord.address.lat, lon: a.caseRecord.address.lon };
    }
    const fixAgeMs = this.fixAge(a, serverTime);
    const staleFix = fixAgeMs !== undefined && Math.abs(fixAgeMs) > MAX_FIX_AGE_MS;
    if (fixAgeMs !== undefined) checked.fixAgeMs = fixAgeMs;
    if (staleFix) checked.fixStale = true;
    if (point.evidence.maxDistanceM !== undefined) {
      checked.limitM = point.evidence.maxDistanceM;
      checked.distance = hasFix && !staleFix ? distanceVerdict(checked.distanceM!, a.claim.accuracyM ?? 0, point.evidence.maxDistanceM) : 'uncertain';
    }
    if (a.claim.deviceTime !== undefined) checked.clockSkewMs = a.claim.deviceTime - serverTime;
    const exif = a.source === 'gallery' ? await this.compareExif(a.bytes, serverTime, a.claim, a.caseRecord.address, checked) : undefined;

    let stamped;
    try {
      stamped = await stampPhoto(a.bytes, {
        caseId: a.caseRecord.id,
        caseNumber: a.caseRecord.caseNumber,
        businessName: a.caseRecord.businessName,
        pointKey: a.pointKey,
        pointTitle: point.title['zh-CN'],
        serverTime,
        position: hasFix ? { lat: a.claim.lat!, lon: a.claim.lon!, accuracyM: a.claim.accuracyM ?? 0 } : undefined,
        distanceM: checked.distanceM,
        distanceRule: checked.limitM !== undefined ? { limitM: checked.limitM, verdict: checked.distance! } : undefined,
        staleFixMs: staleFix ? fixAgeMs : undefined,
      });
    } catch (err) {
      if (err instanceof ImageRejected) throw new Invalid(IMAGE_REFUSALS[err.reason], err.message, err.reason);
      throw err;
    }

    const looks = await perceptualHashes(a.bytes);

    // The session may have ended while the image was decoded and stamped: a sealed one takes nothing.
    if (!(await this.gate.walkOpen(a.sessionId))) throw new Conflict(EVIDENCE_AFTER_CLOSE, 'session no longer takes evidence');
    // A camera photo must answer an inspector's request: otherwise a gallery picture could pass as one.
    if (a.source === 'photo') {
      const ticket = await this.tickets.redeem(a.captureTicket, a.sessionId, a.pointKey, a.requestId ?? '');
      // A challenge point: the code shown when the inspector asked, and this arrival, bound into the signed record.
      if (ticket.challenge) checked.challenge = { code: ticket.challenge.code, issuedAt: ticket.challenge.issuedAt, arrivedAt: serverTime };
    }
    // Nothing is written before the image has decoded completely: a refused upload leaves nothing behind.
    const orig = await this.files.put(a.bytes, type.ext);
    const deriv = await this.files.put(stamped.jpeg, 'jpg');
    // From the search for an earlier copy to storing this photo's fingerprint, one photo at a time:
    // two copies arriving together must not both pass as the first.
    const endTurn = await this.reuse.turn();
    try {
      // Signed with the record: a photo repeating an earlier one (any case) says so, and counts only once accepted.
      checked.reuse = await this.reuse.find(a.caseRecord.id, orig.sha256, looks);
      const claimed = { ...a.claim, ...(exif ? { exif } : {}) };
      const grade = a.source === 'frame' ? 'frame' : 'original';
      const original: EvidenceItem = {
        id: newId(12),
        sessionId: a.sessionId,
        pointKey: a.pointKey,
        kind: 'photo',
        grade,
        sha256: orig.sha256,
        mediaType: type.mediaType,
        bytes: a.bytes.length,
        serverTime,
        claimed,
        checked: { ...checked, source: a.source },
        capturedBy: a.capturedBy,
        requestId: a.requestId,
      };
      const derivative: EvidenceItem = {
        ...original,
        id: newId(12),
        grade: 'stamped',
        sha256: deriv.sha256,
        mediaType: 'image/jpeg',
        bytes: stamped.jpeg.length,
        requestId: undefined,
        parentSha256: orig.sha256,
      };
      // Order matters for a retry after a failure part-way: chain records first (a repeat only adds a
      // truthful second record of the same bytes), then the items, whose presence makes a retry a
      // duplicate, then the walk, which a duplicate completes if it is missing.
      const common = { caseId: a.caseRecord.id, caseNumber: a.caseRecord.caseNumber, sessionId: a.sessionId, pointKey: a.pointKey, serverTime, claimed, checked: { ...checked, source: a.source }, capturedBy: a.capturedBy };
      const primary = await this.chain.append({ ...common, kind: grade === 'frame' ? 'frame' : 'original', sha256: orig.sha256, bytes: a.bytes.length, mediaType: type.mediaType, file: `originals/${orig.sha256}.${type.ext}`, parentSha256: null });
      await this.chain.append({ ...common, kind: 'stamped', sha256: deriv.sha256, bytes: stamped.jpeg.length, mediaType: 'image/jpeg', file: `derivatives/${deriv.sha256}.jpg`, parentSha256: orig.sha256 });
      await this.store.transaction(async () => {
        await this.store.evidence.insertAll([original, derivative]);
        await this.reuse.remember({ evidenceId: original.id, caseId: a.caseRecord.id, caseNumber: a.caseRecord.caseNumber, sessionId: a.sessionId, pointKey: a.pointKey, sha256: orig.sha256, phash: looks.whole, phashCentre: looks.centre, createdAt: serverTime });
      });
      await this.attachToWalk(original);
      return { original, stamped: derivative, duplicate: false, receipt: this.receipts.issue(primary) };
    } finally {
      endTurn();
    }
  }

  /**
   * A retry of an upload already taken in (its first answer was lost): the receipt is signed again
   * for the same record, so the phone still gets one. Its checkpoint time is the next one from now.
   */
  private async receiptAgain(caseId: string, done: EvidenceItem): Promise<SignedReceipt> {
    const kind = done.grade === 'frame' ? 'frame' : 'original';
    const records = await this.chain.list(caseId);
    const primary = records.find((r) => r.record.kind === kind && r.record.sessionId === done.sessionId && r.record.sha256 === done.sha256 && r.record.serverTime === done.serverTime);
    if (!primary) throw new Error(`no chain record for evidence ${done.id}`);
    return this.receipts.issue(primary);
  }

  /**
   * How old the phone's fix was when the photo was taken. Both times of a phone photo are the phone's
   * own clock, so a wrong clock cancels out, and a photo that waited hours in the phone's queue on a
   * weak connection is not mistaken for one with an old fix (its server time is the arrival). A frame
   * is taken now, with the fix the server received last. Undefined without a fix time.
   */
  private fixAge(a: IntakeArgs, serverTime: number): number | undefined {
    if (a.fixReceivedAt !== undefined) return serverTime - a.fixReceivedAt;
    if (a.claim.fixTime === undefined) return undefined;
    return (a.claim.deviceTime ?? serverTime) - a.claim.fixTime;
  }

  /** Puts the photo on its checklist point unless it is there already or the checklist has closed meanwhile. */
  private async attachToWalk(original: EvidenceItem): Promise<void> {
    const walk = await this.walks.walk(original.sessionId);
    if (walk.closed || (walk.evidence.get(original.pointKey) ?? []).some((e) => e.evidenceId === original.id)) return;
    if (!(await this.gate.walkOpen(original.sessionId))) return;
    const c = original.checked;
    await this.gate.changeWalk(
      original.sessionId,
      { type: 'evidence_attached', key: original.pointKey, evidence: { evidenceId: original.id, kind: 'photo', distance: c.distance, source: c.source ?? (original.grade === 'frame' ? 'frame' : 'photo'), flags: c.flags, reuse: reuseNote(c.reuse) } },
      original.capturedBy,
    );
  }

  /** Whether an upload with this request id was already taken in (a retry needs no new ticket). */
  async alreadyTaken(sessionId: string, requestId: string): Promise<boolean> {
    return !!(await this.store.evidence.byRequest(sessionId, requestId));
  }

  async get(id: string): Promise<EvidenceItem> {
    const item = await this.store.evidence.get(id);
    if (!item) throw new NotFound(text('证据不存在', 'No such evidence'), `evidence ${id} not found`);
    return item;
  }

  /** The stamped derivative of an original (or the item itself when it is one). */
  async stampedOf(id: string): Promise<EvidenceItem> {
    const item = await this.get(id);
    if (item.grade === 'stamped') return item;
    const d = await this.derivativeOf(item);
    if (!d) throw new NotFound(text('证据副本不存在', 'No stamped copy of this evidence'), `no stamped copy of ${id}`);
    return d;
  }

  async thumbnail(item: EvidenceItem, width: number): Promise<Buffer> {
    return sharp(this.fileOf(item), { limitInputPixels: MAX_INPUT_PIXELS }).resize({ width, withoutEnlargement: true }).jpeg({ quality: 75 }).toBuffer();
  }

  fileOf(item: EvidenceItem): string {
    return this.files.pathOf(item.sha256, STORED_EXTENSION[item.mediaType] ?? 'jpg');
  }

  private async derivativeOf(original: EvidenceItem): Promise<EvidenceItem | undefined> {
    return (await this.store.evidence.listBySession(original.sessionId)).find((e) => e.parentSha256 === original.sha256);
  }

  private async pointFor(sessionId: string, pointKey: string) {
    const walk = await this.walks.walk(sessionId);
    try {
      walk.validate({ type: 'evidence_attached', key: pointKey, evidence: { evidenceId: '-', kind: 'photo' } });
      return walk.point(pointKey);
    } catch (err) {
      if (err instanceof WalkRuleError) throw new Invalid(err.rule === 'closed' ? EVIDENCE_AFTER_CLOSE : err.text, `walk rule ${err.rule}`);
      throw err;
    }
  }

  /** Gallery photos carry their own EXIF: a time or place far from the server's flags the evidence. */
  /**
   * The EXIF position is compared with the phone's fix, or with the registered address when the
   * phone sent none: leaving out the location must not skip the check.
   */
  private async compareExif(bytes: Buffer, serverTime: number, claim: PhotoClaim, registered: { lat: number; lon: number }, checked: Record<string, unknown>): Promise<Record<string, unknown>> {
    const tags = (await exifr.parse(bytes, { pick: ['DateTimeOriginal', 'OffsetTimeOriginal'], reviveValues: false }).catch(() => undefined)) as
      | { DateTimeOriginal?: string; OffsetTimeOriginal?: string }
      | undefined;
    const gps = await exifr.gps(bytes).catch(() => undefined);
    const flags: string[] = [];
    const taken = exifTime(tags?.DateTimeOriginal, tags?.OffsetTimeOriginal);
    if (taken === undefined) flags.push('exif_time_missing');
    else if (Math.abs(taken - serverTime) > this.exifLimits.maxTimeSkewMs) flags.push('exif_time_mismatch');
    // A malformed GPS tag (e.g. a zero denominator) reads back as NaN: as good as none.
    if (!gps || !Number.isFinite(gps.latitude) || !Number.isFinite(gps.longitude)) flags.push('exif_gps_missing');
    else if (distanceMetres({ lat: gps.latitude, lon: gps.longitude }, claim.lat !== undefined && claim.lon !== undefined ? { lat: claim.lat, lon: claim.lon } : registered) > this.exifLimits.maxGpsMismatchM) {
      flags.push('exif_gps_mismatch');
    }
    checked.flags = flags;
    const gpsOk = gps && Number.isFinite(gps.latitude) && Number.isFinite(gps.longitude);
    return { dateTimeOriginal: taken ?? null, gps: gpsOk ? { lat: gps.latitude, lon: gps.longitude } : null };
  }
}

/** EXIF wall time "YYYY:MM:DD HH:MM:SS"; without an offset tag a phone in China means +08:00. */
function exifTime(text: string | undefined, offset: string | undefined): number | undefined {
  const m = text && /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(text);
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${offset && /^[+-]\d{2}:\d{2}$/.test(offset) ? offset : '+08:00'}`;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

/** What the checklist keeps of a reuse finding: enough to word it and to hold the photo back until accepted. */
function reuseNote(r: ReuseFinding | null | undefined): ReuseNote | undefined {
  return r ? { kind: r.kind, caseNumber: r.caseNumber, sameCase: r.sameCase, photoNumber: r.photoNumber, evidenceId: r.evidenceId } : undefined;
}
