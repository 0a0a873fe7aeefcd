// Which machines exist, where they go and with which address. Pure and deterministic:
// node i of a role goes to zone i mod Z (over the role's zones) and takes the (i div Z)-th slot
// of its role's address block in that zone, and to placement group i div capacity. Growing a
// count appends nodes and never changes an existing node's name, zone, address or group.

import { addressFor, poolBlockStarts, roleOffset, VIP_OFFSET } from "./addressing";
import { parseCidr } from "./cidr";
import { nodeName, placementGroupName } from "./naming";
import type { ClusterSpec, EndpointKind, PlacementLevel, Role } from "./spec";

export interface PlannedNode {
    /** Pulumi resource name, CVM instance name and hostname: `<cluster>-<role or pool>-<ordinal>`. */
    readonly name: string;
    /** Linux hostname and Kubernetes node name (the same string as `name`). */
    readonly hostname: string;
    readonly role: Role;
    /** Worker pool name (workers only). */
    readonly pool?: string;
    /** Zero-based, never reused. */
    readonly ordinal: number;
    readonly zone: string;
    readonly privateIp: string;
    readonly instanceType: string;
    /** Spread placement group, if the node is in one. */
    readonly placementGroup?: string;
    /** Also an etcd member (stacked topology). */
    readonly etcdMember: boolean;
}

export interface PlannedPlacementGroup {
    readonly name: string;
    /** Role or worker pool the group spreads. */
    readonly members: readonly string[];
    readonly key: string;
    readonly index: number;
    readonly level: PlacementLevel;
    readonly affinity: number;
    /** Most instances the planner puts in one group. */
    readonly capacity: number;
}

export interface PlannedEndpoint {
    readonly kind: EndpointKind;
    readonly port: number;
    readonly dnsName: string;
    /** Planned VIP (HAVIP or internal CLB VIP); undefined for node-local-proxy. */
    readonly vip?: string;
    readonly zone?: string;
    readonly publicAccess: boolean;
}

export interface Topology {
    readonly nodes: readonly PlannedNode[];
    readonly placementGroups: readonly PlannedPlacementGroup[];
    readonly endpoint: PlannedEndpoint;
}

interface RoleRun {
    readonly role: Role;
    readonly key: string;
    readonly count: number;
    readonly zones: readonly string[];
    readonly instanceType: string;
    readonly grouped: boolean;
    readonly etcdMember: boolean;
    /** Offset of the k-th node of this run inside a zone subnet. */
    readonly offset: (k: number) => number;
    readonly pool?: string;
}

function runsOf(spec: ClusterSpec): RoleRun[] {
    const stacked = spec.etcd.topology === "stacked";
    const fixed = (role: Exclude<Role, "worker">) => (k: number) => roleOffset(role, k);
    const lbZones = spec.apiEndpoint.zone ? [spec.apiEndpoint.zone] : [];
    const runs: RoleRun[] = [];
    if (!stacked) {
        runs.push({ role: "etcd", key: "etcd", count: spec.etcd.members, zones: spec.etcd.zones, instanceType: spec.etcd.instanceType, grouped: true, etcdMember: true, offset: fixed("etcd") });
    }
    runs.push({ role: "master", key: "master", count: spec.controlPlane.count, zones: spec.controlPlane.zones, instanceType: spec.controlPlane.instanceType, grouped: true, etcdMember: stacked, offset: fixed("master") });
    for (const tier of spec.apiEndpoint.tiers) {
        runs.push({ role: tier.role, key: tier.role, count: tier.count, zones: lbZones, instanceType: tier.instanceType, grouped: true, etcdMember: false, offset: fixed(tier.role) });
    }
    runs.push({ role: "bastion", key: "bastion", count: 1, zones: [spec.bastion.zone], instanceType: spec.bastion.instanceType, grouped: false, etcdMember: false, offset: fixed("bastion") });
    const starts = poolBlockStarts(spec.workerPools);
    spec.workerPools.forEach((pool, p) => {
        runs.push({
            role: "worker", key: pool.name, pool: pool.name, count: pool.count, zones: pool.zones, instanceType: pool.instanceType,
            grouped: pool.spread, etcdMember: false, offset: (k) => starts[p] + k,
        });
    });
    return runs;
}

/** Plans every node, placement group and the endpoint address of a validated spec. */
export function planTopology(spec: ClusterSpec): Topology {
    const subnets = new Map(spec.zones.map((z) => [z.zone, parseCidr(z.subnetCidr)]));
    const subnetOf = (zone: string) => {
        const subnet = subnets.get(zone);
        if (!subnet) {
            throw new Error(`zone ${zone} has no subnet (the spec was not validated)`);
        }
        return subnet;
    };
    const { level, affinity, groupCapacity } = spec.placement;
    const nodes: PlannedNode[] = [];
    const groups: PlannedPlacementGroup[] = [];
    for (const run of runsOf(spec)) {
        const runNodes: PlannedNode[] = [];
        for (let i = 0; i < run.count; i++) {
            const zone = run.zones[i % run.zones.length];
            const k = Math.floor(i / run.zones.length);
            const name = nodeName(spec.name, run.key, i);
            runNodes.push({
                name, hostname: name, role: run.role, ...(run.pool ? { pool: run.pool } : {}), ordinal: i, zone,
                privateIp: addressFor(subnetOf(zone), run.offset(k)), instanceType: run.instanceType,
                ...(run.grouped ? { placementGroup: placementGroupName(spec.name, run.key, Math.floor(i / groupCapacity)) } : {}),
                etcdMember: run.etcdMember,
            });
        }
        nodes.push(...runNodes);
        if (run.grouped) {
            for (let g = 0; g * groupCapacity < run.count; g++) {
                const name = placementGroupName(spec.name, run.key, g);
                groups.push({
                    name, key: run.key, index: g, level, affinity, capacity: groupCapacity,
                    members: runNodes.filter((n) => n.placementGroup === name).map((n) => n.name),
                });
            }
        }
    }
    const e = spec.apiEndpoint;
    const vip = e.kind === "node-local-proxy" || !e.zone ? undefined : addressFor(subnetOf(e.zone), VIP_OFFSET);
    return {
        nodes,
        placementGroups: groups,
        endpoint: { kind: e.kind, port: e.port, dnsName: e.dnsName, ...(vip ? { vip } : {}), ...(e.zone ? { zone: e.zone } : {}), publicAccess: e.publicAccess },
    };
}
