import type { ConditionNode } from './conditions/ConditionTree';
import type { EvidenceRule, FactSpec, LocalText, ResultKind, Zone } from './TemplateSchema';

/** One point of a loaded template, with its section's condition folded into its own. */
export interface TemplatePoint {
  id: string;
  requirementKey: string;
  sectionId: string;
  zone: Zone;
  title: LocalText;
  guidance: LocalText;
  prompt: LocalText;
  clause: string;
  required: boolean;
  results: ResultKind[];
  severity: 'major' | 'minor';
  critical: boolean;
  weight: number;
  evidence: EvidenceRule;
  condition?: ConditionNode;
}

/** A validated, immutable template version; `hash` pins its exact content. */
export interface InspectionTemplate {
  id: string;
  version: string;
  permitType: string;
  title: LocalText;
  hash: string;
  facts: FactSpec[];
  scoring?: { passPercent: number };
  rectificationDays: number;
  points: TemplatePoint[];
  /** The file content the hash was computed over, kept so a pinned inspection can be rebuilt exactly. */
  source: unknown;
}
