// Pods are kept from the instance metadata service. It hands out the temporary credentials of
// the machine's CAM role (the etcd backup role on etcd members and, with stacked etcd, on the
// masters where pods may run) and the machine's user-data (its SSH host key). On every master and
// worker (external etcd members run only static pods on the host's network), a oneshot unit,
// ordered before containerd and the kubelet at every boot, drops packets from the pod network to
// the metadata address in the raw table's PREROUTING chain: before any chain the pod network or
// kube-proxy manage, so no rule of theirs can accept them first. It deletes its rule before
// inserting it, so a restart leaves one. The machine itself (and so hostNetwork pods, which Pod
// Security's baseline level refuses) still reaches it. `network.podMetadataAccess: true` renders
// none of it. No script: two iptables command lines in the unit keep the user-data small.

import { TENCENT_METADATA_IP } from "../plan/addressing";
import type { RenderContext } from "./context";
import { NodeFile, publicFile } from "./node-file";
import { ini } from "./text";

export const METADATA_GUARD_UNIT = "kubeadm-ha-metadata-guard.service";

/** The iptables rule (after `-D`/`-I`): from the pod range to the metadata address, dropped. */
export function metadataGuardRule(podCidr: string): string[] {
    return ["PREROUTING", "-s", podCidr, "-d", `${TENCENT_METADATA_IP}/32`, "-j", "DROP"];
}

/** The unit, for a machine where pod-network pods run (masters, workers); none with `network.podMetadataAccess`. */
export function metadataGuardFiles(ctx: RenderContext): NodeFile[] {
    if (ctx.spec.network.podMetadataAccess) {
        return [];
    }
    const iptables = (op: string) => ["/usr/sbin/iptables", "-w", "10", "-t", "raw", op, ...metadataGuardRule(ctx.spec.network.podCidr)].join(" ");
    return [publicFile(`/etc/systemd/system/${METADATA_GUARD_UNIT}`, ini([
        { name: "Unit", entries: [["Description", "Keep pods from the instance metadata service (kubeadm-ha)"], ["Before", "containerd.service kubelet.service"]] },
        { name: "Service", entries: [["Type", "oneshot"], ["RemainAfterExit", "yes"], ["ExecStartPre", `-${iptables("-D")}`], ["ExecStart", iptables("-I")]] },
        { name: "Install", entries: [["WantedBy", "multi-user.target"]] },
    ]))];
}

/** cloud-init commands that start the guard now (before the kubelet is installed and any pod runs) and at every boot. */
export function metadataGuardCommands(ctx: RenderContext): string[][] {
    return ctx.spec.network.podMetadataAccess ? [] : [["systemctl", "daemon-reload"], ["systemctl", "enable", "--now", METADATA_GUARD_UNIT]];
}
