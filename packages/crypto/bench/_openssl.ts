/** Runs `openssl speed` for AES-256-GCM at 1 MiB, the C reference the node provider is held to. */
import { spawnSync } from 'node:child_process';

export interface OpensslFigure {
  command: string;
  version: string;
  mbPerSec: number;
}

export function opensslAesGcmSpeed(seconds = 3): OpensslFigure | undefined {
  const args = ['speed', '-seconds', String(seconds), '-evp', 'aes-256-gcm', '-bytes', '1048576'];
  const version = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (version.error !== undefined || version.status !== 0) return undefined;
  const run = spawnSync('openssl', args, { encoding: 'utf8' });
  if (run.status !== 0) return undefined;
  // The last line reads: "AES-256-GCM   <rate>k" where the rate is in 1000s of bytes per second.
  const line = run.stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => /^aes-256-gcm/i.test(l.trim()));
  const rate = line?.trim().split(/\s+/).pop();
  if (rate === undefined || !rate.endsWith('k')) return undefined;
  return {
    command: `openssl ${args.join(' ')}`,
    version: version.stdout.trim(),
    mbPerSec: Number(rate.slice(0, -1)) / 1000,
  };
}
