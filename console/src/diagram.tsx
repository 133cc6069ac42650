/**
 * The topology diagram (SVG). Zones, subnets and their usage bars are always drawn; instance
 * blocks and interface cards only near the visible area, so a VPC with thousands of interfaces
 * draws as fast as one with ten. Clicks are handled once, on the SVG, by the data-select
 * attribute of what was hit.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SubnetUsage } from '../../src/console/types';
import {
  EIP_W,
  M,
  PILL_W,
  visibleBlocks,
  type AddressItem,
  type Box,
  type CardItem,
  type InstanceItem,
  type Layout,
  type PeeringItem,
  type VpnItem,
  type RouteTableItem,
  type SubnetItem,
} from './layout';

export interface Selection {
  readonly kind: 'interface' | 'instance' | 'address' | 'route-table';
  readonly id: string;
  /** The private address picked on an interface. */
  readonly ip?: string;
}

interface Props {
  readonly layout: Layout;
  readonly selected?: Selection;
  readonly onSelect: (s: Selection | undefined) => void;
  /** Draw every block (no culling): for measurements. */
  readonly drawAll?: boolean;
  /** Scroll to this box once (changes when "find" picks something). */
  readonly reveal?: { readonly box: Box; readonly n: number };
}

const MARGIN = 600;

const clip = (text: string, n: number) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

export function Diagram({ layout, selected, onSelect, drawAll, reveal }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<Box>({ x: 0, y: 0, w: 1600, h: 1200 });
  const frame = useRef(0);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const update = () => {
      frame.current = 0;
      setView({ x: el.scrollLeft, y: el.scrollTop, w: el.clientWidth, h: el.clientHeight });
    };
    update();
    const onScroll = () => {
      if (!frame.current) frame.current = requestAnimationFrame(update);
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    const ro = new ResizeObserver(onScroll);
    ro.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      ro.disconnect();
      if (frame.current) cancelAnimationFrame(frame.current);
    };
  }, []);

  useEffect(() => {
    const el = scroller.current;
    if (!el || !reveal) return;
    const { box } = reveal;
    if (box.y < el.scrollTop || box.y + box.h > el.scrollTop + el.clientHeight) el.scrollTop = Math.max(0, box.y - 80);
    if (box.x < el.scrollLeft || box.x + box.w > el.scrollLeft + el.clientWidth) el.scrollLeft = Math.max(0, box.x - 40);
  }, [reveal]);

  const shown = useMemo(() => (drawAll ? layout.blocks : visibleBlocks(layout, view, MARGIN)), [layout, view, drawAll]);

  const onClick = (e: MouseEvent) => {
    const hit = (e.target as Element).closest('[data-select]');
    if (!hit) return onSelect(undefined);
    const [kind, id, ip] = hit.getAttribute('data-select')!.split('|') as [Selection['kind'], string, string | undefined];
    onSelect({ kind, id, ip });
  };

  const sel = selected?.id;
  // A route table picked: the subnets it serves are outlined.
  const picked = selected?.kind === 'route-table' ? layout.routeTables.find((r) => r.table.id === sel)?.table : undefined;
  const served = new Set(picked ? [...picked.subnetIds, ...picked.implicitSubnetIds] : []);
  return (
    <div class="diagram-scroll" ref={scroller}>
      <svg
        class="diagram"
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        onClick={onClick}
        data-blocks={layout.blocks.length}
        data-drawn={shown.length}
      >
        <defs>
          <marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="6" markerHeight="6" orient="auto">
            <path d="M0,0 L8,4 L0,8 z" fill="#c45500" />
          </marker>
        </defs>
        {layout.looseEips.length > 0 && (
          <g class="loose-eips">
            <text x={16} y={layout.looseEips[0]!.y + 14} class="band-label">
              Elastic IPs, not associated
            </text>
            {layout.looseEips.map(({ eip, x, y }) => (
              <g data-kind="eip" data-id={eip.allocationId} data-select={`address|${eip.allocationId}`} class={sel === eip.allocationId ? 'sel' : ''}>
                <title>{`${eip.allocationId}${eip.name ? ` (${eip.name})` : ''}: not associated`}</title>
                <rect x={x} y={y} width={EIP_W} height={20} rx={10} class="eip loose" />
                <text x={x + EIP_W / 2} y={y + 14} class="eip-text" text-anchor="middle">
                  {eip.publicIp}
                </text>
              </g>
            ))}
          </g>
        )}
        <Legend x={M} y={M - 4} />
        <VpcFrame layout={layout} />
        {layout.zones.map((z) => (
          <g class="zone" data-kind="zone" data-id={z.zone}>
            <rect x={z.x} y={z.y} width={z.w} height={z.h} rx={8} class="zone-box" />
            <text x={z.x + 12} y={z.y + 21} class="zone-label">
              {z.zone}
              <tspan class="muted"> {z.zoneId}</tspan>
            </text>
          </g>
        ))}
        {layout.subnets.map((s) => (
          <SubnetBox item={s} served={served.has(s.subnet.id)} />
        ))}
        {layout.routeTables.length > 0 && (
          <text x={M + 12} y={layout.routeTablesY + 16} class="zone-label">
            Route tables
          </text>
        )}
        {layout.routeTables.map((r) => (
          <RouteTableBox item={r} sel={sel} />
        ))}
        {layout.peerings.length > 0 && (
          <text x={M + 12} y={layout.peeringsY + 16} class="zone-label">
            Peering connections
          </text>
        )}
        {layout.peerings.map((p) => (
          <PeeringRow item={p} />
        ))}
        {layout.vpns.length > 0 && (
          <text x={M + 12} y={layout.vpnsY + 16} class="zone-label">
            VPN connections
          </text>
        )}
        {layout.vpns.map((v) => (
          <VpnRow item={v} />
        ))}
        {shown.map((b) =>
          b.kind === 'instance' ? <InstanceBlock item={b} sel={sel} selIp={selected?.ip} /> : <Card item={b} sel={sel} selIp={selected?.ip} />,
        )}
      </svg>
    </div>
  );
}

