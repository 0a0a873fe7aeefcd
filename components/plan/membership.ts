// How the change guard judges a change of the etcd membership or of the control plane's size
// (docs/node-lifecycle.md). Members that leave go through their leave step (etcd-leave.sh,
// master-leave.sh) before their machine is deleted, so they are not "down": the membership shrinks.
// New members join one at a time as learners and are promoted once caught up (etcd-member-start.sh),
// so the quorum never counts a member that is not there yet. What the guard refuses is a membership
// change in the same update as a member taken down in place (restarted, replaced, reinstalled):
// the two would meet in the middle of a quorum change. Pure.

import type { Issue } from "./errors";
import type { GuardNode, GuardSnapshot } from "./guard-snapshot";

/** An existing machine's change, as change-guard.ts sees it (its effect only). */
interface Touched { readonly node: GuardNode; readonly effect: string }

export interface MembershipChange {
    /** Existing etcd members that leave (their leave step removes them first). */
    readonly leaving: readonly GuardNode[];
    /** Members the plan adds. */
    readonly joining: readonly GuardNode[];
    readonly refusals: readonly Issue[];
    /** The order the update takes, as warnings (what to watch). */
    readonly warnings: readonly Issue[];
}

const names = (ns: readonly GuardNode[]) => ns.map((n) => n.name).join(", ");

/** The membership part of a change from `previous` to `next`, given how each existing machine is touched. */
export function membershipChange(previous: GuardSnapshot, next: GuardSnapshot, touched: readonly Touched[]): MembershipChange {
    const kept = new Set(next.nodes.map((n) => n.name));
    const had = new Set(previous.nodes.map((n) => n.name));
    const before = previous.nodes.filter((n) => n.etcdMember);
    const leaving = before.filter((n) => !kept.has(n.name));
    const joining = next.nodes.filter((n) => n.etcdMember && !had.has(n.name));
    const refusals: Issue[] = [];
    const warnings: Issue[] = [];
    if (leaving.length === 0 && joining.length === 0) {
        return { leaving, joining, refusals, warnings };
    }
    const after = before.length - leaving.length + joining.length;
    const down = touched.filter((t) => t.node.etcdMember && ["replaced", "reinstalled", "restarted"].includes(t.effect)).map((t) => t.node);
    const change = `etcd ${before.length} -> ${after} members (${[joining.length ? `joining: ${names(joining)}` : "", leaving.length ? `leaving: ${names(leaving)}` : ""].filter(Boolean).join("; ")})`;
    if (down.length > 0) {
        refusals.push({
            path: "etcd", got: change,
            problem: `this update changes the etcd membership while it takes down ${names(down)} in place: a member restarting in the middle of a membership change can cost the quorum`,
            fix: "change the membership in an update of its own, then the members (or the other way round)",
        });
    }
    if (joining.length > 0 && leaving.length > 0) {
        refusals.push({
            path: "etcd", got: change,
            problem: "this update adds and removes etcd members at once: the leaving members would count in the quorum the new ones join",
            fix: "grow first, in one update, then shrink in another (or the other way round)",
        });
    }
    // Stacked, a master's apiserver uses its own member only: there is no list to follow.
    const external = [...joining, ...leaving].every((n) => n.role === "etcd");
    const follow = (what: string) => (external ? `every master's apiserver is pointed at the ${after} ${what}, one master after the other` : "");
    const order = joining.length > 0
        ? [`${names(joining)} join one at a time, each as a learner promoted once it caught up with the leader`, follow("members")].filter(Boolean).join("; then ")
        : [follow("remaining members"), `${names(leaving)} leave the membership (a leader hands its leadership on first), each before its machine is deleted`].filter(Boolean).join("; then ");
    warnings.push({ path: "etcd", got: change, problem: `the membership changes: ${order}`, fix: "nothing to do before; watch the update (`etcdctl member list` shows each step)" });
    return { leaving, joining, refusals, warnings };
}
