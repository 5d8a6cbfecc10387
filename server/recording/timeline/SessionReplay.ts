import path from 'node:path';
import type { EvidenceItem } from '../../evidence/EvidenceItem';
import type { SignedRecord } from '../../evidence/EvidenceRecord';
import type { Clock } from '../../platform/clock';
import { NotFound } from '../../platform/errors';
import { text, type Lang } from '../../platform/Text';
import type { WalkView } from '../../protocol/walk';
import type { Store } from '../../store/Store';
import type { RecordingSegment } from '../RecordingSegment';
import { segmentZeroAt } from './buildTimeline';
import { chaptersOf, chaptersVtt, timelineEnd } from './chapters';
import type { FileVerifier } from './FileVerifier';
import { loadSessionTimeline } from './loadSessionTimeline';
import { presenceGaps } from './presenceGaps';
import type { ReplayFile, ReplayView } from './ReplayView';
import type { SessionTimeline } from './SessionTimeline';
import { stampsVtt } from './stampsTrack';
import { segmentDurationMs, thumbnailCues, thumbnailsVtt } from './thumbnailTrack';

export interface SessionReplayDeps {
  store: Store;
  /** The checklist as the reader sees it (titles in their language): InspectionWalks. */
  walks: { view(sessionId: string, lang: Lang): Promise<WalkView> };
  recordingsDir: string;
  /** Where an evidence item's bytes are (EvidenceIntake.fileOf). */
  evidenceFileOf(item: EvidenceItem): string;
  /** Where content-addressed JSON evidence (walk log, timeline) is (EvidenceFiles.pathOf). */
  evidencePathOf(sha256: string, ext: string): string;
  verifier: FileVerifier;
  clock: Clock;
}

export type SegmentFileKind = 'playback' | 'original' | 'thumbnails';
export type TrackKind = 'chapters' | 'stamps' | 'thumbnails';

/** A segment's file to send: under `root`, at `file` (relative, so the sender can refuse a path that leaves it). */
export interface SegmentFile {
  segment: RecordingSegment;
  root: string;
  file: string;
  mediaType: string;
  /** What a download is called: <case>-<seq>-<track>.mkv. */
  downloadName: string;
}

const urlOf = (s: RecordingSegment, what: SegmentFileKind) => `/api/recordings/${encodeURIComponent(s.id)}/${what === 'thumbnails' ? 'thumbnails.jpg' : what}`;

/**
 * What a reviewer's replay shows of one session, from the store and the files: the segments on the
 * session's clock with their URLs, the timeline and what is derived from it (chapters, gaps, photos,
 * the trace, thumbnails), the checklist's results, and whether every chained file still matches.
 */
export class SessionReplay {
  constructor(private readonly deps: SessionReplayDeps) {}

