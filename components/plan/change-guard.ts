// The quorum-aware change guard: compares the plan that is deployed (its snapshot, a stack
// output) with the plan about to be applied and refuses a change that would take down, at once,
// enough etcd members to lose quorum, every master, every machine of an LB tier, or that would
// move the API endpoint. Pulumi applies the changes of one update in parallel, so "at once"
// means "in the same `pulumi up`". Pure: the CLI (`npm run plan -- --against`) and the
// KubeadmCluster component run the same function.

import { Issue, ValidationError } from "./errors";
import type { ClusterPlan } from "./plan";
import type { ClusterSpec, Role } from "./spec";

/** What decides whether a machine survives an update, per node. Stored as the stack output `changeGuardSnapshot`. */
export interface GuardNode {
    readonly name: string;
    readonly role: Role;
    readonly etcdMember: boolean;
    readonly zone: string;
    readonly subnetCidr: string;
    readonly privateIp: string;
    readonly instanceType: string;
    readonly placementGroup?: string;
    /** `<type>:<GB>` of the etcd data disk (etcd members of the external topology only). */
    readonly dataDisk?: string;
}

export interface GuardSnapshot {
    readonly version: 1;
    readonly cluster: string;
    readonly endpoint: { readonly kind: string; readonly address: string; readonly port: number; readonly dnsName: string };
    readonly nodes: readonly GuardNode[];
}

/** How one existing machine is touched by the new plan. */
export interface NodeChange {
    readonly node: GuardNode;
    readonly effect: "removed" | "replaced" | "restarted";
    /** e.g. `zone ap-guangzhou-3 -> ap-guangzhou-4`. */
    readonly why: string;
}

export interface GuardResult {
    readonly changes: readonly NodeChange[];
    readonly refusals: readonly Issue[];
    readonly warnings: readonly Issue[];
}

/** The snapshot of a plan: what the guard compares next time. */
export function guardSnapshot(spec: ClusterSpec, plan: ClusterPlan): GuardSnapshot {
    const cidr = new Map(spec.zones.map((z) => [z.zone, z.subnetCidr]));
    const external = spec.etcd.topology === "external";
    return {
        version: 1, cluster: plan.cluster.name,
        endpoint: { kind: plan.endpoint.kind, address: plan.endpoint.vip ?? "127.0.0.1", port: plan.endpoint.port, dnsName: plan.endpoint.dnsName },
        nodes: plan.nodes.map((n) => ({
            name: n.name, role: n.role, etcdMember: n.etcdMember, zone: n.zone, subnetCidr: cidr.get(n.zone) ?? "", privateIp: n.privateIp,
            instanceType: n.instanceType, ...(n.placementGroup ? { placementGroup: n.placementGroup } : {}),
            ...(external && n.role === "etcd" ? { dataDisk: `${spec.etcd.dataDisk.type}:${spec.etcd.dataDisk.sizeGb}` } : {}),
        })),
    };
}

/** Field changes, most disruptive first: ForceNew fields replace the CVM; the others restart it. */
const REPLACING: readonly (keyof GuardNode)[] = ["zone", "dataDisk"];
const RESTARTING: readonly (keyof GuardNode)[] = ["privateIp", "subnetCidr", "instanceType", "placementGroup"];

function compare(before: GuardNode, after: GuardNode | undefined): NodeChange | undefined {
    if (!after) {
        return { node: before, effect: "removed", why: "removed from the plan" };
    }
    const diff = (fields: readonly (keyof GuardNode)[]) => fields.filter((f) => before[f] !== after[f])
        .map((f) => `${f} ${String(before[f] ?? "none")} -> ${String(after[f] ?? "none")}`);
    const replacing = diff(REPLACING);
    // A member whose address changes is a new member to etcd (peer URL, certificate SANs).
    const identity = before.etcdMember && before.privateIp !== after.privateIp;
    if (replacing.length > 0 || identity) {
        return { node: before, effect: "replaced", why: [...replacing, ...diff(["privateIp"])].join(", ") };
    }
    const restarting = diff(RESTARTING);
    return restarting.length > 0 ? { node: before, effect: "restarted", why: restarting.join(", ") } : undefined;
}

/** The safe order for members: a restart keeps the member's data; a replacement is a new member. */
function safeOrder(cs: readonly NodeChange[]): string {
    const healthy = "wait for `etcdctl endpoint health --cluster` to show every member healthy, then the next one";
    return cs.every((c) => c.effect === "restarted")
        ? `restart one member per \`pulumi up\` (\`pulumi up --target <its URN>\`) and ${healthy}`
        : "change one member per `pulumi up` (`pulumi up --target <its URN> --target-dependents`): a member replaced at its address rejoins by itself " +
          "(its etcd-start step removes the old member and adds the new one); one that moves to a new address needs `etcdctl member remove <id>` before " +
          `and \`etcdctl member add\` before it starts; then ${healthy}`;
}

