/**
 * What the chain records about one evidence item. Hashed over its canonical JSON (RFC 8785 form
 * for these values) and signed; `prevHash` links it to the previous record of the same case.
 */
export interface EvidenceRecord {
  v: 1;
  seq: number;
  caseId: string;
  caseNumber: string;
  sessionId: string;
  pointKey: string | null;
  /**
   * original: bytes from the phone; stamped: our derivative; frame: grabbed from live video; walk_log: the checklist events;
   * recording: an untouched Matroska segment; playback: its seekable WebM copy (names the segment as parent);
   * clip: a point's video cut from a segment (names the segment); timeline: the session's timeline JSON;
   * seal: a lifecycle step's statement of the case's records so far (count and head hash).
   */
  kind: 'original' | 'stamped' | 'frame' | 'walk_log' | 'recording' | 'playback' | 'clip' | 'timeline' | 'seal';
  sha256: string;
  bytes: number;
  mediaType: string;
  file: string;
  parentSha256: string | null;
  /** Trusted time: when the server received the bytes (ms since epoch and ISO, Asia/Shanghai). */
  serverTime: number;
  serverTimeText: string;
  /** What the phone said, unverified. */
  claimed: Record<string, unknown>;
  /** What the server worked out itself. */
  checked: Record<string, unknown>;
  capturedBy: string;
  prevHash: string | null;
  alg: 'Ed25519';
  keyId: string;
}

export interface SignedRecord {
  record: EvidenceRecord;
  /** SHA-256 (hex) of the canonical JSON of `record`. */
  hash: string;
  /** Ed25519 signature (base64) over the same canonical bytes. */
  signature: string;
  /**
   * 国密 (EVIDENCE_SIGNATURE=sm2|both): SM2 over SM3 with the default ID 1234567812345678, base64
   * DER, over the same bytes, by the SM2 key `keyId`. An addition: the Ed25519 signature is always there.
   */
  sm2?: { keyId: string; signature: string };
}