  async view(sessionId: string, lang: Lang): Promise<ReplayView> {
    const { store } = this.deps;
    const session = await store.sessions.get(sessionId);
    const caseRecord = session && (await store.cases.get(session.caseId));
    if (!session || !caseRecord) throw new NotFound(text('勘验不存在', 'No such inspection'), `session ${sessionId} not found`);
    const [timeline, walk, segments, evidence, records] = await Promise.all([
      loadSessionTimeline(store, sessionId),
      this.deps.walks.view(sessionId, lang),
      store.segments.listBySession(sessionId),
      store.evidence.listBySession(sessionId),
      store.evidenceRecords.list(caseRecord.id),
    ]);
    const origin = timeline.originAt;
    const titleOf = (key: string) => walk.points.find((p) => p.key === key)?.title;
    const ownRecords = records.filter((r) => r.record.sessionId === sessionId);
    const end = Math.max(timelineEnd(timeline), ...segments.map((s) => segmentZeroAt(s) + (segmentDurationMs(s) ?? 0)));
    return {
      sessionId,
      sessionState: session.state,
      caseId: caseRecord.id,
      caseNumber: caseRecord.caseNumber,
      businessName: caseRecord.businessName,
      registered: { text: caseRecord.address.text, lat: caseRecord.address.lat, lon: caseRecord.address.lon },
      maxDistanceM: commonest(walk.points.filter((p) => p.applies).map((p) => p.evidence.maxDistanceM)),
      recordingStartedAt: timeline.recordingStartedAt,
      recordingEndedAt: timeline.recordingEndedAt,
      originAt: origin,
      durationMs: Math.max(0, end - origin),
      segments: segments.map((s) => ({
        id: s.id,
        seq: s.seq,
        track: s.track,
        peer: s.peer,
        state: s.state,
        startCause: s.startCause,
        ...(s.endCause ? { endCause: s.endCause } : {}),
        zeroAt: segmentZeroAt(s),
        offsetMs: segmentZeroAt(s) - origin,
        durationMs: s.state === 'recording' ? null : (segmentDurationMs(s) ?? null),
        hasVideo: s.hasVideo ?? s.track === 'phone',
        rotation: s.rotation ?? 0,
        playbackUrl: s.derived?.playback ? urlOf(s, 'playback') : null,
        originalUrl: urlOf(s, 'original'),
        thumbnailsUrl: s.derived?.thumbnails ? urlOf(s, 'thumbnails') : null,
        ...(s.failure ? { failure: s.failure } : {}),
      })),
      gaps: timeline.entries.flatMap((e) => (e.kind === 'gap' ? [{ track: e.track, peer: e.peer, fromMs: e.offsetMs, toMs: e.toAt - origin, cause: e.cause }] : [])),
      presenceGaps: presenceGaps(timeline),
      chapters: chaptersOf(timeline, { titleOf, firstPointKey: walk.points[0]?.key }),
      points: walk.points.map((p) => ({
        key: p.key,
        title: p.title,
        applies: p.applies,
        critical: p.critical,
        ...(p.result ? { result: p.result } : {}),
        ...(p.note ? { note: p.note } : {}),
        ...(p.answeredAt !== undefined ? { answeredAt: p.answeredAt, answeredMs: p.answeredAt - origin } : {}),
      })),
      photos: timeline.entries.flatMap((e) =>
        e.kind === 'photo'
          ? [
              {
                id: e.evidenceId,
                ...(e.stampedId ? { stampedId: e.stampedId } : {}),
                pointKey: e.pointKey,
                pointTitle: titleOf(e.pointKey) ?? e.pointKey,
                at: e.at,
                offsetMs: e.offsetMs,
                grade: e.grade,
                source: e.source,
                ...(e.distance ? { distance: e.distance } : {}),
                flags: e.flags ?? [],
              },
            ]
          : [],
      ),
      trace: timeline.entries.flatMap((e) => (e.kind === 'fix' ? [{ lat: e.lat, lon: e.lon, accuracyM: e.accuracyM, at: e.at, offsetMs: e.offsetMs }] : [])),
      thumbnails: thumbnailCues(segments, origin, (s) => urlOf(s, 'thumbnails')),
      files: await this.files(segments, evidence, ownRecords),
      timeline,
    };
  }

  /** Who watched what of the session's recording, and when (全程留痕 covers the review too). */
  logView(v: { sessionId: string; segmentId: string | null; viewer: string; what: 'replay' | SegmentFileKind }): Promise<void> {
    return this.deps.store.recordingViews.log({ ...v, at: this.deps.clock.now() });
  }

  /** One of the session's WebVTT tracks, on the recording's clock. */
  async track(sessionId: string, kind: TrackKind, lang: Lang): Promise<string> {
    const { store } = this.deps;
    const timeline = await loadSessionTimeline(store, sessionId);
    if (kind === 'chapters') {
      const walk = await this.deps.walks.view(sessionId, lang);
      return chaptersVtt(chaptersOf(timeline, { titleOf: (key) => walk.points.find((p) => p.key === key)?.title, firstPointKey: walk.points[0]?.key }));
    }
    if (kind === 'stamps') {
      const caseRecord = await store.cases.get(timeline.caseId);
      return stampsVtt(timeline, caseRecord ? { lat: caseRecord.address.lat, lon: caseRecord.address.lon } : undefined);
    }
    return thumbnailsVtt(thumbnailCues(await store.segments.listBySession(sessionId), timeline.originAt, (s) => urlOf(s, 'thumbnails')));
  }

