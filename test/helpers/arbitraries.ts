// fast-check generators of valid dev-profile configurations (dev never refuses a layout, so
// every generated configuration plans).

import fc from "fast-check";

export const ZONES = ["ap-guangzhou-3", "ap-guangzhou-4", "ap-guangzhou-6", "ap-guangzhou-7"];
export const KINDS = ["clb", "keepalived-haproxy", "lvs-haproxy", "node-local-proxy"] as const;

export interface Shape {
    zoneCount: number;
    stacked: boolean;
    etcdMembers: number;
    masters: number;
    kind: (typeof KINDS)[number];
    level: "HOST" | "SW" | "RACK";
    affinity: number;
    capacity: number;
    pools: { count: number; zones: number; spread: boolean }[];
}

export const shapeArb: fc.Arbitrary<Shape> = fc.record({
    zoneCount: fc.integer({ min: 1, max: 4 }),
    stacked: fc.boolean(),
    etcdMembers: fc.integer({ min: 1, max: 7 }),
    masters: fc.integer({ min: 1, max: 9 }),
    kind: fc.constantFrom(...KINDS),
    level: fc.constantFrom("HOST" as const, "SW" as const, "RACK" as const),
    affinity: fc.integer({ min: 1, max: 10 }),
    capacity: fc.integer({ min: 1, max: 10 }),
    pools: fc.array(fc.record({ count: fc.integer({ min: 0, max: 40 }), zones: fc.integer({ min: 1, max: 4 }), spread: fc.boolean() }), { maxLength: 3 }),
});

/** The raw configuration of a shape. */
export function configOf(s: Shape): any {
    const zones = ZONES.slice(0, s.zoneCount);
    return {
        name: "t",
        profile: "dev",
        region: "ap-guangzhou",
        zones: zones.map((zone, i) => ({ zone, subnetCidr: `10.0.${i + 1}.0/24` })),
        network: { vpcCidr: "10.0.0.0/16", podCidr: "10.128.0.0/12" },
        etcd: s.stacked ? { topology: "stacked" } : { topology: "external", members: s.etcdMembers },
        controlPlane: { count: s.masters },
        workerPools: s.pools.map((p, i) => ({
            name: `pool${i}`, count: p.count, instanceType: "S5.LARGE8", spread: p.spread,
            zones: zones.slice(0, Math.min(p.zones, zones.length)),
        })),
        apiEndpoint: { kind: s.kind },
        placement: { level: s.level, affinity: s.affinity, groupCapacity: s.capacity },
    };
}
