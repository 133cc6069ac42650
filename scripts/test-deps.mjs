#!/usr/bin/env node
/**
 * What the test suite needs besides Node, checked before any test runs (`npm test` runs this
 * first, as its `pretest` step):
 *
 * - the AWS CLI (`aws`) and boto3 for `python3`: the interop tests drive ec2net through them;
 * - Chromium: the web console's end-to-end tests drive it (playwright-core, Debian's build at
 *   /usr/bin/chromium, or the browser EC2NET_CHROMIUM names);
 * - ssh-keygen and puttygen: key pair tests check fingerprints and key files with them;
 * - Ansible with boto3 for /usr/bin/python3: the examples/ansible playbook runs in the tests.
 * - iproute2's `ip`, curl, Debian's resource-agents and cloud-init, as root on Linux: the data plane
 *   tests (test/dataplane/) make namespaces with `ip` and run curl, the ClusterLabs agents and
 *   cloud-init's EC2 datasource inside them (without root they are skipped, so nothing is asked
 *   for), and nftables' `nft` filters their traffic (security groups, network ACLs) and translates
 *   public addresses (Elastic IPs, NAT gateways).
 *
 * When something is missing and this runs as root on a machine with apt-get, it installs Debian's
 * packages itself; otherwise it stops, before any test, with the exact command to run.
 * `--check` only checks (exit 1 when something is missing).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The tools, how to find each, and the Debian package that brings it. */
export const NEEDS = [
  { name: 'the AWS CLI (aws)', debian: 'awscli', probe: () => run('aws', ['--version']) },
  { name: 'boto3 for python3', debian: 'python3-boto3', probe: () => run('python3', ['-c', 'import boto3; print("boto3", boto3.__version__)']) },
  { name: 'Chromium', debian: 'chromium', probe: (env) => chromium(env) },
  // Key pair tests check fingerprints and private keys with OpenSSH's and PuTTY's own tools.
  { name: 'ssh-keygen', debian: 'openssh-client', probe: () => run('sh', ['-c', 'command -v ssh-keygen']) },
  { name: 'puttygen', debian: 'putty-tools', probe: () => run('sh', ['-c', 'command -v puttygen']) },
  // examples/ansible runs with Debian's ansible, whose modules import boto3 from Debian's python3.
  { name: 'Ansible (ansible-playbook)', debian: 'ansible', probe: () => run('ansible-playbook', ['--version']) },
  {
    name: "boto3 for Debian's /usr/bin/python3 (Ansible's interpreter)",
    debian: 'python3-boto3',
    probe: () => run('/usr/bin/python3', ['-c', 'import boto3; print("system boto3", boto3.__version__)']),
  },
  { name: "iproute2's ip", debian: 'iproute2', probe: () => (dataplaneTests() ? run('ip', ['-V']) : 'not needed') },
  // Security groups and network ACLs in the data plane are nftables tables.
  { name: "nftables' nft", debian: 'nftables', probe: () => (dataplaneTests() ? run('nft', ['--version']) : 'not needed') },
  // Data plane tests run curl and the ClusterLabs resource agents inside an instance namespace.
  { name: 'curl', debian: 'curl', probe: () => (dataplaneTests() ? run('curl', ['--version']) : 'not needed') },
  {
    name: 'the ClusterLabs resource agents (awsvip)',
    debian: 'resource-agents',
    probe: () => (dataplaneTests() ? run('sh', ['-c', 'ls /usr/lib/ocf/resource.d/heartbeat/awsvip']) : 'not needed'),
  },
  // …and cloud-init's EC2 datasource, with Debian's python3.
  {
    name: "cloud-init's EC2 datasource for /usr/bin/python3",
    debian: 'cloud-init',
    probe: () => (dataplaneTests() ? run('/usr/bin/python3', ['-c', 'import cloudinit.sources.DataSourceEc2; print("cloud-init")']) : 'not needed'),
  },
];

/** The data plane tests run only as root on Linux (elsewhere they are skipped): only then are their tools needed. */
function dataplaneTests() {
  return process.platform === 'linux' && process.getuid?.() === 0;
}

