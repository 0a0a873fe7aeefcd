// Turns the fault-tolerance reports into refusals (production) or warnings (dev), each naming
// the setting to change. Production refuses any layout where one host or one rack/switch can
// break etcd quorum or take every master or every LB node; a zone loss must be survived when the
// cluster spans several zones, unless the stack lists `zone-loss` in acceptRisks.

import type { Issue } from "./errors";
import { Cause, DOMAIN_LABEL, DomainReport, RoleLoss } from "./fault-tolerance";
import type { ClusterSpec } from "./spec";

/** Why a role breaks: a placement cause, or too few members to survive any loss. */
type Reason = Cause | "count";

interface Finding {
    readonly report: DomainReport;
    readonly role: "etcd member" | "master" | "lvs" | "haproxy" | "lb";
    readonly loss: RoleLoss;
    readonly consequence: string;
    readonly reason: Reason;
}

const ROLE_PATHS: Readonly<Record<Finding["role"], { count: string; zones: string; noun: string }>> = {
    "etcd member": { count: "etcd.members", zones: "etcd.zones", noun: "etcd members" },
    master: { count: "controlPlane.count", zones: "controlPlane.zones", noun: "masters" },
    lb: { count: "apiEndpoint.count", zones: "apiEndpoint.kind", noun: "LB nodes" },
    lvs: { count: "apiEndpoint.lvs.count", zones: "apiEndpoint.kind", noun: "LVS directors" },
    haproxy: { count: "apiEndpoint.haproxy.count", zones: "apiEndpoint.kind", noun: "HAProxy nodes" },
};

function reasonOf(loss: RoleLoss): Reason {
    for (const c of ["affinity", "level", "split", "zone"] as const) {
        if (loss.causes.includes(c)) {
            return c;
        }
    }
    return "count";
}

function findings(r: DomainReport): Finding[] {
    const out: Finding[] = [];
    const add = (role: Finding["role"], loss: RoleLoss, consequence: string) =>
        out.push({ report: r, role, loss, consequence, reason: reasonOf(loss) });
    if (!r.etcd.keepsQuorum) {
        add("etcd member", r.etcd, `${r.etcd.left} left, below quorum ${r.etcd.quorum}`);
    }
    if (r.masters.left < 1) {
        add("master", r.masters, "no master left");
    }
    for (const tier of r.lb.tiers.filter((t) => t.left < 1)) {
        add(tier.role, tier, `no ${ROLE_PATHS[tier.role].noun} left`);
    }
    return out;
}

function pathAndFix(f: Finding, spec: ClusterSpec): { path: string; fix: string } {
    const p = ROLE_PATHS[f.role];
    switch (f.reason) {
        case "affinity":
            return { path: "placement.affinity", fix: `set placement.affinity: 1 so one ${f.report.domain === "host" ? "host" : "rack/switch"} holds at most one of a group's ${p.noun}` };
        case "split":
            return { path: "placement.groupCapacity", fix: `raise placement.groupCapacity to at least the number of ${p.noun}: separate groups do not spread against each other (check the quota with getCvmDisasterRecoverGroupQuota)` };
        case "level":
            return {
                path: "placement.level",
                fix: `set placement.level: RACK (or SW)${spec.placement.affinity > 1 ? " and placement.affinity: 1" : ""} so a rack/switch holds at most one of a group's ${p.noun}` +
                    (f.role === "etcd member" || f.role === "master" ? ", or spread them over 3 zones" : " (a HAVIP tier cannot leave its zone)"),
            };
        case "zone":
            return f.role === "etcd member" || f.role === "master"
                ? { path: p.zones, fix: `spread the ${p.noun} over 3 zones so no zone holds enough of them to matter, or list zone-loss in acceptRisks` }
                : { path: p.zones, fix: "use apiEndpoint.kind: clb (its VIP is not on your machines) for a multi-zone cluster, or list zone-loss in acceptRisks" };
        case "count":
            return { path: p.count, fix: `add ${p.noun}: one cannot survive its own loss` };
    }
}

/** One issue per (role, reason), naming every failure domain it affects. */
function toIssues(list: readonly Finding[], spec: ClusterSpec): Issue[] {
    const groups = new Map<string, Finding[]>();
    for (const f of list) {
        const key = `${f.role}|${f.reason}`;
        groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    return [...groups.values()].map((fs) => {
        const parts = fs.map((f) => `losing ${DOMAIN_LABEL[f.report.domain]} in ${f.report.zone} can take ${f.loss.lost} of ${f.loss.total} ${ROLE_PATHS[f.role].noun} (${f.consequence})`);
        return { ...pathAndFix(fs[0], spec), problem: parts.join("; ") };
    });
}

/** Splits the problems into refusals and warnings according to the profile and accepted risks. */
export function gate(reports: readonly DomainReport[], spec: ClusterSpec): { refusals: Issue[]; warnings: Issue[] } {
    const multiZone = new Set(spec.zones.map((z) => z.zone)).size > 1;
    const refuse: Finding[] = [];
    const warn: Finding[] = [];
    const warnings: Issue[] = [];
    for (const r of reports) {
        const fs = findings(r);
        if (fs.length > 0 && r.domain === "zone" && !multiZone) {
            warnings.push({
                path: "zones", got: spec.zones.map((z) => z.zone),
                problem: `lists one zone, so losing ${r.zone} stops the whole cluster (single-zone layout)`,
                fix: "use 3 zones and apiEndpoint.kind: clb if the cluster must survive a zone outage",
            });
        } else if (spec.profile === "production" && !(r.domain === "zone" && spec.acceptRisks.includes("zone-loss"))) {
            refuse.push(...fs);
        } else {
            warn.push(...fs);
        }
    }
    const accepted = spec.profile === "production" && spec.acceptRisks.includes("zone-loss");
    return {
        refusals: toIssues(refuse, spec),
        warnings: [...toIssues(warn, spec).map((i) => (accepted ? { ...i, problem: `${i.problem} (accepted: zone-loss is in acceptRisks)` } : i)), ...warnings],
    };
}
