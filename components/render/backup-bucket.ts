// The cloud side of etcd backups, as plain data the EtcdBackup component passes to the
// provider: the bucket's lifecycle rules (the retention of `backup`), and the CAM documents of
// the CVM role the members upload with (trusted by the CVM service only, allowed to read and
// write objects of this one bucket and nothing else, not even to delete).
//
// Object layout (etcd-backup.sh): snapshots/<cluster>/<time>-<member>.db every interval,
// daily/<cluster>/<date>.db the day's first, config/<cluster>/<time>-<member>.tar.enc with each
// snapshot. The bucket is versioned, so an overwrite or an expiry keeps the previous version as
// a noncurrent one for a while: long enough to notice a node that overwrote dailies.

import type { ClusterSpec } from "../plan/spec";

/** One lifecycle rule, in the shape (and camelCase keys) of `CosBucket.lifecycleRules[]`. */
export interface LifecycleRule {
    readonly id: string;
    readonly filterPrefix: string;
    readonly expiration: { readonly days: number };
    readonly nonCurrentExpiration: { readonly nonCurrentDays: number };
    readonly abortIncompleteMultipartUpload: { readonly daysAfterInitiation: number };
}

/** Days a noncurrent version of a daily snapshot or config archive is kept (overwritten or expired). */
export const NONCURRENT_DAYS = 7;

/**
 * Retention as lifecycle rules: every snapshot for `keepAllHours` (whole days), the dailies and
 * the config archives for `keepDailyDays`; noncurrent snapshots for a day, noncurrent dailies and
 * archives for NONCURRENT_DAYS (at most their own retention); unfinished uploads for a day.
 */
export function backupLifecycleRules(backup: ClusterSpec["backup"]): LifecycleRule[] {
    const rule = (id: string, days: number, nonCurrentDays: number): LifecycleRule => ({
        id, filterPrefix: `${id}/`, expiration: { days }, nonCurrentExpiration: { nonCurrentDays },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
    });
    const daily = Math.min(NONCURRENT_DAYS, backup.keepDailyDays);
    return [rule("snapshots", backup.keepAllHours / 24, 1), rule("daily", backup.keepDailyDays, daily), rule("config", backup.keepDailyDays, daily)];
}

/** Trust policy of the members' role: only the CVM service may assume it (for instances it is bound to). */
export function cvmTrustDocument(): string {
    return JSON.stringify({ version: "2.0", statement: [{ action: ["name/sts:AssumeRole"], effect: "allow", principal: { service: ["cvm.qcloud.com"] } }] });
}

/** COS actions the members need: upload (simple and multipart), download for a restore, list for the daily check. No delete. */
export const BACKUP_COS_ACTIONS = [
    "name/cos:PutObject", "name/cos:InitiateMultipartUpload", "name/cos:UploadPart", "name/cos:CompleteMultipartUpload",
    "name/cos:AbortMultipartUpload", "name/cos:ListParts", "name/cos:ListMultipartUploads",
    "name/cos:GetObject", "name/cos:HeadObject", "name/cos:GetBucket",
] as const;

/**
 * Permission policy of the members' role: BACKUP_COS_ACTIONS on the objects of one bucket,
 * `qcs::cos:<region>:uid/<appid>:<bucket>/*`.
 */
export function backupPolicyDocument(region: string, appId: string, bucket: string): string {
    if (!/^[a-z]+-[a-z-]+$/.test(region) || !/^\d{10}$/.test(appId) || !bucket.endsWith(`-${appId}`)) {
        throw new Error(`backup policy: region ${JSON.stringify(region)}, appid ${JSON.stringify(appId)} (10 digits) and bucket ${JSON.stringify(bucket)} (<name>-<appid>) do not fit together`);
    }
    return JSON.stringify({ version: "2.0", statement: [{ action: [...BACKUP_COS_ACTIONS], effect: "allow", resource: [`qcs::cos:${region}:uid/${appId}:${bucket}/*`] }] });
}
