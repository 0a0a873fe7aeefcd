// The pod network installed by default: flannel in VXLAN mode (flannel's own kube-flannel.yml of
// the pinned release, as typed objects). A Tencent VPC routes only the addresses it knows
// (subnets, and route-table entries, which have a quota), so pods on other machines are reached
// through a VXLAN overlay between the nodes' VPC addresses. flanneld takes each node's pod range
// from its Node object (kube-subnet-mgr: kubeadm's controller manager allocates them from
// `network.podCidr`) and sets the pods' MTU to the node's minus VXLAN's 50 bytes (1450 on the
// VPC's 1500). Images come from ghcr.io, through `mirrors.registryMirrors["ghcr.io"]` when set.

import { OVERLAY_VXLAN_PORT } from "../plan/security";
import type { ClusterPlan } from "../plan/plan";
import type { ClusterSpec } from "../plan/spec";
import { ADDONS_MANIFEST } from "./commands";
import { corednsOnMasters, corednsPatch, corednsPdb, corednsReplicas } from "./coredns";
import { publicFile } from "./node-file";
import { SCRIPTS, scriptFile } from "./scripts";
import { secretInstallScript } from "./secret-bundle";
import { toYaml } from "./yaml";

/** flannel's release (its kube-flannel.yml) and the CNI plugin image that manifest names. */
export const FLANNEL = {
    version: "v0.28.10",
    image: "ghcr.io/flannel-io/flannel:v0.28.10",
    cniPluginImage: "ghcr.io/flannel-io/flannel-cni-plugin:v1.9.1-flannel3",
    /** Linux's VXLAN port, flannel's default: the only port the overlay needs between nodes. */
    vxlanPort: OVERLAY_VXLAN_PORT,
    namespace: "kube-flannel",
} as const;

/** The pod network a stack installs: `flannel` (default) or `none` (the user brings one). */
export type CniChoice = "flannel" | "none";

const LABELS = { tier: "node", app: "flannel", "k8s-app": "flannel" };

/**
 * The CNI configuration flannel's install container copies to /etc/cni/net.d. cniVersion 0.3.1:
 * every flannel CNI plugin release reads it (the manifest's 1.0.0 needs plugin v1.1 or newer).
 */
export function flannelCniConfig(): Record<string, unknown> {
    return {
        name: "cbr0", cniVersion: "0.3.1",
        plugins: [{ type: "flannel", delegate: { hairpinMode: true, isDefaultGateway: true } }, { type: "portmap", capabilities: { portMappings: true } }],
    };
}

/** flannel's network configuration for a cluster's pod range. */
export function flannelNetConfig(spec: ClusterSpec): Record<string, unknown> {
    return { Network: spec.network.podCidr, EnableNFTables: false, Backend: { Type: "vxlan", Port: FLANNEL.vxlanPort } };
}

