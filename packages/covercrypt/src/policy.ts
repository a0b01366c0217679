/**
 * The access-policy language, one grammar for encryption policies and user-key policies:
 *
 *   policy := or
 *   or     := and ( "||" and )*
 *   and    := atom ( "&&" atom )*
 *   atom   := "(" policy ")" | "*" | term
 *   term   := name "::" name
 *   name   := bare | quoted
 *
 * `&&` binds tighter than `||`. `*` is the broadcast policy (everyone; the identity of `&&`).
 * A bare name is any run of characters other than `(`, `)`, `"`, `:` and `\`, that does not
 * contain `&&` or `||` and does not start with `*`; spaces inside it are kept and spaces around it
 * dropped, so `Security Level::Top Secret` and `Department::R&D` are terms. Any other name is
 * written in double quotes with `\"` and `\\` escapes: `Dept::"Paris (HQ)"`.
 *
 * This module knows nothing of any access structure: it parses, prints in canonical form, and
 * expands to disjunctive normal form. Resolving names against a structure (unknown attributes,
 * hierarchies, which rights a policy covers) is `rights.ts`.
 */
import { PolicyError } from './errors.ts';

/** A parsed policy. `position` is the offset of the term in the source string. */
export type PolicyNode =
  | { readonly type: 'all' }
  | {
      readonly type: 'attribute';
      readonly dimension: string;
      readonly attribute: string;
      readonly position: number;
    }
  | { readonly type: 'and'; readonly operands: readonly PolicyNode[] }
  | { readonly type: 'or'; readonly operands: readonly PolicyNode[] };

/** One term of a DNF clause. */
export interface PolicyTerm {
  readonly dimension: string;
  readonly attribute: string;
  readonly position: number;
}

/** Longest policy string accepted (64 KiB of UTF-16 code units). */
export const MAX_POLICY_LENGTH = 65536;
/** Deepest parenthesis nesting accepted. */
export const MAX_POLICY_DEPTH = 64;
/** Largest DNF expansion accepted (an `&&` of `||`s multiplies clauses). */
export const MAX_DNF_CLAUSES = 4096;

const FORBIDDEN_IN_BARE = new Set(['(', ')', '"', ':', '\\']);

class _Parser {
  readonly #source: string;
  #i = 0;
  #depth = 0;

  constructor(source: string) {
    this.#source = source;
  }

  parse(): PolicyNode {
    this.#skip();
    if (this.#i >= this.#source.length) this.#fail('empty policy', this.#i);
    const node = this.#or();
    this.#skip();
    if (this.#i < this.#source.length) this.#fail(`unexpected ${this.#describe()}`, this.#i);
    return node;
  }

  #fail(message: string, position: number): never {
    throw new PolicyError(message, this.#source, position);
  }

  #describe(): string {
    const rest = this.#source.slice(this.#i);
    if (rest.length === 0) return 'end of policy';
    if (rest.startsWith('&&') || rest.startsWith('||')) return `'${rest.slice(0, 2)}'`;
    return `'${rest[0] as string}'`;
  }

  #skip(): void {
    while (this.#i < this.#source.length && /\s/u.test(this.#source[this.#i] as string)) this.#i++;
  }

  #at(token: string): boolean {
    return this.#source.startsWith(token, this.#i);
  }