/**
 * What to do about the missing packages: nothing, install them, or stop with a command for the user.
 * Pure, so that its rules are tested on their own.
 * @param {{ missing: string[], isRoot: boolean, hasAptGet: boolean, hasSudo: boolean, customChromium: boolean }} s
 * @returns {{ action: 'ok' } | { action: 'install', packages: string[] } | { action: 'stop', advice: string }}
 */
export function decide(s) {
  if (s.missing.length === 0) return { action: 'ok' };
  // A browser named by EC2NET_CHROMIUM is the user's choice: never replaced by Debian's.
  if (s.customChromium && s.missing.includes('chromium')) {
    return { action: 'stop', advice: 'EC2NET_CHROMIUM names no executable: point it at a Chromium, or unset it to use /usr/bin/chromium' };
  }
  const install = aptCommand(s.missing);
  if (s.isRoot && s.hasAptGet) return { action: 'install', packages: s.missing };
  if (s.hasAptGet) return { action: 'stop', advice: `Install them with:\n  ${s.hasSudo ? `sudo sh -c '${install}'` : `(as root) ${install}`}` };
  const names = s.missing.map((p) => NEEDS.find((n) => n.debian === p)?.name ?? p);
  return { action: 'stop', advice: `Install ${names.join(', ')} with this system's package manager (Debian's packages: ${s.missing.join(' ')}).` };
}

/** The exact apt-get command for `packages` (it waits for another apt-get to finish rather than failing). */
export function aptCommand(packages) {
  const wait = '-o DPkg::Lock::Timeout=600';
  return `apt-get update -qq ${wait} && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${wait} ${packages.join(' ')}`;
}

/** Runs a probe command; its first output line when it succeeds, else undefined. */
function run(command, args) {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return undefined;
  return `${r.stdout}${r.stderr}`.trim().split('\n')[0];
}

function chromium(env) {
  const path = env.EC2NET_CHROMIUM || '/usr/bin/chromium';
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return undefined;
  }
  return run(path, ['--version']) ?? path;
}

function check(env) {
  return NEEDS.map((n) => ({ ...n, found: n.probe(env) }));
}

function main() {
  const env = process.env;
  const onlyCheck = process.argv.includes('--check');
  let found = check(env);
  const missing = () => [...new Set(found.filter((n) => !n.found).map((n) => n.debian))];
  const state = {
    missing: missing(),
    isRoot: process.getuid?.() === 0,
    hasAptGet: run('apt-get', ['--version']) !== undefined,
    hasSudo: run('sudo', ['--version']) !== undefined,
    customChromium: Boolean(env.EC2NET_CHROMIUM),
  };
  let plan = decide(state);
  if (plan.action === 'install' && onlyCheck) plan = { action: 'stop', advice: `Install them with:\n  ${aptCommand(plan.packages)}` };
  if (plan.action === 'install') {
    console.log(`test dependencies: installing Debian packages ${plan.packages.join(' ')}`);
    const r = spawnSync('sh', ['-c', aptCommand(plan.packages)], { stdio: 'inherit' });
    if (r.status !== 0) fail(`apt-get failed (exit ${r.status}); run it yourself: ${aptCommand(plan.packages)}`);
    found = check(env);
    // Installed, yet still missing: the tool on PATH is not Debian's (a pyenv or venv python3 without boto3, say).
    const still = found.filter((n) => !n.found);
    if (still.length > 0) {
      fail(
        `installed ${plan.packages.join(' ')}, but ${still.map((n) => n.name).join(' and ')} still cannot be found: ` +
          `the python3/aws on PATH may not be Debian's (${whichOf('python3')}); install boto3 for it (python3 -m pip install boto3 awscli) or put /usr/bin first on PATH`,
      );
    }
  } else if (plan.action === 'stop') {
    fail(
      `missing ${found
        .filter((n) => !n.found)
        .map((n) => n.name)
        .join(', ')}; no test was run. ${plan.advice}`,
    );
  }
  console.log(`test dependencies: ${found.map((n) => n.found).join('; ')}`);
}

function whichOf(command) {
  return run('sh', ['-c', `command -v ${command}`]) ?? `no ${command}`;
}

function fail(message) {
  console.error(`test dependencies: ${message}`);
  process.exit(1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
