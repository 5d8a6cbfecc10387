import { z } from 'zod';
import type { Text } from '../platform/Text';

// How the wire schemas talk about their fields to a person: each field's label in both languages,
// and the schemas' own messages with their English twins. zod keeps one string per message, so a
// schema's message stays its zh-CN sentence and parseInput finds the English one here.

const LABELS = new WeakMap<z.ZodTypeAny, Text>();
const MESSAGES = new Map<string, Text>();

/** The schema, named for people (never by its key): a copy, so a shared schema can carry a label per use. */
export function labelled<S extends z.ZodTypeAny>(schema: S, label: Text): S {
  const copy = schema.describe(label.en) as S;
  LABELS.set(copy, label);
  return copy;
}

/**
 * A schema's own message in both languages, for `.min(1, said(...))`, `refine(..., { message: said(...) })`
 * and the like: returns the zh-CN sentence zod keeps. The sentence names its field itself.
 */
export function said(t: Text): string {
  MESSAGES.set(t['zh-CN'], t);
  return t['zh-CN'];
}

/**
 * A refinement's own finding in both languages, for messages built from the input (a typed value):
 * carried on the issue itself, so nothing is registered per request. Use said() for fixed sentences.
 */
export function addTextIssue(ctx: z.RefinementCtx, t: Text, path?: Array<string | number>): void {
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: t['zh-CN'], params: { text: t }, ...(path ? { path } : {}) });
}

/** The bilingual text an issue carries (addTextIssue) or a schema declared (said), if any. */
export function ownText(issue: z.ZodIssue): Text | undefined {
  const carried = issue.code === z.ZodIssueCode.custom ? (issue.params as { text?: Text } | undefined)?.text : undefined;
  return carried ?? saidText(issue.message);
}

/** The bilingual text of a message a schema declared with `said`, if it is one. */
export function saidText(message: string): Text | undefined {
  return MESSAGES.get(message);
}

/** The label of the innermost labelled schema on the way to `path` (an array's label covers its items). */
export function labelAt(root: z.ZodTypeAny, path: ReadonlyArray<string | number>): Text | undefined {
  let label: Text | undefined;
  const visit = (s: z.ZodTypeAny): z.ZodTypeAny => {
    for (let n: z.ZodTypeAny | undefined = s; n; n = inner(n)) {
      label = LABELS.get(n) ?? label;
      s = n;
    }
    return s;
  };
  let node: z.ZodTypeAny | undefined = visit(root);
  for (const key of path) {
    node = child(node, key);
    if (!node) break;
    node = visit(node);
  }
  return label;
}

/** One wrapper inward (optional, default, effects...); undefined for a schema that wraps nothing. */
function inner(s: z.ZodTypeAny): z.ZodTypeAny | undefined {
  if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) return s.unwrap() as z.ZodTypeAny;
  if (s instanceof z.ZodDefault || s instanceof z.ZodCatch || s instanceof z.ZodReadonly) return s._def.innerType as z.ZodTypeAny;
  if (s instanceof z.ZodEffects) return s.innerType() as z.ZodTypeAny;
  if (s instanceof z.ZodBranded) return s.unwrap() as z.ZodTypeAny;
  // A pipeline's output side is the field as meant (`z.coerce.number().pipe(Latitude)`).
  if (s instanceof z.ZodPipeline) return s._def.out as z.ZodTypeAny;
  if (s instanceof z.ZodLazy) return s.schema as z.ZodTypeAny;
  return undefined;
}

function child(s: z.ZodTypeAny, key: string | number): z.ZodTypeAny | undefined {
  if (s instanceof z.ZodObject) return (s.shape as Record<string, z.ZodTypeAny>)[String(key)];
  if (s instanceof z.ZodArray) return s.element as z.ZodTypeAny;
  if (s instanceof z.ZodRecord) return s.valueSchema as z.ZodTypeAny;
  if (s instanceof z.ZodTuple) return (s.items as z.ZodTypeAny[])[Number(key)];
  if (s instanceof z.ZodUnion || s instanceof z.ZodDiscriminatedUnion) {
    for (const option of s.options as z.ZodTypeAny[]) {
      const found = child(innermost(option), key);
      if (found) return found;
    }
  }
  return undefined;
}

function innermost(s: z.ZodTypeAny): z.ZodTypeAny {
  let n = s;
  for (let i = inner(n); i; i = inner(n)) n = i;
  return n;
}
