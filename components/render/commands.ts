// The commands the join wiring runs on each machine over SSH, as plain strings (the
// components only decide where and in which order). Every one is safe to run again.

import { PATHS } from "./context";
import type { PlannedNode } from "../plan/topology";
import { METRICS_PORT, STAGED_ETCD_MANIFEST } from "./etcd";
import type { ProxyConfig } from "./node-proxy";
import { SCRIPTS, scriptPath } from "./scripts";

/** Waits (at most 30 minutes) for cloud-init's sentinel. */
export const WAIT_FOR_BOOTSTRAP = `timeout 1800 sh -c 'until [ -f ${PATHS.sentinel} ]; do sleep 5; done'`;
/** Reads the secret-file installer script from stdin. */
export const INSTALL_SECRETS = "sudo bash -s";
/**
 * kubeadm init on master-0, uploading the shared certificates for the joining masters; skipped
 * once it succeeded, reset and retried after a failure (kubeadm-once.sh). It prints neither the
 * bootstrap token nor the certificate key: command output reaches the deployment log.
 */
export const KUBEADM_INIT = `sudo bash ${scriptPath(SCRIPTS.kubeadmOnce)} /etc/kubernetes/admin.conf init --config ${PATHS.kubeadmDir}/init.yaml --upload-certs --skip-token-print --skip-certificate-key-print`;
/**
 * On master-0, before each control-plane join: re-uploads the shared certificates (they expire
 * after 2 h) under the joining master's own certificate key, which arrives on stdin with
 * upload-certs.sh (`uploadCertsStdin`) and is never printed or put on a command line.
 */
export const UPLOAD_CERTS = `sudo bash -s -- ${PATHS.kubeadmDir}/init.yaml`;

/** The stdin of UPLOAD_CERTS: the joining master's certificate key, then upload-certs.sh. Secret. */
export function uploadCertsStdin(certificateKey: string): string {
    if (!/^[0-9a-f]{64}$/.test(certificateKey)) {
        throw new Error("a certificate key is 64 hex digits (32 random bytes)");
    }
    return `CERT_KEY=${certificateKey}\n${SCRIPTS.uploadCerts.content}`;
}
/**
 * On master-0, before each join: the bootstrap token is valid for 30 more minutes (re-created for
 * 2 h when not: init makes it for 24 h). The script (SCRIPTS.ensureBootstrapToken, not secret)
 * arrives on stdin, keeping master-0's user-data under Tencent's limit.
 */
export const ENSURE_BOOTSTRAP_TOKEN = `sudo bash -s -- ${PATHS.kubeadmDir}/init.yaml`;
/** kubeadm join on a master or worker; skipped once it succeeded, reset and retried after a failure (kubeadm-once.sh). */
export const KUBEADM_JOIN = `sudo bash ${scriptPath(SCRIPTS.kubeadmOnce)} /etc/kubernetes/kubelet.conf join --config ${PATHS.kubeadmDir}/join.yaml`;
/** The add-on manifest's place on master-0 (installed with the script by ADDON_FILES over stdin). */
export const ADDONS_MANIFEST = `${PATHS.kubeadmDir}/addons.yaml`;
/** On master-0 after init: installs the add-on files from stdin, then applies them (apply-addons.sh). */
export const APPLY_ADDONS = `${INSTALL_SECRETS} && sudo bash ${scriptPath(SCRIPTS.applyAddons)} ${ADDONS_MANIFEST}`;
/**
 * etcd machines: start the member once its certificates are in place (etcd-member-start.sh on
 * stdin: it is not in the user-data of members made before it existed, which keep theirs), and
 * wait (at most 10 minutes) until it serves: kubeadm init's preflight asks every member for its version, and
 * fails when one has not pulled its image and started yet. A member is ready once it has a
 * quorum, so the members' steps, which run at once, finish together. A member `joining` a running
 * cluster (the membership grows) waits for it to answer and never bootstraps one of its own.
 */
export function startEtcdMember(member: PlannedNode, members: readonly PlannedNode[], joining = false): string {
    const others = members.filter((m) => m.name !== member.name).map((m) => `https://${m.privateIp}:2379`).join(",");
    return `sudo bash -s -- ${STAGED_ETCD_MANIFEST} https://${member.privateIp}:2380 ${others}${joining ? " join" : ""} && ` +
        `timeout 600 sh -c 'until curl -sf --max-time 2 http://127.0.0.1:${METRICS_PORT}/readyz >/dev/null; do sleep 2; done'`;
}

export function useLocalApiserver(dnsName: string): string {
    if (!/^[a-z0-9.-]+$/.test(dnsName)) {
        throw new Error(`bad endpoint name ${dnsName}`);
    }
    return `sudo bash ${scriptPath(SCRIPTS.useLocalApiserver)} ${dnsName}`;
}

/** The join commands a person uses to add a machine by hand (flags, as kubeadm prints them). */
export function joinCommands(controlPlaneEndpoint: string, token: string, caCertHash: string, certificateKey: string): { worker: string; controlPlane: string } {
    const worker = `kubeadm join ${controlPlaneEndpoint} --token ${token} --discovery-token-ca-cert-hash ${caCertHash}`;
    return { worker, controlPlane: `${worker} --control-plane --certificate-key ${certificateKey}` };
}