function VpcFrame({ layout }: { layout: Layout }) {
  const v = layout.vpc;
  const b = layout.vpcBox;
  return (
    <g class="vpc" data-kind="vpc" data-id={v?.id}>
      <rect x={b.x} y={b.y} width={b.w} height={b.h} rx={10} class="vpc-box" />
      <text x={b.x + 12} y={b.y + 24} class="vpc-label">
        {v ? `${v.name ? `${v.name} · ` : ''}${v.id}` : 'No VPC'}
        <tspan class="muted">
          {v
            ? `  ${v.cidrs.join(', ')}${v.ipv6Cidrs.length ? ` · ${v.ipv6Cidrs.join(', ')}` : ''}${v.isDefault ? ' · default VPC' : ''}${v.internetGatewayId ? ` · ${v.internetGatewayId}` : ' · no internet gateway'}`
            : ''}
        </tspan>
      </text>
      {layout.zones.length === 0 && (
        <text x={b.x + 12} y={b.y + 60} class="muted">
          This VPC has no subnets.
        </text>
      )}
    </g>
  );
}

/** What the shapes mean, in one row from (x, y). */
function Legend({ x, y }: { x: number; y: number }) {
  const l = x;
  return (
    <g class="legend">
      <rect x={l} y={y} width={64} height={14} rx={7} class="pill" />
      <text x={l + 32} y={y + 11} text-anchor="middle" class="pill-text mono">
        private
      </text>
      <line x1={l + 150} y1={y + 7} x2={l + 68} y2={y + 7} class="eip-link" marker-end="url(#arrow)" />
      <rect x={l + 150} y={y} width={78} height={14} rx={7} class="eip" />
      <text x={l + 189} y={y + 11} text-anchor="middle" class="eip-text mono">
        Elastic IP
      </text>
      <rect x={l + 250} y={y} width={84} height={14} rx={3} class="public" />
      <text x={l + 292} y={y + 11} text-anchor="middle" class="public-text mono">
        auto public
      </text>
      <rect x={l + 356} y={y} width={40} height={14} rx={4} class="card-box" />
      <text x={l + 402} y={y + 11} class="muted">
        attached
      </text>
      <rect x={l + 460} y={y} width={40} height={14} rx={4} class="card-box loose-card" />
      <text x={l + 506} y={y + 11} class="muted">
        unattached
      </text>
      <rect x={l + 570} y={y} width={40} height={14} rx={4} class="card-box managed-card" />
      <text x={l + 616} y={y + 11} class="muted">
        managed by a service
      </text>
      <rect x={l + 730} y={y} width={40} height={14} rx={3} class="blackhole-row" />
      <text x={l + 776} y={y + 11} class="muted">
        blackhole route
      </text>
    </g>
  );
}

