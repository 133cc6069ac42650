/** Runs iproute2's `ip` in batch mode: one process per namespace and phase, never a shell. */
import { execFile, execFileSync } from 'node:child_process';

export interface BatchResult {
  readonly ns?: string;
  /** What `ip` said on stderr for lines that failed (with -force it goes on after them). */
  readonly errors: string;
}

const TIMEOUT_MS = 30_000;

/**
 * Runs `lines` through `ip [-n ns] -force -batch -`; resolves with its complaints, never rejects.
 * A batch line cannot choose the address family, and `ip rule` takes IPv4 unless told: lines
 * starting with `-6 ` go to a second `ip -6` batch, after the others (links are up by then).
 */
export async function ipBatch(lines: readonly string[], ns?: string): Promise<BatchResult> {
  const v6 = lines.filter((l) => l.startsWith('-6 '));
  if (v6.length === 0) return ipBatchOf(lines, ns);
  const first = await ipBatchOf(
    lines.filter((l) => !l.startsWith('-6 ')),
    ns,
  );
  const second = await ipBatchOf(
    v6.map((l) => l.slice(3)),
    ns,
    ['-6'],
  );
  return { ns, errors: [first.errors, second.errors].filter(Boolean).join('\n') };
}

function ipBatchOf(lines: readonly string[], ns: string | undefined, family: string[] = []): Promise<BatchResult> {
  if (lines.length === 0) return Promise.resolve({ ns, errors: '' });
  return new Promise((resolve) => {
    const args = [...family, ...(ns ? ['-n', ns] : []), '-force', '-batch', '-'];
    const child = execFile('ip', args, { timeout: TIMEOUT_MS }, (error, _stdout, stderr) => {
      resolve({ ns, errors: error ? String(stderr).trim() || error.message : '' });
    });
    child.stdin?.end(`${lines.join('\n')}\n`);
  });
}

/** Runs `fn` over `items` with at most `limit` at once (the machine's cores are few). */
export async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A router's forwarding settings: it routes, answers ARP for what it routes elsewhere, and redirects no one. */
export function routerSysctls(ns: string): Promise<BatchResult> {
  const settings = [
    'net/ipv4/ip_forward=1',
    'net/ipv4/conf/all/proxy_arp=1',
    'net/ipv4/conf/default/proxy_arp=1',
    'net/ipv4/conf/all/send_redirects=0',
    'net/ipv4/conf/default/send_redirects=0',
    'net/ipv4/conf/all/rp_filter=0',
    'net/ipv4/conf/default/rp_filter=0',
    // IPv6 is routed too; the router's only link-local address is the one ec2net gives it, without DAD.
    'net/ipv6/conf/all/disable_ipv6=0',
    'net/ipv6/conf/default/disable_ipv6=0',
    'net/ipv6/conf/all/forwarding=1',
    'net/ipv6/conf/default/forwarding=1',
    'net/ipv6/conf/default/accept_dad=0',
    'net/ipv6/conf/default/addr_gen_mode=1',
    'net/ipv6/conf/all/accept_ra=0',
    'net/ipv6/conf/default/accept_ra=0',
  ];
  const script = settings.map((s) => {
    const [key, value] = s.split('=');
    return `echo ${value} > /proc/sys/${key}`;
  });
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', ns, 'sh', '-c', script.join(' && ')], { timeout: TIMEOUT_MS }, (error, _o, stderr) =>
      resolve({ ns, errors: error ? String(stderr).trim() || error.message : '' }),
    );
  });
}

/** Removes namespaces at once, synchronously (on process exit, where nothing asynchronous runs). */
export function deleteNamespacesSync(names: readonly string[]): void {
  if (names.length === 0) return;
  try {
    execFileSync('ip', ['-force', '-batch', '-'], {
      input: names.map((n) => `netns del ${n}\n`).join(''),
      stdio: ['pipe', 'ignore', 'ignore'],
      timeout: TIMEOUT_MS,
    });
  } catch {
    // Some were already gone: -force went on with the others.
  }
}
