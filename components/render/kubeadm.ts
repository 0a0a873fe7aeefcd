// kubeadm configuration files (kubeadm.k8s.io/v1beta4 only) for the init master, joining
// masters and workers, plus the encryption-at-rest configuration of the apiservers.
//
// Hairpin rule (Tencent CLB drops traffic from a backend to itself through the VIP):
// controlPlaneEndpoint is the endpoint's DNS name, resolved per node through /etc/hosts.
// Workers resolve it to the VIP/CLB (or to their node-local proxy); masters resolve it to
// 127.0.0.1 once their own apiserver runs, so nothing on a master reaches itself through the
// load balancer. controller-manager, scheduler and (from 1.33) the kubelet on masters use the
// local apiserver anyway.

import { apiServerPolicyArgs, apiServerPolicyFiles } from "./apiserver-policy";
import { ETCD_TLS_MIN } from "./etcd";
import { SCRIPTS, scriptFile } from "./scripts";
import { PATHS, RenderContext } from "./context";
import {
    assertKubeadmDocument, ClusterConfiguration, EncryptionConfiguration, InitConfiguration, JoinConfiguration,
    KubeletConfiguration, KubeProxyConfiguration,
} from "./kubeadm-types";
import { NodeFile, secretFile } from "./node-file";
import { toYamlDocuments } from "./yaml";
import type { PlannedNode } from "../plan/topology";

import { KubeadmSecrets, PLACEHOLDER_SECRETS } from "./kubeadm-secrets";
export { PLACEHOLDER_SECRETS } from "./kubeadm-secrets";
export type { KubeadmSecrets } from "./kubeadm-secrets";