function usageParts(u: SubnetUsage) {
  return [
    { key: 'used', n: u.used },
    { key: 'reserved', n: u.reserved },
    { key: 'free', n: u.free },
  ];
}

function UsageBar({ x, y, w, usage }: { x: number; y: number; w: number; usage: SubnetUsage }) {
  // Every non-empty part gets at least 3 px, so five reserved addresses still show in a /16.
  const parts = usageParts(usage);
  const minW = 3;
  const widths = parts.map((p) => (p.n > 0 ? Math.max(minW, (p.n / usage.total) * w) : 0));
  const over = widths.reduce((a, b) => a + b, 0) - w;
  const biggest = widths.indexOf(Math.max(...widths));
  widths[biggest] = widths[biggest]! - over;
  let cx = x;
  return (
    <g class="usage" data-used={usage.used} data-reserved={usage.reserved} data-free={usage.free}>
      <title>{`${usage.used} used${usage.prefixes ? ` (${usage.prefixes} /28 prefixes)` : ''}, ${usage.reserved} reserved, ${usage.free} free of ${usage.total}`}</title>
      <rect x={x} y={y} width={w} height={10} rx={3} class="bar-bg" />
      {parts.map((p, i) => {
        const r = <rect x={cx} y={y} width={Math.max(0, widths[i]!)} height={10} class={`bar-${p.key}`} />;
        cx += widths[i]!;
        return r;
      })}
    </g>
  );
}

function SubnetBox({ item, served }: { item: SubnetItem; served: boolean }) {
  const { subnet: s, x, y, w, h } = item;
  const u = s.usage;
  return (
    <g class={`subnet${served ? ' served' : ''}`} data-kind="subnet" data-id={s.id} data-route-table={s.routeTableId} data-network-acl={s.networkAclId}>
      <rect x={x} y={y} width={w} height={h} rx={6} class="subnet-box" />
      <text x={x + 10} y={y + 18} class="subnet-label">
        {clip(s.name ? `${s.name} · ${s.id}` : s.id, 44)}
        <tspan class="mono muted" x={x + w - 10} text-anchor="end">
          {s.cidr}
        </tspan>
      </text>
      <UsageBar x={x + 10} y={y + 28} w={w - 20} usage={u} />
      <text x={x + 10} y={y + 54} class="usage-text">
        <tspan class="k-used">■</tspan> {u.used} used <tspan class="k-reserved">■</tspan> {u.reserved} reserved <tspan class="k-free">■</tspan> {u.free} free
        <tspan class="muted"> of {u.total}</tspan>
        {s.ipv6Cidrs.length > 0 && <tspan class="muted"> · {s.ipv6Cidrs[0]}</tspan>}
      </text>
      <text x={x + 10} y={y + 72} class="routing-text">
        <tspan class="muted">routes </tspan>
        {s.routeTableId ? (
          <tspan class="mono rtb-link" data-select={`route-table|${s.routeTableId}`}>
            {s.routeTableId}
          </tspan>
        ) : (
          <tspan class="muted">none</tspan>
        )}
        {s.routeTableImplicit && s.routeTableId && <tspan class="muted"> (main, implicit)</tspan>}
        <tspan class="muted"> · ACL </tspan>
        <tspan class="mono" data-testid="subnet-acl">
          {s.networkAclId ?? '—'}
        </tspan>
      </text>
      {item.managedY !== undefined && (
        <text x={x + 10} y={item.managedY + 15} class="section-label">
          Managed by a service · {item.managedCount}
        </text>
      )}
      {item.unattachedY !== undefined && (
        <text x={x + 10} y={item.unattachedY + 15} class="section-label">
          Unattached interfaces · {item.unattachedCount}
        </text>
      )}
      {item.instanceCount === 0 && item.unattachedCount === 0 && item.managedCount === 0 && (
        <text x={x + 10} y={y + h - 12} class="muted">
          empty
        </text>
      )}
    </g>
  );
}

