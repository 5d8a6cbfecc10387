import { ChecklistWalk, WalkRuleError } from '../checklist/ChecklistWalk';
import { compileTemplate } from '../checklist/compileTemplate';
import type { InspectionTemplate } from '../checklist/InspectionTemplate';
import type { TemplateLibrary } from '../checklist/TemplateLibrary';
import type { OutcomeKind, WalkEvent, WalkEventBody } from '../checklist/WalkEvent';
import { mergeTemplates } from '../checklist/WalkPlan';
import type { CaseRecord } from '../cases/CaseRecord';
import type { Clock } from '../platform/clock';
import { LANGS, text, type Lang, type Text } from '../platform/Text';
import { Conflict, Invalid, NotFound } from '../platform/errors';
import type { TypedEvents } from '../platform/TypedEvents';
import type { ApplicantPrompt, WalkView } from '../protocol/walk';
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
      if (!carried.length) throw new Invalid(text('上次勘验没有不合格或需整改的项目，无需复验', 'The last inspection has no failed points or points needing rectification; nothing to re-inspect'), 'nothing to re-inspect');
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

  async view(sessionId: string, lang: Lang = 'zh-CN') {
    const live = await this.load(sessionId);
    return walkView(sessionId, live.walk, lang, live.parentSessionId);
  }

  async prompt(sessionId: string, lang: Lang = 'zh-CN') {
    return applicantPrompt((await this.load(sessionId)).walk, lang);
  }

  /** The console's view and the phone's prompt in every language, from one and the same state of the walk (for broadcasts). */
  async inEveryLang(sessionId: string): Promise<Array<{ lang: Lang; view: WalkView; prompt: ApplicantPrompt | null }>> {
    const live = await this.load(sessionId);
    return LANGS.map((lang) => ({ lang, view: walkView(sessionId, live.walk, lang, live.parentSessionId), prompt: applicantPrompt(live.walk, lang) }));
  }

  /** Validates and stores one change; the returned event carries the trusted server time. */
  async record(sessionId: string, body: WalkEventBody, actor: string): Promise<WalkEvent> {
    const live = await this.load(sessionId);
    const run = live.queue.then(async () => {
      try {
        live.walk.validate(body);
      } catch (err) {
        if (err instanceof WalkRuleError) throw new Conflict(ruleText(err), `walk rule ${err.rule}: ${err.text.en}`);
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
    if (!stored) throw new NotFound(text('本次勘验没有检查清单', 'This inspection has no checklist'), `no walk for session ${sessionId}`);
    const templates: InspectionTemplate[] = [];
    for (const hash of stored.templateHashes) {
      const v = await this.store.templates.get(hash);
      if (!v) throw new NotFound(text('勘验模板版本缺失', 'The checklist template version of this inspection is missing'), `template version ${hash} missing`);
      // Rebuilt from the stored content, never from today's file: later edits do not touch it.
      templates.push(compileTemplate(`${v.id}@${v.version}`, v.source));
    }
    const plan = mergeTemplates(templates, stored.carriedKeys ? new Set(stored.carriedKeys) : undefined);
    const rules = templates.map((t) => ({ permitType: t.permitType, passPercent: t.scoring?.passPercent, rectificationDays: t.rectificationDays }));
    const walk = new ChecklistWalk(plan, rules, await this.store.walks.events(sessionId));
    return { walk, templates, parentSessionId: stored.parentSessionId, queue: Promise.resolve() };
  }
}

/** A refused close names what is still open as the reason the inspection cannot end; other refusals say it themselves. */
function ruleText(err: WalkRuleError): Text {
  if (err.rule !== 'close') return err.text;
  return text(`还不能结束勘验：${err.text['zh-CN']}`, `The inspection cannot be closed yet: ${err.text.en}`);
}
