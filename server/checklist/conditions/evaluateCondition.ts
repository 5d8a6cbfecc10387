import type { ConditionNode, Literal, Operand } from './ConditionTree';

export interface ConditionInputs {
  facts: ReadonlyMap<string, Literal>;
  results: ReadonlyMap<string, string>;
}

/**
 * Three-valued: `undefined` when a fact or earlier answer it needs is not known yet. Callers treat
 * unknown as "applies", so a point is never skipped for lack of an answer.
 */
export function evaluateCondition(node: ConditionNode, inputs: ConditionInputs): boolean | undefined {
  switch (node.kind) {
    case 'and': {
      let unknown = false;
      for (const a of node.args) {
        const v = evaluateCondition(a, inputs);
        if (v === false) return false;
        if (v === undefined) unknown = true;
      }
      return unknown ? undefined : true;
    }
    case 'or': {
      let unknown = false;
      for (const a of node.args) {
        const v = evaluateCondition(a, inputs);
        if (v === true) return true;
        if (v === undefined) unknown = true;
      }
      return unknown ? undefined : false;
    }
    case 'not': {
      const v = evaluateCondition(node.arg, inputs);
      return v === undefined ? undefined : !v;
    }
    case 'truthy': {
      const v = value(node.operand, inputs);
      return v === undefined ? undefined : v === true;
    }
    case 'in': {
      const v = value(node.left, inputs);
      return v === undefined ? undefined : node.values.includes(v);
    }
    case 'compare': {
      const l = value(node.left, inputs);
      const r = value(node.right, inputs);
      if (l === undefined || r === undefined) return undefined;
      switch (node.op) {
        case '==':
          return l === r;
        case '!=':
          return l !== r;
        case '<':
          return (l as number) < (r as number);
        case '<=':
          return (l as number) <= (r as number);
        case '>':
          return (l as number) > (r as number);
        case '>=':
          return (l as number) >= (r as number);
      }
    }
  }
}

function value(o: Operand, inputs: ConditionInputs): Literal | undefined {
  if (o.kind === 'literal') return o.value;
  if (o.kind === 'fact') return inputs.facts.get(o.key);
  return inputs.results.get(o.id);
}
