// Puts a member's rendered backup files on its test host, as a node would have them after
// cloud-init and the SSH delivery, and derives the command lines check 9 runs. The differences
// from a node, kept to the minimum the lab needs:
//   - every path is rebased under the host's directory (staging.ts), as for every other daemon;
//   - the storage is rclone's `local` backend and the "bucket" a directory of the run, instead
//     of COS (no network leaves the lab);
//   - the service's ExecStart runs through `ip netns exec` instead of systemd, with
//     `${BACKUP_BUCKET}` expanded from the rendered environment file the way systemd does;
//   - etcdctl and etcdutl are on the host (built by `npm run bins`), so the scripts take that branch,
//     not the `crictl exec` one a node with a static etcd pod takes;
//   - stacked members are kubeadm's own (their certificates at kubeadm's paths, where the
//     rendered backup looks for them); the restore targets the data directory the member uses.

import { readFileSync } from "node:fs";
import { BACKUP_ENV, BACKUP_SERVICE, BackupSecrets, etcdBackupSshFiles, etcdRestoreArgs } from "../components/render/etcd-backup";
import { BACKUP_SCRIPTS } from "../components/render/scripts-backup";
import { scriptPath } from "../components/render/scripts";
import type { PlannedNode } from "../components/plan/topology";
import { ClusterLab, EtcdMember, etcdFlag } from "./cluster-lab";
import { rebase, stage } from "./staging";

export interface StagedBackup {
    readonly member: EtcdMember;
    /** The host's directory that stands for its `/`. */
    readonly root: string;
    /** The rendered service's ExecStart, rebased, `${BACKUP_BUCKET}` expanded. */
    readonly backupCommand: readonly string[];
    /** The rendered restore command for `snapshot` and `token`, rebased. */
    restoreCommand(snapshot: string, token: string): string[];
}

/**
 * The ExecStart of the rendered `service` among what was staged (`placed`, from `stage`) under
 * `root`: rebased, `${BACKUP_BUCKET}` expanded from the staged BACKUP_ENV the way systemd does.
 */
export function stagedServiceCommand(placed: ReadonlyMap<string, string>, root: string, service: string): string[] {
    const unitFile = placed.get(`/etc/systemd/system/${service}`);
    if (!unitFile) {
        throw new Error(`${service} was not rendered for this node`);
    }
    const unit = readFileSync(unitFile, "utf8");
    const env = new Map(readFileSync(placed.get(BACKUP_ENV)!, "utf8").trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as const));
    return /^ExecStart=(.*)$/m.exec(unit)![1].split(" ").map((a) => rebase(a, root).replace(/\$\{(\w+)\}/g, (_, k: string) => env.get(k) ?? ""));
}

/** Stages a node's backup files alone (`local` storage) under `root`; what `stagedServiceCommand` reads. */
export function stageBackupFiles(c: ClusterLab, node: PlannedNode, root: string, secrets: BackupSecrets): Map<string, string> {
    return stage(etcdBackupSshFiles(c.ctx, node, secrets), root);
}

/** Stages the member's rendered files and its backup secrets (`local` storage) under its host directory. */
export function stageBackup(c: ClusterLab, m: EtcdMember, secrets: BackupSecrets): StagedBackup {
    const root = c.root(m.host);
    const bundle = c.bundle(m.node.name);
    const placed = stage([...bundle.files.filter((f) => !f.secret), ...etcdBackupSshFiles(c.ctx, m.node, secrets)], root);
    const backupCommand = stagedServiceCommand(placed, root, BACKUP_SERVICE);
    return {
        member: m, root, backupCommand,
        restoreCommand: (snapshot, token) => {
            const args = etcdRestoreArgs(c.ctx, m.node, snapshot, token).map((a) => rebase(a, root));
            const dataDir = etcdFlag(m, "data-dir");
            if (c.ctx.spec.etcd.topology === "external" && args[5] !== dataDir) {
                throw new Error(`the rendered restore targets ${args[5]}, but ${m.node.name} runs with --data-dir=${dataDir}`);
            }
            args[5] = dataDir;
            return ["/bin/bash", rebase(scriptPath(BACKUP_SCRIPTS.etcdRestore), root), ...args];
        },
    };
}