function daemonSet(): Record<string, unknown> {
    const hostPath = (name: string, path: string, type?: string) => ({ name, hostPath: { path, ...(type ? { type } : {}) } });
    return {
        apiVersion: "apps/v1", kind: "DaemonSet",
        metadata: { name: "kube-flannel-ds", namespace: FLANNEL.namespace, labels: LABELS },
        spec: {
            selector: { matchLabels: { app: "flannel" } },
            template: {
                metadata: { labels: LABELS },
                spec: {
                    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/os", operator: "In", values: ["linux"] }] }] } } },
                    hostNetwork: true, priorityClassName: "system-node-critical", serviceAccountName: "flannel",
                    tolerations: [{ operator: "Exists", effect: "NoSchedule" }],
                    initContainers: [
                        { name: "install-cni-plugin", image: FLANNEL.cniPluginImage, imagePullPolicy: "IfNotPresent", command: ["cp"], args: ["-f", "/flannel", "/opt/cni/bin/flannel"],
                            volumeMounts: [{ name: "cni-plugin", mountPath: "/opt/cni/bin" }] },
                        { name: "install-cni", image: FLANNEL.image, imagePullPolicy: "IfNotPresent", command: ["cp"], args: ["-f", "/etc/kube-flannel/cni-conf.json", "/etc/cni/net.d/10-flannel.conflist"],
                            volumeMounts: [{ name: "cni", mountPath: "/etc/cni/net.d" }, { name: "flannel-cfg", mountPath: "/etc/kube-flannel/" }] },
                    ],
                    containers: [{
                        name: "kube-flannel", image: FLANNEL.image, imagePullPolicy: "IfNotPresent", command: ["/opt/bin/flanneld"], args: ["--ip-masq", "--kube-subnet-mgr", "--healthz-port=8081"],
                        ports: [{ name: "healthz", containerPort: 8081, protocol: "TCP" }],
                        livenessProbe: { httpGet: { path: "/healthz", port: "healthz" }, initialDelaySeconds: 10, periodSeconds: 30 },
                        readinessProbe: { httpGet: { path: "/readyz", port: "healthz" }, initialDelaySeconds: 5, periodSeconds: 10 },
                        resources: { requests: { cpu: "100m", memory: "50Mi" } },
                        securityContext: { privileged: false, capabilities: { add: ["NET_ADMIN", "NET_RAW"] } },
                        env: [
                            { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                            { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                            { name: "EVENT_QUEUE_DEPTH", value: "5000" }, { name: "CONT_WHEN_CACHE_NOT_READY", value: "false" },
                        ],
                        volumeMounts: [{ name: "run", mountPath: "/run/flannel" }, { name: "flannel-cfg", mountPath: "/etc/kube-flannel/" }, { name: "xtables-lock", mountPath: "/run/xtables.lock" }],
                    }],
                    volumes: [
                        hostPath("run", "/run/flannel"), hostPath("cni-plugin", "/opt/cni/bin"), hostPath("cni", "/etc/cni/net.d"),
                        { name: "flannel-cfg", configMap: { name: "kube-flannel-cfg" } }, hostPath("xtables-lock", "/run/xtables.lock", "FileOrCreate"),
                    ],
                },
            },
        },
    };
}

/** Every object of the flannel install, in apply order. */
export function flannelObjects(spec: ClusterSpec): Record<string, unknown>[] {
    const meta = (name: string, namespaced = true) => ({ name, ...(namespaced ? { namespace: FLANNEL.namespace } : {}), labels: { "k8s-app": "flannel" } });
    return [
        { apiVersion: "v1", kind: "Namespace", metadata: { name: FLANNEL.namespace, labels: { "k8s-app": "flannel", "pod-security.kubernetes.io/enforce": "privileged" } } },
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: meta("flannel", false), rules: [
            { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
            { apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] },
            { apiGroups: [""], resources: ["nodes/status"], verbs: ["patch"] },
        ] },
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: meta("flannel", false),
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "flannel" }, subjects: [{ kind: "ServiceAccount", name: "flannel", namespace: FLANNEL.namespace }] },
        { apiVersion: "v1", kind: "ServiceAccount", metadata: meta("flannel") },
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kube-flannel-cfg", namespace: FLANNEL.namespace, labels: LABELS },
            data: { "cni-conf.json": `${JSON.stringify(flannelCniConfig(), null, 2)}\n`, "net-conf.json": `${JSON.stringify(flannelNetConfig(spec), null, 2)}\n` } },
        daemonSet(),
    ];
}


/**
 * What master-0 applies once `kubeadm init` succeeded (server-side apply, so it works with no
 * route from the Pulumi runner to the API): the pod network (unless `network.cni: none`), the
 * CoreDNS high-availability fields of kubeadm's Deployment, and CoreDNS's PodDisruptionBudget.
 */
export function addonObjects(spec: ClusterSpec, plan: ClusterPlan): Record<string, unknown>[] {
    const coredns = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "coredns", namespace: "kube-system" },
        ...corednsPatch(corednsReplicas(spec, plan), corednsOnMasters(spec, plan)) };
    return [...(spec.network.cni === "flannel" ? flannelObjects(spec) : []), coredns, corednsPdb()];
}

/** The add-ons as one multi-document YAML (`kubectl apply -f -`). */
export function addonsManifest(spec: ClusterSpec, plan: ClusterPlan): string {
    return addonObjects(spec, plan).map((o) => toYaml(o)).join("---\n");
}

/** stdin of master-0's add-ons step: installs the manifest and apply-addons.sh (not secret). */
export function addonsInstallScript(spec: ClusterSpec, plan: ClusterPlan): string {
    return secretInstallScript([publicFile(ADDONS_MANIFEST, addonsManifest(spec, plan)), scriptFile(SCRIPTS.applyAddons)]);
}
