import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openssl } from './openssl';

/** Gets an RFC 3161 time-stamp over some bytes: the TimeStampResp, DER. */
export interface TimeStamper {
  stamp(data: Buffer): Promise<Buffer>;
}

/** Runs `work` in a fresh temp folder that is removed afterwards, whatever happens. */
export async function inTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'kanyan-tsa-'));
  try {
    return await work(dir);
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/**
 * An RFC 3161 authority over HTTP (TSA_URL). The query is built by `openssl ts -query` (SHA-256, a
 * nonce, and asking for the TSA's certificate in the reply so a verifier needs only the CA); the
 * reply must say granted, and with a CA file it is verified against the query (nonce included)
 * before it is kept.
 */
export class HttpTimeStamper implements TimeStamper {
  constructor(
    private readonly url: string,
    private readonly caFile: string | undefined,
    private readonly timeoutMs = 10_000,
  ) {}

  stamp(data: Buffer): Promise<Buffer> {
    return inTempDir(async (dir) => {
      const dataFile = path.join(dir, 'data');
      const queryFile = path.join(dir, 'query.tsq');
      const replyFile = path.join(dir, 'reply.tsr');
      await fs.promises.writeFile(dataFile, data);
      await openssl(['ts', '-query', '-data', dataFile, '-sha256', '-cert', '-out', queryFile]);
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/timestamp-query', Accept: 'application/timestamp-reply' },
        body: new Uint8Array(await fs.promises.readFile(queryFile)),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!res.ok) throw new Error(`time-stamping authority answered HTTP ${res.status}`);
      const reply = Buffer.from(await res.arrayBuffer());
      await fs.promises.writeFile(replyFile, reply);
      const status = await openssl(['ts', '-reply', '-in', replyFile, '-text']);
      if (!/Status:\s*Granted/i.test(status)) throw new Error(`time-stamping authority refused: ${status.split('\n').find((l) => /Status/.test(l)) ?? 'no status'}`);
      if (this.caFile) await openssl(['ts', '-verify', '-queryfile', queryFile, '-in', replyFile, '-CAfile', this.caFile]);
      return reply;
    });
  }
}

/**
 * Problems with a time-stamp token (a TimeStampResp) over `data` (empty when it holds), checked by
 * `openssl ts -verify -data … -in … -CAfile …`: the imprint must be SHA-256 of exactly these bytes
 * and the TSA's certificate must chain to the given CA. Trust in that CA rests on whoever checks
 * comparing it with the authority's published certificate: a CA file shipped in an export proves nothing alone.
 */
export async function timeStampProblems(data: Buffer, token: Buffer, caPem: string, where: string): Promise<string[]> {
  return inTempDir(async (dir) => {
    const dataFile = path.join(dir, 'checkpoint.json');
    const tokenFile = path.join(dir, 'token.tsr');
    const caFile = path.join(dir, 'tsa-ca.pem');
    await fs.promises.writeFile(dataFile, data);
    await fs.promises.writeFile(tokenFile, token);
    await fs.promises.writeFile(caFile, caPem);
    try {
      await openssl(['ts', '-verify', '-data', dataFile, '-in', tokenFile, '-CAfile', caFile]);
      return [];
    } catch (err) {
      return [`${where}: the time-stamp token does not verify (${(err as Error).message.split('\n')[0]})`];
    }
  });
}

/** The time the authority put in a token (its genTime), as openssl prints it; undefined when unreadable. */
export async function timeStampTime(token: Buffer): Promise<string | undefined> {
  return inTempDir(async (dir) => {
    const tokenFile = path.join(dir, 'token.tsr');
    await fs.promises.writeFile(tokenFile, token);
    const out = await openssl(['ts', '-reply', '-in', tokenFile, '-text']).catch(() => '');
    return /Time stamp:\s*(.+)/.exec(out)?.[1]?.trim();
  });
}
