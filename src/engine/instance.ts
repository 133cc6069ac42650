/**
 * Instances: launch with their interfaces, the lifecycle state machine on the world's clock,
 * and what each transition does to addresses. Rules: the user's ENI notes, aws-behaviour.md
 * §4.17–4.19 and §5 ("Public IPv4 auto-assign rules"), the EC2 User Guide "Instance lifecycle".
 */
import type { RegionState } from './cloud.js';
import { TIMER_HANDLERS } from './timers.js';
import { publicMappingHooks } from './elastic-ip.js';
import { Ec2Error } from './errors.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import type { Instance, InstanceStateName, NetworkInterface, Subnet, Tags } from './model.js';
import { destroyNetworkInterface } from './network-interface.js';
import { attach, attachedInterfaces, finishDetach, primaryInterface } from './attachment.js';
import type { ZoneInfo } from './regions.js';

export const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export function getInstance(region: RegionState, id: string): Instance {
  checkId(ID_KINDS.instance, id);
  const i = region.instances.get(id);
  if (!i) throw notFound(ID_KINDS.instance, id);
  return i;
}

// ---- public IPv4 -------------------------------------------------------------------------------

/**
 * Gives eth0 an auto-assigned public IPv4 when the instance qualifies: it asked for one at
 * launch, it is pending or running, it has exactly one interface, and no Elastic IP sits on
 * that interface (EC2 User Guide, "Public IPv4 addresses").
 */
export function grantPublicIpIfEligible(region: RegionState, instance: Instance): void {
  if (!instance.wantsPublicIp || (instance.state !== 'pending' && instance.state !== 'running')) return;
  const enis = attachedInterfaces(region, instance);
  if (enis.length !== 1) return;
  const eni = enis[0]!;
  if (eni.autoPublicIp || eni.privateIps.some((ip) => ip.elasticIp)) return;
  eni.autoPublicIp = region.cloud.publicIps.allocate(region.name);
}

export function releasePublicIp(region: RegionState, instance: Instance): void {
  for (const eni of attachedInterfaces(region, instance)) {
    if (eni.autoPublicIp) {
      region.cloud.publicIps.release(region.name, eni.autoPublicIp);
      delete eni.autoPublicIp;
    }
  }
}

// An Elastic IP leaving eth0's primary address may bring back an auto-assigned public IPv4.
publicMappingHooks.push((region, eni) => {
  const instanceId = eni.attachment?.instanceId;
  if (eni.attachment?.deviceIndex !== 0 || !instanceId) return;
  const instance = region.instances.get(instanceId);
  if (instance) grantPublicIpIfEligible(region, instance);
});

/** What other families do when an instance reaches `terminated` (its volumes, for one). */
export const instanceTerminatedHooks: ((region: RegionState, instance: Instance) => void)[] = [];

// ---- launch ------------------------------------------------------------------------------------

export interface LaunchInterface {
  readonly eni: NetworkInterface;
  readonly deviceIndex: number;
  readonly networkCardIndex: number;
  readonly deleteOnTermination: boolean;
}

export interface LaunchParams {
  readonly reservationId: string;
  readonly imageId: string;
  readonly instanceType: string;
  readonly zone: ZoneInfo;
  readonly subnet: Subnet;
  readonly launchIndex: number;
  readonly interfaces: readonly LaunchInterface[];
  readonly wantsPublicIp: boolean;
  readonly tags?: Tags;
  readonly clientToken?: string;
  readonly keyName?: string;
  /** The key pair's public key (OpenSSH form), kept by the instance even if the key pair is deleted. */
  readonly publicKey?: string;
  readonly httpTokens?: 'optional' | 'required';
  readonly httpEndpoint?: 'enabled' | 'disabled';
  readonly hopLimit?: number;
  readonly metadataTags?: 'enabled' | 'disabled';
  readonly httpProtocolIpv6?: 'enabled' | 'disabled';
}

/** Creates one instance in `pending` with its interfaces cold-attached (all validated by the caller). */
export function launchInstance(region: RegionState, p: LaunchParams): Instance {
  const instance: Instance = {
    id: region.ids.next(ID_KINDS.instance),
    resourceType: 'instance',
    reservationId: p.reservationId,
    ownerId: region.accountId,
    imageId: p.imageId,
    instanceType: p.instanceType,
    zone: p.zone,
    subnetId: p.subnet.id,
    vpcId: p.subnet.vpcId,
    launchTime: region.now(),
    amiLaunchIndex: p.launchIndex,
    clientToken: p.clientToken,
    keyName: p.keyName,
    publicKey: p.publicKey,
    state: 'pending',
    stateTransitionReason: '',
    interfaceIds: [],
    wantsPublicIp: p.wantsPublicIp,
    metadata: {
      httpTokens: p.httpTokens ?? 'optional',
      httpEndpoint: p.httpEndpoint ?? 'enabled',
      httpPutResponseHopLimit: p.hopLimit ?? 1,
      instanceMetadataTags: p.metadataTags ?? 'disabled',
      ...(p.httpProtocolIpv6 === 'enabled' ? { httpProtocolIpv6: 'enabled' as const } : {}),
    },
    blockedDeviceIndexes: new Set(),
    tags: p.tags ?? new Map(),
  };
  region.instances.set(instance.id, region.register(instance));
  for (const i of p.interfaces) {
    attach(region, i.eni, instance, {
      deviceIndex: i.deviceIndex,
      networkCardIndex: i.networkCardIndex,
      deleteOnTermination: i.deleteOnTermination,
      atLaunch: true,
    });
  }
  grantPublicIpIfEligible(region, instance);
  enter(region, instance, 'pending', region.cloud.timings.pendingMs, 'instance-running');
  return instance;
}

// ---- lifecycle -----------------------------------------------------------------------------------

