import type { Request } from 'express';
import { pickLang, type Lang } from '../platform/Text';

/** The header the pages send with every API call (client/shared/api.ts). */
export const LANG_HEADER = 'x-kanyan-lang';

/**
 * The language a request asked for: `?lang=` wins, then the X-Kanyan-Lang header; zh-CN otherwise.
 * Never Accept-Language: the pages default to zh-CN whatever the browser says, and the server's
 * messages must match the page they appear on.
 */
export function requestLang(req: Request): Lang {
  const query = (req.query as Record<string, unknown> | undefined)?.lang;
  return pickLang(typeof query === 'string' ? query : req.get(LANG_HEADER));
}
