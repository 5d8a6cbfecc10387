import crypto from 'node:crypto';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { errorMiddleware } from '../../server/http/errorMiddleware';
import { maskSecrets } from '../../server/platform/logger';
import { LogCapture } from '../support/logCapture';

/** A join token as JoinLinks makes one: base64url JSON naming link, session and expiry, a dot, an HMAC. */
function joinToken(): string {
  const body = Buffer.from(JSON.stringify({ l: crypto.randomUUID(), s: crypto.randomUUID(), e: Date.now() + 3600_000 })).toString('base64url');
  return `${body}.${crypto.createHmac('sha256', crypto.randomBytes(32)).update(body).digest('base64url')}`;
}

describe('secrets stay out of the log', () => {
  const token = joinToken();
  const loginToken = crypto.randomBytes(32).toString('base64url');
  const secrets = {
    token,
    loginToken,
    password: 'Password-Secret-1',
    current: 'Current-Secret-2',
    next: 'Next-Secret-3',
  };
  const expectClean = (text: string) => {
    for (const [what, value] of Object.entries(secrets)) {
      // Named, so a failure says which secret leaked.
      expect({ what, leaked: text.includes(value) }).toEqual({ what, leaked: false });
    }
  };

  it('redacts passwords, join tokens and cookies by field name and inside strings', () => {
    const capture = new LogCapture();
    const log = capture.logger('trace');
    log.info({ password: secrets.password }, 'log-in body');
    log.info({ body: { username: 'inspector', password: secrets.password } }, 'nested body');
    log.info({ req: { body: { current: secrets.current, next: secrets.next } } }, 'password change');
    log.info({ current: secrets.current, next: secrets.next }, 'flat password change');
    log.info({ req: { method: 'POST', url: `/j/${token}/photos`, headers: { cookie: `kanyan_login=${loginToken}`, host: 'x' } } }, 'request');
    log.info({ res: { headers: { 'set-cookie': `kanyan_login=${loginToken}; Path=/; HttpOnly` } } }, 'response');
    log.info({ headers: { cookie: `kanyan_login=${loginToken}` } }, 'handshake headers');
    log.info({ token }, 'token field');
    log.info({ handshake: { auth: { role: 'applicant', token } } }, 'socket handshake');
    log.warn({ path: `/j/${token}/photos` }, 'upload failed');
    log.warn({ url: `https://kanyan.example/j/${token}?x=1` }, 'link');
    log.warn(`phone opened /j/${token}`);
    log.warn({ note: `refused ${token} after revoke` }, 'bare token in text');
    log.warn({ query: `?token=${token}&x=1` }, 'query string');
    log.warn({ raw: `Cookie: a=1; kanyan_login=${loginToken}; b=2` }, 'a quoted header');
    log.error({ err: new Error(`could not admit /j/${token}: store error`) }, 'request failed');
    log.child({ token }).info('child bindings');

    expect(capture.raw).toHaveLength(17);
    expectClean(capture.text);
    // What was there is still said: the field is kept, its value replaced.
    const lines = capture.lines();
    expect(lines[0]).toMatchObject({ password: '[redacted]' });
    expect(lines[4]).toMatchObject({ req: { method: 'POST', url: '/j/[redacted]/photos', headers: { cookie: '[redacted]', host: 'x' } } });
    expect(lines[9]).toMatchObject({ path: '/j/[redacted]/photos' });
    expect(capture.text).toContain('could not admit /j/[redacted]: store error');
  });

  it('masks join links, tokens and login cookies in free text', () => {
    expect(maskSecrets(`/j/${token}`)).toBe('/j/[redacted]');
    expect(maskSecrets(`GET /j/${token}/photos?point=a`)).toBe('GET /j/[redacted]/photos?point=a');
    expect(maskSecrets(`kanyan_login=${loginToken}; other=1`)).toBe('kanyan_login=[redacted]; other=1');
    expect(maskSecrets('/api/cases/abc')).toBe('/api/cases/abc');
  });

  it('logs a failed request under /j/<token> with the token masked', async () => {
    const capture = new LogCapture();
    const app = express();
    app.post('/j/:token/photos', () => {
      throw new Error(`disk full while storing a photo of ${token}`);
    });
    app.use(errorMiddleware(capture.logger('debug')));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/j/${token}/photos`, { method: 'POST', headers: { cookie: `kanyan_login=${loginToken}` } });
      expect(res.status).toBe(500);
      expect(await res.text()).not.toContain('disk full');
    } finally {
      await new Promise((r) => server.close(r));
    }
    const [line] = capture.errors();
    expect(line).toMatchObject({ msg: 'request failed', path: '/j/[redacted]/photos' });
    expectClean(capture.text);
  });
});
