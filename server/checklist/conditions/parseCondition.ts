import { ConditionError, type ConditionNode, type Literal, type Operand } from './ConditionTree';

type Token =
  | { t: 'ident'; v: string; at: number }
  | { t: 'point'; v: string; at: number }
  | { t: 'num'; v: number; at: number }
  | { t: 'str'; v: string; at: number }
  | { t: 'op'; v: string; at: number }
  | { t: 'end'; at: number };

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'true', 'false']);

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (/[a-z_]/i.test(c)) {
      const m = /^[a-z_][a-z0-9_]*/i.exec(src.slice(i))!;
      out.push({ t: 'ident', v: m[0], at: i });
      i += m[0].length;
    } else if (c === '@') {
      const m = /^@([a-z_][a-z0-9_]*)/.exec(src.slice(i));
      if (!m) throw new ConditionError(`"@" must be followed by a point id`, i);
      out.push({ t: 'point', v: m[1]!, at: i });
      i += m[0].length;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^-?\d+(\.\d+)?/.exec(src.slice(i))!;
      out.push({ t: 'num', v: Number(m[0]), at: i });
      i += m[0].length;
    } else if (c === '"') {
      const end = src.indexOf('"', i + 1);
      if (end < 0) throw new ConditionError('unterminated string', i);
      out.push({ t: 'str', v: src.slice(i + 1, end), at: i });
      i = end + 1;
    } else {
      const two = src.slice(i, i + 2);
      if (['==', '!=', '<=', '>='].includes(two)) {
        out.push({ t: 'op', v: two, at: i });
        i += 2;
      } else if ('<>()[],'.includes(c)) {
        out.push({ t: 'op', v: c, at: i });
        i++;
      } else {
        throw new ConditionError(`unexpected character "${c}"`, i);
      }
    }
  }
  out.push({ t: 'end', at: src.length });
  return out;
}

/**
 * Parses `a > 1 and (b or not c) and d in ["x", "y"] and @point == "pass"`.
 * Precedence, loosest first: or, and, not, comparison / in.
 */
export function parseCondition(src: string): ConditionNode {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos]!;
  const isOp = (v: string) => peek().t === 'op' && (peek() as { v: string }).v === v;
  const isWord = (v: string) => peek().t === 'ident' && (peek() as { v: string }).v === v;
  const expect = (v: string) => {
    if (!isOp(v)) throw new ConditionError(`expected "${v}"`, peek().at);
    pos++;
  };

  const literal = (): Literal => {
    const tok = peek();
    if (tok.t === 'num' || tok.t === 'str') {
      pos++;
      return tok.v;
    }
    if (tok.t === 'ident' && (tok.v === 'true' || tok.v === 'false')) {
      pos++;
      return tok.v === 'true';
    }
    throw new ConditionError('expected a number, a "string", true or false', tok.at);
  };

  const operand = (): Operand => {
    const tok = peek();
    if (tok.t === 'ident' && !KEYWORDS.has(tok.v)) {
      pos++;
      return { kind: 'fact', key: tok.v };
    }
    if (tok.t === 'point') {
      pos++;
      return { kind: 'point', id: tok.v };
    }
    return { kind: 'literal', value: literal() };
  };

  const comparison = (): ConditionNode => {
    if (isOp('(')) {
      pos++;
      const inner = or();
      expect(')');
      return inner;
    }
    const left = operand();
    const tok = peek();
    if (tok.t === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(tok.v)) {
      pos++;
      return { kind: 'compare', op: tok.v as '==', left, right: operand() };
    }
    if (isWord('in')) {
      pos++;
      expect('[');
      const values: Literal[] = [literal()];
      while (isOp(',')) {
        pos++;
        values.push(literal());
      }
      expect(']');
      return { kind: 'in', left, values };
    }
    return { kind: 'truthy', operand: left };
  };

  const not = (): ConditionNode => {
    if (isWord('not')) {
      pos++;
      return { kind: 'not', arg: not() };
    }
    return comparison();
  };

  const and = (): ConditionNode => {
    const args = [not()];
    while (isWord('and')) {
      pos++;
      args.push(not());
    }
    return args.length === 1 ? args[0]! : { kind: 'and', args };
  };

  function or(): ConditionNode {
    const args = [and()];
    while (isWord('or')) {
      pos++;
      args.push(and());
    }
    return args.length === 1 ? args[0]! : { kind: 'or', args };
  }

  const tree = or();
  if (peek().t !== 'end') throw new ConditionError('unexpected text after the condition', peek().at);
  return tree;
}
