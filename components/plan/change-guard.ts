// The quorum-aware change guard: compares the plan that is deployed (its snapshot, a stack
// output) with the plan about to be applied and refuses a change that would take down, at once,
// enough etcd members to lose quorum, every master, every machine of an LB tier, or that would
// move the API endpoint. Pulumi applies the changes of one update in parallel, so "at once"
// means "in the same `pulumi up`". Pure: the CLI (`npm run plan -- --against`) and the
// KubeadmCluster component run the same function.

import { CHANGE_RULES, DOWN, Effect, EFFECTS } from "./change-rules";
import { Issue, ValidationError } from "./errors";
import type { GuardNode, GuardSnapshot } from "./guard-snapshot";
import { membershipChange } from "./membership";
import { UpgradeStep, versionChange } from "./upgrade";

export { guardSnapshot, hasHavip, havipSwitchRange, parseGuardSnapshot, pinnedHostKeys, SYSTEM_DISK_GB, systemDiskOf } from "./guard-snapshot";
export type { GuardNode, GuardSnapshot } from "./guard-snapshot";

/** How one existing machine is touched by the new plan. */
export interface NodeChange {
    readonly node: GuardNode;
    readonly effect: Effect;
    /** e.g. `zone ap-guangzhou-3 -> ap-guangzhou-4`. */
    readonly why: string;
    /** The snapshot fields that change. */
    readonly fields: readonly string[];
    /** What else to know (a move that may fail, a file system to grow). */
    readonly notes?: readonly string[];
}

export interface GuardResult {
    readonly changes: readonly NodeChange[];
    readonly refusals: readonly Issue[];
    readonly warnings: readonly Issue[];
    /** A change of the Kubernetes release and the order its rolling upgrade takes (upgrade.ts). */
    readonly upgrade?: { readonly change: string; readonly steps: readonly UpgradeStep[] };
}

/** Fields a snapshot from before they were recorded does not hold: not compared then. */
const RECORDED_LATER = new Set(["placement", "systemDisk", "image"]);

function compare(before: GuardNode, after: GuardNode | undefined): { change?: NodeChange; refusals: Issue[] } {
    if (!after) {
        return { change: { node: before, effect: "removed", why: "removed from the plan", fields: [] }, refusals: [] };
    }
    const refusals: Issue[] = [];
    const hits: { field: string; effect: Effect; why: string; note?: string }[] = [];
    for (const rule of CHANGE_RULES) {
        const [b, a] = [before[rule.field], after[rule.field]];
        if (b === a || (b === undefined && RECORDED_LATER.has(rule.field)) || (rule.field === "placement" && before.placementGroup !== after.placementGroup)) {
            continue;
        }
        const why = `${rule.field} ${b ?? "none"} -> ${a ?? "none"}`;
        const v = rule.verdict(b, a, before);
        if ("refused" in v) {
            refusals.push({ path: `${before.name}.${rule.field}`, got: `${b ?? "none"} -> ${a ?? "none"}`, problem: `${before.name}: ${v.refused}`, fix: v.fix });
        } else {
            hits.push({ field: rule.field, effect: v.effect, why, ...(v.note ? { note: v.note } : {}) });
        }
    }
    if (hits.length === 0) {
        return { refusals };
    }
    const effect = EFFECTS.find((e) => hits.some((h) => h.effect === e))!;
    const notes = hits.flatMap((h) => (h.note ? [h.note] : []));
    return { change: { node: before, effect, why: hits.map((h) => h.why).join(", "), fields: hits.map((h) => h.field), ...(notes.length ? { notes } : {}) }, refusals };
}

/** Fields a roll-out holds back on the machines outside it (`kubeadm-ha:rollOut`, see roll-out.ts). */
export const HOLDABLE: ReadonlySet<string> = new Set(["instanceType", "image"]);

/** How to take the changes `cs` a few machines (`batch`) at a time. */
function inBatches(cs: readonly NodeChange[], batch: number): string {
    const first = cs.slice(0, batch).map((c) => c.node.name).join(",");
    return cs.every((c) => c.fields.every((f) => HOLDABLE.has(f)))
        ? `roll it out ${batch} at a time: \`pulumi config set kubeadm-ha:rollOut ${first}\` and \`pulumi up\` (the machines not named keep what they run), then name the next ones; \`pulumi config rm kubeadm-ha:rollOut\` when all are done`
        : `split the config change into updates that each touch at most ${batch} of them (a zone or an address cannot be held back)`;
}

