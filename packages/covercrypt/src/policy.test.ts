import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PolicyError } from './errors.ts';
import {
  formatPolicy,
  MAX_DNF_CLAUSES,
  MAX_POLICY_DEPTH,
  parsePolicy,
  toDnf,
  type PolicyNode,
} from './policy.ts';
import { assertArgumentError, notString } from './_test/fixtures.ts';

// Positions drop out of the comparison: printing and re-parsing moves terms.
function strip(node: PolicyNode): unknown {
  switch (node.type) {
    case 'all':
      return '*';
    case 'attribute':
      return [node.dimension, node.attribute];
    default:
      return { [node.type]: node.operands.map(strip) };
  }
}

void describe('parsePolicy', () => {
  const ok: [string, string][] = [
    ['Department::Finance', 'Department::Finance'],
    ['  Department::Finance  ', 'Department::Finance'],
    ['Department::Finance && Security::Secret', 'Department::Finance && Security::Secret'],
    [
      '(Department::Marketing || Department::Sales) && (Country::Spain||Country::Germany)',
      '(Department::Marketing || Department::Sales) && (Country::Spain || Country::Germany)',
    ],
    ['Security Level::Top Secret', 'Security Level::Top Secret'],
    ['Department::R&D || Department::R|D', 'Department::R&D || Department::R|D'],
    ['A::a || B::b && C::c', 'A::a || B::b && C::c'],
    ['(A::a || B::b) && C::c', '(A::a || B::b) && C::c'],
    ['((A::a))', 'A::a'],
    ['A::a && (B::b && C::c)', 'A::a && B::b && C::c'],
    ['*', '*'],
    ['* && A::a', '* && A::a'],
    ['Dept::"Paris (HQ)"', 'Dept::"Paris (HQ)"'],
    ['"a::b"::"c\\"d\\\\"', '"a::b"::"c\\"d\\\\"'],
    ['Dépt::Équipe ünïcode', 'Dépt::Équipe ünïcode'],
    ['A :: b', 'A::b'],
  ];
  for (const [input, canonical] of ok) {
    void test(`parses ${JSON.stringify(input)}`, () => {
      const node = parsePolicy(input);
      assert.equal(formatPolicy(node), canonical);
      assert.deepEqual(strip(parsePolicy(formatPolicy(node))), strip(node));
    });
  }

  void test('&& binds tighter than ||', () => {
    assert.deepEqual(strip(parsePolicy('A::a || B::b && C::c')), {
      or: [
        ['A', 'a'],
        {
          and: [
            ['B', 'b'],
            ['C', 'c'],
          ],
        },
      ],
    });
  });

  const bad: [string, number][] = [
    ['', 0],
    ['   ', 3],
    ['A::b && (', 9],
    ['A::b )', 5],
    [':: x', 0],
    ['A:b', 1],
    ['A::b && && C::d', 8],
    ['A::', 3],
    ['A::b C::d', 6],
    ['()', 1],
    ['(A::b', 5],
    ['A::"open', 3],
    ['A::"x\\y"', 5],
    ['A::""', 3],
    ['||A::b', 0],
    ['A::b ||', 7],
    ['A::*b', 3],
    ['*A::b', 1],
  ];
  for (const [input, position] of bad) {
    void test(`rejects ${JSON.stringify(input)} at offset ${position}`, () => {
      assert.throws(
        () => parsePolicy(input),
        (error: unknown) => {
          assert.ok(error instanceof PolicyError);
          assert.equal(error.code, 'ERR_COVERCRYPT_POLICY');
          assert.equal(error.position, position, error.message);
          return true;
        },
      );
    });
  }

  void test('the error message shows the policy and a caret', () => {
    assert.throws(() => parsePolicy('A::b && && C::d'), {
      message: /at offset 8\n {2}A::b && && C::d\n {10}\^/,
    });
  });

  void test('rejects deep nesting and huge input', () => {
    const deep = '('.repeat(MAX_POLICY_DEPTH + 1) + 'A::b' + ')'.repeat(MAX_POLICY_DEPTH + 1);
    assert.throws(() => parsePolicy(deep), PolicyError);
    assert.doesNotThrow(() => parsePolicy('('.repeat(10) + 'A::b' + ')'.repeat(10)));
    assert.throws(() => parsePolicy('A::b || '.repeat(20000) + 'A::b'), PolicyError);
  });

  void test('hostile arguments', () => {
    for (const value of notString)
      assertArgumentError(() => parsePolicy(value as string), String(value));
  });
});

void describe('toDnf', () => {
  void test('distributes && over ||', () => {
    const clauses = toDnf(parsePolicy('(A::a || A::b) && (B::x || B::y) && C::c'));
    assert.deepEqual(
      clauses.map((c) => c.map((t) => t.attribute).join('')),
      ['axc', 'ayc', 'bxc', 'byc'],
    );
  });

  void test('* is the empty clause', () => {
    assert.deepEqual(toDnf(parsePolicy('*')), [[]]);
    assert.deepEqual(
      toDnf(parsePolicy('* && A::a')).map((c) => c.length),
      [1],
    );
  });

  void test('refuses expansions beyond the limit', () => {
    const factor = '(A::a || A::b || A::c || A::d)';
    const big = Array.from({ length: 7 }, () => factor).join(' && '); // 4^7 = 16384 clauses
    assert.ok(4 ** 7 > MAX_DNF_CLAUSES);
    assert.throws(() => toDnf(parsePolicy(big), big), PolicyError);
  });
});

void describe('property: format ∘ parse is the identity on trees', () => {
  const name = fc
    .stringMatching(/^[A-Za-z0-9 &|*()"\\:é-]{1,8}$/)
    .filter((s) => s.trim() === s && s.length > 0);
  const tree: fc.Arbitrary<PolicyNode> = fc.letrec<{ node: PolicyNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant<PolicyNode>({ type: 'all' }),
      fc.record({
        type: fc.constant('attribute' as const),
        dimension: name,
        attribute: name,
        position: fc.constant(0),
      }),
      fc.record({
        type: fc.constantFrom('and' as const, 'or' as const),
        operands: fc.array(tie('node'), { minLength: 2, maxLength: 3 }),
      }),
    ),
  })).node;

  void test('round trip', () => {
    fc.assert(
      fc.property(tree, (node) => {
        const printed = formatPolicy(node);
        assert.equal(formatPolicy(parsePolicy(printed)), printed);
        // Parsing the printed form gives the same DNF as the tree itself.
        const flat = (n: PolicyNode): string[][] =>
          toDnf(n).map((c) => c.map((t) => `${t.dimension}/${t.attribute}`));
        assert.deepEqual(flat(parsePolicy(printed)), flat(node));
      }),
      { numRuns: 300 },
    );
  });
});
