import { RESULT_KINDS, type FactSpec } from '../TemplateSchema';
import { ConditionError, type ConditionNode, type Literal, type Operand } from './ConditionTree';

type ValueType = { type: 'boolean' } | { type: 'number' } | { type: 'enum'; values: string[] } | { type: 'string' };

export interface ConditionScope {
  facts: ReadonlyMap<string, FactSpec>;
  /** Points answered before the one being checked; later points cannot be referenced. */
  earlierPoints: ReadonlySet<string>;
}

/** Checks references and types at load time, so a bad template never reaches a live inspection. */
export function checkCondition(node: ConditionNode, scope: ConditionScope): void {
  switch (node.kind) {
    case 'and':
    case 'or':
      node.args.forEach((a) => checkCondition(a, scope));
      return;
    case 'not':
      checkCondition(node.arg, scope);
      return;
    case 'truthy': {
      const t = typeOf(node.operand, scope);
      if (t.type !== 'boolean') throw new ConditionError(`${describe(node.operand)} is a ${t.type}, not a yes/no fact: compare it with a value`);
      return;
    }
    case 'in': {
      const t = typeOf(node.left, scope);
      node.values.forEach((v) => assertComparable(t, v, node.left));
      return;
    }
    case 'compare': {
      const l = typeOf(node.left, scope);
      const r = typeOf(node.right, scope);
      if (node.op !== '==' && node.op !== '!=' && (l.type !== 'number' || r.type !== 'number')) {
        throw new ConditionError(`"${node.op}" needs numbers on both sides (${describe(node.left)} is ${l.type}, ${describe(node.right)} is ${r.type})`);
      }
      if (node.right.kind === 'literal') assertComparable(l, node.right.value, node.left);
      else if (node.left.kind === 'literal') assertComparable(r, node.left.value, node.right);
      else if (l.type !== r.type) throw new ConditionError(`cannot compare ${describe(node.left)} (${l.type}) with ${describe(node.right)} (${r.type})`);
      return;
    }
  }
}

function typeOf(o: Operand, scope: ConditionScope): ValueType {
  if (o.kind === 'literal') {
    return typeof o.value === 'number' ? { type: 'number' } : typeof o.value === 'boolean' ? { type: 'boolean' } : { type: 'string' };
  }
  if (o.kind === 'point') {
    if (!scope.earlierPoints.has(o.id)) throw new ConditionError(`@${o.id} is not an earlier point of this template`);
    return { type: 'enum', values: [...RESULT_KINDS] };
  }
  const fact = scope.facts.get(o.key);
  if (!fact) throw new ConditionError(`unknown fact "${o.key}" (declare it under "facts")`);
  return fact.type === 'enum' ? { type: 'enum', values: fact.values } : { type: fact.type };
}

function assertComparable(t: ValueType, v: Literal, subject: Operand): void {
  const ok =
    (t.type === 'number' && typeof v === 'number') ||
    (t.type === 'boolean' && typeof v === 'boolean') ||
    (t.type === 'string' && typeof v === 'string') ||
    (t.type === 'enum' && typeof v === 'string' && t.values.includes(v));
  if (!ok) {
    const expected = t.type === 'enum' ? `one of ${t.values.map((x) => `"${x}"`).join(', ')}` : `a ${t.type}`;
    throw new ConditionError(`${describe(subject)} is compared with ${JSON.stringify(v)}, expected ${expected}`);
  }
}

function describe(o: Operand): string {
  return o.kind === 'fact' ? `fact "${o.key}"` : o.kind === 'point' ? `@${o.id}` : JSON.stringify(o.value);
}
