// etcd backups on every etcd member (the etcd machines, or the masters with stacked etcd): a
// systemd timer runs etcd-backup.sh every `backup.intervalMinutes` on each member, and only the
// current leader snapshots, verifies and uploads, so one snapshot is taken per interval whichever
// member leads. etcd-restore.sh restores one member from one snapshot (see its -h runbook).
//
// Everything of it travels over SSH (`etcdBackupSshFiles`), after the bucket exists, and
// enable-etcd-backups.sh then starts the timer. User-data only adds the rclone package: an
// etcd member's user-data is 11.7 KB of Tencent's 16 KB (base64), and the four scripts alone
// are 13 KB in base64; stateful machines ignore user-data changes anyway, so a cluster made
// before backups were turned on gets them from the same SSH step. On Tencent Cloud rclone
// authenticates with the temporary credentials of the member's CVM role (with-cvm-role.sh reads
// them from the metadata service at every run): no key is stored on a node or in the Pulumi state.
// Retention (`keepAllHours`, `keepDailyDays`) is enforced by the bucket's lifecycle rules
// (backup-bucket.ts), not here.

import type { PlannedNode } from "../plan/topology";
import { PATHS, RenderContext } from "./context";
import { ETCD_DATA_DIR, initialCluster, STAGED_ETCD_MANIFEST } from "./etcd";
import { NodeFile, publicFile, secretFile } from "./node-file";
import { BACKUP_REMOTE, BackupSecrets, BackupStorage, RCLONE_CONFIG, rcloneConfig, TENCENT_METADATA_URL } from "./backup-storage";
import { BACKUP_SCRIPTS } from "./scripts-backup";
import { scriptPath } from "./scripts";
import { timerJobFiles } from "./timer-job";
import { CONFIG_ARCHIVE_TIMER, configArchiveFiles, configArchiveScripts, takesConfigArchive } from "./config-archive";

export { BACKUP_REMOTE, BACKUP_REPLICA_REMOTE, RCLONE_CONFIG, rcloneConfig, TENCENT_METADATA_URL } from "./backup-storage";
export type { BackupSecrets, BackupStorage } from "./backup-storage";

/** Passphrase file that encrypts the config archives (secret, mode 0600). */
export const BACKUP_KEY = "/etc/kubeadm-ha/etcd-backup.key";
/** `backup.encryptToKey` on each member: the public key every snapshot is encrypted to (not secret). */
export const BACKUP_RECIPIENT = "/etc/kubeadm-ha/backup-recipient.asc";
/** `BACKUP_BUCKET=<bucket>`, read by the service (delivered with the secret files: the bucket exists only at deploy time). */
export const BACKUP_ENV = "/etc/kubeadm-ha/etcd-backup.env";
/** The oneshot service that runs etcd-backup.sh with the member's arguments. */
export const BACKUP_SERVICE = "kubeadm-ha-etcd-backup.service";
/** Starts BACKUP_SERVICE every `backup.intervalMinutes` (Persistent, up to 60 s of random delay). */
export const BACKUP_TIMER = "kubeadm-ha-etcd-backup.timer";
/** Local etcd client endpoint of every member (external members and kubeadm's stacked etcd both listen on it). */
const LOCAL_ENDPOINT = "https://127.0.0.1:2379";

/** Where a member keeps its data, certificates and the files worth archiving, by topology. */
interface MemberLayout {
    readonly dataDir: string;
    /** On the data disk, and inside the etcd container at the same path (a hostPath mount). */
    readonly scratchDir: string;
    readonly ca: string;
    readonly cert: string;
    readonly key: string;
    readonly archive: readonly string[];
}

