// Deterministic private addresses. Every zone subnet uses the same layout of offsets from its
// network address, so an address depends only on (zone, role, index of the node in that zone):
// adding nodes never moves an existing one.
//
//   offset  0-9    never used: network address, gateway and provider-reserved addresses
//   offset  10     the API endpoint VIP (HAVIP or internal CLB VIP) in the endpoint's zone
//   offset  11-14  keepalived-haproxy LB nodes, or LVS directors
//   offset  15-18  HAProxy nodes behind LVS
//   offset  20     bastion
//   offset  21-29  etcd members
//   offset  30-39  masters (40-49 kept free for control-plane growth)
//   offset  50+    worker pools, one block of `maxPerZone` addresses per pool, in list order
//   last 4         never used (broadcast and provider-reserved addresses)

import { addressAt, Cidr } from "./cidr";
import type { Role } from "./spec";

/** Tencent's instance metadata service (the machine's CAM role credentials and its user-data). */
export const TENCENT_METADATA_IP = "169.254.0.23";

export const VIP_OFFSET = 10;
export const WORKERS_FROM = 50;
export const RESERVED_TAIL = 4;
/** Smallest subnet that holds the control-plane part of the layout. */
export const MIN_SUBNET_PREFIX = 26;

/** First and last offset of each fixed role block. */
export const ROLE_BLOCKS: Readonly<Record<Exclude<Role, "worker">, readonly [number, number]>> = {
    lb: [11, 14],
    lvs: [11, 14],
    haproxy: [15, 18],
    bastion: [20, 20],
    etcd: [21, 29],
    master: [30, 39],
};

/** Offset of the `index`-th node (0-based) of a fixed role inside one zone. */
export function roleOffset(role: Exclude<Role, "worker">, index: number): number {
    const [first, last] = ROLE_BLOCKS[role];
    if (index < 0 || first + index > last) {
        throw new RangeError(`${role} node ${index} does not fit the ${role} block (offsets ${first}-${last})`);
    }
    return first + index;
}

/** First offset of each pool's block, by pool position. */
export function poolBlockStarts(pools: readonly { maxPerZone: number }[]): number[] {
    const starts: number[] = [];
    let next = WORKERS_FROM;
    for (const pool of pools) {
        starts.push(next);
        next += pool.maxPerZone;
    }
    return starts;
}

/** Highest usable offset of a subnet. */
export function lastUsableOffset(subnet: Cidr): number {
    return subnet.size - RESERVED_TAIL - 1;
}

/** The address of an offset inside a zone subnet, refusing the reserved ends. */
export function addressFor(subnet: Cidr, offset: number): string {
    if (offset < VIP_OFFSET || offset > lastUsableOffset(subnet)) {
        throw new RangeError(`offset ${offset} is outside the usable part of ${subnet.text}`);
    }
    return addressAt(subnet, offset);
}

/** Nodes a pool of `count` puts in its busiest zone when spread round-robin over `zones`. */
export function busiestZoneCount(count: number, zones: number): number {
    return Math.ceil(count / zones);
}
