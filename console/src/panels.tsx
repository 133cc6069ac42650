/**
 * Detail panels for an interface, an instance, an Elastic IP and a route table, with the actions a person can
 * take on each. Details are the API's own views; every action is one EC2 call through the
 * server's Query API, and its outcome (or refusal, in plain words) is shown here.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ActionResponse, InterfaceCounters, InterfaceNode, TopologyResponse } from '../../src/console/types';
import { act, getDataplane, getDetail, HttpError, type DetailKind, type World } from './api';
import type { Selection } from './diagram';
import { plainWords } from './plain';

interface PanelProps {
  readonly world: World;
  readonly topology: TopologyResponse;
  readonly selection: Selection;
  readonly onSelect: (s: Selection | undefined) => void;
  /** Bumped whenever the topology reloads: the detail reloads with it. */
  readonly version: number;
  /** Why actions are off, when they are (the server refuses them too). */
  readonly readOnly?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's JSON of one resource, read field by field for display
type Detail = Record<string, any>;
type Run = (action: string, params: Record<string, string>) => Promise<void>;

export function DetailPanel(props: PanelProps) {
  const { world, selection, version } = props;
  const [detail, setDetail] = useState<Detail | undefined>();
  const [missing, setMissing] = useState<string | undefined>();
  const [outcome, setOutcome] = useState<ActionResponse | { error: string } | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => setOutcome(undefined), [selection.kind, selection.id]);
  useEffect(() => {
    let live = true;
    getDetail(world, selection.kind as DetailKind, selection.id).then(
      (d) => {
        if (!live) return;
        setDetail(d);
        setMissing(undefined);
      },
      (e: unknown) => {
        if (!live) return;
        setDetail(undefined);
        setMissing(e instanceof HttpError ? e.message : String(e));
      },
    );
    return () => {
      live = false;
    };
  }, [world.account, world.region, selection.kind, selection.id, version]);

  const run: Run = async (action, params) => {
    setBusy(true);
    try {
      setOutcome(await act(world, action, params));
    } catch (e) {
      setOutcome({ error: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };

  const body = (() => {
    if (missing) return <p class="muted">{missing}</p>;
    if (!detail) return <p class="muted">Loading…</p>;
    if (selection.kind === 'interface') return <InterfacePanel {...props} d={detail} run={run} busy={busy} />;
    if (selection.kind === 'instance') return <InstancePanel {...props} d={detail} run={run} busy={busy} />;
    if (selection.kind === 'route-table') return <RouteTablePanel {...props} d={detail} run={run} busy={busy} />;
    return <AddressPanel {...props} d={detail} run={run} busy={busy} />;
  })();
  return (
    <aside class="panel" data-testid="detail-panel" data-panel-kind={selection.kind} data-id={selection.id}>
      <button class="close" title="Close" onClick={() => props.onSelect(undefined)}>
        ×
      </button>
      {props.readOnly && <div class="outcome note">{props.readOnly}</div>}
      <Outcome outcome={outcome} />
      {body}
    </aside>
  );
}

function Outcome({ outcome }: { outcome?: ActionResponse | { error: string } }) {
  if (!outcome) return null;
  if ('error' in outcome) {
    return (
      <div class="outcome err" role="alert" data-testid="outcome" data-ok="false">
        The console could not send the request: {outcome.error}
      </div>
    );
  }
  if (outcome.ok) {
    return (
      <div class="outcome ok" role="status" data-testid="outcome" data-ok="true" data-action={outcome.action}>
        Done: {outcome.action} <span class="muted mono">{outcome.requestId.slice(0, 8)}</span>
      </div>
    );
  }
  return (
    <div class="outcome err" role="alert" data-testid="outcome" data-ok="false" data-code={outcome.errorCode} data-action={outcome.action}>
      <strong>{outcome.action} refused.</strong> {plainWords(outcome.errorCode)}
      <div class="why">{outcome.message}</div>
      <div class="muted mono">
        {outcome.errorCode} · HTTP {outcome.status}
      </div>
    </div>
  );
}

// ---- small pieces ------------------------------------------------------------------------------

function Facts({ rows }: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="facts">
      {rows
        .filter(([, v]) => v !== undefined && v !== null && v !== '')
        .map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </>
        ))}
    </dl>
  );
}

