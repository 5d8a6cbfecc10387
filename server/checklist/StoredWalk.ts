import type { TemplatePin } from './WalkPlan';

/** A walk as persisted: which template versions it pinned, and for a re-inspection what it carries. */
export interface StoredWalk {
  sessionId: string;
  templateHashes: string[];
  parentSessionId?: string;
  carriedKeys?: string[];
  createdAt: number;
}

export interface StoredTemplateVersion extends TemplatePin {
  /** The template file's content as published. */
  source: unknown;
}
