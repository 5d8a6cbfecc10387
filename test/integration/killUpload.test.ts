import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { testJpeg } from '../support/images';
import { freePort, startServerProcess } from '../support/serverProcess';

const ADMIN = { username: 'admin', password: 'kill-test-password' };


function startKillableServer(dataDir: string, port: number) {
  return startServerProcess({ PORT: String(port), DATA_DIR: dataDir, RECORDINGS_DIR: path.join(dataDir, 'recordings'), GALLERY_UPLOADS: 'true', ADMIN_USER: ADMIN.username, ADMIN_PASSWORD: ADMIN.password });
}

describe('kill -9 between accepting an upload and answering it', () => {
  it('keeps exactly one item per photo once the phone retries after the restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-kill-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const photo = await testJpeg(4000, 3000);
    let server = await startKillableServer(dataDir, port);
    try {
      const loginRes = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(ADMIN) });
      const cookie = loginRes.headers.get('set-cookie')!.split(';')[0]!;
      const created = await (await fetch(`${url}/api/cases`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', cookie },
        body: JSON.stringify({ businessName: '断电测试店', permitTypes: ['food_business'], address: { text: '测试地址', lat: 39.9, lon: 116.4 } }),
      })).json();
      const token: string = created.joinUrl.split('/j/')[1];
      const walk = await (await fetch(`${url}/api/sessions/${created.session.id}/walk`, { headers: { cookie } })).json();
      const point: string = walk.walk.points[0].key;
      const upload = (requestId: string) =>
        fetch(`${url}/j/${token}/photos?${new URLSearchParams({ point, requestId, source: 'gallery', lat: '39.9', lon: '116.4', accuracy: '5', fixTime: String(Date.now()) })}`, {
          method: 'POST',
          body: new Uint8Array(photo),
        });

      // Killed at different moments of the intake: before, during and after the decode, stamp and commit.
      const rounds = [0, 50, 100, 150, 200, 300, 450].map((delayMs, i) => ({ delayMs, requestId: `kill-round-${i}-${Date.now()}` }));
      const outcomes: string[] = [];
      for (const round of rounds) {
        const pending = upload(round.requestId).then((r) => `answered ${r.status}`, () => 'cut');
        await new Promise((r) => setTimeout(r, round.delayMs));
        server.kill('SIGKILL');
        await new Promise((r) => server.once('exit', r));
        outcomes.push(`${round.delayMs} ms: ${await pending}`);
        server = await startKillableServer(dataDir, port);
        // The phone retries with the same request id until the server answers.
        const retry = await upload(round.requestId);
        expect([200, 201]).toContain(retry.status);
      }
      console.log(`kill -9 during an upload, then retry: ${outcomes.join('; ')}`);
      const stopped = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await stopped;

      const db = new Database(path.join(dataDir, 'kanyan.db'), { readonly: true });
      try {
        for (const round of rounds) {
          const originals = db.prepare('SELECT id, sha256 FROM evidence_items WHERE request_id = ?').all(round.requestId) as Array<{ id: string; sha256: string }>;
          expect({ round: round.delayMs, originals: originals.length }).toEqual({ round: round.delayMs, originals: 1 });
          const stamped = db.prepare('SELECT COUNT(*) AS n FROM evidence_items WHERE parent_sha256 = ? AND session_id = ?').get(originals[0]!.sha256, created.session.id) as { n: number };
          expect(stamped.n).toBeGreaterThanOrEqual(1);
          const attached = (db.prepare('SELECT body FROM walk_events WHERE session_id = ?').all(created.session.id) as Array<{ body: string }>).filter(
            (e) => JSON.parse(e.body).type === 'evidence_attached' && JSON.parse(e.body).evidence.evidenceId === originals[0]!.id,
          );
          expect({ round: round.delayMs, attached: attached.length }).toEqual({ round: round.delayMs, attached: 1 });
        }
      } finally {
        db.close();
      }
    } finally {
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