const API = "kubeadm.k8s.io/v1beta4";
const CONTROL_PLANE_TAINT = { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" as const };

/**
 * How the node registers. The kubelet labels it with its region and zone (labels the kubelet may
 * set on itself): no cloud controller manager runs, and without the zone label CoreDNS's zone
 * spread (DoNotSchedule) finds no node at all.
 */
function registration(ctx: RenderContext, node: PlannedNode, master: boolean) {
    const labels = `topology.kubernetes.io/region=${ctx.spec.region},topology.kubernetes.io/zone=${node.zone}`;
    return {
        name: node.hostname,
        criSocket: PATHS.criSocket,
        taints: master ? [CONTROL_PLANE_TAINT] : [],
        kubeletExtraArgs: [{ name: "node-ip", value: node.privateIp }, { name: "node-labels", value: labels }],
    };
}

/** Every name and address clients may use to reach an apiserver. */
export function apiServerCertSans(ctx: RenderContext): string[] {
    const e = ctx.plan.endpoint;
    const sans = [e.dnsName, ...(e.vip ? [e.vip] : []), ...ctx.masters.map((m) => m.privateIp), "127.0.0.1", "localhost",
        "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"];
    return [...new Set(sans)];
}

export function clusterConfiguration(ctx: RenderContext): ClusterConfiguration {
    const { spec } = ctx;
    const etcd: ClusterConfiguration["etcd"] = spec.etcd.topology === "external"
        ? {
            external: {
                endpoints: ctx.etcdMembers.map((m) => `https://${m.privateIp}:2379`),
                caFile: `${PATHS.pkiDir}/etcd/ca.crt`,
                certFile: `${PATHS.pkiDir}/apiserver-etcd-client.crt`,
                keyFile: `${PATHS.pkiDir}/apiserver-etcd-client.key`,
            },
        }
        : { local: { dataDir: PATHS.etcdData, extraArgs: [{ name: "tls-min-version", value: ETCD_TLS_MIN }] } };
    const encryptionDir = PATHS.encryptionConfig.slice(0, PATHS.encryptionConfig.lastIndexOf("/"));
    const policy = apiServerPolicyArgs(ctx);
    return {
        apiVersion: API,
        kind: "ClusterConfiguration",
        clusterName: spec.name,
        kubernetesVersion: `v${spec.kubernetes.version}`,
        controlPlaneEndpoint: ctx.controlPlaneEndpoint,
        imageRepository: spec.mirrors.imageRepository,
        certificatesDir: PATHS.pkiDir,
        encryptionAlgorithm: "ECDSA-P256",
        certificateValidityPeriod: `${spec.certificates.leafValidityHours}h0m0s`,
        caCertificateValidityPeriod: `${spec.certificates.caValidityHours}h0m0s`,
        networking: { serviceSubnet: spec.network.serviceCidr, podSubnet: spec.network.podCidr, dnsDomain: "cluster.local" },
        etcd,
        apiServer: {
            certSANs: apiServerCertSans(ctx),
            extraArgs: [
                { name: "encryption-provider-config", value: PATHS.encryptionConfig },
                // A changed key list is read within a minute, without a restart (reload-encryption.sh waits for it).
                { name: "encryption-provider-config-automatic-reload", value: "true" },
                ...policy.extraArgs, NO_PROFILING,
                ...(ctx.apiHealth.shutdownDelaySec > 0 ? [{ name: "shutdown-delay-duration", value: `${ctx.apiHealth.shutdownDelaySec}s` }] : []),
            ],
            extraVolumes: [{ name: "encryption-config", hostPath: encryptionDir, mountPath: encryptionDir, readOnly: true, pathType: "DirectoryOrCreate" }, ...policy.extraVolumes],
        },
        controllerManager: { extraArgs: [...leaderElectArgs(ctx), NO_PROFILING] },
        scheduler: { extraArgs: [...leaderElectArgs(ctx), NO_PROFILING] },
    };
}

/** Profiling endpoints off on every control-plane component (CIS 1.2.15, 1.3.2, 1.4.1). */
const NO_PROFILING = { name: "profiling", value: "false" };

/** `--leader-elect`, and the timers when the render options set them (the components' defaults otherwise). */
function leaderElectArgs(ctx: RenderContext): { name: string; value: string }[] {
    const l = ctx.leaderElection;
    return [
        { name: "leader-elect", value: "true" },
        ...(l ? [{ name: "leader-elect-lease-duration", value: `${l.leaseSec}s` }, { name: "leader-elect-renew-deadline", value: `${l.renewSec}s` }, { name: "leader-elect-retry-period", value: `${l.retrySec}s` }] : []),
    ];
}

export function kubeletConfiguration(): KubeletConfiguration {
    return {
        apiVersion: "kubelet.config.k8s.io/v1beta1", kind: "KubeletConfiguration",
        cgroupDriver: "systemd", containerRuntimeEndpoint: PATHS.criSocket, rotateCertificates: true, tlsMinVersion: "VersionTLS12",
    };
}

export function kubeProxyConfiguration(): KubeProxyConfiguration {
    return { apiVersion: "kubeproxy.config.k8s.io/v1alpha1", kind: "KubeProxyConfiguration", mode: "iptables" };
}

export function initConfiguration(ctx: RenderContext, secrets: KubeadmSecrets): InitConfiguration {
    const node = ctx.initMaster;
    return {
        apiVersion: API, kind: "InitConfiguration",
        bootstrapTokens: [{ token: secrets.bootstrapToken, description: "kubeadm-ha node join token", ttl: "24h0m0s", usages: ["signing", "authentication"] }],
        nodeRegistration: registration(ctx, node, true),
        localAPIEndpoint: { advertiseAddress: node.privateIp, bindPort: ctx.plan.endpoint.port },
        certificateKey: secrets.certificateKey,
        timeouts: { controlPlaneComponentHealthCheck: "4m0s" },
    };
}

export function joinConfiguration(ctx: RenderContext, node: PlannedNode, secrets: KubeadmSecrets): JoinConfiguration {
    const master = node.role === "master";
    // A node-local proxy only runs once the kubelet does, so workers discover the cluster through master-0.
    const discoveryEndpoint = !master && ctx.plan.endpoint.kind === "node-local-proxy"
        ? `${ctx.initMaster.privateIp}:${ctx.plan.endpoint.port}` : ctx.controlPlaneEndpoint;
    return {
        apiVersion: API, kind: "JoinConfiguration",
        nodeRegistration: registration(ctx, node, master),
        discovery: { bootstrapToken: { token: secrets.bootstrapToken, apiServerEndpoint: discoveryEndpoint, caCertHashes: [secrets.caCertHash] } },
        ...(master ? { controlPlane: { localAPIEndpoint: { advertiseAddress: node.privateIp, bindPort: ctx.plan.endpoint.port }, certificateKey: secrets.certificateKey } } : {}),
        timeouts: { discovery: "5m0s", tlsBootstrap: "5m0s" },
    };
}

export function encryptionConfiguration(secrets: KubeadmSecrets): EncryptionConfiguration {
    return {
        apiVersion: "apiserver.config.k8s.io/v1", kind: "EncryptionConfiguration",
        resources: [{ resources: ["secrets"], providers: [{ secretbox: { keys: secrets.encryptionKeys.map((k) => ({ name: k.name, secret: k.secret })) } }, { identity: {} }] }],
    };
}

const PLACEHOLDER_NOTE = "# Offline rendering: the token, certificate key, CA hash and encryption key in this file are placeholders.\n";

function file(path: string, docs: unknown[], secrets: KubeadmSecrets): NodeFile {
    docs.forEach(assertKubeadmDocument);
    const note = secrets === PLACEHOLDER_SECRETS ? PLACEHOLDER_NOTE : "";
    return secretFile(path, `${note}${toYamlDocuments(docs)}`);
}

/**
 * What a master or worker gets over SSH for kubeadm (nothing for other roles): its secret kubeadm
 * files, a master's apiserver policy files, and the scripts only the join wiring runs
 * (kubeadm-once.sh, use-local-apiserver.sh), which keeps them out of the size-limited user-data.
 */
export function kubeadmFiles(ctx: RenderContext, node: PlannedNode, secrets: KubeadmSecrets): NodeFile[] {
    if (node.role === "master") {
        const own = node.name === ctx.initMaster.name
            ? file(`${PATHS.kubeadmDir}/init.yaml`, [initConfiguration(ctx, secrets), clusterConfiguration(ctx), kubeletConfiguration(), kubeProxyConfiguration()], secrets)
            : file(`${PATHS.kubeadmDir}/join.yaml`, [joinConfiguration(ctx, node, secrets)], secrets);
        return [own, file(PATHS.encryptionConfig, [encryptionConfiguration(secrets)], secrets), ...apiServerPolicyFiles(ctx),
            scriptFile(SCRIPTS.kubeadmOnce), scriptFile(SCRIPTS.useLocalApiserver)];
    }
    return node.role === "worker" ? [file(`${PATHS.kubeadmDir}/join.yaml`, [joinConfiguration(ctx, node, secrets)], secrets), scriptFile(SCRIPTS.kubeadmOnce),
        ...(ctx.plan.endpoint.kind === "node-local-proxy" ? [scriptFile(SCRIPTS.useLocalApiserver)] : [])] : [];
}
