import { execFileSync } from 'node:child_process';

/**
 * The evidence stamp is drawn in Chinese; without a CJK font sharp draws empty boxes, which would
 * silently ruin every stamped photo. Refuse to start instead.
 */
export function assertCjkFont(): string {
  let out = '';
  try {
    out = execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    out = '';
  }
  const first = out.split('\n').find((l) => l.trim());
  if (!first) {
    throw new Error('no Chinese (CJK) font found for evidence stamps; install one: apt-get install fonts-noto-cjk');
  }
  return first.split(',')[0]!.trim();
}
