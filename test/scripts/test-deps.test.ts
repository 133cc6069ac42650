/**
 * scripts/test-deps.mjs, the `pretest` step: what it decides for each machine (README "Running the
 * tests": install as root with apt-get, else stop before any test with the exact command), and what
 * it prints when a tool is missing from PATH.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';

const SCRIPT = fileURLToPath(new URL('../../../scripts/test-deps.mjs', import.meta.url));

interface Situation {
  missing: string[];
  isRoot: boolean;
  hasAptGet: boolean;
  hasSudo: boolean;
  customChromium: boolean;
}
type Plan = { action: 'ok' } | { action: 'install'; packages: string[] } | { action: 'stop'; advice: string };
const { decide, aptCommand } = (await import(SCRIPT)) as { decide: (s: Situation) => Plan; aptCommand: (p: string[]) => string };

const situation = (over: Partial<Situation>): Situation => ({ missing: [], isRoot: false, hasAptGet: true, hasSudo: false, customChromium: false, ...over });

describe('test-deps: the decision', () => {
  it('nothing missing: go on', () => {
    assert.deepEqual(decide(situation({ isRoot: true })), { action: 'ok' });
    assert.deepEqual(decide(situation({ hasAptGet: false })), { action: 'ok' });
  });

  it('root with apt-get: installs exactly the missing packages', () => {
    assert.deepEqual(decide(situation({ missing: ['awscli', 'chromium'], isRoot: true })), { action: 'install', packages: ['awscli', 'chromium'] });
  });

  it('not root: stops with the apt-get command, through sudo when there is sudo', () => {
    const plain = decide(situation({ missing: ['python3-boto3'] }));
    assert.equal(plain.action, 'stop');
    assert.ok(plain.action === 'stop' && plain.advice.includes(`(as root) ${aptCommand(['python3-boto3'])}`), JSON.stringify(plain));
    const sudo = decide(situation({ missing: ['python3-boto3'], hasSudo: true }));
    assert.ok(sudo.action === 'stop' && sudo.advice.includes(`sudo sh -c '${aptCommand(['python3-boto3'])}'`), JSON.stringify(sudo));
  });

  it('no apt-get (not Debian): stops naming the tools and their Debian packages', () => {
    const plan = decide(situation({ missing: ['awscli'], isRoot: true, hasAptGet: false }));
    assert.ok(plan.action === 'stop' && /the AWS CLI/.test(plan.advice) && /awscli/.test(plan.advice), JSON.stringify(plan));
  });

  it("a Chromium named by EC2NET_CHROMIUM that is not there is never replaced by Debian's", () => {
    const plan = decide(situation({ missing: ['chromium'], isRoot: true, customChromium: true }));
    assert.ok(plan.action === 'stop' && /EC2NET_CHROMIUM/.test(plan.advice), JSON.stringify(plan));
  });

  it('the apt-get command updates, installs without questions, and waits for another apt-get', () => {
    assert.match(
      aptCommand(['awscli', 'chromium']),
      /^apt-get update .*&& DEBIAN_FRONTEND=noninteractive apt-get install -y .*DPkg::Lock::Timeout=\d+ awscli chromium$/,
    );
  });
});

describe('test-deps --check, run with a tool missing', () => {
  const bin = mkdtempSync(join(tmpdir(), 'ec2net-path-'));
  after(() => rmSync(bin, { recursive: true, force: true }));

  it('a PATH without aws: exit 1 before any test, naming the AWS CLI and the command that installs it', () => {
    // A PATH holding only node, the real python3 (not a wrapper needing more of PATH) and apt-get: no aws.
    // --check never installs.
    symlinkSync(process.execPath, join(bin, 'node'));
    const python = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();
    if (python) symlinkSync(python, join(bin, 'python3'));
    const aptGet = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).stdout.trim();
    if (aptGet) symlinkSync(aptGet, join(bin, 'apt-get'));
    const r = spawnSync(process.execPath, [SCRIPT, '--check'], { encoding: 'utf8', env: { ...process.env, PATH: bin } });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /missing the AWS CLI \(aws\).*no test was run/);
    if (aptGet) assert.match(r.stderr, /apt-get install .* awscli/);
  });
});
