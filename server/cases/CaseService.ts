import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { TypedEvents } from '../platform/TypedEvents';
import { NotFound } from '../platform/errors';
import { text } from '../platform/Text';
import { newId } from '../platform/ids';
import type { NewCaseInput } from '../protocol/cases';
import type { Store } from '../store/Store';
import type { CaseRecord, RegisteredAddress, RegisteredAddressInput } from './CaseRecord';

export interface CaseEvents {
  /** An inspector was taken off a case: their open pages of its sessions must go. */
  'assignee.removed': [caseId: string, accountId: string];
}

/** Case records and who is assigned to work them. Sessions of a case belong to the inspection. */
export class CaseService {
  readonly events: TypedEvents<CaseEvents>;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    log: Logger,
  ) {
    this.events = new TypedEvents<CaseEvents>(log);
  }

  /** Numbers restart every day in Asia/Shanghai, like the offices' own registers. */
  async create(input: NewCaseInput, createdBy: string): Promise<CaseRecord> {
    const now = this.clock.now();
    const day = new Date(now + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
    return this.store.cases.insertNumbered(
      {
        id: newId(12),
        businessName: input.businessName,
        permitTypes: [...new Set(input.permitTypes)],
        address: registeredAddress(input.address),
        createdAt: now,
        createdBy,
      },
      `KY-${day}-`,
    );
  }

  async get(caseId: string): Promise<CaseRecord> {
    const c = await this.store.cases.get(caseId);
    if (!c) throw new NotFound(text('案件不存在', 'No such case'), `case ${caseId} not found`);
    return c;
  }

  async list(limit = 500): Promise<CaseRecord[]> {
    return this.store.cases.list(limit);
  }

  assignees(caseId: string): Promise<string[]> {
    return this.store.assignments.accountsOf(caseId);
  }

  async assign(caseId: string, accountId: string, by: string): Promise<void> {
    await this.store.assignments.assign(caseId, accountId, this.clock.now(), by);
  }

  async unassign(caseId: string, accountId: string): Promise<void> {
    await this.store.assignments.unassign(caseId, accountId);
    this.events.emit('assignee.removed', caseId, accountId);
  }
}

/** Coordinates given without their source were typed as WGS-84: the original is the point itself. */
function registeredAddress(a: RegisteredAddressInput): RegisteredAddress {
  return { text: a.text, lat: a.lat, lon: a.lon, system: a.system ?? 'wgs84', original: a.original ?? { lat: a.lat, lon: a.lon } };
}
