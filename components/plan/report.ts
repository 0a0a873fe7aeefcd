// Plain-text rendering of a plan: node table, placement groups, endpoint, fault tolerance.

import { formatIssue } from "./errors";
import { DOMAIN_LABEL, DomainReport } from "./fault-tolerance";
import type { ClusterPlan } from "./plan";

/** Left-aligned columns separated by two spaces. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
    return [line(header), ...rows.map(line)].join("\n");
}

function lbCell(r: DomainReport): string {
    if (r.lb.kind === "clb") {
        return "CLB (managed)";
    }
    if (r.lb.tiers.length === 0) {
        return "per-node proxy";
    }
    return r.lb.tiers.map((t) => `${t.role} ${t.left}/${t.total}`).join(", ");
}

/** One row per failure domain: what is lost in the worst case and whether the API still answers. */
export function faultToleranceTable(reports: readonly DomainReport[]): string {
    return table(
        ["LOSS OF", "WORST ZONE", "ETCD LOST", "QUORUM", "MASTERS LEFT", "LB NODES LEFT", "API SERVED"],
        reports.map((r) => [
            DOMAIN_LABEL[r.domain], r.zone, `${r.etcd.lost}/${r.etcd.total}`,
            `${r.etcd.quorum} (${r.etcd.keepsQuorum ? "kept" : "LOST"})`, `${r.masters.left}/${r.masters.total}`, lbCell(r),
            r.apiServed ? (r.notes.some((n) => n.includes("UNVERIFIED")) ? "yes (assumed)" : "yes") : "NO",
        ]),
    );
}

/** The whole plan as text. */
export function renderPlanReport(plan: ClusterPlan): string {
    const c = plan.cluster;
    const e = plan.endpoint;
    const out: string[] = [];
    out.push(`Cluster ${c.name} (${c.profile}) in ${c.region}: Kubernetes ${c.kubernetesVersion}, ${c.etcdTopology} etcd, ` +
        `placement ${c.placement.level} affinity ${c.placement.affinity}`);
    out.push(`API endpoint: ${e.kind} ${e.vip ? `VIP ${e.vip}:${e.port} in ${e.zone}` : `127.0.0.1:${e.port} on every node`}, ` +
        `DNS name ${e.dnsName}${e.publicAccess ? ", with public access" : ""}`);
    out.push("", `Nodes (${plan.nodes.length})`);
    out.push(table(["NAME", "ROLE", "ZONE", "PLACEMENT GROUP", "PRIVATE IP", "INSTANCE TYPE"],
        plan.nodes.map((n) => [n.name, n.pool ? `worker:${n.pool}` : n.etcdMember && n.role === "master" ? "master+etcd" : n.role,
            n.zone, n.placementGroup ?? "-", n.privateIp, n.instanceType])));
    out.push("", `Placement groups (${plan.placementGroups.length})`);
    out.push(table(["NAME", "LEVEL", "AFFINITY", "USED", "MEMBERS"],
        plan.placementGroups.map((g) => [g.name, g.level, String(g.affinity), `${g.members.length}/${g.capacity}`, g.members.join(", ")])));
    out.push("", "Fault tolerance (worst case over every zone)");
    out.push(faultToleranceTable(plan.faultTolerance));
    const notes = [...new Set(plan.faultTolerance.flatMap((r) => r.notes))];
    if (notes.length > 0) {
        out.push(...notes.map((n) => `  note: ${n}`));
    }
    if (plan.warnings.length > 0) {
        out.push("", `Warnings (${plan.warnings.length})`, ...plan.warnings.map((w) => `  - ${formatIssue(w)}`));
    }
    return out.join("\n");
}