function layout(ctx: RenderContext): MemberLayout {
    if (ctx.spec.etcd.topology === "external") {
        const pki = PATHS.etcdPki;
        return {
            dataDir: ETCD_DATA_DIR, scratchDir: `${PATHS.etcdData}/backup-tmp`,
            ca: `${pki}/ca.crt`, cert: `${pki}/server.crt`, key: `${pki}/server.key`,
            archive: [PATHS.etcdPki, STAGED_ETCD_MANIFEST],
        };
    }
    // kubeadm's stacked etcd: data directly in /var/lib/etcd (its only hostPath mount besides the PKI).
    const pki = `${PATHS.pkiDir}/etcd`;
    const encryptionDir = PATHS.encryptionConfig.slice(0, PATHS.encryptionConfig.lastIndexOf("/"));
    return {
        dataDir: PATHS.etcdData, scratchDir: `${PATHS.etcdData}/kubeadm-ha-backup`,
        ca: `${pki}/ca.crt`, cert: `${pki}/server.crt`, key: `${pki}/server.key`,
        archive: [PATHS.pkiDir, PATHS.kubeadmDir, encryptionDir],
    };
}

/** Whether `node` takes backups: backups enabled and the node an etcd member. */
export function takesBackups(ctx: RenderContext, node: PlannedNode): boolean {
    return ctx.spec.backup.enabled && node.etcdMember;
}

/**
 * systemd OnCalendar expression firing every `minutes` minutes from midnight (the node's time zone):
 * a step of the hour (5-30, dividing 60) or whole hours dividing the day (60-1440). Other values
 * are refused by validation (`backup.intervalMinutes`); this throws on them too.
 */
export function backupCalendar(minutes: number): string {
    if (minutes >= 5 && minutes < 60 && 60 % minutes === 0) {
        return `*-*-* *:00/${minutes}:00`;
    }
    if (minutes >= 60 && minutes % 60 === 0 && 24 % (minutes / 60) === 0) {
        return minutes === 1440 ? "*-*-* 00:00:00" : `*-*-* 00/${minutes / 60}:00:00`;
    }
    throw new Error(`backup.intervalMinutes ${minutes} is not a step of the hour or of the day; validation should have refused it`);
}

/**
 * The arguments of etcd-backup.sh on `member` (after the script path), exactly as the service
 * passes them; the bucket is `${BACKUP_BUCKET}`, which systemd expands from BACKUP_ENV.
 */
export function etcdBackupArgs(ctx: RenderContext, member: PlannedNode): string[] {
    const l = layout(ctx);
    return [RCLONE_CONFIG, BACKUP_REMOTE, "${BACKUP_BUCKET}", ctx.spec.name, member.hostname, LOCAL_ENDPOINT,
        l.ca, l.cert, l.key, l.scratchDir, BACKUP_KEY, ctx.spec.backup.encryptToKey ? BACKUP_RECIPIENT : "-", ...l.archive];
}

/**
 * The arguments of etcd-restore.sh that restore `member` from `snapshot` (a file, or
 * `<remote>:<path>`) with the cluster token `token`: the same snapshot and token on every member.
 * The last one is the stack's etcd image, used only where the host has no etcd tools (with
 * stacked etcd, kubeadm picks its own tag: the manifest's `image:` is the one to pass there).
 */
export function etcdRestoreArgs(ctx: RenderContext, member: PlannedNode, snapshot: string, token: string): string[] {
    return [snapshot, token, member.hostname, initialCluster(ctx), `https://${member.privateIp}:2380`, layout(ctx).dataDir, RCLONE_CONFIG, ctx.etcdImage];
}

/** The service's command: etcd-backup.sh, through with-cvm-role.sh when the storage is COS. */
export function etcdBackupCommand(ctx: RenderContext, member: PlannedNode, storage: BackupStorage): string[] {
    const backup = ["/bin/bash", scriptPath(BACKUP_SCRIPTS.etcdBackup), ...etcdBackupArgs(ctx, member)];
    return storage.kind === "cos" ? ["/bin/bash", scriptPath(BACKUP_SCRIPTS.withCvmRole), storage.metadataUrl ?? TENCENT_METADATA_URL, storage.role, ...backup] : backup;
}