function Tags({ tags }: { tags?: { Key: string; Value: string }[] }) {
  if (!tags?.length) return <p class="muted">No tags.</p>;
  return <Facts rows={tags.map((t) => [t.Key, t.Value])} />;
}

function Link({ kind, id, onSelect, ip, label }: { kind: Selection['kind']; id?: string; ip?: string; label?: string; onSelect: PanelProps['onSelect'] }) {
  if (!id) return <span class="muted">—</span>;
  return (
    <a href="#" class="mono" title={id} onClick={(e) => (e.preventDefault(), onSelect({ kind, id, ip }))}>
      {label ?? id}
    </a>
  );
}

const yesNo = (v: unknown) => (v === true ? 'yes' : v === false ? 'no' : undefined);

/** The lowest device index (from 1) that the instance does not use. */
function nextDeviceIndex(topology: TopologyResponse, instanceId: string): number {
  const byId = new Map(topology.interfaces.map((e) => [e.id, e]));
  const used = new Set((topology.instances.find((i) => i.id === instanceId)?.interfaceIds ?? []).map((id) => byId.get(id)?.attachment?.deviceIndex));
  let n = 1;
  while (used.has(n)) n++;
  return n;
}

// ---- interface ---------------------------------------------------------------------------------

interface KindProps extends PanelProps {
  readonly d: Detail;
  readonly run: Run;
  readonly busy: boolean;
}

