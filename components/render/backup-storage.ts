// Where the etcd members' snapshots go and with which credentials: COS through rclone's S3
// backend with the temporary credentials of the members' CVM role (with-cvm-role.sh), or a
// local directory (tests, the rehearsal). etcd-backup.ts renders the files that use it.

/** rclone configuration of the storage (no credentials with a CVM role; mode 0600 all the same). */
export const RCLONE_CONFIG = "/etc/kubeadm-ha/rclone.conf";
/** The rclone remote every config defines. */
export const BACKUP_REMOTE = "kubeadm-ha-backup";
/** The remote of the replica bucket's region, defined with `backup.replicaRegion` (restores read from it when the cluster's region is down). */
export const BACKUP_REPLICA_REMOTE = "kubeadm-ha-backup-replica";
/** Tencent's instance metadata service (the root of `cam/security-credentials/<role>`). */
export const TENCENT_METADATA_URL = "http://metadata.tencentyun.com/latest/meta-data";

/**
 * Where snapshots go: Tencent COS through rclone's S3 backend with the temporary credentials of
 * the member's CVM role, or a local directory (tests, the rehearsal).
 */
export type BackupStorage =
    | {
        readonly kind: "cos";
        /** COS region, e.g. ap-guangzhou. */
        readonly region: string;
        /** CAM role bound to the member (`Instance.camRoleName`), allowed to write the bucket. */
        readonly role: string;
        /** @default TENCENT_METADATA_URL */
        readonly metadataUrl?: string;
        /** The replica bucket's region (`backup.replicaRegion`): the config defines BACKUP_REPLICA_REMOTE there too. @default none */
        readonly replicaRegion?: string;
    }
    | {
        readonly kind: "local";
        /** Also define BACKUP_REPLICA_REMOTE (a second local remote; the tests' stand-in of the replica). @default false */
        readonly replica?: boolean;
    };

/**
 * The rclone configuration defining the remote BACKUP_REMOTE. COS: rclone's S3 backend with
 * `provider = TencentCOS`, the regional endpoint `cos.<region>.myqcloud.com` and `env_auth`
 * (the credentials come from the environment with-cvm-role.sh sets); bucket checks off, so a
 * role that may only read and write objects is enough.
 */
export function rcloneConfig(storage: BackupStorage): string {
    const remote = (region?: string): [string, string][] => (region === undefined
        ? [["type", "local"]]
        : [["type", "s3"], ["provider", "TencentCOS"], ["env_auth", "true"], ["endpoint", `cos.${region}.myqcloud.com`], ["acl", "private"], ["no_check_bucket", "true"]]);
    const sections: [string, [string, string][]][] = storage.kind === "local"
        ? [[BACKUP_REMOTE, remote()], ...(storage.replica ? [[BACKUP_REPLICA_REMOTE, remote()] as [string, [string, string][]]] : [])]
        : [[BACKUP_REMOTE, remote(storage.region)], ...(storage.replicaRegion ? [[BACKUP_REPLICA_REMOTE, remote(storage.replicaRegion)] as [string, [string, string][]]] : [])];
    for (const [k, v] of sections.flatMap(([, e]) => e)) {
        if (/[\r\n]/.test(v) || v.trim() !== v || v === "") {
            throw new Error(`rclone ${k} must be one non-empty line without surrounding spaces`);
        }
    }
    return sections.map(([name, entries]) => `[${name}]\n${entries.map(([k, v]) => `${k} = ${v}\n`).join("")}`).join("\n");
}

/** What a component passes in once the bucket exists. */
export interface BackupSecrets {
    readonly storage: BackupStorage;
    /** The bucket (COS: `<name>-<appid>`), or an absolute directory for `local`. */
    readonly bucket: string;
    /** Passphrase that encrypts the config archives (gpg symmetric, AES-256); keep a copy outside the cluster. */
    readonly archiveKey: string;
}