/** The safe order for members: a restart keeps the member's data; a replacement is a new member. */
function safeOrder(cs: readonly NodeChange[]): string {
    const healthy = "wait for `etcdctl endpoint health --cluster` to show every member healthy before the next one";
    return cs.every((c) => c.effect !== "replaced" && c.effect !== "removed")
        ? `${inBatches(cs, 1)}; ${healthy}`
        : `${inBatches(cs, 1)}: a member replaced at its address rejoins by itself ` +
          "(its etcd-start step removes the old member and adds the new one); one that moves to a new address needs `etcdctl member remove <id>` before " +
          `and \`etcdctl member add\` before it starts; ${healthy}`;
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
    const compared = previous.nodes.map((n) => compare(n, byName.get(n.name)));
    const changes = compared.flatMap((c) => (c.change ? [c.change] : []));
    const refusals: Issue[] = compared.flatMap((c) => c.refusals);
    const warnings: Issue[] = changes.filter((c) => c.notes).map((c) => ({
        path: c.node.name, got: c.why, problem: `${c.node.name} ${c.effect}: ${c.notes!.join("; ")}`, fix: "nothing to do before; watch the update",
    }));
    const down = changes.filter((c) => DOWN.has(c.effect));

    const membership = membershipChange(previous, next, changes);
    refusals.push(...membership.refusals);
    warnings.push(...membership.warnings);
    // A member that leaves goes through its leave step first: the membership shrinks, nothing is down.
    const members = previous.nodes.filter((n) => n.etcdMember && !membership.leaving.includes(n));
    const hitMembers = down.filter((c) => c.node.etcdMember && c.effect !== "removed");
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

    const tiers: [string, string, (n: GuardNode) => boolean, string][] = [
        ["masters", "master", (n) => n.role === "master", "the API endpoint stops answering"],
        ["lb", "lb machine", (n) => n.role === "lb", "the API endpoint stops answering"],
        ["lvs", "lvs machine", (n) => n.role === "lvs", "the API endpoint stops answering"],
        ["haproxy", "haproxy machine", (n) => n.role === "haproxy", "the API endpoint stops answering"],
        ["workers", "worker", (n) => n.role === "worker", "every pod on a worker stops, with nowhere to go"],
    ];
    for (const [tier, one, inTier, outcome] of tiers) {
        const all = previous.nodes.filter(inTier);
        const hit = down.filter((c) => inTier(c.node));
        if (all.length > 0 && hit.length === all.length && !(tier === "workers" && hit.every((c) => c.effect === "removed"))) {
            refusals.push({
                path: tier, got: names(hit),
                problem: `this update takes down every ${one} (${all.length} of ${all.length}) at once (${list(hit)}): ${outcome}`,
                fix: all.length === 1
                    ? `a single ${one} cannot be changed without downtime: grow the tier first, or set kubeadm-ha:allowDisruptiveChange to true for a cluster that may go down`
                    : `${inBatches(hit, all.length - 1)}, waiting for each to serve again`,
            });
        }
    }

    refusals.push(...endpointRefusals(previous.endpoint, next.endpoint));
    const version = versionChange(previous, next, down.length);
    refusals.push(...version.refusals);
    if (previous.endpoint.publicAccess !== undefined && previous.endpoint.publicAccess !== next.endpoint.publicAccess) {
        warnings.push({
            path: "apiEndpoint", got: `public access ${previous.endpoint.publicAccess} -> ${next.endpoint.publicAccess}`,
            problem: next.endpoint.publicAccess ? "a public address is added (a new CLB or EIP): the kubeconfig output names it" : "the public address is released: a kubeconfig that names it stops working",
            fix: "hand out the new kubeconfig output after the update",
        });
    }
    return { changes, refusals, warnings, ...(version.change ? { upgrade: { change: version.change, steps: version.steps } } : {}) };
}

/** The endpoint stays where it is: its objects cannot move without a new address, and cannot be replaced at the same one. */
function endpointRefusals(a: GuardSnapshot["endpoint"], b: GuardSnapshot["endpoint"]): Issue[] {
    const moved = a.address !== b.address || a.port !== b.port || a.dnsName !== b.dnsName || a.kind !== b.kind || (a.zone !== undefined && a.zone !== b.zone);
    return moved ? [{
        path: "apiEndpoint", got: `${a.kind} ${a.dnsName} ${a.address}:${a.port}${a.zone ? ` in ${a.zone}` : ""} -> ${b.kind} ${b.dnsName} ${b.address}:${b.port}${b.zone ? ` in ${b.zone}` : ""}`,
        problem: "the API endpoint would move: every kubeconfig, join command, kubelet and apiserver certificate names the old one; and a CLB's or HAVIP's fixed vip and subnet are ForceNew while the replacement is created before the old one is deleted, so a new one at the same address fails (VIP occupied)",
        fix: "keep apiEndpoint (kind, zone, port, dnsName) as deployed; moving a cluster's endpoint is a migration to a new cluster, not an update",
    }] : [];
}

/** Throws a ValidationError listing every refusal, unless `allow` (then refusals become warnings). */
export function enforceChangeGuard(result: GuardResult, allow: boolean): readonly Issue[] {
    if (result.refusals.length > 0 && !allow) {
        throw new ValidationError(result.refusals, "change (the quorum-aware change guard refused it; nothing was changed)");
    }
    return allow ? [...result.refusals, ...result.warnings] : result.warnings;
}