const names = (cs: readonly NodeChange[]) => cs.map((c) => c.node.name).join(", ");
const list = (cs: readonly NodeChange[]) => cs.map((c) => `${c.node.name} ${c.effect}: ${c.why}`).join("; ");

/**
 * Compares the deployed snapshot with the new one. `previous` undefined (first deployment)
 * accepts everything. Refusals name the machines, what changes them and the safe order.
 */
export function checkChange(previous: GuardSnapshot | undefined, next: GuardSnapshot): GuardResult {
    if (!previous) {
        return { changes: [], refusals: [], warnings: [] };
    }
    const byName = new Map(next.nodes.map((n) => [n.name, n]));
    const changes = previous.nodes.map((n) => compare(n, byName.get(n.name))).filter((c): c is NodeChange => c !== undefined);
    const refusals: Issue[] = [];
    const warnings: Issue[] = [];

    const members = previous.nodes.filter((n) => n.etcdMember);
    const hitMembers = changes.filter((c) => c.node.etcdMember);
    const quorum = Math.floor(members.length / 2) + 1;
    const breaking = members.length - quorum + 1;
    if (members.length > 0 && hitMembers.length >= breaking) {
        refusals.push({
            path: "etcd", got: names(hitMembers),
            problem: `this update takes down ${hitMembers.length} of ${members.length} etcd members at once (${list(hitMembers)}); ${members.length} members need ${quorum} up for quorum, so ${breaking} down at once loses it and the API stops (restoring from a snapshot is then the only way back)`,
            fix: safeOrder(hitMembers),
        });
    } else if (hitMembers.length >= 2) {
        warnings.push({
            path: "etcd", got: names(hitMembers),
            problem: `this update takes down ${hitMembers.length} of ${members.length} etcd members at once (${list(hitMembers)}): quorum holds, but one more failure meanwhile loses it`,
            fix: safeOrder(hitMembers),
        });
    }

    const tiers: [string, (n: GuardNode) => boolean][] = [
        ["masters", (n) => n.role === "master"], ["lb", (n) => n.role === "lb"], ["lvs", (n) => n.role === "lvs"], ["haproxy", (n) => n.role === "haproxy"],
    ];
    for (const [tier, inTier] of tiers) {
        const all = previous.nodes.filter(inTier);
        const hit = changes.filter((c) => inTier(c.node));
        if (all.length > 0 && hit.length === all.length) {
            refusals.push({
                path: tier, got: names(hit),
                problem: `this update takes down every ${tier === "masters" ? "master" : `${tier} machine`} (${all.length} of ${all.length}) at once (${list(hit)}): the API endpoint stops answering`,
                fix: all.length === 1
                    ? `a single ${tier === "masters" ? "master" : `${tier} machine`} cannot be changed without downtime: grow the tier first, or set kubeadm-ha:allowDisruptiveChange to true for a cluster that may go down`
                    : `change at most ${all.length - 1} of them per \`pulumi up\` (\`pulumi up --target <URN>\`), waiting for each to serve again`,
            });
        }
    }

    const [a, b] = [previous.endpoint, next.endpoint];
    if (a.address !== b.address || a.port !== b.port || a.dnsName !== b.dnsName || a.kind !== b.kind) {
        refusals.push({
            path: "apiEndpoint", got: `${a.kind} ${a.dnsName} ${a.address}:${a.port} -> ${b.kind} ${b.dnsName} ${b.address}:${b.port}`,
            problem: "the API endpoint would move: every kubeconfig, join command, kubelet and apiserver certificate names the old one",
            fix: "keep apiEndpoint (kind, zone, port, dnsName) as deployed; moving a cluster's endpoint is a migration, not an update",
        });
    }
    return { changes, refusals, warnings };
}

/** Throws a ValidationError listing every refusal, unless `allow` (then refusals become warnings). */
export function enforceChangeGuard(result: GuardResult, allow: boolean): readonly Issue[] {
    if (result.refusals.length > 0 && !allow) {
        throw new ValidationError(result.refusals, "change (the quorum-aware change guard refused it; nothing was changed)");
    }
    return allow ? [...result.refusals, ...result.warnings] : result.warnings;
}

/** Reads a snapshot from JSON: the stack output itself, or `npm run plan -- --json` output that carries one. */
export function parseGuardSnapshot(value: unknown, source: string): GuardSnapshot {
    const v = (value && typeof value === "object" && "changeGuardSnapshot" in value ? (value as { changeGuardSnapshot: unknown }).changeGuardSnapshot : value) as Partial<GuardSnapshot>;
    if (!v || v.version !== 1 || !Array.isArray(v.nodes) || !v.endpoint || typeof v.cluster !== "string") {
        throw new ValidationError([{
            path: source, got: v && typeof v === "object" ? Object.keys(v).slice(0, 6).join(",") : v,
            problem: "is not a change-guard snapshot (version 1 with cluster, endpoint and nodes)",
            fix: "pass `pulumi stack output changeGuardSnapshot --json` of the deployed stack, or the `npm run plan -- --json` output of the deployed config",
        }], "previous plan");
    }
    return v as GuardSnapshot;
}
