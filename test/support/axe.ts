import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core through @axe-core/playwright (WCAG 2 A/AA rules, colour contrast included) on the
 * page as it is now and returns what it found, one line per rule, so a failing test names the rule
 * and the elements.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

/** Whether any element sticks out to the right of the viewport (a page that scrolls sideways). */
export async function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 1 && getComputedStyle(el).position !== 'fixed') out.push(`${el.tagName.toLowerCase()}.${(el as HTMLElement).className}`);
    }
    return out.slice(0, 10);
  });
}
