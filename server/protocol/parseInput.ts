import type { z } from 'zod';
import { Invalid } from '../platform/errors';

/** Parses untrusted input at the edge (HTTP body or socket message); the message names each bad field. */
export function parseInput<S extends z.ZodTypeAny>(schema: S, raw: unknown): z.infer<S> {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const fields = r.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
    throw new Invalid(`输入有误：${fields.join('；')}`, fields.join('; '));
  }
  return r.data;
}
