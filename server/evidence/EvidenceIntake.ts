import type { CaseRecord } from '../cases/CaseRecord';
import { WalkRuleError } from '../checklist/ChecklistWalk';
import { distanceMetres } from '../geo/distance';
import { distanceVerdict } from '../geo/distanceVerdict';
import type { InspectionWalks } from '../inspection/InspectionWalks';
import type { Clock } from '../platform/clock';
import { Invalid, NotFound } from '../platform/errors';
import { newId } from '../platform/ids';
import type { Store } from '../store/Store';
import type { EvidenceFiles } from './EvidenceFiles';
import type { EvidenceItem } from './EvidenceItem';
import { imageTypeOf } from './imageType';

/**
 * Takes in a snapshot for a checklist point: checks the bytes, stores them by hash, stamps them
 * with the server's time and the phone's last fix, judges the point's distance rule, and attaches
 * the item to the walk.
 */
export class EvidenceIntake {
  constructor(
    private readonly store: Store,
    private readonly files: EvidenceFiles,
    private readonly walks: InspectionWalks,
    private readonly clock: Clock,
  ) {}

  async acceptFrame(args: { caseRecord: CaseRecord; sessionId: string; pointKey: string; bytes: Buffer; capturedBy: string }): Promise<EvidenceItem> {
    const type = imageTypeOf(args.bytes);
    if (!type) throw new Invalid('上传的不是 JPEG 或 PNG 图片', 'not an image by content');
    const walk = await this.walks.walk(args.sessionId);
    let point;
    try {
      // Checked before anything is stored, so a refused upload leaves nothing behind.
      walk.validate({ type: 'evidence_attached', key: args.pointKey, evidence: { evidenceId: '-', kind: 'photo' } });
      point = walk.point(args.pointKey);
    } catch (err) {
      if (err instanceof WalkRuleError) throw new Invalid(err.message.includes('closed') ? '本次勘验已结束，不能再添加证据' : '检查项不存在', err.message);
      throw err;
    }
    const serverTime = this.clock.now();
    const { sha256 } = await this.files.put(args.bytes, type.ext);
    const fix = await this.store.fixes.latest(args.sessionId);
    const checked: EvidenceItem['checked'] = {};
    if (fix) {
      checked.distanceM = Math.round(distanceMetres(fix, args.caseRecord.address) * 10) / 10;
      if (point.evidence.maxDistanceM !== undefined) {
        checked.limitM = point.evidence.maxDistanceM;
        checked.distance = distanceVerdict(checked.distanceM, fix.accuracyM, point.evidence.maxDistanceM);
      }
    } else if (point.evidence.maxDistanceM !== undefined) {
      checked.limitM = point.evidence.maxDistanceM;
      checked.distance = 'uncertain';
    }
    const item: EvidenceItem = {
      id: newId(12),
      sessionId: args.sessionId,
      pointKey: args.pointKey,
      kind: 'photo',
      grade: 'frame',
      sha256,
      mediaType: type.mediaType,
      bytes: args.bytes.length,
      serverTime,
      claimed: fix ? { lat: fix.lat, lon: fix.lon, accuracyM: fix.accuracyM, fixTime: fix.fixTime } : {},
      checked,
      capturedBy: args.capturedBy,
    };
    await this.store.evidence.insert(item);
    await this.walks.record(args.sessionId, { type: 'evidence_attached', key: args.pointKey, evidence: { evidenceId: item.id, kind: 'photo', distance: checked.distance } }, args.capturedBy);
    return item;
  }

  async get(id: string): Promise<EvidenceItem> {
    const item = await this.store.evidence.get(id);
    if (!item) throw new NotFound('证据不存在', `evidence ${id} not found`);
    return item;
  }

  fileOf(item: EvidenceItem): string {
    return this.files.pathOf(item.sha256, item.mediaType === 'image/png' ? 'png' : 'jpg');
  }
}
