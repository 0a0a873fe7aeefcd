// A change of `kubernetesVersion` on a deployed cluster, as the change guard judges it: kubeadm
// upgrades one minor at a time and never downgrades, and an upgrade is its own update (nothing
// else that takes machines down rides along). An accepted upgrade gets the order kubeadm
// documents, which ClusterJoin's upgrade steps run (docs/upgrades.md): the external etcd members
// one by one when the etcd release changes, master-0 (`kubeadm upgrade apply`), the other masters
// one by one (`kubeadm upgrade node`), then the workers in batches. Pure.

import type { Issue } from "./errors";
import type { GuardNode, GuardSnapshot } from "./guard-snapshot";
import { kubeadmImages, KUBERNETES_MINORS, parseKubernetesVersion } from "./versions";

/** One step of a rolling upgrade: the machines it takes at once and what runs on them. */
export interface UpgradeStep {
    readonly nodes: readonly string[];
    readonly action: string;
}

export interface VersionChange {
    /** `1.36.3 -> 1.37.2`, or undefined when the version does not change (or the deployed one is not recorded). */
    readonly change?: string;
    readonly refusals: readonly Issue[];
    /** The order the upgrade takes (empty when refused for its versions, or unchanged). */
    readonly steps: readonly UpgradeStep[];
}

/** Workers upgraded at once: a quarter of them, at least one. */
export function workerBatch(workers: number): number {
    return Math.max(1, Math.floor(workers / 4));
}

/** The order of a rolling upgrade of the deployed machines from minor `from` to `to` (release `version`). */
export function upgradeSteps(nodes: readonly GuardNode[], from: number, version: string): UpgradeStep[] {
    const to = parseKubernetesVersion(version)!.minor;
    const steps: UpgradeStep[] = [];
    const etcd = nodes.filter((n) => n.role === "etcd");
    if (etcd.length > 0 && kubeadmImages(from).etcd !== kubeadmImages(to).etcd) {
        steps.push(...etcd.map((n) => ({
            nodes: [n.name],
            action: `etcd ${kubeadmImages(from).etcd} -> ${kubeadmImages(to).etcd} (followers first, the leader last: a leader hands on to the last member; each member healthy and caught up before the next)`,
        })));
    }
    const [first, ...others] = nodes.filter((n) => n.role === "master");
    if (first) {
        steps.push({ nodes: [first.name], action: `drain, kubeadm upgrade apply v${version}, kubelet and kubectl ${version}, uncordon` });
    }
    steps.push(...others.map((n) => ({ nodes: [n.name], action: `drain, kubeadm upgrade node, kubelet and kubectl ${version}, uncordon` })));
    const workers = nodes.filter((n) => n.role === "worker").map((n) => n.name);
    const batch = workerBatch(workers.length);
    for (let i = 0; i < workers.length; i += batch) {
        steps.push({ nodes: workers.slice(i, i + batch), action: `drain (respecting PodDisruptionBudgets), kubeadm upgrade node, kubelet ${version}, uncordon` });
    }
    return steps;
}

/** Steps as text, one line each. */
export function describeSteps(steps: readonly UpgradeStep[]): string[] {
    return steps.map((s, i) => `${i + 1}. ${s.nodes.join(", ")}: ${s.action}`);
}

/**
 * Judges the version change between the deployed snapshot and the new one. `downCount` is how many
 * deployed machines the same update takes down for other reasons (the node changes).
 */
export function versionChange(previous: GuardSnapshot, next: GuardSnapshot, downCount: number): VersionChange {
    const [was, now] = [previous.kubernetesVersion, next.kubernetesVersion];
    if (was === undefined || now === undefined || was === now) {
        return { refusals: [], steps: [] };
    }
    const change = `${was} -> ${now}`;
    const [a, b] = [parseKubernetesVersion(was), parseKubernetesVersion(now)];
    const refuse = (problem: string, fix: string): VersionChange => ({ change, refusals: [{ path: "kubernetesVersion", got: change, problem, fix }], steps: [] });
    if (!a || !b) {
        return refuse("is not a version this release can compare", `keep kubernetesVersion: "${was}"`);
    }
    if (b.minor < a.minor || (b.minor === a.minor && b.patch < a.patch)) {
        return refuse("would downgrade the cluster: kubeadm upgrades only to newer releases, and a control plane's state (etcd, the API objects) is not made for an older one",
            `keep kubernetesVersion: "${was}"; going back needs a restore from an etcd snapshot taken before the upgrade (docs/backups.md)`);
    }
    if (b.minor > a.minor + 1) {
        const stop = `1.${a.minor + 1}`;
        return refuse(`skips ${b.minor - a.minor - 1} minor release(s): kubeadm upgrades one minor at a time (1.${a.minor} -> ${stop})`,
            KUBERNETES_MINORS.has(a.minor + 1) ? `upgrade to a ${stop} release first (e.g. "${stop}.0"), then to ${now} in a later update` : `upgrade to a ${stop} release first`);
    }
    if (downCount > 0) {
        return refuse(`comes with ${downCount} machine(s) taken down for other reasons in the same update: an upgrade drains and restarts the machines one by one, and a replacement or a restart meanwhile can take more down at once than the order allows`,
            "do the other change in its own update first (or after), then the upgrade alone");
    }
    const deployed = new Set(previous.nodes.map((n) => n.name));
    const added = next.nodes.filter((n) => !deployed.has(n.name) && n.role !== "bastion").map((n) => n.name);
    if (added.length > 0) {
        return refuse(`comes with ${added.length} new machine(s) (${added.join(", ")}): they would join at ${now} while the API servers still run ${was}, and the version skew policy forbids a kubelet newer than its API server`,
            "add them in their own update, before the upgrade or after it");
    }
    return { change, steps: upgradeSteps(previous.nodes, a.minor, b.version), refusals: [] };
}