const STATE_CLASS: Record<string, string> = {
  running: 'st-running',
  pending: 'st-pending',
  stopping: 'st-stopping',
  stopped: 'st-stopped',
  'shutting-down': 'st-down',
  terminated: 'st-terminated',
};

function InstanceBlock({ item, sel, selIp }: { item: InstanceItem; sel?: string; selIp?: string }) {
  const { instance: i, x, y, w, h } = item;
  return (
    <g class={`instance ${STATE_CLASS[i.state] ?? ''}${sel === i.id ? ' sel' : ''}`} data-kind="instance" data-id={i.id} data-state={i.state}>
      <rect x={x} y={y} width={w} height={h} rx={6} class="instance-box" data-select={`instance|${i.id}`} />
      <g data-select={`instance|${i.id}`} class="instance-head">
        <rect x={x + 1} y={y + 1} width={w - 2} height={24} class="hit" />
        <circle cx={x + 12} cy={y + 14} r={5} class="state-dot" />
        <text x={x + 24} y={y + 18} class="instance-label">
          <tspan class="mono">{i.id}</tspan>
          {i.name && <tspan> {clip(i.name, 18)}</tspan>}
          <tspan class="muted"> {i.type}</tspan>
          <tspan x={x + w - 10} text-anchor="end" class="state-text">
            {i.state}
          </tspan>
        </text>
      </g>
      {item.cards.map((c) => (
        <Card item={c} sel={sel} selIp={selIp} />
      ))}
    </g>
  );
}

function Card({ item, sel, selIp }: { item: CardItem; sel?: string; selIp?: string }) {
  const { iface: e, x, y, w, h, compact } = item;
  const selected = sel === e.id;
  const status = e.attachment ? e.attachment.status : e.status;
  return (
    <g
      class={`card${selected ? ' sel' : ''}${compact ? ' compact' : ''}${item.managedBy ? ' managed' : ''} ifs-${status}`}
      data-kind={item.managedBy ? 'managed-interface' : 'interface'}
      data-id={e.id}
      data-type={e.type}
    >
      <rect x={x} y={y} width={w} height={h} rx={5} class="card-box" data-select={`interface|${e.id}`} />
      <g data-select={`interface|${e.id}`} class="card-head">
        <rect x={x + 1} y={y + 1} width={w - 2} height={(compact ? 20 : 22) - 4} class="hit" />
        <text x={x + 8} y={y + (compact ? 14 : 15)} class="card-label">
          {item.device && <tspan class="device">{item.device} </tspan>}
          {item.managedBy && <tspan class="manager">{item.managedBy} </tspan>}
          <tspan class="mono">{e.id}</tspan>
          {!compact && e.name && <tspan> {clip(e.name, 16)}</tspan>}
          {item.foreignSubnet && <tspan class="muted"> in {item.foreignSubnet}</tspan>}
          {status !== 'in-use' && status !== 'attached' && status !== 'available' && <tspan class="warn"> {status}</tspan>}
        </text>
        <title>{`${e.id}${e.name ? ` (${e.name})` : ''} · ${e.status}${e.description ? ` · ${e.description}` : ''}${e.requesterId ? ` · managed by ${e.requesterId}` : ''}`}</title>
      </g>
      {item.addresses.map((a) => (
        <Address card={item} a={a} picked={selected && selIp === a.ip} sel={sel} />
      ))}
      {item.extra && (
        <text x={x + 10} y={y + h - 8} class="extra mono">
          {clip(item.extra, compact ? 30 : 64)}
        </text>
      )}
    </g>
  );
}