/**
 * On each master after its secret files: returns once its kube-apiserver runs with the installed
 * encryption configuration (reload-encryption.sh on stdin, ENCRYPTION_SCRIPTS). Reruns when the
 * key list changes; the masters' steps run one after the other.
 */
export function reloadEncryption(port: number): string {
    return `sudo bash -s -- ${port} ${PATHS.encryptionConfig} ${PATHS.manifests}/kube-apiserver.yaml /etc/kubernetes/admin.conf`;
}

const VERSION = /^1\.\d{1,2}\.\d{1,3}$/;
const NODE_NAME = /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/;

/**
 * One machine's step of a rolling upgrade to `version` (kubeadm-upgrade.sh on stdin,
 * UPGRADE_SCRIPTS): `apply` on the first master, `node` on the others, `worker` on a worker
 * (drained and uncordoned from the first master by `drainNode`). `endpointUrl` is the API
 * endpoint the gates read (`https://<address>:<port>`), `endpointName` the name its certificate has.
 */
export function upgradeNode(mode: "apply" | "node" | "worker", version: string, node: string, endpointUrl: string, endpointName: string): string {
    if (!VERSION.test(version) || !NODE_NAME.test(node) || !/^https:\/\/[0-9a-z.:[\]-]+$/.test(endpointUrl) || !NODE_NAME.test(endpointName)) {
        throw new Error(`upgradeNode: bad argument (${version}, ${node}, ${endpointUrl}, ${endpointName})`);
    }
    return `sudo bash -s -- ${mode} ${version} ${node} ${endpointUrl} ${endpointName}`;
}

/** On the first master, before and after a worker's upgrade step (node-drain.sh on stdin). */
export function drainNode(step: "drain" | "uncordon", node: string, version: string): string {
    if (!VERSION.test(version) || !NODE_NAME.test(node)) {
        throw new Error(`drainNode: bad argument (${node}, ${version})`);
    }
    return `sudo bash -s -- ${step} ${node} ${version}`;
}

/** On an external etcd member: runs it from `image`, a leadership it holds going to member `last` (etcd-upgrade.sh on stdin). */
export function upgradeEtcdMember(image: string, last: string): string {
    if (!/^[a-z0-9.:/_-]+:[0-9a-z.-]+$/.test(image) || !NODE_NAME.test(last)) {
        throw new Error(`upgradeEtcdMember: bad image ${image} or member ${last}`);
    }
    return `sudo bash -s -- ${image} ${STAGED_ETCD_MANIFEST} ${last}`;
}

/**
 * On a machine that balances over the masters: its proxy's configuration written and reloaded
 * (proxy-backends.sh on stdin): `how` is `container:<name>:<USR2|HUP>` or `unit:<name>`.
 */
export function followMasters(p: ProxyConfig): string {
    if (!/^\/[a-z0-9/._-]+$/.test(p.path) || !/^(container:[a-z0-9-]+:(USR2|HUP)|unit:[a-z0-9-]+)$/.test(p.how) || !Number.isInteger(p.health)) {
        throw new Error(`followMasters: bad proxy ${p.path} ${p.how} ${p.health}`);
    }
    return `sudo bash -s -- ${p.path} ${p.how} ${p.health} ${Buffer.from(p.text).toString("base64")}`;
}

/** On the first master, the `delete` of a worker's remove step: drains the node, deletes its Node (node-remove.sh on stdin). */
export function removeNode(node: string): string {
    if (!NODE_NAME.test(node)) {
        throw new Error(`removeNode: bad node name ${node}`);
    }
    return `sudo bash -s -- ${node}`;
}

/** On a master other than the first, the `delete` of its leave step (master-leave.sh on stdin). */
export function leaveControlPlane(node: string, etcd: "stacked" | "external"): string {
    if (!NODE_NAME.test(node)) {
        throw new Error(`leaveControlPlane: bad node name ${node}`);
    }
    return `sudo bash -s -- ${node} ${etcd}`;
}

/** On an external etcd member, the `delete` of its leave step: out of the membership through the others (etcd-leave.sh on stdin). */
export function leaveEtcd(member: PlannedNode, members: readonly PlannedNode[]): string {
    const others = members.filter((m) => m.name !== member.name).map((m) => `https://${m.privateIp}:2379`).join(",");
    return `sudo bash -s -- https://${member.privateIp}:2380 ${others}`;
}

/** On a master with external etcd: its apiserver's `--etcd-servers` become `members`' client URLs (apiserver-etcd-servers.sh on stdin). */
export function apiserverEtcdServers(members: readonly PlannedNode[], port: number, role: "first" | "other"): string {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new Error(`apiserverEtcdServers: bad port ${port}`);
    }
    return `sudo bash -s -- ${members.map((m) => `https://${m.privateIp}:2379`).join(",")} ${port} ${role}`;
}
