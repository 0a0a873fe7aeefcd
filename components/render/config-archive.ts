// The masters' key archive with external etcd. An etcd member's backup (etcd-backup.ts) archives
// what lives on that member; with stacked etcd that is a master's whole control-plane state, but
// external members hold only their own etcd PKI. The cluster CA, the front-proxy CA, the
// service-account key and the encryption-at-rest key exist only on the masters (and in the
// Pulumi state), so without this archive a snapshot restored after losing the masters and the
// state has Secrets nobody can decrypt and tokens nobody can verify. Each master therefore
// archives its own `/etc/kubernetes/pki`, `kubeadm` and `encryption` directories, encrypted with
// the same archive key, to `config/<cluster>/<time>-<master>.tar.gpg`: once a day, and a few
// minutes after the timer starts (so a fresh cluster has one at once). It runs with the same CVM
// role as the members' backups (the role may write `config/<cluster>/*`); the metadata guard
// keeps the masters' pods away from that role's credentials.

import type { PlannedNode } from "../plan/topology";
import { PATHS, RenderContext } from "./context";
import type { NodeFile } from "./node-file";
import { BACKUP_REMOTE, BackupStorage, RCLONE_CONFIG, TENCENT_METADATA_URL } from "./backup-storage";
import { BACKUP_SCRIPTS } from "./scripts-backup";
import { scriptPath } from "./scripts";
import { timerJobFiles } from "./timer-job";

/** The oneshot service that archives a master's keys. */
export const CONFIG_ARCHIVE_SERVICE = "kubeadm-ha-config-archive.service";
/** Starts CONFIG_ARCHIVE_SERVICE daily at 03:00 (up to 10 minutes later), and 2 minutes after the timer starts. */
export const CONFIG_ARCHIVE_TIMER = "kubeadm-ha-config-archive.timer";

/** What a master archives: every key and certificate, the kubeadm configs, the encryption configuration. */
export function masterArchivePaths(): string[] {
    return [PATHS.pkiDir, PATHS.kubeadmDir, PATHS.encryptionConfig.slice(0, PATHS.encryptionConfig.lastIndexOf("/"))];
}

/** Whether `node` archives its keys on its own: backups on, etcd external, the node a master. */
export function takesConfigArchive(ctx: RenderContext, node: PlannedNode): boolean {
    return ctx.spec.backup.enabled && ctx.spec.etcd.topology === "external" && node.role === "master";
}

/**
 * The arguments of config-archive.sh on `master` (after the script path), as the service passes
 * them; `archiveKey` is the key file (BACKUP_KEY), the bucket `${BACKUP_BUCKET}` from BACKUP_ENV.
 */
export function configArchiveArgs(ctx: RenderContext, master: PlannedNode, archiveKey: string): string[] {
    return [RCLONE_CONFIG, BACKUP_REMOTE, "${BACKUP_BUCKET}", ctx.spec.name, master.hostname, `${PATHS.stateDir}/archive-tmp`, archiveKey, ...masterArchivePaths()];
}

/** The service and the timer of one master; none when it archives nothing of its own. */
export function configArchiveFiles(ctx: RenderContext, master: PlannedNode, storage: BackupStorage, env: string, archiveKey: string): NodeFile[] {
    if (!takesConfigArchive(ctx, master)) {
        return [];
    }
    const archive = ["/bin/bash", scriptPath(BACKUP_SCRIPTS.configArchive), ...configArchiveArgs(ctx, master, archiveKey)];
    const command = storage.kind === "cos" ? ["/bin/bash", scriptPath(BACKUP_SCRIPTS.withCvmRole), storage.metadataUrl ?? TENCENT_METADATA_URL, storage.role, ...archive] : archive;
    return timerJobFiles({
        service: CONFIG_ARCHIVE_SERVICE, timer: CONFIG_ARCHIVE_TIMER,
        unit: [["Description", "this master's keys and configs, encrypted, to object storage (kubeadm-ha)"], ["Wants", "network-online.target"], ["After", "network-online.target"]],
        run: [["EnvironmentFile", `-${env}`], ["TimeoutStartSec", "30min"], ["ExecStart", command.join(" ")]],
        timerDescription: "daily archive of this master's keys (kubeadm-ha)",
        schedule: [["OnCalendar", "*-*-* 03:00:00"], ["RandomizedDelaySec", "600"], ["Persistent", "true"], ["OnActiveSec", "2min"]],
    });
}

/** The scripts a master's archive needs (they travel with the secret files). */
export function configArchiveScripts(): (typeof BACKUP_SCRIPTS)[keyof typeof BACKUP_SCRIPTS][] {
    return [BACKUP_SCRIPTS.configArchive, BACKUP_SCRIPTS.withCvmRole, BACKUP_SCRIPTS.enableBackups];
}