/** Moves to a transitional state and schedules its end (at once when the delay is 0). */
function enter(region: RegionState, instance: Instance, state: InstanceStateName, delayMs: number, next: string): void {
  instance.state = state;
  region.unschedule(instance.id);
  if (delayMs <= 0) TIMER_HANDLERS.get(next)!(region, instance.id);
  else region.schedule(region.now().getTime() + delayMs, next, instance.id);
}

const reasonAt = (region: RegionState, what: string) =>
  `${what} (${region
    .now()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' GMT')})`;

TIMER_HANDLERS.set('instance-running', (region, id) => {
  const i = region.instances.get(id);
  if (i?.state === 'pending') i.state = 'running';
});

TIMER_HANDLERS.set('instance-stopped', (region, id) => {
  const i = region.instances.get(id);
  if (i?.state !== 'stopping') return;
  i.state = 'stopped';
  // A forced detach leaves its device index unusable only until the instance stops.
  i.blockedDeviceIndexes.clear();
});

TIMER_HANDLERS.set('instance-terminated', (region, id) => {
  const i = region.instances.get(id);
  if (i?.state !== 'shutting-down') return;
  i.state = 'terminated';
  i.terminatedAt = region.now();
  // DeleteOnTermination=true interfaces are deleted (their Elastic IPs disassociated, still
  // allocated); the others are detached and keep every address and association.
  for (const eni of attachedInterfaces(region, i)) {
    if (eni.attachment!.deleteOnTermination) {
      i.interfaceIds.splice(i.interfaceIds.indexOf(eni.id), 1);
      delete eni.attachment;
      destroyNetworkInterface(region, eni);
    } else {
      finishDetach(region, eni);
    }
  }
  for (const hook of instanceTerminatedHooks) hook(region, i);
  region.schedule(region.now().getTime() + region.cloud.timings.terminatedVisibleMs, 'instance-expire', id);
});

TIMER_HANDLERS.set('instance-expire', (region, id) => {
  const i = region.instances.get(id);
  if (i?.state !== 'terminated') return;
  region.instances.delete(id);
  region.unregister(id);
});

export interface StateChange {
  readonly instance: Instance;
  readonly previous: InstanceStateName;
}

/** Throws unless StartInstances may act on the instance (checked for every id before any starts). */
export function checkStart(instance: Instance): void {
  const s = instance.state;
  if (s !== 'pending' && s !== 'running' && s !== 'stopped') {
    throw new Ec2Error('IncorrectInstanceState', `The instance '${instance.id}' is not in a state from which it can be started.`);
  }
}

/** Throws unless StopInstances may act on the instance (checked for every id before any stops). */
export function checkStop(instance: Instance): void {
  const s = instance.state;
  if (s === 'stopping' || s === 'stopped' || s === 'running') return;
  if (s === 'pending') {
    // Observed for a launch not yet running (cloud-custodian#6014, flatcar/mantle#315).
    throw new Ec2Error('IncorrectInstanceState', `Instance '${instance.id}' cannot be stopped as it has never reached the 'running' state.`);
  }
  // Observed wording for a terminated instance (ansible-collections/amazon.aws#146).
  throw new Ec2Error('IncorrectInstanceState', `This instance '${instance.id}' is not in a state from which it can be stopped.`);
}

export function startInstance(region: RegionState, instance: Instance): StateChange {
  const previous = instance.state;
  checkStart(instance);
  if (previous === 'pending' || previous === 'running') return { instance, previous };
  instance.stateTransitionReason = '';
  instance.state = 'pending';
  grantPublicIpIfEligible(region, instance);
  enter(region, instance, 'pending', region.cloud.timings.pendingMs, 'instance-running');
  return { instance, previous };
}

export function stopInstance(region: RegionState, instance: Instance): StateChange {
  const previous = instance.state;
  checkStop(instance);
  if (previous === 'stopping' || previous === 'stopped') return { instance, previous };
  instance.stateTransitionReason = reasonAt(region, 'User initiated');
  // Stopping releases the auto-assigned public IPv4; Elastic IPs stay.
  releasePublicIp(region, instance);
  enter(region, instance, 'stopping', region.cloud.timings.stoppingMs, 'instance-stopped');
  return { instance, previous };
}

export function terminateInstance(region: RegionState, instance: Instance): StateChange {
  const previous = instance.state;
  if (previous === 'shutting-down' || previous === 'terminated') return { instance, previous };
  instance.stateTransitionReason = reasonAt(region, 'User initiated');
  releasePublicIp(region, instance);
  enter(region, instance, 'shutting-down', region.cloud.timings.shuttingDownMs, 'instance-terminated');
  return { instance, previous };
}

export function rebootInstance(instance: Instance): void {
  if (instance.state !== 'running' && instance.state !== 'pending') {
    throw new Ec2Error('IncorrectInstanceState', `The instance '${instance.id}' is not in a state from which it can be rebooted.`);
  }
}

/** The instance-level view of an attribute that really lives on eth0; refused with several interfaces. */
export function soleInterface(region: RegionState, instance: Instance): NetworkInterface {
  const enis = attachedInterfaces(region, instance);
  if (enis.length === 0) {
    // A terminated instance has no interface left. Observed for AssociateAddress on a terminated
    // instance (cloudposse/terraform-aws-ec2-instance#95).
    throw new Ec2Error('InvalidInstanceID', `The ${instance.state} instance '${instance.id}' is not in a valid state for this operation.`);
  }
  if (enis.length > 1) {
    throw new Ec2Error(
      'InvalidInstanceID',
      `There are multiple interfaces attached to instance '${instance.id}'. Please specify an interface ID for the operation instead.`,
    );
  }
  return primaryInterface(region, instance) ?? enis[0]!;
}