function Address({ card, a, picked, sel }: { card: CardItem; a: AddressItem; picked: boolean; sel?: string }) {
  const { x, y, w, iface, compact } = card;
  const base = y + a.dy;
  const px = x + (compact ? 6 : 10);
  const ph = compact ? 14 : 16;
  const pub = a.primary && !a.eip ? iface.publicIp : undefined;
  const ex = x + w - EIP_W - 6;
  return (
    <g class={`addr${a.primary ? ' primary' : ''}${picked ? ' picked' : ''}`} data-kind="address" data-ip={a.ip} data-eni={iface.id}>
      <g data-select={`interface|${iface.id}|${a.ip}`}>
        <rect x={px} y={base - ph + 4} width={PILL_W} height={ph} rx={ph / 2} class="pill" />
        <text x={px + PILL_W / 2} y={base} text-anchor="middle" class="pill-text mono">
          {a.ip}
        </text>
      </g>
      {!compact && a.primary && (
        <text x={px + PILL_W + 8} y={base} class="tag-primary">
          primary
        </text>
      )}
      {a.eip && (
        <g
          data-kind="eip"
          data-id={a.eip.allocationId}
          data-ip={a.ip}
          data-select={`address|${a.eip.allocationId}`}
          class={sel === a.eip.allocationId ? 'sel' : ''}
        >
          <title>{`Elastic IP ${a.eip.publicIp} (${a.eip.allocationId}) → ${a.ip}`}</title>
          <line x1={ex} y1={base - ph / 2 + 4} x2={px + PILL_W + (compact ? 2 : 56)} y2={base - ph / 2 + 4} class="eip-link" marker-end="url(#arrow)" />
          <rect x={ex} y={base - ph + 4} width={EIP_W} height={ph} rx={ph / 2} class="eip" />
          <text x={ex + EIP_W / 2} y={base} text-anchor="middle" class="eip-text mono">
            {a.eip.publicIp}
          </text>
        </g>
      )}
      {pub && (
        <g class="auto-public">
          <title>{`Auto-assigned public IPv4 ${pub} (not an Elastic IP)`}</title>
          <rect x={ex} y={base - ph + 4} width={EIP_W} height={ph} rx={3} class="public" />
          <text x={ex + EIP_W / 2} y={base} text-anchor="middle" class="public-text mono">
            {pub}
          </text>
        </g>
      )}
    </g>
  );
}

/** A route table: its id (main marked), whom it serves, and one row per route; a blackhole stands out. */
function RouteTableBox({ item, sel }: { item: RouteTableItem; sel?: string }) {
  const { table: t, x, y, w, h } = item;
  return (
    <g
      class={`rtb${t.main ? ' main' : ''}${sel === t.id ? ' sel' : ''}`}
      data-kind="route-table"
      data-id={t.id}
      data-main={String(t.main)}
      data-select={`route-table|${t.id}`}
    >
      <rect x={x} y={y} width={w} height={h} rx={6} class="rtb-box" />
      <text x={x + 10} y={y + 17} class="rtb-label">
        <tspan class="mono">{t.id}</tspan>
        {t.name && <tspan> {clip(t.name, 24)}</tspan>}
        {t.main && (
          <tspan x={x + w - 10} text-anchor="end" class="main-tag">
            main
          </tspan>
        )}
      </text>
      <text x={x + 10} y={y + 35} class="rtb-serves">
        <title>{`Serves ${item.serves}`}</title>
        <tspan class="muted">serves </tspan>
        {clip(item.serves, 66)}
      </text>
      {item.rows.map(({ route: r, dy }) => {
        const black = r.state === 'blackhole';
        return (
          <g class={`route${black ? ' blackhole' : ''}`} data-kind="route" data-destination={r.destination} data-target={r.target} data-state={r.state}>
            <title>{`${r.destination} → ${r.target}${r.instanceId ? ` (${r.instanceId})` : ''} · ${r.state} · ${r.origin}`}</title>
            {black && <rect x={x + 4} y={y + dy - 14} width={w - 8} height={ROW_H} rx={3} class="blackhole-row" />}
            <text x={x + 10} y={y + dy} class="mono">
              {r.destination}
            </text>
            <text x={x + 176} y={y + dy} class="mono route-target">
              → {clip(`${r.target}${r.instanceId ? ` (${r.instanceId})` : ''}`, 34)}
            </text>
            {black ? (
              <text x={x + w - 10} y={y + dy} text-anchor="end" class="blackhole-tag">
                ⚠ blackhole
              </text>
            ) : (
              <circle cx={x + w - 16} cy={y + dy - 4} r={4} class="route-ok" />
            )}
          </g>
        );
      })}
    </g>
  );
}

