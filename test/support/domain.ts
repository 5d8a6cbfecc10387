import fs from 'node:fs';
import path from 'node:path';
import { CaseService } from '../../server/cases/CaseService';
import type { CaseRecord } from '../../server/cases/CaseRecord';
import { TemplateLibrary } from '../../server/checklist/TemplateLibrary';
import { EvidenceChain } from '../../server/evidence/EvidenceChain';
import { EvidenceFiles } from '../../server/evidence/EvidenceFiles';
import { EvidenceSigner } from '../../server/evidence/EvidenceSigner';
import { WalkLogSealer } from '../../server/evidence/WalkLogSealer';
import type { InspectionEvents, StateChange } from '../../server/inspection/InspectionEvents';
import { InspectionLifecycle } from '../../server/inspection/InspectionLifecycle';
import { InspectionWalks } from '../../server/inspection/InspectionWalks';
import { createLogger } from '../../server/platform/logger';
import { TypedEvents } from '../../server/platform/TypedEvents';
import { SqliteStore } from '../../server/store/SqliteStore';
import { tinyTemplate } from '../unit/checklist/fixtures';

/**
 * The inspection domain on a real SQLite file, with the real checklist, sealer and evidence chain,
 * but no server around it: for lifecycle tests that drive the owner directly.
 */
export async function openDomain(dir: string, clock = { t: 1_800_000_000_000, now() { return this.t++; } }) {
  const templatesDir = path.join(dir, 'templates');
  if (!fs.existsSync(templatesDir)) {
    fs.mkdirSync(templatesDir, { recursive: true });
    fs.writeFileSync(path.join(templatesDir, 'tiny.json'), JSON.stringify(tinyTemplate()));
  }
  const log = createLogger('silent');
  const store = await SqliteStore.open(path.join(dir, 'db.sqlite'));
  const events = new TypedEvents<InspectionEvents>(log);
  const walks = new InspectionWalks(store, TemplateLibrary.load(templatesDir), clock, events);
  const cases = new CaseService(store, clock, log);
  const chain = new EvidenceChain(store, EvidenceSigner.loadOrCreate(dir, clock.now()));
  const sealer = new WalkLogSealer(store, new EvidenceFiles(path.join(dir, 'evidence')), chain, clock);
  const lifecycle = new InspectionLifecycle(store, cases, walks, sealer, clock, events, log);
  const changes: StateChange[] = [];
  events.on('state.changed', (c) => void changes.push(c));
  const newCase = (): Promise<CaseRecord> =>
    cases.create({ businessName: '店', permitTypes: ['tiny_permit' as never], address: { text: '地址', lat: 30, lon: 120 } }, 'inspector');
  return { store, walks, cases, lifecycle, chain, events, changes, clock, newCase };
}
