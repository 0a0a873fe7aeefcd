// An external etcd member: a static pod run by a standalone kubelet (kubeadm's documented
// "HA etcd with kubeadm" setup, the usual choice for a separate etcd tier), using the etcd image from the stack's
// imageRepository. Distribution packages are too old for kubeadm's preflight (external etcd
// must be >= 3.5.24 for current kubeadm; Debian 12 ships 3.4.23).
//
// The tests and the rehearsal run this command line with the etcd built from its Go module at the
// version kubeadm deploys for the stack's minor (lab/bins), so etcd itself accepts every flag.

import { PATHS, RenderContext } from "./context";
import type { NodeFile } from "./node-file";
import { publicFile } from "./node-file";
import { StaticPod, staticPodYaml } from "./pods";
import { ini } from "./text";
import { toYaml } from "./yaml";
import type { PlannedNode } from "../plan/topology";
import { assertKubeadmDocument, KubeletConfiguration } from "./kubeadm-types";

/** Where etcd keeps its data: a directory on the mounted data disk (not the mount point, which holds lost+found). */
export const ETCD_DATA_DIR = `${PATHS.etcdData}/data`;
/** Lowest TLS version etcd accepts from clients and peers (CIS 2.x; etcd's default also allows 1.0 and 1.1 cipher suites). */
export const ETCD_TLS_MIN = "TLS1.2";
/** Backend quota: 8 GiB, etcd's recommended maximum. */
const QUOTA_BYTES = 8 * 1024 ** 3;

/** `name=https://ip:2380,...` for every member, from the plan. */
export function initialCluster(ctx: RenderContext): string {
    return ctx.etcdMembers.map((m) => `${m.hostname}=https://${m.privateIp}:2380`).join(",");
}

/** The member's command-line flags (after the `etcd` binary name). */
export function etcdArgs(ctx: RenderContext, member: PlannedNode): string[] {
    const ip = member.privateIp;
    const pki = PATHS.etcdPki;
    return [
        `--name=${member.hostname}`,
        `--data-dir=${ETCD_DATA_DIR}`,
        `--listen-peer-urls=https://${ip}:2380`,
        `--initial-advertise-peer-urls=https://${ip}:2380`,
        `--listen-client-urls=https://${ip}:2379,https://127.0.0.1:2379`,
        `--advertise-client-urls=https://${ip}:2379`,
        `--listen-metrics-urls=http://127.0.0.1:${METRICS_PORT}`,
        `--initial-cluster=${initialCluster(ctx)}`,
        "--initial-cluster-state=new",
        `--initial-cluster-token=${ctx.spec.name}-etcd`,
        `--cert-file=${pki}/server.crt`,
        `--key-file=${pki}/server.key`,
        `--trusted-ca-file=${pki}/ca.crt`,
        "--client-cert-auth=true",
        `--peer-cert-file=${pki}/peer.crt`,
        `--peer-key-file=${pki}/peer.key`,
        `--peer-trusted-ca-file=${pki}/ca.crt`,
        "--peer-client-cert-auth=true",
        `--tls-min-version=${ETCD_TLS_MIN}`,
        `--heartbeat-interval=${ctx.timers.etcdHeartbeatMs}`,
        `--election-timeout=${ctx.timers.etcdElectionMs}`,
        "--snapshot-count=10000",
        // What kubeadm sets for the etcd it runs (phases/etcd/local.go): check the data against
        // the other members before serving, and let watchers know how current they are.
        "--feature-gates=InitialCorruptCheck=true",
        "--watch-progress-notify-interval=5s",
        `--quota-backend-bytes=${QUOTA_BYTES}`,
        "--logger=zap",
        "--log-outputs=stderr",
    ];
}

/** Certificates each member needs, with the SANs the command line relies on. */
export function etcdCertificateRequests(ctx: RenderContext): { member: string; kind: "server" | "peer"; commonName: string; ips: string[]; dns: string[] }[] {
    return ctx.etcdMembers.flatMap((m) => [
        { member: m.name, kind: "server" as const, commonName: m.hostname, ips: [m.privateIp, "127.0.0.1"], dns: [m.hostname, "localhost"] },
        { member: m.name, kind: "peer" as const, commonName: m.hostname, ips: [m.privateIp], dns: [m.hostname] },
    ]);
}