  /** The segment a file request names, and where its file is; NotFound when it has no such file (yet). */
  async segmentFile(segmentId: string, kind: SegmentFileKind): Promise<SegmentFile> {
    const s = await this.deps.store.segments.get(segmentId);
    if (!s) throw new NotFound(text('录像不存在', 'No such recording'), `segment ${segmentId} not found`);
    const derived = kind === 'playback' ? s.derived?.playback : kind === 'thumbnails' ? s.derived?.thumbnails : undefined;
    if (kind !== 'original' && !derived) {
      throw new NotFound(
        kind === 'playback' ? text('该段录像的回放文件尚未生成', 'The playback copy of this recording is not ready yet') : text('该段录像的缩略图尚未生成', 'The thumbnails of this recording are not ready yet'),
        `segment ${segmentId} has no ${kind}`,
      );
    }
    const caseRecord = await this.deps.store.cases.get(s.caseId);
    const ext = path.extname(derived?.file ?? s.file);
    return {
      segment: s,
      root: this.deps.recordingsDir,
      file: derived?.file ?? s.file,
      mediaType: derived?.mediaType ?? (s.track === 'phone' ? 'video/x-matroska' : 'audio/x-matroska'),
      downloadName: `${caseRecord?.caseNumber ?? s.caseId}-${s.seq}-${s.track}${kind === 'playback' ? '-playback' : ''}${ext}`,
    };
  }

  /** Every file of the session the chain vouches for (or will), and whether its bytes still match. */
  private async files(segments: readonly RecordingSegment[], evidence: readonly EvidenceItem[], records: readonly SignedRecord[]): Promise<ReplayFile[]> {
    const { verifier, recordingsDir } = this.deps;
    const byHash = new Map(records.map((r) => [r.hash, r]));
    const find = (hash: string | undefined, match: (r: SignedRecord) => boolean) => (hash ? byHash.get(hash) : undefined) ?? records.find(match);
    const out: ReplayFile[] = [];
    const used = new Set<string>();
    for (const s of segments) {
      const rec = find(s.recordHash, (r) => r.record.kind === 'recording' && r.record.checked.segmentId === s.id);
      if (rec) used.add(rec.hash);
      const base = { segmentId: s.id, seq: s.seq, track: s.track };
      const state =
        s.state === 'recording'
          ? 'recording'
          : rec && s.sha256 && rec.record.sha256 !== s.sha256
            ? 'mismatch'
            : await verifier.check(path.join(recordingsDir, s.file), rec?.record.sha256);
      out.push({ kind: 'recording', ...base, sha256: rec?.record.sha256 ?? s.sha256 ?? null, ...(s.bytes !== undefined ? { bytes: s.bytes } : {}), recordHash: rec?.hash ?? null, state });
      const playback = s.derived?.playback;
      if (playback) {
        const prec = find(s.derived?.recordHash, (r) => r.record.kind === 'playback' && r.record.sha256 === playback.sha256);
        if (prec) used.add(prec.hash);
        const pstate = prec && prec.record.sha256 !== playback.sha256 ? 'mismatch' : await verifier.check(path.join(recordingsDir, playback.file), prec?.record.sha256);
        out.push({ kind: 'playback', ...base, sha256: playback.sha256, bytes: playback.bytes, recordHash: prec?.hash ?? null, state: pstate });
      }
    }
    for (const item of evidence) {
      const kind = item.kind === 'video' ? 'clip' : item.grade;
      const rec = records.find((r) => r.record.kind === kind && r.record.sha256 === item.sha256);
      if (rec) used.add(rec.hash);
      // A clip is content-addressed beside the photos, under its container's extension.
      const file = item.kind === 'video' ? this.deps.evidencePathOf(item.sha256, videoExt(item.mediaType)) : this.deps.evidenceFileOf(item);
      const state = await verifier.check(file, rec?.record.sha256);
      out.push({ kind, evidenceId: item.id, pointKey: item.pointKey, sha256: item.sha256, bytes: item.bytes, recordHash: rec?.hash ?? null, state });
    }
    // The sealed checklist log and the timeline: content-addressed JSON beside the photos.
    for (const r of records) {
      if (used.has(r.hash) || (r.record.kind !== 'walk_log' && r.record.kind !== 'timeline')) continue;
      out.push({ kind: r.record.kind, sha256: r.record.sha256, bytes: r.record.bytes, recordHash: r.hash, state: await verifier.check(this.deps.evidencePathOf(r.record.sha256, 'json'), r.record.sha256) });
    }
    return out;
  }
}

const videoExt = (mediaType: string) => (/matroska/.test(mediaType) ? 'mkv' : /webm/.test(mediaType) ? 'webm' : 'mp4');

/** The value most entries share (the first of the tied), ignoring missing ones. */
function commonest(values: ReadonlyArray<number | undefined>): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | undefined;
  for (const [v, n] of counts) if (best === undefined || n > counts.get(best)!) best = v;
  return best;
}
