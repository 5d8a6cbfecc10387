import fs from 'node:fs';
import path from 'node:path';
import { NotFound } from '../platform/errors';
import { text } from '../platform/Text';
import { compileTemplate, TemplateError } from './compileTemplate';
import type { InspectionTemplate } from './InspectionTemplate';

export const TEMPLATES_DIR = path.join(__dirname, 'templates');

/** The published templates, loaded and validated at start; any bad file stops the start. */
export class TemplateLibrary {
  private constructor(private readonly byPermit: Map<string, InspectionTemplate>) {}

  static load(dir = TEMPLATES_DIR): TemplateLibrary {
    const byPermit = new Map<string, InspectionTemplate>();
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      let raw: unknown;
      try {
        raw = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
      } catch (err) {
        throw new TemplateError(name, 'template', '(file)', `not valid JSON: ${(err as Error).message}`);
      }
      const t = compileTemplate(name, raw);
      const existing = byPermit.get(t.permitType);
      if (existing) throw new TemplateError(name, 'template', 'permitType', `"${t.permitType}" is already covered by template "${existing.id}"`);
      byPermit.set(t.permitType, t);
    }
    return new TemplateLibrary(byPermit);
  }

  forPermit(permitType: string): InspectionTemplate {
    const t = this.byPermit.get(permitType);
    if (!t) throw new NotFound(text(`没有“${permitType}”的勘验模板`, `No checklist template for “${permitType}”`), `no template for permit ${permitType}`);
    return t;
  }

  get all(): InspectionTemplate[] {
    return [...this.byPermit.values()];
  }
}
