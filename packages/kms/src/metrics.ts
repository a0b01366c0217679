/**
 * Prometheus metrics (text exposition format 0.0.4), kept in plain maps: counters by label set,
 * one latency histogram per operation, and gauges read when scraped.
 */

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

function labels(l: Readonly<Record<string, string>>): string {
  const parts = Object.entries(l).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

class Histogram {
  /** Observations per bucket, not cumulative (the last slot is above every bound). */
  readonly counts = new Array<number>(BUCKETS.length + 1).fill(0);
  sum = 0;
  count = 0;

  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    // One increment per observation; the cumulative Prometheus buckets are summed when scraped.
    let i = 0;
    while (i < BUCKETS.length && seconds > (BUCKETS[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
  }

  /** Cumulative count of bucket `i` (observations ≤ BUCKETS[i]). */
  cumulative(i: number): number {
    let n = 0;
    for (let j = 0; j <= i; j++) n += this.counts[j] as number;
    return n;
  }
}

/** Counters and the latency histogram of one operation name. */
class OperationStats {
  readonly latency = new Histogram();
  /** Successes, by far the most frequent case, need no key. */
  successes = 0;
  /** Failures by Result Reason. */
  readonly failures = new Map<string, number>();
}

/** HTTP responses of one route, by status. */
export class RouteCounter {
  readonly route: string;
  /** 200, by far the most frequent status, needs no lookup. */
  ok = 0;
  readonly byStatus = new Map<number, number>();

  constructor(route: string) {
    this.route = route;
  }

  count(status: number): void {
    if (status === 200) this.ok++;
    else this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }
}

export class Metrics {
  readonly #operations = new Map<string, OperationStats>();
  readonly #http = new Map<string, RouteCounter>();
  readonly #gauges: { name: string; help: string; read: () => number }[] = [];

  /** Counts one KMIP operation and its latency. */
  operation(name: string, status: 'success' | 'failure', reason: string, seconds: number): void {
    let stats = this.#operations.get(name);
    if (stats === undefined) {
      stats = new OperationStats();
      this.#operations.set(name, stats);
    }
    if (status === 'success') stats.successes++;
    else stats.failures.set(reason, (stats.failures.get(reason) ?? 0) + 1);
    stats.latency.observe(seconds);
  }

  /** Counts one HTTP response. */
  http(route: string, status: number): void {
    this.route(route).count(status);
  }

  /** The counter of a route's responses, for callers that count many (one per route). */
  route(route: string): RouteCounter {
    let counter = this.#http.get(route);
    if (counter === undefined) {
      counter = new RouteCounter(route);
      this.#http.set(route, counter);
    }
    return counter;
  }

  /** A value read at each scrape. */
  gauge(name: string, help: string, read: () => number): void {
    this.#gauges.push({ name, help, read });
  }

  /** The exposition text. */
  render(): string {
    const out: string[] = [];
    out.push('# HELP custos_kms_operations_total KMIP operations processed.');
    out.push('# TYPE custos_kms_operations_total counter');
    for (const [operation, stats] of this.#operations) {
      if (stats.successes > 0)
        out.push(
          `custos_kms_operations_total${labels({ operation, status: 'success', reason: '' })} ${stats.successes}`,
        );
      for (const [reason, n] of stats.failures)
        out.push(
          `custos_kms_operations_total${labels({ operation, status: 'failure', reason })} ${n}`,
        );
    }
    out.push('# HELP custos_kms_http_responses_total HTTP responses sent.');
    out.push('# TYPE custos_kms_http_responses_total counter');
    for (const c of this.#http.values()) {
      const statuses = [...c.byStatus];
      if (c.ok > 0) statuses.push([200, c.ok]);
      for (const [status, n] of statuses.sort((a, b) => a[0] - b[0]))
        out.push(
          `custos_kms_http_responses_total${labels({ route: c.route, status: String(status) })} ${n}`,
        );
    }
    out.push('# HELP custos_kms_operation_duration_seconds Time to process one KMIP operation.');
    out.push('# TYPE custos_kms_operation_duration_seconds histogram');
    for (const [op, { latency: h }] of this.#operations) {
      for (let i = 0; i < BUCKETS.length; i++)
        out.push(
          `custos_kms_operation_duration_seconds_bucket${labels({ operation: op, le: String(BUCKETS[i]) })} ${h.cumulative(i)}`,
        );
      out.push(
        `custos_kms_operation_duration_seconds_bucket${labels({ operation: op, le: '+Inf' })} ${h.count}`,
      );
      out.push(`custos_kms_operation_duration_seconds_sum${labels({ operation: op })} ${h.sum}`);
      out.push(
        `custos_kms_operation_duration_seconds_count${labels({ operation: op })} ${h.count}`,
      );
    }
    for (const g of this.#gauges) {
      out.push(`# HELP ${g.name} ${g.help}`);
      out.push(`# TYPE ${g.name} gauge`);
      out.push(`${g.name} ${g.read()}`);
    }
    return `${out.join('\n')}\n`;
  }
}