/** etcd's metrics listener (`--listen-metrics-urls`), where the kubelet probes it. */
export const METRICS_PORT = 2381;

/**
 * The probes kubeadm gives the etcd it runs (phases/etcd/local.go, util/staticpod): liveness on
 * /livez, which stays OK without quorum and under a NOSPACE alarm, so the kubelet never kills the
 * survivors of a quorum loss (plain /health fails then); readiness and start-up on /readyz. The
 * start-up probe allows kubeadm's 4 minutes for a member to catch up.
 */
function etcdProbes(): Pick<StaticPod["spec"]["containers"][number], "livenessProbe" | "readinessProbe" | "startupProbe"> {
    const get = (path: string) => ({ host: "127.0.0.1", path, port: METRICS_PORT, scheme: "HTTP" as const });
    return {
        livenessProbe: { httpGet: get("/livez"), initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 15, failureThreshold: 8 },
        readinessProbe: { httpGet: get("/readyz"), initialDelaySeconds: 0, periodSeconds: 1, timeoutSeconds: 15, failureThreshold: 3 },
        startupProbe: { httpGet: get("/readyz"), initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 15, failureThreshold: 24 },
    };
}

export function etcdStaticPod(ctx: RenderContext, member: PlannedNode): StaticPod {
    return {
        apiVersion: "v1", kind: "Pod",
        metadata: { name: "etcd", namespace: "kube-system", labels: { component: "etcd", tier: "control-plane" } },
        spec: {
            hostNetwork: true, priorityClassName: "system-node-critical",
            containers: [{
                name: "etcd", image: ctx.etcdImage, command: ["etcd", ...etcdArgs(ctx, member)],
                volumeMounts: [{ name: "etcd-data", mountPath: PATHS.etcdData }, { name: "etcd-pki", mountPath: PATHS.etcdPki, readOnly: true }],
                ...etcdProbes(),
                resources: { requests: { cpu: "200m", memory: "512Mi" } },
            }],
            volumes: [
                { name: "etcd-data", hostPath: { path: PATHS.etcdData, type: "DirectoryOrCreate" } },
                { name: "etcd-pki", hostPath: { path: PATHS.etcdPki, type: "DirectoryOrCreate" } },
            ],
        },
    };
}

const STANDALONE_KUBELET_CONFIG = "/etc/kubernetes/kubelet-standalone.yaml";
/**
 * The manifest is staged here and installed into the static-pod directory by the join wiring's
 * etcd-start step (etcd-member-start.sh): after cloud-init's sentinel, so after the data disk's
 * mount (the kubelet can never start etcd on the root disk), and with the member's certificates in
 * place and its initial cluster state decided.
 */
export const STAGED_ETCD_MANIFEST = "/etc/kubeadm-ha/etcd.yaml";

/** The kubelet on an etcd machine runs static pods only: no API server, no authn from outside. */
export function standaloneKubeletConfiguration(): KubeletConfiguration {
    return {
        apiVersion: "kubelet.config.k8s.io/v1beta1", kind: "KubeletConfiguration",
        cgroupDriver: "systemd", containerRuntimeEndpoint: PATHS.criSocket, staticPodPath: PATHS.manifests,
        address: "127.0.0.1", readOnlyPort: 0,
        authentication: { anonymous: { enabled: false }, webhook: { enabled: false } },
        authorization: { mode: "AlwaysAllow" },
    };
}

/** Files of an etcd machine: static pod, standalone kubelet config and its systemd drop-in. */
export function etcdNodeFiles(ctx: RenderContext, member: PlannedNode): NodeFile[] {
    const kubelet = standaloneKubeletConfiguration();
    assertKubeadmDocument(kubelet);
    const dropIn = ini([
        { name: "Unit", entries: [["RequiresMountsFor", PATHS.etcdData]] },
        { name: "Service", entries: [["ExecStart", ""], ["ExecStart", `/usr/bin/kubelet --config=${STANDALONE_KUBELET_CONFIG}`], ["Restart", "always"]] },
    ]);
    return [
        publicFile(STAGED_ETCD_MANIFEST, staticPodYaml(etcdStaticPod(ctx, member)), "0600"),
        publicFile(STANDALONE_KUBELET_CONFIG, toYaml(kubelet)),
        publicFile("/etc/systemd/system/kubelet.service.d/20-kubeadm-ha-etcd.conf", dropIn),
    ];
}
