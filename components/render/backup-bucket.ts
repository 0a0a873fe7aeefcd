// The cloud side of etcd backups, as plain data the EtcdBackup component passes to the
// provider: the bucket's lifecycle rules (the retention of `backup`), and the CAM documents of
// the CVM role the members upload with (trusted by the CVM service only, allowed to read and
// write the objects of this cluster's three prefixes in this one bucket and nothing else, not
// even to delete; pods are kept from its credentials by the metadata guard).
//
// Object layout (etcd-backup.sh): snapshots/<cluster>/<time>-<member>.db every interval,
// daily/<cluster>/<date>.db the day's first, config/<cluster>/<time>-<member>.tar.gpg with each
// snapshot. The bucket is versioned and the role cannot delete, so an overwrite keeps the previous
// version as a noncurrent one: for a daily or an archive, for its whole retention, which the
// role cannot shorten (it has no lifecycle right). A member that was taken over cannot make an
// earlier daily unrecoverable.

import type { ClusterSpec } from "../plan/spec";

/** One lifecycle rule, in the shape (and camelCase keys) of `CosBucket.lifecycleRules[]`. */
export interface LifecycleRule {
    readonly id: string;
    readonly filterPrefix: string;
    readonly expiration: { readonly days: number };
    readonly nonCurrentExpiration: { readonly nonCurrentDays: number };
    readonly abortIncompleteMultipartUpload: { readonly daysAfterInitiation: number };
}

/**
 * Retention as lifecycle rules: every snapshot for `keepAllHours` (whole days), the dailies and
 * the config archives for `keepDailyDays`; noncurrent snapshots for a day, noncurrent dailies and
 * archives for `keepDailyDays` too (an overwritten daily stays recoverable as long as the daily
 * itself would have been kept); unfinished uploads for a day.
 */
export function backupLifecycleRules(backup: ClusterSpec["backup"]): LifecycleRule[] {
    const rule = (id: string, days: number, nonCurrentDays: number): LifecycleRule => ({
        id, filterPrefix: `${id}/`, expiration: { days }, nonCurrentExpiration: { nonCurrentDays },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
    });
    return [rule("snapshots", backup.keepAllHours / 24, 1), rule("daily", backup.keepDailyDays, backup.keepDailyDays), rule("config", backup.keepDailyDays, backup.keepDailyDays)];
}

/** Trust policy of the members' role: only the CVM service may assume it (for instances it is bound to). */
export function cvmTrustDocument(): string {
    return JSON.stringify({ version: "2.0", statement: [{ action: ["name/sts:AssumeRole"], effect: "allow", principal: { service: ["cvm.qcloud.com"] } }] });
}

/** COS object actions the members need: upload (simple and multipart), download for a restore. No delete. */
export const BACKUP_COS_ACTIONS = [
    "name/cos:PutObject", "name/cos:InitiateMultipartUpload", "name/cos:UploadPart", "name/cos:CompleteMultipartUpload",
    "name/cos:AbortMultipartUpload", "name/cos:ListParts", "name/cos:GetObject", "name/cos:HeadObject",
] as const;
/** What the members may do in the replica bucket: read, for a restore. */
export const BACKUP_REPLICA_ACTIONS = ["name/cos:GetObject", "name/cos:HeadObject"] as const;
/** COS bucket actions: list objects (the daily check) and unfinished uploads (rclone's multipart). */
export const BACKUP_COS_BUCKET_ACTIONS = ["name/cos:GetBucket", "name/cos:ListMultipartUploads"] as const;
/** The prefixes etcd-backup.sh writes under, each followed by `<cluster>/`. */
export const BACKUP_PREFIXES = ["snapshots", "daily", "config"] as const;

/**
 * Permission policy of the members' role: BACKUP_COS_ACTIONS on this cluster's objects only
 * (`qcs::cos:<region>:uid/<appid>:<bucket>/<prefix>/<cluster>/*`), BACKUP_COS_BUCKET_ACTIONS on the bucket.
 */
export function backupPolicyDocument(region: string, appId: string, bucket: string, cluster: string, replica?: { readonly region: string; readonly bucket: string }): string {
    if (!/^[a-z]+-[a-z-]+$/.test(region) || !/^\d{10}$/.test(appId) || !bucket.endsWith(`-${appId}`) || !/^[a-z][a-z0-9-]*$/.test(cluster)) {
        throw new Error(`backup policy: region ${JSON.stringify(region)}, appid ${JSON.stringify(appId)} (10 digits), bucket ${JSON.stringify(bucket)} (<name>-<appid>) and cluster ${JSON.stringify(cluster)} do not fit together`);
    }
    if (replica && (!/^[a-z]+-[a-z-]+$/.test(replica.region) || replica.region === region || !replica.bucket.endsWith(`-${appId}`))) {
        throw new Error(`backup policy: the replica bucket ${JSON.stringify(replica.bucket)} in ${JSON.stringify(replica.region)} must be <name>-<appid> in another region than ${region}`);
    }
    const base = `qcs::cos:${region}:uid/${appId}:${bucket}`;
    const replicaBase = replica && `qcs::cos:${replica.region}:uid/${appId}:${replica.bucket}`;
    return JSON.stringify({ version: "2.0", statement: [
        { action: [...BACKUP_COS_ACTIONS], effect: "allow", resource: BACKUP_PREFIXES.map((p) => `${base}/${p}/${cluster}/*`) },
        { action: [...BACKUP_COS_BUCKET_ACTIONS], effect: "allow", resource: [`${base}/*`] },
        // The replica is COS's to write: the members may only read it, for a restore while the cluster's region is down.
        ...(replicaBase ? [
            { action: [...BACKUP_REPLICA_ACTIONS], effect: "allow", resource: BACKUP_PREFIXES.map((p) => `${replicaBase}/${p}/${cluster}/*`) },
            { action: ["name/cos:GetBucket"], effect: "allow", resource: [`${replicaBase}/*`] },
        ] : []),
    ] });
}
