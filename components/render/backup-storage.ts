// Where the etcd members' snapshots go and with which credentials: COS through rclone's S3
// backend with the temporary credentials of the members' CVM role (with-cvm-role.sh), or a
// local directory (tests, the rehearsal). etcd-backup.ts renders the files that use it.

/** rclone configuration of the storage (no credentials with a CVM role; mode 0600 all the same). */
export const RCLONE_CONFIG = "/etc/kubeadm-ha/rclone.conf";
/** The rclone remote every config defines. */
export const BACKUP_REMOTE = "kubeadm-ha-backup";
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
    }
    | { readonly kind: "local" };

/**
 * The rclone configuration defining the remote BACKUP_REMOTE. COS: rclone's S3 backend with
 * `provider = TencentCOS`, the regional endpoint `cos.<region>.myqcloud.com` and `env_auth`
 * (the credentials come from the environment with-cvm-role.sh sets); bucket checks off, so a
 * role that may only read and write objects is enough.
 */
export function rcloneConfig(storage: BackupStorage): string {
    const entries: [string, string][] = storage.kind === "local"
        ? [["type", "local"]]
        : [["type", "s3"], ["provider", "TencentCOS"], ["env_auth", "true"], ["endpoint", `cos.${storage.region}.myqcloud.com`], ["acl", "private"], ["no_check_bucket", "true"]];
    for (const [k, v] of entries) {
        if (/[\r\n]/.test(v) || v.trim() !== v || v === "") {
            throw new Error(`rclone ${k} must be one non-empty line without surrounding spaces`);
        }
    }
    return `[${BACKUP_REMOTE}]\n${entries.map(([k, v]) => `${k} = ${v}\n`).join("")}`;
}

/** What a component passes in once the bucket exists. */
export interface BackupSecrets {
    readonly storage: BackupStorage;
    /** The bucket (COS: `<name>-<appid>`), or an absolute directory for `local`. */
    readonly bucket: string;
    /** Passphrase that encrypts the config archives (gpg symmetric, AES-256); keep a copy outside the cluster. */
    readonly archiveKey: string;
}
