// Conditions are data, never code: a small tree of whitelisted operators, run by our own
// interpreter. Templates write them as text and the parser turns that into this tree.

export type Literal = string | number | boolean;

export type ConditionNode =
  | { kind: 'and'; args: ConditionNode[] }
  | { kind: 'or'; args: ConditionNode[] }
  | { kind: 'not'; arg: ConditionNode }
  | { kind: 'compare'; op: '==' | '!=' | '<' | '<=' | '>' | '>='; left: Operand; right: Operand }
  | { kind: 'in'; left: Operand; values: Literal[] }
  | { kind: 'truthy'; operand: Operand };

export type Operand = { kind: 'fact'; key: string } | { kind: 'point'; id: string } | { kind: 'literal'; value: Literal };

export class ConditionError extends Error {
  constructor(
    message: string,
    /** Character offset in the condition text, when known. */
    readonly at?: number,
  ) {
    super(message);
  }
}