function InterfacePanel({ d, run, busy, topology, selection, onSelect, version }: KindProps) {
  const id = d.NetworkInterfaceId as string;
  const a = d.Attachment as Detail | undefined;
  const addresses = (d.PrivateIpAddresses ?? []) as Detail[];
  const picked = addresses.find((x) => x.PrivateIpAddress === selection.ip)?.PrivateIpAddress as string | undefined;
  const pick = (ip?: string) => onSelect({ kind: 'interface', id, ip });
  return (
    <>
      <h2>
        Network interface <span class="mono">{id}</span>
      </h2>
      <Facts
        rows={[
          ['Status', <span class={`badge ifs-${d.Status}`}>{d.Status}</span>],
          ['Subnet', <span class="mono">{d.SubnetId}</span>],
          ['Zone', `${d.AvailabilityZone} (${d.AvailabilityZoneId})`],
          ['VPC', <span class="mono">{d.VpcId}</span>],
          [
            'MAC',
            <span class="mono" data-testid="mac">
              {d.MacAddress}
            </span>,
          ],
          ['Description', d.Description],
          ['Type', d.InterfaceType],
          ['Requester-managed', d.RequesterManaged ? `yes${d.RequesterId ? ` (${d.RequesterId})` : ''}` : undefined],
          ['Public IPv4', d.Association?.PublicIp && `${d.Association.PublicIp}${d.Association.AllocationId ? ' (Elastic IP)' : ' (auto-assigned)'}`],
          [
            'Source/dest. check',
            <span>
              {yesNo(d.SourceDestCheck)}{' '}
              <button
                class="small"
                disabled={busy}
                onClick={() => run('ModifyNetworkInterfaceAttribute', { NetworkInterfaceId: id, 'SourceDestCheck.Value': String(!d.SourceDestCheck) })}
              >
                {d.SourceDestCheck ? 'Disable' : 'Enable'}
              </button>
            </span>,
          ],
          ['Security groups', ((d.Groups ?? []) as Detail[]).map((g) => <div class="mono">{`${g.GroupId} ${g.GroupName}`}</div>)],
        ]}
      />
      <h3>Attachment</h3>
      {a ? (
        <>
          <Facts
            rows={[
              ['Instance', <Link kind="instance" id={a.InstanceId} onSelect={onSelect} />],
              ['Device', `eth${a.DeviceIndex} (network card ${a.NetworkCardIndex ?? 0})`],
              ['Status', a.Status],
              ['Attachment', <span class="mono">{a.AttachmentId}</span>],
              [
                'Delete on termination',
                <span data-testid="delete-on-termination">
                  {yesNo(a.DeleteOnTermination)}{' '}
                  <button
                    class="small"
                    disabled={busy}
                    onClick={() =>
                      run('ModifyNetworkInterfaceAttribute', {
                        NetworkInterfaceId: id,
                        'Attachment.AttachmentId': a.AttachmentId,
                        'Attachment.DeleteOnTermination': String(!a.DeleteOnTermination),
                      })
                    }
                  >
                    {a.DeleteOnTermination ? 'Keep on termination' : 'Delete on termination'}
                  </button>
                </span>,
              ],
            ]}
          />
          <DetachForm attachmentId={a.AttachmentId} run={run} busy={busy} />
        </>
      ) : d.RequesterManaged ? (
        <p class="muted hint">Managed by {d.RequesterId ?? 'a service'}: it comes and goes with the resource that made it.</p>
      ) : (
        <AttachForm topology={topology} run={run} busy={busy} fixedInterface={id} />
      )}
      <DataplaneFacts eni={id} version={version} />
      <h3>Private IPv4 addresses</h3>
      <table class="addresses" data-testid="addresses">
        <thead>
          <tr>
            <th>Address</th>
            <th>Primary</th>
            <th>Elastic IP</th>
          </tr>
        </thead>
        <tbody>
          {addresses.map((x) => (
            <tr class={x.PrivateIpAddress === picked ? 'picked' : ''} data-ip={x.PrivateIpAddress} onClick={() => pick(x.PrivateIpAddress)}>
              <td class="mono">{x.PrivateIpAddress}</td>
              <td>{x.Primary ? 'primary' : ''}</td>
              <td class="mono">
                {x.Association?.AllocationId ? (
                  <Link kind="address" id={x.Association.AllocationId} label={x.Association.PublicIp} onSelect={onSelect} />
                ) : x.Association?.PublicIp ? (
                  <span class="muted">{x.Association.PublicIp} (auto)</span>
                ) : (
                  ''
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {picked ? (
        <AddressActions eni={id} ip={picked} d={d} topology={topology} run={run} busy={busy} />
      ) : (
        <p class="muted hint">Pick an address (here or in the diagram) to move it or map an Elastic IP to it.</p>
      )}
      <h3>IPv6 addresses</h3>
      {(d.Ipv6Addresses ?? []).length ? (d.Ipv6Addresses as Detail[]).map((x) => <div class="mono">{x.Ipv6Address}</div>) : <p class="muted">None.</p>}
      <h3>IPv4 prefixes</h3>
      {(d.Ipv4Prefixes ?? []).length ? (d.Ipv4Prefixes as Detail[]).map((x) => <div class="mono">{x.Ipv4Prefix}</div>) : <p class="muted">None.</p>}
      <h3>IPv6 prefixes</h3>
      {(d.Ipv6Prefixes ?? []).length ? (d.Ipv6Prefixes as Detail[]).map((x) => <div class="mono">{x.Ipv6Prefix}</div>) : <p class="muted">None.</p>}
      <h3>Tags</h3>
      <Tags tags={d.TagSet} />
    </>
  );
}

function AddressActions({ eni, ip, d, topology, run, busy }: { eni: string; ip: string; d: Detail; topology: TopologyResponse; run: Run; busy: boolean }) {
  const row = (d.PrivateIpAddresses as Detail[]).find((x) => x.PrivateIpAddress === ip)!;
  const self = topology.interfaces.find((e) => e.id === eni);
  const peers = topology.interfaces.filter((e) => e.id !== eni && e.subnetId === self?.subnetId);
  const [target, setTarget] = useState('');
  const [reassign, setReassign] = useState(true);
  const freeEips = topology.elasticIps.filter((x) => !x.association);
  const [eip, setEip] = useState('');
  const chosenTarget = target || peers[0]?.id || '';
  const chosenEip = eip || freeEips[0]?.allocationId || '';
  useEffect(() => {
    setTarget('');
    setEip('');
  }, [eni, ip]);
  return (
    <div class="actions" data-testid="address-actions" data-ip={ip}>
      <h4>
        Address <span class="mono">{ip}</span>
        {row.Primary ? ' (primary)' : ' (secondary)'}
      </h4>
      {row.Association?.AllocationId ? (
        <div class="action-row">
          Elastic IP <span class="mono">{row.Association.PublicIp}</span>
          <button disabled={busy} data-testid="disassociate" onClick={() => run('DisassociateAddress', { AssociationId: row.Association.AssociationId })}>
            Disassociate
          </button>
        </div>
      ) : (
        <div class="action-row">
          <select
            value={chosenEip}
            onChange={(e) => setEip((e.target as HTMLSelectElement).value)}
            data-testid="associate-eip"
            disabled={freeEips.length === 0}
          >
            {freeEips.length === 0 && <option value="">no free Elastic IP</option>}
            {freeEips.map((x) => (
              <option value={x.allocationId}>{`${x.publicIp} (${x.allocationId})`}</option>
            ))}
          </select>
          <button
            disabled={busy || !chosenEip}
            data-testid="associate"
            onClick={() => run('AssociateAddress', { AllocationId: chosenEip, NetworkInterfaceId: eni, PrivateIpAddress: ip })}
          >
            Associate Elastic IP
          </button>
        </div>
      )}
      {!row.Primary && (
        <>
          <div class="action-row">
            Move to
            <select value={chosenTarget} onChange={(e) => setTarget((e.target as HTMLSelectElement).value)} data-testid="move-target">
              {peers.length === 0 && <option value="">no other interface in this subnet</option>}
              {peers.map((p) => (
                <option value={p.id}>{describeInterface(p)}</option>
              ))}
            </select>
          </div>
          <div class="action-row">
            <label title="AllowReassignment: the address leaves this interface and keeps its Elastic IP. Without it, EC2 refuses an address that another interface holds.">
              <input
                type="checkbox"
                checked={reassign}
                onChange={(e) => setReassign((e.target as HTMLInputElement).checked)}
                data-testid="allow-reassignment"
              />{' '}
              Allow reassignment
            </label>
            <button
              disabled={busy || !chosenTarget}
              data-testid="move"
              onClick={() =>
                run('AssignPrivateIpAddresses', { NetworkInterfaceId: chosenTarget, 'PrivateIpAddress.1': ip, AllowReassignment: String(reassign) })
              }
            >
              Move address
            </button>
          </div>
          <div class="action-row">
            <button
              disabled={busy}
              data-testid="unassign"
              title="Unassigning is not reassigning: the address is released and its Elastic IP is disassociated (it stays allocated)."
              onClick={() => run('UnassignPrivateIpAddresses', { NetworkInterfaceId: eni, 'PrivateIpAddress.1': ip })}
            >
              Unassign
            </button>
          </div>
        </>
      )}
    </div>
  );
}

/** The interface in the Linux data plane (--dataplane netns): its link and counters, read when the panel (re)loads. */
function DataplaneFacts({ eni, version }: { eni: string; version: number }) {
  const [state, setState] = useState<{ on: boolean; counters?: InterfaceCounters } | undefined>();
  useEffect(() => {
    let live = true;
    getDataplane()
      .then((r) => live && setState({ on: r.on, counters: r.interfaces.find((i) => i.networkInterfaceId === eni) }))
      .catch(() => live && setState(undefined));
    return () => {
      live = false;
    };
  }, [eni, version]);
  if (!state?.on) return null;
  const c = state.counters;
  return (
    <>
      <h3>Data plane</h3>
      {c ? (
        <Facts
          rows={[
            ['Link', <span data-testid="dataplane-link">{`${c.device} ${c.link}`}</span>],
            ['Sent', `${c.sent.packets} packets (${c.sent.bytes} bytes)`],
            ['Received', `${c.received.packets} packets (${c.received.bytes} bytes)`],
            ['Dropped by security groups', `${c.droppedBySecurityGroups.inbound} in, ${c.droppedBySecurityGroups.outbound} out`],
          ]}
        />
      ) : (
        <p class="muted">Not in the data plane: the interface is not attached to an instance that has a namespace.</p>
      )}
    </>
  );
}

function describeInterface(e: InterfaceNode): string {
  const where = e.attachment ? `eth${e.attachment.deviceIndex} of ${e.attachment.instanceId}` : 'unattached';
  return `${e.id} · ${e.addresses[0]?.ip ?? ''} · ${where}`;
}

function DetachForm({ attachmentId, run, busy }: { attachmentId: string; run: Run; busy: boolean }) {
  const [force, setForce] = useState(false);
  return (
    <div class="action-row">
      <button
        disabled={busy}
        data-testid="detach"
        onClick={() => run('DetachNetworkInterface', { AttachmentId: attachmentId, ...(force ? { Force: 'true' } : {}) })}
      >
        Detach
      </button>
      <label>
        <input type="checkbox" checked={force} onChange={(e) => setForce((e.target as HTMLInputElement).checked)} /> force
      </label>
    </div>
  );
}

/** Attach: either this interface to an instance of choice, or an interface of choice to this instance. */
function AttachForm({
  topology,
  run,
  busy,
  fixedInterface,
  fixedInstance,
}: {
  topology: TopologyResponse;
  run: Run;
  busy: boolean;
  fixedInterface?: string;
  fixedInstance?: string;
}) {
  const self = fixedInterface ? topology.interfaces.find((e) => e.id === fixedInterface) : undefined;
  const host = fixedInstance ? topology.instances.find((i) => i.id === fixedInstance) : undefined;
  const zone = self?.zone ?? host?.zone;
  const byZone = <T extends { zone: string }>(list: T[]) => [...list].sort((a, b) => Number(b.zone === zone) - Number(a.zone === zone));
  const instances = useMemo(() => byZone(topology.instances.filter((i) => i.state !== 'terminated' && i.state !== 'shutting-down')), [topology, zone]);
  const interfaces = useMemo(() => byZone(topology.interfaces.filter((e) => !e.attachment && !e.requesterManaged)), [topology, zone]);
  const [instance, setInstance] = useState('');
  const [iface, setIface] = useState('');
  const chosenInstance = fixedInstance ?? (instance || instances[0]?.id || '');
  const chosenIface = fixedInterface ?? (iface || interfaces[0]?.id || '');
  const [device, setDevice] = useState<string>('');
  const deviceIndex = device !== '' ? device : chosenInstance ? String(nextDeviceIndex(topology, chosenInstance)) : '1';
  return (
    <div class="actions" data-testid="attach-form">
      <div class="action-row">
        {fixedInterface ? (
          <>
            Attach to
            <select value={chosenInstance} onChange={(e) => setInstance((e.target as HTMLSelectElement).value)} data-testid="attach-instance">
              {instances.length === 0 && <option value="">no instance in this VPC</option>}
              {instances.map((i) => (
                <option value={i.id}>{`${i.id}${i.name ? ` ${i.name}` : ''} · ${i.zone} · ${i.state}`}</option>
              ))}
            </select>
          </>
        ) : (
          <>
            Attach
            <select value={chosenIface} onChange={(e) => setIface((e.target as HTMLSelectElement).value)} data-testid="attach-interface">
              {interfaces.length === 0 && <option value="">no unattached interface in this VPC</option>}
              {interfaces.map((e) => (
                <option value={e.id}>{`${e.id} · ${e.addresses[0]?.ip ?? ''} · ${e.zone}`}</option>
              ))}
            </select>
          </>
        )}
      </div>
      <div class="action-row">
        as eth
        <input
          class="num"
          type="number"
          min="0"
          value={deviceIndex}
          onInput={(e) => setDevice((e.target as HTMLInputElement).value)}
          data-testid="device-index"
        />
        <button
          disabled={busy || !chosenInstance || !chosenIface}
          data-testid="attach"
          onClick={() => run('AttachNetworkInterface', { NetworkInterfaceId: chosenIface, InstanceId: chosenInstance, DeviceIndex: deviceIndex })}
        >
          Attach
        </button>
      </div>
    </div>
  );
}

// ---- instance ----------------------------------------------------------------------------------

function InstancePanel({ d, run, busy, topology, onSelect }: KindProps) {
  const id = d.InstanceId as string;
  const state = d.State?.Name as string;
  const [confirm, setConfirm] = useState(false);
  useEffect(() => setConfirm(false), [id, state]);
  const name = (d.Tags as Detail[] | undefined)?.find((t) => t.Key === 'Name')?.Value;
  return (
    <>
      <h2>
        Instance <span class="mono">{id}</span> {name && <span class="muted">{name}</span>}
      </h2>
      <Facts
        rows={[
          [
            'State',
            <span class={`badge st-${state}`} data-testid="instance-state">
              {state}
            </span>,
          ],
          ['State reason', d.StateTransitionReason],
          ['Type', d.InstanceType],
          ['Zone', d.Placement?.AvailabilityZone],
          ['Subnet', d.SubnetId && <span class="mono">{d.SubnetId}</span>],
          ['Private IPv4', d.PrivateIpAddress && <span class="mono">{d.PrivateIpAddress}</span>],
          ['Public IPv4', d.PublicIpAddress && <span class="mono">{d.PublicIpAddress}</span>],
          ['Image', d.ImageId],
          ['Launched', d.LaunchTime && new Date(d.LaunchTime).toLocaleString()],
        ]}
      />
      <div class="action-row">
        <button disabled={busy} data-testid="start" onClick={() => run('StartInstances', { 'InstanceId.1': id })}>
          Start
        </button>
        <button disabled={busy} data-testid="stop" onClick={() => run('StopInstances', { 'InstanceId.1': id })}>
          Stop
        </button>
        {confirm ? (
          <button class="danger" disabled={busy} data-testid="terminate-confirm" onClick={() => run('TerminateInstances', { 'InstanceId.1': id })}>
            Really terminate
          </button>
        ) : (
          <button disabled={busy} data-testid="terminate" onClick={() => setConfirm(true)}>
            Terminate…
          </button>
        )}
      </div>
      <h3>Network interfaces</h3>
      <table class="addresses">
        <thead>
          <tr>
            <th>Device</th>
            <th>Interface · address</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {((d.NetworkInterfaces ?? []) as Detail[])
            .slice()
            .sort((a, b) => a.Attachment.DeviceIndex - b.Attachment.DeviceIndex)
            .map((n) => (
              <tr>
                <td>eth{n.Attachment.DeviceIndex}</td>
                <td>
                  <Link kind="interface" id={n.NetworkInterfaceId} onSelect={onSelect} />
                  <div class="mono muted">{n.PrivateIpAddress}</div>
                </td>
                <td>
                  {n.Attachment.Status}
                  {n.Attachment.DeleteOnTermination && <div class="muted small">deleted on termination</div>}
                </td>
                <td>
                  <button class="small" disabled={busy} onClick={() => run('DetachNetworkInterface', { AttachmentId: n.Attachment.AttachmentId })}>
                    Detach
                  </button>
                </td>
              </tr>
            ))}
        </tbody>
      </table>
      {state !== 'terminated' && state !== 'shutting-down' && <AttachForm topology={topology} run={run} busy={busy} fixedInstance={id} />}
      <h3>Tags</h3>
      <Tags tags={d.Tags} />
    </>
  );
}

// ---- Elastic IP --------------------------------------------------------------------------------

function AddressPanel({ d, run, busy, topology, onSelect }: KindProps) {
  const allocationId = d.AllocationId as string;
  const candidates = topology.interfaces;
  const [iface, setIface] = useState('');
  const chosen = iface || d.NetworkInterfaceId || candidates[0]?.id || '';
  const ips = candidates.find((e) => e.id === chosen)?.addresses ?? [];
  const [ip, setIp] = useState('');
  const chosenIp = ips.some((a) => a.ip === ip) ? ip : (ips.find((a) => !a.eip)?.ip ?? ips[0]?.ip ?? '');
  const [reassociate, setReassociate] = useState(false);
  return (
    <>
      <h2>
        Elastic IP <span class="mono">{d.PublicIp}</span>
      </h2>
      <Facts
        rows={[
          ['Allocation', <span class="mono">{allocationId}</span>],
          ['Association', d.AssociationId ? <span class="mono">{d.AssociationId}</span> : <span class="muted">not associated</span>],
          ['Interface', d.NetworkInterfaceId && <Link kind="interface" id={d.NetworkInterfaceId} ip={d.PrivateIpAddress} onSelect={onSelect} />],
          ['Private IPv4', d.PrivateIpAddress && <span class="mono">{d.PrivateIpAddress}</span>],
          ['Instance', d.InstanceId && <Link kind="instance" id={d.InstanceId} onSelect={onSelect} />],
          ['Border group', d.NetworkBorderGroup],
          ['Pool', d.PublicIpv4Pool],
        ]}
      />
      {d.AssociationId && (
        <div class="action-row">
          <button disabled={busy} data-testid="disassociate" onClick={() => run('DisassociateAddress', { AssociationId: d.AssociationId })}>
            Disassociate
          </button>
        </div>
      )}
      <div class="actions">
        <h4>{d.AssociationId ? 'Move to' : 'Associate with'}</h4>
        <div class="action-row">
          <select value={chosen} onChange={(e) => setIface((e.target as HTMLSelectElement).value)} data-testid="eip-interface">
            {candidates.map((e) => (
              <option value={e.id}>{describeInterface(e)}</option>
            ))}
          </select>
          <select value={chosenIp} onChange={(e) => setIp((e.target as HTMLSelectElement).value)} data-testid="eip-private-ip">
            {ips.map((a) => (
              <option value={a.ip}>{`${a.ip}${a.primary ? ' (primary)' : ''}${a.eip ? ' · has an Elastic IP' : ''}`}</option>
            ))}
          </select>
        </div>
        <div class="action-row">
          <label title="AllowReassociation: move an Elastic IP that is already associated, or displace the one on the target address.">
            <input type="checkbox" checked={reassociate} onChange={(e) => setReassociate((e.target as HTMLInputElement).checked)} /> Allow reassociation
          </label>
          <button
            disabled={busy || !chosen || !chosenIp}
            data-testid="eip-associate"
            onClick={() =>
              run('AssociateAddress', {
                AllocationId: allocationId,
                NetworkInterfaceId: chosen,
                PrivateIpAddress: chosenIp,
                AllowReassociation: String(reassociate),
              })
            }
          >
            Associate
          </button>
        </div>
      </div>
      <h3>Tags</h3>
      <Tags tags={d.Tags} />
    </>
  );
}

// ---- route table -------------------------------------------------------------------------------

const DESTINATION_KEYS = ['DestinationCidrBlock', 'DestinationIpv6CidrBlock', 'DestinationPrefixListId'] as const;
const TARGET_KEYS = [
  'GatewayId',
  'NatGatewayId',
  'NetworkInterfaceId',
  'EgressOnlyInternetGatewayId',
  'VpcPeeringConnectionId',
  'TransitGatewayId',
  'InstanceId',
] as const;

const destinationOf = (r: Detail) => DESTINATION_KEYS.map((k) => r[k] as string | undefined).find(Boolean) ?? '?';
const targetOf = (r: Detail) => TARGET_KEYS.map((k) => r[k] as string | undefined).find(Boolean) ?? '?';

function RouteTablePanel({ d, run, busy, topology, onSelect }: KindProps) {
  const id = d.RouteTableId as string;
  const routes = (d.Routes ?? []) as Detail[];
  const associations = (d.Associations ?? []) as Detail[];
  const node = topology.routeTables.find((t) => t.id === id);
  const subnetName = (sid: string) => topology.subnets.find((s) => s.id === sid)?.name;
  const name = (d.Tags as Detail[] | undefined)?.find((t) => t.Key === 'Name')?.Value;
  return (
    <>
      <h2>
        Route table <span class="mono">{id}</span> {name && <span class="muted">{name}</span>}
      </h2>
      <Facts
        rows={[
          ['VPC', <span class="mono">{d.VpcId}</span>],
          ['Main', yesNo(associations.some((a) => a.Main))],
          ['Owner', d.OwnerId],
        ]}
      />
      <h3>Routes</h3>
      <table class="addresses" data-testid="routes">
        <thead>
          <tr>
            <th>Destination</th>
            <th>Target</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {routes.map((r) => (
            <tr class={r.State === 'blackhole' ? 'blackhole' : ''} data-destination={destinationOf(r)} data-state={r.State}>
              <td class="mono">{destinationOf(r)}</td>
              <td class="mono">
                {r.NetworkInterfaceId ? <Link kind="interface" id={r.NetworkInterfaceId} onSelect={onSelect} /> : targetOf(r)}
                {r.InstanceId && (
                  <div>
                    <Link kind="instance" id={r.InstanceId} onSelect={onSelect} />
                  </div>
                )}
              </td>
              <td>
                <span class={`badge rs-${r.State}`}>{r.State}</span>
                {r.Origin === 'CreateRoute' ? '' : <div class="muted small">{r.Origin === 'CreateRouteTable' ? 'made with the table' : r.Origin}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {routes.some((r) => r.State === 'blackhole') && (
        <p class="hint blackhole-note">
          A blackhole route's target is gone (deleted, detached or terminated): its traffic is dropped until the route is replaced or deleted.
        </p>
      )}
      <ReplaceRouteForm tableId={id} routes={routes} topology={topology} run={run} busy={busy} />
      <h3>Subnets</h3>
      {associations.length === 0 && !node?.implicitSubnetIds.length ? <p class="muted">No subnet uses it.</p> : null}
      <table class="addresses" data-testid="associations">
        <tbody>
          {associations.map((a) => (
            <tr data-association={a.RouteTableAssociationId}>
              <td>
                <span class="mono">{a.Main ? 'main' : a.SubnetId}</span>{' '}
                {a.Main ? "the VPC's main table" : <span class="muted">{subnetName(a.SubnetId as string)}</span>}
                <div class="mono muted small">{a.RouteTableAssociationId}</div>
              </td>
            </tr>
          ))}
          {(node?.implicitSubnetIds ?? []).map((sid) => (
            <tr data-implicit={sid}>
              <td>
                <span class="mono">{sid}</span> <span class="muted">{subnetName(sid)}</span>
                <div class="muted small">implicitly, through the main table (no explicit association)</div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Tags</h3>
      <Tags tags={d.Tags} />
    </>
  );
}

/** ReplaceRoute: one route (not the local ones) gets a new target from this VPC. */
function ReplaceRouteForm({
  tableId,
  routes,
  topology,
  run,
  busy,
}: {
  tableId: string;
  routes: Detail[];
  topology: TopologyResponse;
  run: Run;
  busy: boolean;
}) {
  const replaceable = routes.filter((r) => r.GatewayId !== 'local');
  const vpc = topology.vpcs.find((v) => v.id === topology.vpcId);
  const targets: { value: string; label: string }[] = [
    ...(vpc?.internetGatewayId ? [{ value: `GatewayId|${vpc.internetGatewayId}`, label: `${vpc.internetGatewayId} (internet gateway)` }] : []),
    ...topology.instances
      .filter((i) => i.state !== 'terminated')
      .map((i) => ({ value: `InstanceId|${i.id}`, label: `${i.id}${i.name ? ` ${i.name}` : ''} (instance)` })),
    ...topology.interfaces.map((e) => ({ value: `NetworkInterfaceId|${e.id}`, label: `${e.id} · ${e.addresses[0]?.ip ?? ''} (interface)` })),
  ];
  const [route, setRoute] = useState('');
  const [target, setTarget] = useState('');
  const chosenRoute = replaceable.find((r) => destinationOf(r) === route) ?? replaceable[0];
  const chosenTarget = target || targets[0]?.value || '';
  if (!replaceable.length) return <p class="muted hint">Only the local route: nothing to replace.</p>;
  const send = () => {
    const key = DESTINATION_KEYS.find((k) => chosenRoute?.[k]);
    const [param, value] = chosenTarget.split('|') as [string, string];
    if (key && chosenRoute) void run('ReplaceRoute', { RouteTableId: tableId, [key]: chosenRoute[key] as string, [param]: value });
  };
  return (
    <div class="actions" data-testid="replace-route">
      <div class="action-row">
        Route
        <select
          value={chosenRoute ? destinationOf(chosenRoute) : ''}
          onChange={(e) => setRoute((e.target as HTMLSelectElement).value)}
          data-testid="replace-route-destination"
        >
          {replaceable.map((r) => (
            <option value={destinationOf(r)}>{`${destinationOf(r)} → ${targetOf(r)}`}</option>
          ))}
        </select>
      </div>
      <div class="action-row">
        new target
        <select value={chosenTarget} onChange={(e) => setTarget((e.target as HTMLSelectElement).value)} data-testid="replace-route-target">
          {targets.map((t) => (
            <option value={t.value}>{t.label}</option>
          ))}
        </select>
        <button disabled={busy || !chosenTarget} data-testid="replace-route-send" onClick={send}>
          Replace target
        </button>
      </div>
    </div>
  );
}
