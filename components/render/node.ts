// What each machine boots from: its cloud-init user-data (non-secret files, packages, commands)
// and its secret files (kubeadm configs), chosen by role.

import { ClusterPlan } from "../plan/plan";
import type { ClusterSpec, Role } from "../plan/spec";
import type { PlannedNode } from "../plan/topology";
import { certRenewalCommands, certRenewalFiles } from "./cert-renewal";
import { base64Size, CloudConfig, HostKey, PLACEHOLDER_HOST_KEY, renderUserData } from "./cloud-init";
import { containerdFiles } from "./containerd";
import { etcdBackupPackages } from "./etcd-backup";
import { PATHS, RenderContext, renderContext, RenderOptions } from "./context";
import { etcdNodeFiles } from "./etcd";
import { keepalivedConfig, keepalivedUnit, lvsDirectorConfig } from "./keepalived";
import { kubeadmFiles } from "./kubeadm";
import { KubeadmSecrets, PLACEHOLDER_SECRETS } from "./kubeadm-secrets";
import { NodeFile, publicFile } from "./node-file";
import { metadataGuardCommands, metadataGuardFiles } from "./metadata-guard";
import { lbProxyConfig, nodeProxyFiles } from "./node-proxy";
import { Script, SCRIPTS, scriptFile, scriptPath } from "./scripts";
import { ini, keyValues } from "./text";
import { toYaml } from "./yaml";

export interface NodeBundle {
    readonly node: PlannedNode;
    /** `#cloud-config` user-data: safe to read from the metadata service. */
    readonly userData: string;
    readonly userDataBase64Bytes: number;
    /** Every file placed on the node; `secret` ones are delivered over SSH, the others are in userData. */
    readonly files: readonly NodeFile[];
}

// kubeadm's preflight needs iptables, conntrack and socat on PATH (iptables is usually but not
// always on the image: asked for explicitly).
const K8S_PACKAGES = ["containerd", "ca-certificates", "curl", "gpg", "conntrack", "socat", "iptables"];
const PACKAGES: Readonly<Record<Role, readonly string[]>> = {
    master: K8S_PACKAGES, worker: K8S_PACKAGES, etcd: K8S_PACKAGES,
    lb: ["haproxy", "keepalived", "curl"], lvs: ["keepalived", "ipvsadm"], haproxy: ["haproxy"], bastion: [],
};
const DATA_DISK_DEVICE = "/dev/vdb";
const LVS_VIP_UNIT = "/etc/systemd/system/kubeadm-ha-lvs-vip.service";

const run = (s: Script, ...args: string[]) => ["bash", scriptPath(s), ...args];

/** What every machine with a kubelet gets; `schedulable`: pods of the pod network can run there (masters, workers), so it gets the metadata guard. */
function kubernetesNodeFiles(ctx: RenderContext, schedulable: boolean): NodeFile[] {
    return [
        ...containerdFiles(ctx),
        // crictl (kubeadm's cri-tools dependency) finds containerd without --runtime-endpoint.
        publicFile("/etc/crictl.yaml", toYaml({ "runtime-endpoint": PATHS.criSocket, "image-endpoint": PATHS.criSocket, timeout: 10 })),
        publicFile("/etc/modules-load.d/kubeadm-ha.conf", "overlay\nbr_netfilter\n"),
        publicFile("/etc/sysctl.d/90-kubeadm-ha.conf", keyValues([
            ["net.ipv4.ip_forward", "1"], ["net.bridge.bridge-nf-call-iptables", "1"], ["net.bridge.bridge-nf-call-ip6tables", "1"],
        ])),
        scriptFile(SCRIPTS.disableSwap), scriptFile(SCRIPTS.installKubernetes), ...(schedulable ? metadataGuardFiles(ctx) : []),
    ];
}

function kubernetesNodeCommands(ctx: RenderContext, schedulable: boolean): string[][] {
    const k = ctx.spec.kubernetes;
    return [
        ...(schedulable ? metadataGuardCommands(ctx) : []), run(SCRIPTS.disableSwap), ["modprobe", "overlay"], ["modprobe", "br_netfilter"], ["sysctl", "--system"],
        run(SCRIPTS.installKubernetes, ctx.spec.mirrors.kubernetesApt, `1.${k.minor}`, k.version, ctx.spec.mirrors.kubernetesAptKeyFingerprint),
        ["systemctl", "restart", "containerd"], ["systemctl", "enable", "kubelet"],
    ];
}

/** An LB machine's HAProxy configuration: the same text its proxy-backends step writes when the masters change. */
function lbHaproxyFile(ctx: RenderContext): NodeFile {
    const lb = lbProxyConfig(ctx);
    return publicFile(lb.path, lb.text);
}

