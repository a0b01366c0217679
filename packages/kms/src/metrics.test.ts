/** Prometheus exposition: counters by label set and cumulative latency buckets. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metrics } from './metrics.ts';

const line = (text: string, prefix: string): number => {
  const found = text.split('\n').find((l) => l.startsWith(`${prefix} `));
  assert.ok(found !== undefined, `no line ${prefix}`);
  return Number(found.slice(prefix.length + 1));
};

void test('operations, failures by reason, cumulative histogram buckets', () => {
  const m = new Metrics();
  for (const s of [0.0001, 0.0005, 0.0007, 0.003, 0.2, 9]) m.operation('encrypt', 'success', '', s);
  m.operation('encrypt', 'failure', 'Permission_Denied', 0.002);
  m.operation('encrypt', 'failure', 'Permission_Denied', 0.002);
  m.operation('get', 'failure', 'Item_Not_Found', 0.001);
  m.http('/kmip/2_1', 200);
  m.http('/kmip/2_1', 200);
  m.gauge('custos_test_gauge', 'A test gauge.', () => 7);
  const text = m.render();
  const ops = 'custos_kms_operations_total';
  assert.equal(line(text, `${ops}{operation="encrypt",status="success",reason=""}`), 6);
  assert.equal(
    line(text, `${ops}{operation="encrypt",status="failure",reason="Permission_Denied"}`),
    2,
  );
  assert.equal(line(text, `${ops}{operation="get",status="failure",reason="Item_Not_Found"}`), 1);
  assert.equal(line(text, 'custos_kms_http_responses_total{route="/kmip/2_1",status="200"}'), 2);
  const b = (le: string): number =>
    line(text, `custos_kms_operation_duration_seconds_bucket{operation="encrypt",le="${le}"}`);
  // le is inclusive: 0.0005 counts itself; 9 s is only in +Inf.
  assert.equal(b('0.0005'), 2);
  assert.equal(b('0.001'), 3);
  assert.equal(b('0.0025'), 5);
  assert.equal(b('0.005'), 6);
  assert.equal(b('0.25'), 7);
  assert.equal(b('5'), 7);
  assert.equal(b('+Inf'), 8);
  assert.equal(line(text, 'custos_kms_operation_duration_seconds_count{operation="encrypt"}'), 8);
  assert.ok(
    Math.abs(
      line(text, 'custos_kms_operation_duration_seconds_sum{operation="encrypt"}') - 9.2083,
    ) < 1e-9,
  );
  assert.equal(line(text, 'custos_test_gauge'), 7);
});
