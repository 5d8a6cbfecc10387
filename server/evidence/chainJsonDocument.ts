import { canonicalJson } from '../checklist/canonicalJson';
import type { EvidenceChain } from './EvidenceChain';
import type { EvidenceFiles } from './EvidenceFiles';
import type { SignedRecord } from './EvidenceRecord';

/** A JSON document the server writes itself (a checklist log, a session timeline), sealed as evidence. */
export interface JsonDocument {
  caseRecord: { id: string; caseNumber: string };
  sessionId: string;
  kind: 'walk_log' | 'timeline';
  /** The export folder it goes in: `<folder>/<sha256>.json`. */
  folder: 'logs' | 'timelines';
  value: unknown;
  checked: Record<string, unknown>;
  capturedBy: string;
  serverTime: number;
}

/**
 * Stores the document's canonical JSON (so it hashes the same every time) under its hash, and
 * appends its record to the case's chain.
 */
export async function chainJsonDocument(files: EvidenceFiles, chain: EvidenceChain, d: JsonDocument): Promise<SignedRecord> {
  const bytes = Buffer.from(canonicalJson(d.value), 'utf8');
  const { sha256 } = await files.put(bytes, 'json');
  return chain.append({
    caseId: d.caseRecord.id,
    caseNumber: d.caseRecord.caseNumber,
    sessionId: d.sessionId,
    pointKey: null,
    kind: d.kind,
    sha256,
    bytes: bytes.length,
    mediaType: 'application/json',
    file: `${d.folder}/${sha256}.json`,
    parentSha256: null,
    serverTime: d.serverTime,
    claimed: {},
    checked: d.checked,
    capturedBy: d.capturedBy,
  });
}
