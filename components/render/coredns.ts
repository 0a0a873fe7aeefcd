// CoreDNS made highly available (two or more replicas, never two on one host, spread
// over zones, one kept through voluntary disruptions): a patch of the Deployment kubeadm creates,
// and a PodDisruptionBudget. Plain objects, applied by the KubernetesAddons component and by the
// rehearsal (kubectl) alike.

import type { ClusterPlan } from "../plan/plan";
import type { ClusterSpec } from "../plan/spec";

const SELECTOR = { "k8s-app": "kube-dns" } as const;

/** One replica per zone, at least 2, at most one per Kubernetes node. */
export function corednsReplicas(spec: ClusterSpec, plan: ClusterPlan): number {
    const nodes = plan.nodes.filter((n) => n.role === "master" || n.role === "worker").length;
    return Math.max(2, Math.min(Math.max(2, spec.zones.length), nodes));
}

/** The strategic-merge patch of kubeadm's `kube-system/coredns` Deployment. `replicas` ≥ 2. */
/**
 * CoreDNS runs on the masters when there are enough of them for its replicas: masters are always
 * spread one per physical host (placement groups), workers may share one, and a host that held
 * every replica would take the cluster's DNS with it (the bring-up's host-loss check lost both
 * replicas, one on master-0 and one on a worker of the same host, until they were pinned here).
 */
export function corednsOnMasters(spec: ClusterSpec, plan: ClusterPlan): boolean {
    return plan.nodes.filter((n) => n.role === "master").length >= corednsReplicas(spec, plan);
}

export function corednsPatch(replicas: number, onMasters = false) {
    return {
        spec: {
            replicas,
            template: {
                spec: {
                    // kubeadm's Deployment already tolerates the control-plane taint.
                    ...(onMasters ? { nodeSelector: { "node-role.kubernetes.io/control-plane": "" } } : {}),
                    affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { ...SELECTOR } }, topologyKey: "kubernetes.io/hostname" }] } },
                    // A hard constraint: with ScheduleAnyway the real scheduler put 2 of 3 replicas in one
                    // zone (the rehearsal's check 15). Only pods of the same revision count
                    // (matchLabelKeys: a rolling update's old pods otherwise skew the new ones), and
                    // nodes it may not use (tainted unreachable or not-ready, as a lost zone's are) do
                    // not count, so a lost zone never blocks a replica.
                    topologySpreadConstraints: [{
                        maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" as const,
                        nodeTaintsPolicy: "Honor" as const, labelSelector: { matchLabels: { ...SELECTOR } }, matchLabelKeys: ["pod-template-hash"],
                    }],
                },
            },
        },
    };
}

/** Keeps at least one CoreDNS replica through evictions (drains, rolling node maintenance). */
export function corednsPdb() {
    return {
        apiVersion: "policy/v1", kind: "PodDisruptionBudget",
        metadata: { name: "coredns", namespace: "kube-system" }, spec: { minAvailable: 1, selector: { matchLabels: { ...SELECTOR } } },
    };
}

export const COREDNS_SELECTOR = "k8s-app=kube-dns";