  #or(): PolicyNode {
    const operands = [this.#and()];
    for (;;) {
      this.#skip();
      if (!this.#at('||')) break;
      this.#i += 2;
      operands.push(this.#and());
    }
    return _combine('or', operands);
  }

  #and(): PolicyNode {
    const operands = [this.#atom()];
    for (;;) {
      this.#skip();
      if (!this.#at('&&')) break;
      this.#i += 2;
      operands.push(this.#atom());
    }
    return _combine('and', operands);
  }

  #atom(): PolicyNode {
    this.#skip();
    const c = this.#source[this.#i];
    if (c === undefined) this.#fail('expected a term, "(" or "*", got end of policy', this.#i);
    if (c === '(') {
      const open = this.#i;
      if (++this.#depth > MAX_POLICY_DEPTH) this.#fail('parentheses nested too deep', open);
      this.#i++;
      this.#skip();
      if (this.#source[this.#i] === ')') this.#fail('empty parentheses', this.#i);
      const inner = this.#or();
      this.#skip();
      if (this.#source[this.#i] !== ')') {
        this.#fail(
          `expected ')' to close the '(' at offset ${open}, got ${this.#describe()}`,
          this.#i,
        );
      }
      this.#i++;
      this.#depth--;
      return inner;
    }
    if (c === '*') {
      this.#i++;
      return ALL;
    }
    if (c === ')' || this.#at('&&') || this.#at('||')) {
      this.#fail(`expected a term, "(" or "*", got ${this.#describe()}`, this.#i);
    }
    return this.#term();
  }

  #term(): PolicyNode {
    const position = this.#i;
    const dimension = this.#name('dimension name');
    this.#skip();
    if (!this.#at('::')) {
      this.#fail(`expected '::' after dimension name, got ${this.#describe()}`, this.#i);
    }
    this.#i += 2;
    const attribute = this.#name('attribute name');
    return Object.freeze({ type: 'attribute', dimension, attribute, position });
  }

  #name(what: string): string {
    this.#skip();
    const start = this.#i;
    if (this.#source[this.#i] === '"') return this.#quoted(what);
    let end = this.#i;
    while (end < this.#source.length) {
      const c = this.#source[end] as string;
      if (FORBIDDEN_IN_BARE.has(c)) break;
      if (this.#source.startsWith('&&', end) || this.#source.startsWith('||', end)) break;
      end++;
    }
    const name = this.#source.slice(start, end).trim();
    if (name.length === 0) this.#fail(`expected ${what}, got ${this.#describe()}`, start);
    if (name.startsWith('*')) this.#fail(`a bare ${what} cannot start with '*' (quote it)`, start);
    this.#i = end;
    return name;
  }

  #quoted(what: string): string {
    const open = this.#i;
    this.#i++;
    let out = '';
    for (;;) {
      const c = this.#source[this.#i];
      if (c === undefined) this.#fail(`unterminated quoted ${what}`, open);
      this.#i++;
      if (c === '"') break;
      if (c === '\\') {
        const next = this.#source[this.#i];
        if (next !== '"' && next !== '\\')
          this.#fail('only \\" and \\\\ escapes are allowed', this.#i - 1);
        out += next;
        this.#i++;
      } else {
        out += c;
      }
    }
    if (out.length === 0) this.#fail(`empty quoted ${what}`, open);
    return out;
  }
}

const ALL: PolicyNode = Object.freeze({ type: 'all' });

// Flattens nested operators of the same kind, so `a && (b && c)` is one `and` of three.
function _combine(type: 'and' | 'or', operands: PolicyNode[]): PolicyNode {
  if (operands.length === 1) return operands[0] as PolicyNode;
  const flat: PolicyNode[] = [];
  for (const op of operands) {
    if (op.type === type) flat.push(...op.operands);
    else flat.push(op);
  }
  return Object.freeze({ type, operands: Object.freeze(flat) });
}

/**
 * Parses an access policy.
 * @throws TypeError if `policy` is not a string; PolicyError (with `position`) if it does not
 *   parse or is longer than MAX_POLICY_LENGTH.
 */
export function parsePolicy(policy: string): PolicyNode {
  if (typeof policy !== 'string') throw new TypeError('policy must be a string');
  if (policy.length > MAX_POLICY_LENGTH) {
    throw new PolicyError(`policy longer than ${MAX_POLICY_LENGTH} characters`);
  }
  return new _Parser(policy).parse();
}

/** Whether a name can be printed bare (it would parse back to itself). */
function _isBare(name: string): boolean {
  if (name.length === 0 || name !== name.trim() || name.startsWith('*')) return false;
  if (name.includes('&&') || name.includes('||')) return false;
  for (const c of name) if (FORBIDDEN_IN_BARE.has(c)) return false;
  return true;
}

/** A name as it appears in a policy: bare when possible, else quoted. */
export function formatName(name: string): string {
  if (_isBare(name)) return name;
  return `"${name.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** A qualified attribute as it appears in a policy: `Dimension::Attribute`. */
export function formatTerm(dimension: string, attribute: string): string {
  return `${formatName(dimension)}::${formatName(attribute)}`;
}

/**
 * The canonical text of a parsed policy: single spaces around operators, parentheses only where
 * `||` sits inside `&&`, names quoted only when they must be. `parsePolicy(formatPolicy(p))`
 * gives back `p` (positions aside).
 */
export function formatPolicy(node: PolicyNode): string {
  switch (node.type) {
    case 'all':
      return '*';
    case 'attribute':
      return formatTerm(node.dimension, node.attribute);
    case 'and':
      return node.operands
        .map((op) => (op.type === 'or' ? `(${formatPolicy(op)})` : formatPolicy(op)))
        .join(' && ');
    case 'or':
      return node.operands.map(formatPolicy).join(' || ');
  }
}

/**
 * Disjunctive normal form: a list of clauses, each a conjunction of terms; the empty clause is
 * `*` (always true). No structure is consulted (see `rights.ts` for hierarchies and minimality).
 * @throws PolicyError if the expansion exceeds MAX_DNF_CLAUSES clauses.
 */
export function toDnf(node: PolicyNode, source?: string): PolicyTerm[][] {
  switch (node.type) {
    case 'all':
      return [[]];
    case 'attribute':
      return [[{ dimension: node.dimension, attribute: node.attribute, position: node.position }]];
    case 'or': {
      const out: PolicyTerm[][] = [];
      for (const op of node.operands) {
        out.push(...toDnf(op, source));
        if (out.length > MAX_DNF_CLAUSES) _tooLarge(source);
      }
      return out;
    }
    case 'and': {
      let acc: PolicyTerm[][] = [[]];
      for (const op of node.operands) {
        const right = toDnf(op, source);
        if (acc.length * right.length > MAX_DNF_CLAUSES) _tooLarge(source);
        const next: PolicyTerm[][] = [];
        for (const a of acc) for (const b of right) next.push([...a, ...b]);
        acc = next;
      }
      return acc;
    }
  }
}

function _tooLarge(source?: string): never {
  throw new PolicyError(`policy expands to more than ${MAX_DNF_CLAUSES} clauses`, source, 0);
}
