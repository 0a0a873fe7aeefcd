// The real Kubernetes control plane on the masters' test hosts, brought up the way kubeadm does it
// on a node, minus the kubelet: master-0 runs the file-writing phases of `kubeadm init` on its
// rendered init.yaml with the component PKI in place, the lab starts kube-apiserver,
// kube-controller-manager and kube-scheduler from the static-pod manifests kubeadm wrote (the
// kubelet's job), then `kubeadm init` uploads its configuration, the certificates and the
// bootstrap token; every other master runs `kubeadm join phase control-plane-prepare` on its
// rendered join.yaml through the API endpoint (discovery with the real token and CA pin, download
// of the certificates with the real certificate key) and starts its own three components.

import { existsSync, mkdirSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { PATHS } from "../components/render/context";
import type { NodeBundle } from "../components/render/node";
import { controlPlanePkiFiles } from "../components/render/pki-files";
import type { PlannedNode } from "../components/plan/topology";
import type { ComponentPki } from "./component-pki";
import { Daemon, Host, waitFor } from "./lab";
import { flags, initPhases, kubeadm, Manifest, mustSucceed, readManifests, stageNode } from "./kubeadm-phases";
import { rebase } from "./staging";

export const COMPONENTS = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"] as const;
export type Component = (typeof COMPONENTS)[number];

export interface ControlPlaneMaster {
    readonly node: PlannedNode;
    readonly host: Host;
    /** The host's directory that stands for its `/`. */
    readonly root: string;
    /** The manifests kubeadm wrote on this master. */
    readonly manifests: Map<string, Manifest>;
    /** Each component's command line from its manifest, paths rebased under `root`. */
    readonly commands: Record<Component, readonly string[]>;
    readonly daemons: Partial<Record<Component, Daemon>>;
    /** Durations of the kubeadm phases on this master, for the report. */
    readonly phaseMs: Record<string, number>;
    /** Set while the master's host is crashed: nothing restarts there. */
    down?: boolean;
    /** Components a check holds stopped (not restarted until it starts them again). */
    readonly paused: Set<Component>;
}

/** The /etc/hosts lines a node's user-data appends (the endpoint name). */
export function hostsLines(bundle: NodeBundle): string[] {
    const config = parse(bundle.userData.slice("#cloud-config\n".length));
    const hosts = (config.write_files ?? []).find((f: { path: string }) => f.path === "/etc/hosts");
    return hosts ? String(hosts.content).trim().split("\n") : [];
}

/** Places a master's rendered files, its secret kubeadm files and the component PKI under `root`. */
export function stageMaster(root: string, bundle: NodeBundle, pki: ComponentPki): void {
    stageNode(root, [...bundle.files, ...controlPlanePkiFiles(pki.controlPlane)], hostsLines(bundle));
}

/** The manifests' command lines, rebased under `root` (the files they name live there). */
function commandsOf(root: string, manifests: Map<string, Manifest>): Record<Component, readonly string[]> {
    return Object.fromEntries(COMPONENTS.map((c) => {
        const m = manifests.get(c);
        if (!m) {
            throw new Error(`kubeadm wrote no ${c} manifest under ${path.join(root, PATHS.manifests)}`);
        }
        return [c, m.command.map((a) => rebase(a, root))];
    })) as unknown as Record<Component, readonly string[]>;
}

/** The kubelet's first crash-loop back-off: a static pod's container that exited is restarted after this long. */
export const RESTART_DELAY_MS = 10_000;

/**
 * Starts one component of a master from its manifest's command line, and restarts it
 * RESTART_DELAY_MS after it exits, as the kubelet does for a static pod (kube-controller-manager
 * and kube-scheduler exit when they lose their lease; a check may SIGKILL kube-apiserver).
 * Restarts stop with the lab, or while the master's host is crashed (`m.down`).
 */
export function startComponent(m: ControlPlaneMaster, c: Component): Daemon {
    const [cmd, ...args] = m.commands[c];
    const d = m.host.spawn(c, cmd, args);
    m.daemons[c] = d;
    void d.exited.then(() => setTimeout(() => {
        if (m.daemons[c] === d && !m.host.lab.isDestroyed && !m.down && !m.paused.has(c)) {
            startComponent(m, c);
        }
    }, RESTART_DELAY_MS).unref());
    return d;
}

/** How long the kubelet lets a static pod stop before SIGKILL: its terminationGracePeriodSeconds (30 s when unset, as kubeadm leaves it). */
export function terminationGraceMs(m: ControlPlaneMaster, c: Component): number {
    const seconds = m.manifests.get(c)?.pod?.spec?.terminationGracePeriodSeconds;
    return (typeof seconds === "number" ? seconds : 30) * 1000;
}

/** Whether every component of the master runs (restarts after an exit take RESTART_DELAY_MS). */
export function componentsRunning(m: ControlPlaneMaster): boolean {
    return COMPONENTS.every((c) => m.daemons[c]?.alive());
}

/** An etcd member on a test host: external (the rendered command line) or stacked (kubeadm's manifest). */
export interface EtcdMember { readonly node: PlannedNode; readonly host: Host; readonly command: readonly string[]; daemon: Daemon }

function startStackedEtcd(node: PlannedNode, host: Host, root: string): EtcdMember {
    const manifest = readManifests(root).get("etcd");
    if (!manifest) {
        throw new Error(`kubeadm wrote no etcd manifest on ${node.name}`);
    }
    mkdirSync(path.join(root, PATHS.etcdData), { recursive: true, mode: 0o700 });
    const command = manifest.command.map((a) => rebase(a, root));
    return { node, host, command, daemon: host.spawn("etcd", command[0], command.slice(1)) };
}

/** A master whose manifests kubeadm has written: its three components started from them. */
function startMaster(node: PlannedNode, host: Host, root: string, phaseMs: Record<string, number>): ControlPlaneMaster {
    const manifests = readManifests(root);
    const m: ControlPlaneMaster = { node, host, root, manifests, commands: commandsOf(root, manifests), daemons: {}, paused: new Set(), phaseMs };
    COMPONENTS.forEach((c) => startComponent(m, c));
    return m;
}

/** master-0: kubeadm's file phases, then its etcd (stacked) and its three components. */
export async function initMaster(node: PlannedNode, host: Host, root: string, bundle: NodeBundle, pki: ComponentPki, stackedEtcd: boolean,
    onEtcd: (m: EtcdMember) => void): Promise<ControlPlaneMaster> {
    stageMaster(root, bundle, pki);
    const runs = await initPhases(root, stackedEtcd, host);
    if (stackedEtcd) {
        onEtcd(startStackedEtcd(node, host, root));
    }
    return startMaster(node, host, root, Object.fromEntries(runs.map((r) => [r.args.slice(2, 4).join(" "), r.ms])));
}

/**
 * What `kubeadm init` does once the apiserver answers, run on master-0 against the running API:
 * kubeadm-config and kubelet-config, the encrypted certificates (certificateKey), the bootstrap
 * token with its RBAC and the cluster-info ConfigMap, the control-plane label and taint, and the
 * CoreDNS and kube-proxy addons.
 */
export async function initUploads(m: ControlPlaneMaster): Promise<void> {
    const config = `--config=${PATHS.kubeadmDir}/init.yaml`;
    for (const phase of [["upload-config", "all"], ["upload-certs", "--upload-certs"], ["bootstrap-token"], ["mark-control-plane"], ["addon", "all"]]) {
        const r = mustSucceed(await kubeadm(m.root, ["init", "phase", ...phase, config], 120_000, m.host));
        m.phaseMs[phase.join(" ")] = r.ms;
    }
}

/**
 * A joining master: `kubeadm join phase control-plane-prepare all` through the endpoint; with
 * stacked etcd also `etcd-join`, which adds the member and writes its manifest, and
 * waits for it to join while the lab starts it (the kubelet's job); then its components.
 */
export async function joinMaster(node: PlannedNode, host: Host, root: string, bundle: NodeBundle, pki: ComponentPki, stackedEtcd: boolean,
    onEtcd: (m: EtcdMember) => Promise<void>): Promise<ControlPlaneMaster> {
    stageMaster(root, bundle, pki);
    const config = `--config=${PATHS.kubeadmDir}/join.yaml`;
    const phaseMs: Record<string, number> = {};
    const r = mustSucceed(await kubeadm(root, ["join", "phase", "control-plane-prepare", "all", config], 180_000, host));
    phaseMs["control-plane-prepare all"] = r.ms;
    if (stackedEtcd) {
        const joining = kubeadm(root, ["join", "phase", "etcd-join", config], 180_000, host);
        const manifest = path.join(root, PATHS.manifests, "etcd.yaml");
        let done = false;
        void joining.then(() => (done = true));
        await waitFor(`kubeadm to write the etcd manifest on ${node.name}`, async () => existsSync(manifest) || done, 120_000, 100);
        if (existsSync(manifest)) {
            await onEtcd(startStackedEtcd(node, host, root));
        }
        const j = mustSucceed(await joining);
        phaseMs["etcd-join"] = j.ms;
    }
    return startMaster(node, host, root, phaseMs);
}

/** The value of a flag on a component's command line (as kubeadm wrote it, not rebased). */
export function componentFlag(m: ControlPlaneMaster, c: Component | "etcd", name: string): string | undefined {
    const manifest = m.manifests.get(c);
    return manifest ? flags(manifest.command).get(name) : undefined;
}
