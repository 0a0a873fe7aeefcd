// Worst-case analysis of losing one physical host, one rack/switch or one zone.
//
// What bounds a loss: a spread placement group at level L with affinity a guarantees at most a of
// its instances per unit of L. A host sits inside one switch and one rack, so every level bounds
// the host loss by a; only RACK and SW groups bound a rack/switch loss (we treat a rack and its
// switch as one failure domain; whether SW isolation implies RACK isolation is UNVERIFIED).
// Different groups give no spread against each other, so a role split over several groups can
// lose up to a from each, and different roles may share a host. Nothing is ever spread across
// zones except by the planner, and a domain never spans zones. So the worst case for a domain is
// the worst zone's sum, for every role at once.

import type { ClusterSpec, EndpointKind, LbTier } from "./spec";
import type { PlannedNode, PlannedPlacementGroup, Topology } from "./topology";

export type Domain = "host" | "rack" | "zone";
export const DOMAINS: readonly Domain[] = ["host", "rack", "zone"];
export const DOMAIN_LABEL: Readonly<Record<Domain, string>> = { host: "one physical host", rack: "one rack/switch", zone: "one zone" };

/** Why nodes of a role can be lost together. */
export type Cause = "affinity" | "split" | "level" | "zone";

export interface RoleLoss {
    readonly total: number;
    readonly lost: number;
    readonly left: number;
    readonly causes: readonly Cause[];
}

export interface DomainReport {
    readonly domain: Domain;
    /** The zone whose failure domain gives the worst case. */
    readonly zone: string;
    readonly etcd: RoleLoss & { readonly quorum: number; readonly keepsQuorum: boolean };
    readonly masters: RoleLoss;
    readonly lb: { readonly kind: EndpointKind; readonly tiers: readonly (RoleLoss & { role: LbTier["role"] })[]; readonly ok: boolean };
    readonly apiServed: boolean;
    readonly notes: readonly string[];
}

function bound(group: PlannedPlacementGroup | undefined, domain: Domain): number {
    if (!group || domain === "zone") {
        return Infinity;
    }
    if (domain === "host" || group.level === "RACK" || group.level === "SW") {
        return group.affinity;
    }
    return Infinity;
}

/** Worst-case loss of `nodes` (one role) when one `domain` inside `zone` fails. */
export function roleLoss(nodes: readonly PlannedNode[], groups: ReadonlyMap<string, PlannedPlacementGroup>, zone: string, domain: Domain): RoleLoss {
    const perGroup = new Map<string, number>();
    let ungrouped = 0;
    for (const n of nodes) {
        if (n.zone !== zone) {
            continue;
        }
        if (n.placementGroup) {
            perGroup.set(n.placementGroup, (perGroup.get(n.placementGroup) ?? 0) + 1);
        } else {
            ungrouped++;
        }
    }
    let lost = ungrouped;
    const causes = new Set<Cause>(ungrouped > 0 ? [domain === "zone" ? "zone" : "level"] : []);
    for (const [name, count] of perGroup) {
        const limit = bound(groups.get(name), domain);
        const taken = Math.min(count, limit);
        lost += taken;
        if (domain === "zone") {
            causes.add("zone");
        } else if (taken > 1) {
            causes.add(limit === Infinity ? "level" : "affinity");
        }
    }
    if (domain !== "zone" && perGroup.size > 1) {
        causes.add("split");
    }
    return { total: nodes.length, lost, left: nodes.length - lost, causes: lost === 0 ? [] : [...causes] };
}

function zoneReport(spec: ClusterSpec, topo: Topology, groups: ReadonlyMap<string, PlannedPlacementGroup>, zone: string, domain: Domain): DomainReport {
    const byRole = (pred: (n: PlannedNode) => boolean) => topo.nodes.filter(pred);
    const etcdLoss = roleLoss(byRole((n) => n.etcdMember), groups, zone, domain);
    const quorum = Math.floor(etcdLoss.total / 2) + 1;
    const masters = roleLoss(byRole((n) => n.role === "master"), groups, zone, domain);
    const tiers = spec.apiEndpoint.tiers.map((t) => ({ role: t.role, ...roleLoss(byRole((n) => n.role === t.role), groups, zone, domain) }));
    const lbOk = tiers.every((t) => t.left >= 1);
    const notes: string[] = [];
    if (spec.apiEndpoint.kind === "clb" && domain === "zone" && zone === spec.apiEndpoint.zone) {
        notes.push(`the internal CLB's VIP is in ${zone}; whether an internal CLB survives its zone is UNVERIFIED (assumed here)`);
    }
    if (tiers.length > 0 && domain === "zone" && zone === spec.apiEndpoint.zone) {
        notes.push(`the HAVIP lives in ${zone}'s subnet, so the ${spec.apiEndpoint.kind} tier cannot fail over out of it`);
    }
    const etcd = { ...etcdLoss, quorum, keepsQuorum: etcdLoss.left >= quorum };
    return {
        domain, zone, etcd, masters, lb: { kind: spec.apiEndpoint.kind, tiers, ok: lbOk },
        apiServed: etcd.keepsQuorum && masters.left >= 1 && lbOk, notes,
    };
}

function badness(r: DomainReport): number[] {
    return [r.apiServed ? 0 : 1, r.etcd.keepsQuorum ? 0 : 1, r.etcd.lost, r.masters.lost, ...r.lb.tiers.map((t) => t.lost)];
}

function worse(a: DomainReport, b: DomainReport): boolean {
    const [x, y] = [badness(a), badness(b)];
    for (let i = 0; i < x.length; i++) {
        if (x[i] !== y[i]) {
            return x[i] > y[i];
        }
    }
    return false;
}

/** The worst case of each failure domain over every zone of the cluster. */
export function analyseFaultTolerance(spec: ClusterSpec, topo: Topology): DomainReport[] {
    const groups = new Map(topo.placementGroups.map((g) => [g.name, g]));
    return DOMAINS.map((domain) => {
        let worst: DomainReport | undefined;
        for (const { zone } of spec.zones) {
            const r = zoneReport(spec, topo, groups, zone, domain);
            if (!worst || worse(r, worst)) {
                worst = r;
            }
        }
        return worst!;
    });
}