/** Role-specific files and commands. */
function roleParts(ctx: RenderContext, node: PlannedNode): { files: NodeFile[]; commands: string[][] } {
    const lbUnit = publicFile("/etc/systemd/system/kubeadm-ha-keepalived.service", keepalivedUnit());
    const startKeepalived = [["systemctl", "daemon-reload"], ["systemctl", "enable", "--now", "kubeadm-ha-keepalived.service"]];
    switch (node.role) {
        case "master":
            return {
                files: [...kubernetesNodeFiles(ctx, true), ...certRenewalFiles(ctx, node)],
                commands: [...kubernetesNodeCommands(ctx, true), ...certRenewalCommands(ctx)],
            };
        case "worker":
            return {
                files: [...kubernetesNodeFiles(ctx, true), ...(ctx.plan.endpoint.kind === "node-local-proxy" ? nodeProxyFiles(ctx) : [])],
                commands: kubernetesNodeCommands(ctx, true),
            };
        case "etcd":
            return {
                // Only static pods on the host's network run here: no pod-network pod reaches the metadata service.
                files: [...kubernetesNodeFiles(ctx, false), ...etcdNodeFiles(ctx, node), scriptFile(SCRIPTS.mountDataDisk)],
                // The etcd static pod is installed by the join wiring's etcd-start step (etcd-member-start.sh),
                // once the member's certificates are in place and after the sentinel, so after the data disk's mount.
                commands: [run(SCRIPTS.mountDataDisk, DATA_DISK_DEVICE, PATHS.etcdData, "300"), ...kubernetesNodeCommands(ctx, false),
                    ["systemctl", "daemon-reload"], ["systemctl", "restart", "kubelet"]],
            };
        case "lb":
            return {
                files: [lbHaproxyFile(ctx),
                    publicFile(PATHS.keepalivedConfig, keepalivedConfig(ctx, node)), lbUnit, scriptFile(SCRIPTS.checkHaproxy)],
                commands: [["systemctl", "enable", "haproxy"], ["systemctl", "restart", "haproxy"], ...startKeepalived],
            };
        case "lvs":
            return { files: [publicFile(PATHS.keepalivedConfig, lvsDirectorConfig(ctx, node)), lbUnit], commands: [["modprobe", "ip_vs"], ...startKeepalived] };
        case "haproxy":
            return {
                files: [lbHaproxyFile(ctx), scriptFile(SCRIPTS.vipOnLoopback),
                    publicFile(LVS_VIP_UNIT, ini([
                        { name: "Unit", entries: [["Description", "API VIP on loopback for LVS direct routing (kubeadm-ha)"], ["Before", "haproxy.service"]] },
                        { name: "Service", entries: [["Type", "oneshot"], ["RemainAfterExit", "yes"], ["ExecStart", ["/bin/bash", scriptPath(SCRIPTS.vipOnLoopback), ctx.plan.endpoint.vip ?? ""].join(" ")]] },
                        { name: "Install", entries: [["WantedBy", "multi-user.target"]] },
                    ]))],
                commands: [["systemctl", "daemon-reload"], ["systemctl", "enable", "--now", "kubeadm-ha-lvs-vip.service"], ["systemctl", "enable", "haproxy"], ["systemctl", "restart", "haproxy"]],
            };
        case "bastion":
            return { files: [], commands: [] };
    }
}

/**
 * Where the endpoint name points on this node at boot. Joining masters use master-0, not the VIP:
 * once a CLB marks the new master healthy it may balance the master's own connections to itself,
 * which a Tencent CLB drops. Workers of a node-local-proxy cluster use master-0 too: after
 * discovery kubeadm dials the name, and their proxy is a static pod that only runs once their
 * kubelet does. Both switch to 127.0.0.1 after joining (use-local-apiserver.sh).
 */
export function endpointAddressFor(ctx: RenderContext, node: PlannedNode): string | undefined {
    if (node.role === "master") {
        return node.name === ctx.initMaster.name ? "127.0.0.1" : ctx.initMaster.privateIp;
    }
    if (node.role === "worker") {
        return ctx.plan.endpoint.kind === "node-local-proxy" ? ctx.initMaster.privateIp : ctx.endpointAddress;
    }
    return node.role === "bastion" ? ctx.endpointAddress : undefined;
}

/**
 * Renders one node. `secrets` fill the kubeadm files; without them, obviously fake placeholders
 * are used. `hostKey`: the machine's SSH host key for its user-data (none: the image makes its own,
 * which no command can pin).
 */
export function renderNode(ctx: RenderContext, node: PlannedNode, secrets: KubeadmSecrets = PLACEHOLDER_SECRETS, hostKey?: HostKey): NodeBundle {
    const { files, commands } = roleParts(ctx, node);
    const address = endpointAddressFor(ctx, node);
    const all = [...files, scriptFile(SCRIPTS.writeSentinel)];
    const config: CloudConfig = {
        hostname: node.hostname,
        sshAuthorizedKeys: ctx.spec.ssh.publicKeys,
        ...(hostKey ? { hostKey } : {}),
        ...(ctx.spec.mirrors.ubuntuApt ? { aptMirror: ctx.spec.mirrors.ubuntuApt } : {}),
        packages: [...PACKAGES[node.role], ...etcdBackupPackages(ctx, node)],
        files: all,
        // The machine's own name resolves (sudo and kubeadm's preflight look it up; the VPC's DNS does not know it).
        hosts: [`${node.privateIp} ${node.hostname}`, ...(address ? [`${address} ${ctx.plan.endpoint.dnsName}`] : [])],
        runcmd: [...commands, run(SCRIPTS.writeSentinel, node.name, node.role)],
    };
    const userData = renderUserData(config);
    return { node, userData, userDataBase64Bytes: base64Size(userData), files: [...all, ...kubeadmFiles(ctx, node, secrets)] };
}

/** Renders every node of a planned cluster (a new one: every machine with a placeholder host key). */
export function renderCluster(spec: ClusterSpec, plan: ClusterPlan, options: RenderOptions & { secrets?: KubeadmSecrets } = {}): NodeBundle[] {
    const ctx = renderContext(spec, plan, options);
    return plan.nodes.map((n) => renderNode(ctx, n, options.secrets, PLACEHOLDER_HOST_KEY));
}
