import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import type { EvidenceSigner } from '../EvidenceSigner';
import type { SignedKeyRotation } from './KeyRotationStatement';

/** Where a rotation statement goes: the office log (`officeLog.appendOfficeEntry`). */
export type OnRotated = (statement: SignedKeyRotation) => Promise<unknown>;

export interface RotationResult {
  rotated: Array<{ alg: string; retiredKeyId: string; newKeyId: string }>;
}

/**
 * Rotation on a running server (the admin's button), and delivery of every rotation statement to
 * the office log. A statement stays in keys/rotations/pending/ until `onRotated` took it, so one
 * made offline (npm run rotate-key) or whose delivery failed is delivered on the next start.
 */
export class EvidenceKeyRotation {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly signer: EvidenceSigner,
    private readonly onRotated: OnRotated,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** One rotation at a time; resolves once the new keys sign and the statements are logged. */
  rotate(): Promise<RotationResult> {
    const run = this.tail.then(async () => {
      const statements = this.signer.rotate(this.clock.now());
      this.log.info({ rotated: statements.map((s) => ({ alg: s.statement.alg, retired: s.statement.retiredKeyId, active: s.statement.newKeyId })) }, 'evidence keys rotated');
      await this.deliver();
      return { rotated: statements.map(({ statement: s }) => ({ alg: s.alg, retiredKeyId: s.retiredKeyId, newKeyId: s.newKeyId })) };
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Hands every waiting statement to the office log, oldest first; stops at the first failure (kept for next time). */
  deliverPending(): Promise<number> {
    const run = this.tail.then(() => this.deliver());
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async deliver(): Promise<number> {
    const dir = this.signer.pendingRotationsDir();
    if (!fs.existsSync(dir)) return 0;
    const logged = path.join(path.dirname(dir), 'logged');
    let delivered = 0;
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
      const statement = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as SignedKeyRotation;
      await this.onRotated(statement);
      fs.mkdirSync(logged, { recursive: true, mode: 0o700 });
      fs.renameSync(path.join(dir, f), path.join(logged, f));
      delivered++;
    }
    return delivered;
  }
}
