import { HttpTimeStamper, timeStampProblems, timeStampTime } from '../../../server/evidence/log/TimeStampAuthority';
import { startLocalTsa, type LocalTsa } from '../../support/localTsa';

// RFC 3161 round trip against a local authority made with `openssl ts -reply`: the query built by
// `openssl ts -query`, the reply checked for status and against the query, the token checked with
// `openssl ts -verify -data` as an outsider would.

describe('RFC 3161 time stamps with a local openssl authority', () => {
  let tsa: LocalTsa;
  beforeAll(async () => {
    tsa = await startLocalTsa();
  });
  afterAll(() => tsa?.close());

  it('gets a token over exactly the given bytes, which openssl ts -verify accepts with the CA and refuses for other bytes', async () => {
    const data = Buffer.from('{"treeSize":3,"v":1}', 'utf8');
    const token = await new HttpTimeStamper(tsa.url, tsa.caFile).stamp(data);
    expect(tsa.answered).toBe(1);
    expect(await timeStampProblems(data, token, tsa.caPem, 'log/tsa-token.tsr')).toEqual([]);
    expect(await timeStampTime(token)).toMatch(/GMT$/);
    const other = await timeStampProblems(Buffer.from('{"treeSize":4,"v":1}'), token, tsa.caPem, 'log/tsa-token.tsr');
    expect(other).toEqual([expect.stringContaining('log/tsa-token.tsr: the time-stamp token does not verify')]);
  });

  it('refuses a token checked against another CA', async () => {
    const data = Buffer.from('checkpoint bytes');
    const token = await new HttpTimeStamper(tsa.url, tsa.caFile).stamp(data);
    const stranger = await startLocalTsa();
    try {
      expect(await timeStampProblems(data, token, stranger.caPem, 'token')).toEqual([expect.stringContaining('does not verify')]);
    } finally {
      await stranger.close();
    }
  });

  it('fails the stamp, with the reason, when the authority is down', async () => {
    tsa.down = true;
    try {
      await expect(new HttpTimeStamper(tsa.url, tsa.caFile).stamp(Buffer.from('x'))).rejects.toThrow(/HTTP 503/);
    } finally {
      tsa.down = false;
    }
  });
});
