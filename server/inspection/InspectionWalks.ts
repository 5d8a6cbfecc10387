import { ChecklistWalk, WalkRuleError } from '../checklist/ChecklistWalk';
import { compileTemplate } from '../checklist/compileTemplate';
import type { InspectionTemplate } from '../checklist/InspectionTemplate';
import type { TemplateLibrary } from '../checklist/TemplateLibrary';
import type { OutcomeKind, WalkEvent, WalkEventBody } from '../checklist/WalkEvent';
import { mergeTemplates } from '../checklist/WalkPlan';
import type { CaseRecord } from '../cases/CaseRecord';
import type { Clock } from '../platform/clock';
import { Conflict, Invalid, NotFound } from '../platform/errors';
import type { TypedEvents } from '../platform/TypedEvents';
import type { Store } from '../store/Store';
import type { InspectionEvents } from './InspectionEvents';
import { walkView, applicantPrompt } from './walkView';

interface LiveWalk {
  walk: ChecklistWalk;
  templates: InspectionTemplate[];
  parentSessionId?: string;
  /** Serialises validate-then-append so the in-memory walk and the stored log never disagree. */
  queue: Promise<unknown>;
}

/**
 * The checklist of each inspection session: pins the template versions at creation, stores every
 * change as an event with server time, and rebuilds the walk from those events after a restart.
 */
export class InspectionWalks {
  private readonly live = new Map<string, Promise<LiveWalk>>();

  constructor(
    private readonly store: Store,
    private readonly library: TemplateLibrary,
    private readonly clock: Clock,
    private readonly bus: TypedEvents<InspectionEvents>,
  ) {}

  /** Pins the current templates of the case's permits (or, for a re-inspection, the parent's). */
  async start(caseRecord: CaseRecord, sessionId: string, parentSessionId?: string): Promise<void> {
    if (await this.store.walks.get(sessionId)) return;
    const now = this.clock.now();
    if (parentSessionId) {
      const parent = await this.load(parentSessionId);
      const carried = parent.walk.failedKeys();
      if (!carried.length) throw new Invalid('上次勘验没有不合格或需整改的项目，无需复验', 'nothing to re-inspect');
      await this.store.walks.insert({ sessionId, templateHashes: parent.templates.map((t) => t.hash), parentSessionId, carriedKeys: carried, createdAt: now });
      return;
    }
    const templates = caseRecord.permitTypes.map((p) => this.library.forPermit(p));
    for (const t of templates) await this.store.templates.save({ id: t.id, version: t.version, hash: t.hash, permitType: t.permitType, source: t.source }, now);
    await this.store.walks.insert({ sessionId, templateHashes: templates.map((t) => t.hash), createdAt: now });
  }

  /** The session this one re-inspects, if it is a re-inspection (复验). */
  async parentOf(sessionId: string): Promise<string | undefined> {
    return (await this.store.walks.get(sessionId))?.parentSessionId;
  }

  async view(sessionId: string, lang: 'zh-CN' | 'en' = 'zh-CN') {
    const live = await this.load(sessionId);
    return walkView(sessionId, live.walk, lang, live.parentSessionId);
  }

  async prompt(sessionId: string, lang: 'zh-CN' | 'en' = 'zh-CN') {
    return applicantPrompt((await this.load(sessionId)).walk, lang);
  }

  /** Validates and stores one change; the returned event carries the trusted server time. */
  async record(sessionId: string, body: WalkEventBody, actor: string): Promise<WalkEvent> {
    const live = await this.load(sessionId);
    const run = live.queue.then(async () => {
      try {
        live.walk.validate(body);
      } catch (err) {
        if (err instanceof WalkRuleError) throw new Conflict(ruleMessage(err.message), err.message);
        throw err;
      }
      const event = await this.store.walks.appendEvent(sessionId, { ...body, at: this.clock.now(), actor } as Omit<WalkEvent, 'seq'>);
      live.walk.apply(event);
      return event;
    });
    live.queue = run.catch(() => undefined);
    const event = await run;
    this.bus.emit('walk.changed', sessionId);
    return event;
  }

  /** Closes the checklist with the computed outcome, or an override that carries a written reason. */
  async close(sessionId: string, req: { outcome: OutcomeKind; computed: OutcomeKind; overrideReason?: string }, actor: string): Promise<WalkEvent> {
    const live = await this.load(sessionId);
    const days = Math.max(...live.templates.map((t) => t.rectificationDays));
    const deadline = req.outcome === 'conditional_pass' ? this.clock.now() + days * 86_400_000 : undefined;
    return this.record(sessionId, { type: 'closed', ...req, overrideReason: req.overrideReason || undefined, rectificationDeadline: deadline }, actor);
  }

  eventLog(sessionId: string): Promise<WalkEvent[]> {
    return this.store.walks.events(sessionId);
  }

  async walk(sessionId: string): Promise<ChecklistWalk> {
    return (await this.load(sessionId)).walk;
  }

  private load(sessionId: string): Promise<LiveWalk> {
    let p = this.live.get(sessionId);
    if (!p) {
      p = this.build(sessionId);
      this.live.set(sessionId, p);
      p.catch(() => this.live.delete(sessionId));
    }
    return p;
  }

  private async build(sessionId: string): Promise<LiveWalk> {
    const stored = await this.store.walks.get(sessionId);
    if (!stored) throw new NotFound('本次勘验没有检查清单', `no walk for session ${sessionId}`);
    const templates: InspectionTemplate[] = [];
    for (const hash of stored.templateHashes) {
      const v = await this.store.templates.get(hash);
      if (!v) throw new NotFound('勘验模板版本缺失', `template version ${hash} missing`);
      // Rebuilt from the stored content, never from today's file: later edits do not touch it.
      templates.push(compileTemplate(`${v.id}@${v.version}`, v.source));
    }
    const plan = mergeTemplates(templates, stored.carriedKeys ? new Set(stored.carriedKeys) : undefined);
    const rules = templates.map((t) => ({ permitType: t.permitType, passPercent: t.scoring?.passPercent, rectificationDays: t.rectificationDays }));
    const walk = new ChecklistWalk(plan, rules, await this.store.walks.events(sessionId));
    return { walk, templates, parentSessionId: stored.parentSessionId, queue: Promise.resolve() };
  }
}

function ruleMessage(reason: string): string {
  if (reason.includes('closed')) return '本次勘验已结束，不能再修改';
  if (reason.includes('written reason')) return '更改系统判定结果需要填写不少于10个字的理由';
  // Sign-off and fact messages are already written for the inspector.
  if (reason.startsWith('签字确认前') || reason.includes('不能重复签字') || reason.startsWith('未知的经营情况项') || reason.includes('应为')) return reason;
  if (reason.includes('尚未填写') || reason.includes('需要') || reason.includes('签字确认')) return `还不能结束勘验：${reason}`;
  if (reason.includes('allowed result')) return '该检查项不允许这个结果';
  if (reason.includes('not part of this inspection')) return '本次勘验不包含该许可';
  return `操作无效：${reason}`;
}
