import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { axeViolations, horizontalOverflow, type AxeViolation } from './axe';

/**
 * Where the end-to-end tests leave a screenshot of every state they check. Not committed
 * (.gitignore); CI keeps the folder as an artefact so a person can look at what the tests saw.
 */
export const SCREENS_DIR = path.resolve(__dirname, '../../artifacts/screens');

/** Saves the page as it is now as `<name>.png` (the viewport, as a person sees it). */
export async function saveScreen(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENS_DIR, { recursive: true });
  const file = path.join(SCREENS_DIR, `${name.replace(/[^a-z0-9._-]+/gi, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * The selectors whose element is missing, hidden, or not wholly inside the viewport as the page is
 * now (no scrolling): what a person could not see or reach without hunting for it.
 */
export async function outsideViewport(page: Page, selectors: string[]): Promise<string[]> {
  return page.evaluate((sels) => {
    const vw = document.documentElement.clientWidth;
    const vh = window.innerHeight;
    const out: string[] = [];
    for (const sel of sels) {
      const el = document.querySelector(sel) as HTMLElement | null;
      if (!el) {
        out.push(`${sel} (missing)`);
        continue;
      }
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') out.push(`${sel} (not shown)`);
      else if (r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1) out.push(`${sel} (at ${Math.round(r.left)},${Math.round(r.top)}-${Math.round(r.right)},${Math.round(r.bottom)} in ${vw}×${vh})`);
    }
    return out;
  }, selectors);
}

export interface StateCheck {
  /** Serious or critical accessibility violations (axe-core, WCAG 2.1 A/AA, colour contrast included). */
  violations: AxeViolation[];
  /** Controls that must be in view and are not. */
  outside: string[];
  /** Elements that stick out sideways. */
  overflow: string[];
}

/**
 * Checks one state of a page as a person meets it: saves its screenshot, runs axe-core, and checks
 * that the named controls are in view. Use with `expect(await checkState(...)).toEqual(CLEAN)`.
 */
export async function checkState(page: Page, name: string, inView: string[] = []): Promise<StateCheck> {
  await saveScreen(page, name);
  const violations = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  return { violations, outside: await outsideViewport(page, inView), overflow: await horizontalOverflow(page) };
}

export const CLEAN: StateCheck = { violations: [], outside: [], overflow: [] };
