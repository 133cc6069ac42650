/**
 * What `--dataplane netns` needs from the machine, checked before anything starts: Linux, the
 * capabilities to make namespaces and links (root has them), iproute2's `ip` and nftables' `nft`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Capability bits (linux/capability.h). */
const CAP_NET_ADMIN = 12;
const CAP_SYS_ADMIN = 21;

/** The effective capability set of this process, from /proc/self/status. */
function effectiveCaps(status: string): bigint {
  const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  return hex === undefined ? 0n : BigInt(`0x${hex}`);
}

/**
 * Why the data plane cannot run here, in one plain sentence, or undefined when it can.
 * The probes are parameters so the rules are tested without another machine.
 */
export function dataplaneRefusal(
  probe: { platform: string; procStatus: () => string; hasIp: () => boolean; hasNft?: () => boolean } = {
    platform: process.platform,
    procStatus: () => readFileSync('/proc/self/status', 'utf8'),
    hasIp: () => spawnSync('ip', ['-V'], { stdio: 'ignore', timeout: 10_000 }).status === 0,
    hasNft: () => spawnSync('nft', ['--version'], { stdio: 'ignore', timeout: 10_000 }).status === 0,
  },
): string | undefined {
  if (probe.platform !== 'linux') return `--dataplane netns needs Linux network namespaces; this system is ${probe.platform}`;
  const caps = effectiveCaps(probe.procStatus());
  const missing = [...((caps >> BigInt(CAP_NET_ADMIN)) & 1n ? [] : ['CAP_NET_ADMIN']), ...((caps >> BigInt(CAP_SYS_ADMIN)) & 1n ? [] : ['CAP_SYS_ADMIN'])];
  if (missing.length > 0) return `--dataplane netns needs root (or ${missing.join(' and ')}) to create network namespaces and links`;
  if (!probe.hasIp()) return "--dataplane netns needs iproute2's `ip` command on PATH (Debian package iproute2)";
  // Security groups and network ACLs are nftables tables: without `nft` every interface would accept everything.
  if (probe.hasNft && !probe.hasNft()) return "--dataplane netns needs nftables' `nft` command on PATH (Debian package nftables)";
  return undefined;
}
