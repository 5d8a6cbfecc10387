import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type { PositionPlotOptions } from '../../client/shared/positionPlot';
import { launchChromium } from '../support/browser';
import { axeViolations } from '../support/axe';
import { saveScreen } from '../support/screens';

const ROOT = path.resolve(__dirname, '../..');
const SHOP = { lat: 39.92893, lon: 116.41642 };
/** A point `north` and `east` metres from the shop. */
const at = (north: number, east: number) => ({ lat: SHOP.lat + north / 111_320, lon: SHOP.lon + east / (111_320 * Math.cos((SHOP.lat * Math.PI) / 180)) });

interface Drawn {
  label: string | null;
  title: string | null;
  width: number;
  ruleR: number | null;
  fixes: number;
  arrows: string[];
  /** Text boxes that stick out of the plot. */
  outside: string[];
}

/**
 * The plot on its own page in Chromium, with the pages' stylesheet: what the console, the case view
 * and the new-case form draw (they import it with this signature).
 */
describe('positionPlot: the offline position plot', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    const bundle = await esbuild.build({
      stdin: { contents: "import { positionPlot } from './client/shared/positionPlot'; (window as any).positionPlot = positionPlot;", resolveDir: ROOT, loader: 'ts' },
      bundle: true,
      write: false,
      format: 'iife',
      logLevel: 'silent',
    });
    const css = ['client/shared/style.css', 'client/shared/styles/geo.css'].map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8')).join('\n');
    browser = await launchChromium();
    // axe needs a page from a context of its own.
    page = await (await browser.newContext({ viewport: { width: 1000, height: 300 } })).newPage();
    await page.setContent(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>plot</title><style>${css} #plots figure { display: inline-block; vertical-align: top; margin: 8px; }</style></head><body><main id="plots"></main></body></html>`);
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function draw(opts: PositionPlotOptions): Promise<Drawn> {
    return page.evaluate((o) => {
      const svg = (window as unknown as { positionPlot: (x: unknown) => SVGSVGElement }).positionPlot(o);
      const box = document.getElementById('plots')!;
      const fig = document.createElement('figure');
      fig.append(svg);
      box.append(fig);
      const frame = svg.getBoundingClientRect();
      const outside = Array.from(svg.querySelectorAll('text'))
        .filter((t) => {
          const r = t.getBoundingClientRect();
          return r.left < frame.left - 1 || r.right > frame.right + 1 || r.top < frame.top - 1 || r.bottom > frame.bottom + 1;
        })
        .map((t) => t.textContent ?? '');
      const rule = svg.querySelector('.geo-plot-rule');
      return {
        label: svg.getAttribute('aria-label'),
        title: svg.querySelector(':scope > title')?.textContent ?? null,
        width: frame.width,
        ruleR: rule ? Number(rule.getAttribute('r')) : null,
        fixes: svg.querySelectorAll('.geo-plot-fix').length,
        arrows: Array.from(svg.querySelectorAll('.geo-plot-arrow text')).map((t) => t.textContent ?? ''),
        outside,
      };
    }, opts as unknown as Record<string, unknown>);
  }

  it('draws the rule circle and fixes inside it, and says the latest fix’s distance for screen readers', async () => {
    const d = await draw({ registered: SHOP, maxDistanceM: 50, fixes: [{ ...at(30, 0), accuracyM: 20, at: 1 }, { ...at(12, 5), accuracyM: 8, at: 2 }] });
    expect(d.label).toBe('最新定位距登记地址 13 m（精度 ±8 m），规则：50 m 以内，共 2 个定位');
    expect(d.title).toBe(d.label);
    expect(d.width).toBe(240);
    expect(d.fixes).toBe(2);
    expect(d.arrows).toEqual([]);
    // Zoomed to the rule: its circle fills most of the plot.
    expect(d.ruleR).toBeGreaterThan(70);
    expect(d.outside).toEqual([]);
  });

  it('keeps the rule readable when a fix is 3.5 km away: that fix is an arrow at the edge with its distance', async () => {
    const d = await draw({ registered: SHOP, maxDistanceM: 50, size: 150, fixes: [{ ...at(10, 0), accuracyM: 10, at: 1 }, { ...at(-2500, 2450), accuracyM: 30, at: 2 }] });
    expect(d.label).toContain('最新定位距登记地址 3.5 km');
    expect(d.arrows).toEqual(['3.5 km']);
    expect(d.fixes).toBe(1);
    expect(d.ruleR).toBeGreaterThan(40);
    expect(d.outside).toEqual([]);
  });

  it('zooms out to fit a nearby fix outside the rule, and to a labelled point without a rule (the new-case form)', async () => {
    const fail = await draw({ registered: SHOP, maxDistanceM: 50, fixes: [{ ...at(-150, 100), accuracyM: 20, at: 1 }] });
    expect(fail.arrows).toEqual([]);
    expect(fail.fixes).toBe(1);
    const form = await draw({ registered: SHOP, fixes: [{ ...at(-130, 580), accuracyM: 0, label: '若不换算' }], size: 180 });
    expect(form.label).toBe('若不换算距登记地址 594 m');
    expect(form.ruleR).toBeNull();
    expect(form.arrows).toEqual([]);
    expect(form.outside).toEqual([]);
    const none = await draw({ registered: SHOP, maxDistanceM: 30, fixes: [] });
    expect(none.label).toBe('登记地址位置图：尚无定位，规则：30 m 以内');
  });

  it('passes axe, and looks right (screenshot)', async () => {
    await saveScreen(page, 'position-plot-variants');
    expect((await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  });
});
