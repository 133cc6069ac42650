/**
 * Attaching interfaces to instances — hot (running), warm (stopped) and cold (at launch) — and
 * detaching them. Rules: the user's ENI notes ("Default EC2 virtual network interface",
 * "Detaching an ENI", "Remarks"), aws-behaviour.md §4.7–4.8, and the instance type's limits.
 */
import type { RegionState } from './cloud.js';
import { TIMER_HANDLERS } from './timers.js';
import { Ec2Error, invalidCombination, invalidValue } from './errors.js';
import { ID_KINDS } from './ids.js';
import { findInstanceType } from './instance-types.js';
import type { Instance, NetworkInterface } from './model.js';

export function attachedInterfaces(region: RegionState, instance: Instance): NetworkInterface[] {
  return region.interfacesOfInstance(instance.id) ?? [];
}

export function primaryInterface(region: RegionState, instance: Instance): NetworkInterface | undefined {
  return attachedInterfaces(region, instance).find((e) => e.attachment?.deviceIndex === 0);
}

export interface AttachOptions {
  readonly deviceIndex: number;
  readonly networkCardIndex?: number;
  readonly deleteOnTermination?: boolean;
  /** Cold attach at launch: the attachment is complete at once. */
  readonly atLaunch?: boolean;
}

/** Checks an attachment against the instance type, the zone, the VPC and the device indexes in use. */
export function checkAttach(region: RegionState, eni: NetworkInterface, instance: Instance, opts: AttachOptions, extraInterfaces = 0): void {
  // A requester-managed interface is in use by its service (attached through an `ela-attach-` attachment).
  if (eni.attachment || eni.serviceAttachmentId !== undefined) throw invalidValue(`Network interface '${eni.id}' is currently in use.`);
  if (eni.zone.zoneName !== instance.zone.zoneName) {
    // AWS's code and words, as the AWS CLI printed them (a Terraform NAT-instance module quotes
    // "An error occurred (InvalidParameterCombination) when calling the AttachNetworkInterface operation: …").
    throw invalidCombination('You may not attach a network interface to an instance if they are not in the same availability zone');
  }
  if (eni.vpcId !== instance.vpcId) {
    throw invalidValue(`The network interface ${eni.id} and instance ${instance.id} are not in the same VPC.`);
  }
  const type = findInstanceType(instance.instanceType);
  const card = opts.networkCardIndex ?? 0;
  if (type && card >= type.networkCards) {
    throw invalidValue(
      `Value (${card}) for parameter networkCardIndex is invalid. ${instance.instanceType} supports network card indexes 0 to ${type.networkCards - 1}.`,
    );
  }
  const attached = attachedInterfaces(region, instance);
  if (attached.some((e) => e.attachment!.deviceIndex === opts.deviceIndex && e.attachment!.networkCardIndex === card)) {
    throw invalidValue(`Instance '${instance.id}' already has an interface attached at device index '${opts.deviceIndex}'.`);
  }
  if (type) {
    const count = attached.length + 1 + extraInterfaces;
    if (count > type.maxNetworkInterfaces) {
      throw new Ec2Error('AttachmentLimitExceeded', `Interface count ${count} exceeds the limit for ${instance.instanceType}`);
    }
    const perCard = type.networkCardDetails.find((c) => c.networkCardIndex === card)?.maximumNetworkInterfaces;
    const onCard = attached.filter((e) => e.attachment!.networkCardIndex === card).length + 1;
    if (perCard !== undefined && onCard > perCard) {
      throw new Ec2Error('AttachmentLimitExceeded', `Interface count ${onCard} exceeds the limit for network card ${card} of ${instance.instanceType}`);
    }
  }
}

/** Makes the attachment (after checkAttach). Hot and warm attachments pass through `attaching`. */
export function attach(region: RegionState, eni: NetworkInterface, instance: Instance, opts: AttachOptions): string {
  const attachmentId = region.ids.next(ID_KINDS.attachment);
  const immediate = opts.atLaunch || region.cloud.timings.attachingMs <= 0;
  eni.attachment = {
    attachmentId,
    instanceId: instance.id,
    instanceOwnerId: instance.ownerId,
    deviceIndex: opts.deviceIndex,
    networkCardIndex: opts.networkCardIndex ?? 0,
    attachTime: region.now(),
    status: immediate ? 'attached' : 'attaching',
    deleteOnTermination: opts.deleteOnTermination ?? false,
  };
  eni.status = immediate ? 'in-use' : 'attaching';
  instance.interfaceIds.push(eni.id);
  instance.interfaceIds.sort((a, b) => deviceOrder(region, a) - deviceOrder(region, b));
  if (!immediate) region.schedule(region.now().getTime() + region.cloud.timings.attachingMs, 'attach', eni.id);
  return attachmentId;
}

const deviceOrder = (region: RegionState, id: string) => {
  const a = region.networkInterfaces.get(id)!.attachment!;
  return a.networkCardIndex * 1000 + a.deviceIndex;
};

TIMER_HANDLERS.set('attach', (region, id) => {
  const eni = region.networkInterfaces.get(id);
  if (eni?.attachment?.status === 'attaching') {
    eni.attachment.status = 'attached';
    eni.status = 'in-use';
  }
});

/** Finds the interface holding an attachment id. */
export function findAttachment(region: RegionState, attachmentId: string): NetworkInterface {
  for (const eni of region.networkInterfaces.values()) if (eni.attachment?.attachmentId === attachmentId) return eni;
  throw new Ec2Error('InvalidAttachmentID.NotFound', `The attachment ID '${attachmentId}' does not exist`);
}

/** Starts a detach. The primary interface (device index 0) can never be detached, Force or not. */
export function detach(region: RegionState, eni: NetworkInterface, force: boolean): void {
  const a = eni.attachment!;
  if (a.deviceIndex === 0) {
    throw new Ec2Error('OperationNotPermitted', `The network interface at device index 0 and networkCard index ${a.networkCardIndex} cannot be detached.`);
  }
  if (a.status === 'detaching') return;
  // Force does not keep the index: once the attachment is detached the index takes a new interface
  // (amazon.aws ec2_eni's target, run against AWS, force-detaches then attaches at the same index).
  void force;
  a.status = 'detaching';
  eni.status = 'detaching';
  if (region.cloud.timings.detachingMs <= 0) finishDetach(region, eni);
  else region.schedule(region.now().getTime() + region.cloud.timings.detachingMs, 'detach', eni.id);
}

/** Completes a detach: the interface keeps every address, Elastic IP and group, and becomes available. */
export function finishDetach(region: RegionState, eni: NetworkInterface): void {
  const a = eni.attachment;
  if (!a) return;
  const instance = region.instances.get(a.instanceId);
  if (instance) instance.interfaceIds.splice(instance.interfaceIds.indexOf(eni.id), 1);
  delete eni.attachment;
  eni.status = 'available';
}

TIMER_HANDLERS.set('detach', (region, id) => {
  const eni = region.networkInterfaces.get(id);
  if (eni?.attachment?.status === 'detaching') finishDetach(region, eni);
});
