// Real kubeadm on a test host's files: a master's rendered files and the component PKI are placed
// under a scratch root (the host's "/"), and kubeadm runs there with `--rootfs`, so it reads and
// writes exactly the paths a node has (/etc/kubernetes/...) without touching this machine's.

import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { PATHS } from "../components/render/context";
import type { NodeFile } from "../components/render/node-file";
import { program } from "./bins/locate";
import type { ExecResult, Host } from "./lab";
import { stage } from "./staging";

export interface KubeadmRun { readonly args: readonly string[]; readonly code: number; readonly output: string; readonly ms: number }

/** Runs the built kubeadm chrooted into `root`, inside `host` when given (bounded by `timeoutMs`). */
export async function kubeadm(root: string, args: readonly string[], timeoutMs = 120_000, host?: Host): Promise<KubeadmRun> {
    const t0 = Date.now();
    const argv = [...args, `--rootfs=${root}`];
    const r = host ? await host.exec(program("kubeadm"), argv, timeoutMs) : await new Promise<ExecResult>((resolve) =>
        execFile(program("kubeadm"), argv, { timeout: timeoutMs, encoding: "utf8", maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
            resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr })));
    return { args, code: r.code, output: `${r.stdout}${r.stderr}`, ms: Date.now() - t0 };
}

/** Throws with kubeadm's own words when a run failed. */
export function mustSucceed(run: KubeadmRun): KubeadmRun {
    if (run.code !== 0) {
        throw new Error(`kubeadm ${run.args.join(" ")} exited ${run.code}:\n${run.output.trim().split("\n").slice(-15).join("\n")}`);
    }
    return run;
}

/**
 * Places a node's files (user-data files and the secret bundle) under `root`, and its /etc/hosts
 * entries, which kubeadm's resolver reads inside the chroot.
 */
export function stageNode(root: string, files: readonly NodeFile[], hosts: readonly string[]): void {
    stage(files, root);
    mkdirSync(path.join(root, "etc"), { recursive: true });
    writeFileSync(path.join(root, "etc/hosts"), `127.0.0.1 localhost\n${hosts.join("\n")}\n`);
}

/** The control-plane phases of `kubeadm init` that write files only (no kubelet, no API). */
export const INIT_FILE_PHASES: readonly (readonly string[])[] = [["certs", "all"], ["kubeconfig", "all"], ["control-plane", "all"]];

/** Runs the file-writing init phases on master-0's root (plus `etcd local` for stacked etcd). */
export async function initPhases(root: string, stackedEtcd: boolean, host?: Host): Promise<KubeadmRun[]> {
    const config = `--config=${PATHS.kubeadmDir}/init.yaml`;
    const runs: KubeadmRun[] = [];
    for (const phase of [...INIT_FILE_PHASES, ...(stackedEtcd ? [["etcd", "local"]] : [])]) {
        runs.push(mustSucceed(await kubeadm(root, ["init", "phase", ...phase, config], 120_000, host)));
    }
    return runs;
}

/** A static pod manifest kubeadm wrote, parsed. */
export interface Manifest {
    readonly name: string;
    readonly pod: any;
    /** The container's command line (program first). */
    readonly command: readonly string[];
}

/** The static pod manifests under `root` (kube-apiserver, kube-controller-manager, kube-scheduler, etcd). */
export function readManifests(root: string): Map<string, Manifest> {
    const out = new Map<string, Manifest>();
    for (const name of ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"]) {
        const file = path.join(root, PATHS.manifests, `${name}.yaml`);
        if (existsSync(file)) {
            const pod = parse(readFileSync(file, "utf8"));
            out.set(name, { name, pod, command: pod.spec.containers[0].command });
        }
    }
    return out;
}

/** `--name=value` flags of a command line as a map (the last one wins, as for the programs). */
export function flags(command: readonly string[]): Map<string, string> {
    return new Map(command.filter((a) => a.startsWith("--")).map((a) => {
        const eq = a.indexOf("=");
        return eq < 0 ? [a.slice(2), "true"] : [a.slice(2, eq), a.slice(eq + 1)];
    }));
}