/** A peering connection: its id, this VPC's role, the peer VPC (account, region, blocks) and the state; not active is marked. */
function PeeringRow({ item }: { item: PeeringItem }) {
  const { peering: p, x, y, w, h } = item;
  const active = p.state === 'active';
  const peer = `${p.peerVpcId} · ${p.peerOwnerId} · ${p.peerRegion}${p.peerCidrs.length ? ` · ${p.peerCidrs.join(', ')}` : ''}`;
  return (
    <g class={`peering${active ? '' : ' inactive'}`} data-kind="peering" data-id={p.id} data-state={p.state} data-role={p.role}>
      <title>{`${p.id}${p.name ? ` (${p.name})` : ''}: ${p.role} of a connection with ${peer} · ${p.state}`}</title>
      <rect x={x} y={y} width={w} height={h} rx={6} class="rtb-box" />
      <text x={x + 10} y={y + 15} class="mono">
        {p.id}
        <tspan class="muted"> {p.role === 'requester' ? '→' : '←'} </tspan>
        {clip(peer, 80)}
      </text>
      <text x={x + w - 10} y={y + 15} text-anchor="end" class={active ? 'muted' : 'blackhole-tag'}>
        {p.state}
      </text>
    </g>
  );
}

/** A VPN connection: its gateway, the customer gateway at the far end (address, ASN or static routes), the state; not available is marked. */
function VpnRow({ item }: { item: VpnItem }) {
  const { vpn: v, x, y, w, h } = item;
  const available = v.state === 'available';
  const far = `${v.customerGatewayId}${v.customerGatewayName ? ` (${v.customerGatewayName})` : ''}${v.customerGatewayIp ? ` · ${v.customerGatewayIp}` : ''}`;
  const routing = v.staticRoutesOnly ? `static${v.routes.length ? ` ${v.routes.join(', ')}` : ''}` : `BGP ${v.customerGatewayAsn ?? ''}`.trim();
  return (
    <g class={`vpn${available ? '' : ' inactive'}`} data-kind="vpn-connection" data-id={v.id} data-state={v.state}>
      <title>{`${v.id}${v.name ? ` (${v.name})` : ''}: ${v.vpnGatewayId} ⇄ ${far} · tunnels ${v.tunnelOutsideIps.join(', ')} · ${routing} · ${v.state}`}</title>
      <rect x={x} y={y} width={w} height={h} rx={6} class="rtb-box" />
      <text x={x + 10} y={y + 15} class="mono">
        {v.id}
        <tspan class="muted"> {v.vpnGatewayId} ⇄ </tspan>
        {clip(`${far} · ${routing}`, 80)}
      </text>
      <text x={x + w - 10} y={y + 15} text-anchor="end" class={available ? 'muted' : 'blackhole-tag'}>
        {v.state}
      </text>
    </g>
  );
}

const ROW_H = 19;