/** The service and the timer of one member; none when it takes no backups. */
export function etcdBackupFiles(ctx: RenderContext, member: PlannedNode, storage: BackupStorage): NodeFile[] {
    if (!takesBackups(ctx, member)) {
        return [];
    }
    const minutes = ctx.spec.backup.intervalMinutes;
    return timerJobFiles({
        service: BACKUP_SERVICE, timer: BACKUP_TIMER,
        unit: [["Description", "etcd snapshot to object storage, taken by the leader only (kubeadm-ha)"], ["Wants", "network-online.target"], ["After", "network-online.target"]],
        run: [["EnvironmentFile", `-${BACKUP_ENV}`], ["TimeoutStartSec", "1h"], ["ExecStart", etcdBackupCommand(ctx, member, storage).join(" ")]],
        timerDescription: `etcd snapshot every ${minutes} minutes (kubeadm-ha)`,
        schedule: [["OnCalendar", backupCalendar(minutes)], ["RandomizedDelaySec", "60"], ["Persistent", "true"]],
    });
}

/** The backup scripts of one member (not secret, but they travel with the secret files); none when it takes no backups. */
export function etcdBackupScriptFiles(ctx: RenderContext, member: PlannedNode): NodeFile[] {
    return takesBackups(ctx, member)
        ? [BACKUP_SCRIPTS.etcdBackup, BACKUP_SCRIPTS.configArchive, BACKUP_SCRIPTS.etcdRestore, BACKUP_SCRIPTS.withCvmRole, BACKUP_SCRIPTS.enableBackups]
            .map((s) => secretFile(scriptPath(s), s.content, "0755"))
        : [];
}

/** What the SSH step runs after installing the files: enable-etcd-backups.sh with the timers (it starts those installed). */
export const ENABLE_BACKUPS_COMMAND = `sudo bash ${scriptPath(BACKUP_SCRIPTS.enableBackups)} ${BACKUP_TIMER} ${CONFIG_ARCHIVE_TIMER}`;

/** Debian/Ubuntu packages a member needs for backups (openssl and tar are in every image). */
export function etcdBackupPackages(ctx: RenderContext, member: PlannedNode): string[] {
    return takesBackups(ctx, member) ? ["rclone"] : [];
}

/** Whether `node` takes part in backups: an etcd member (snapshots and its archive), or a master archiving its keys (external etcd). */
export function takesPartInBackups(ctx: RenderContext, node: PlannedNode): boolean {
    return takesBackups(ctx, node) || takesConfigArchive(ctx, node);
}

/**
 * Everything of a node's backups, delivered over SSH: the units, the scripts, the rclone
 * configuration (RCLONE_CONFIG), the archive key (BACKUP_KEY) and the bucket (BACKUP_ENV), the
 * last three mode 0600. An etcd member gets its snapshot job (which archives its files too); a
 * master of an external-etcd cluster its key archive (config-archive.ts); other nodes nothing.
 * Run ENABLE_BACKUPS_COMMAND after them.
 */
export function etcdBackupSshFiles(ctx: RenderContext, node: PlannedNode, s: BackupSecrets): NodeFile[] {
    if (!takesPartInBackups(ctx, node)) {
        return [];
    }
    if (!/^[A-Za-z0-9/._-]+$/.test(s.bucket)) {
        throw new Error(`backup bucket ${JSON.stringify(s.bucket)} must be a COS bucket name (<name>-<appid>) or an absolute directory`);
    }
    if (s.archiveKey.length < 32 || /\s/.test(s.archiveKey)) {
        throw new Error("the backup archive key must be at least 32 characters without whitespace");
    }
    if (s.storage.kind === "cos" && !/^[\w+=,.@-]{1,128}$/.test(s.storage.role)) {
        throw new Error(`backup CVM role ${JSON.stringify(s.storage.role)} is not a CAM role name`);
    }
    const recipient = ctx.spec.backup.encryptToKey;
    const jobs = takesBackups(ctx, node)
        ? [...etcdBackupFiles(ctx, node, s.storage), ...etcdBackupScriptFiles(ctx, node), ...(recipient ? [publicFile(BACKUP_RECIPIENT, `${recipient.trim()}\n`)] : [])]
        : [...configArchiveFiles(ctx, node, s.storage, BACKUP_ENV, BACKUP_KEY), ...configArchiveScripts().map((x) => secretFile(scriptPath(x), x.content, "0755"))];
    return [...jobs, secretFile(RCLONE_CONFIG, rcloneConfig(s.storage)), secretFile(BACKUP_KEY, `${s.archiveKey}\n`), secretFile(BACKUP_ENV, `BACKUP_BUCKET=${s.bucket}\n`)];
}
