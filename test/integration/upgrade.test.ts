import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../server/store/migrations';
import { SqliteStore } from '../../server/store/SqliteStore';

describe('upgrading a database from before roles and the lifecycle', () => {
  it('makes the one existing account the first admin, assigns its cases, and maps old session statuses to states', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanyan-upgrade-'));
    const file = path.join(dir, 'kanyan.db');
    try {
      // The schema as the previous release left it (migrations 1-4), with its kind of data.
      const old = new Database(file);
      old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
      for (const m of MIGRATIONS.filter((m) => m.version <= 4)) {
        old.exec(m.sql);
        old.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(m.version, 0);
      }
      old.prepare("INSERT INTO inspectors VALUES ('acc1', 'inspector', 'inspector', 'scrypt$x', 1)").run();
      old.prepare("INSERT INTO login_sessions VALUES ('h1', 'acc1', 1, 9999999999999)").run();
      old.prepare("INSERT INTO cases VALUES ('c1', 'KY-20261120-0001', '老店', '[\"food_business\"]', '地址', 30, 120, 'open', 1, 'inspector')").run();
      const session = old.prepare('INSERT INTO inspection_sessions (id, case_id, status, created_at, ended_at, end_reason) VALUES (?, ?, ?, ?, ?, ?)');
      session.run('closed', 'c1', 'ended', 2, 5, 'finished');
      session.run('cut', 'c1', 'ended', 3, 6, 'finished');
      session.run('open', 'c1', 'live', 4, null, null);
      session.run('closedLive', 'c1', 'live', 5, null, null);
      old.prepare("INSERT INTO inspection_walks VALUES ('closed', '[]', NULL, NULL, 2)").run();
      old.prepare(`INSERT INTO walk_events VALUES ('closed', 1, '{"type":"closed","outcome":"conditional_pass","computed":"conditional_pass"}', 5, 'inspector')`).run();
      // Closed by the page, which then never sent its "end call": the old release had sealed it already.
      old.prepare("INSERT INTO inspection_walks VALUES ('closedLive', '[]', NULL, NULL, 5)").run();
      old.prepare(`INSERT INTO walk_events VALUES ('closedLive', 1, '{"type":"closed","outcome":"pass","computed":"pass"}', 6, 'inspector')`).run();
      old.close();

      const store = await SqliteStore.open(file);
      try {
        expect(store.schemaVersion).toBe(MIGRATIONS.at(-1)!.version);
        expect(await store.accounts.get('acc1')).toMatchObject({ username: 'inspector', roles: ['admin', 'supervisor', 'inspector'], mustChangePassword: false });
        expect((await store.accounts.get('acc1'))!.departments).toContain('food_business');
        expect(await store.logins.get('h1')).toMatchObject({ accountId: 'acc1' });
        expect(await store.assignments.accountsOf('c1')).toEqual(['acc1']);
        const states = Object.fromEntries((await store.sessions.listByCase('c1')).map((s) => [s.id, [s.state, s.outcome]]));
        expect(states).toEqual({ closed: ['sealed', 'conditional_pass'], cut: ['interrupted', undefined], open: ['scheduled', undefined], closedLive: ['sealed', 'pass'] });
        expect((await store.cases.get('c1'))!.caseNumber).toBe('KY-20261120-0001');
        // Coordinates from before the source existed were typed as WGS-84: the original is the point.
        expect((await store.cases.get('c1'))!.address).toEqual({ text: '地址', lat: 30, lon: 120, system: 'wgs84', original: { lat: 30, lon: 120 } });
      } finally {
        await store.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
