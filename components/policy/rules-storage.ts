// Storage rules: the etcd snapshot bucket. A snapshot holds every Secret of the cluster and the
// config archives its PKI (encrypted), so the bucket is never readable by anyone but the
// account, and versioned so that an overwrite or an expiry keeps the previous copy a while.

import { Inventory, PolicyConfig, PolicyResource, TYPES, undecided, UNKNOWN, Violation, violation } from "./inventory";

/** Rule 7: every COS bucket of the stack is private (the default ACL) and versioned. */
export function backupBucketPrivateVersioned(resources: readonly PolicyResource[], _config?: PolicyConfig): Violation[] {
    const policy = "backup-bucket-private-versioned";
    const out: Violation[] = [];
    for (const b of new Inventory(resources).ofType(TYPES.cosBucket)) {
        const acl = b.props.acl;
        const aclFix = "remove acl or set it to private: the snapshots hold every Secret of the cluster";
        if (acl === UNKNOWN) {
            out.push(undecided(policy, b, "acl", "cannot tell whether the bucket is private", aclFix));
        } else if (acl !== undefined && acl !== "private") {
            out.push(violation(policy, b, "acl", acl, "the snapshot bucket must not be readable outside the account", aclFix));
        }
        const versioning = b.props.versioningEnable;
        const versionFix = "set versioningEnable: true so an overwritten or expired snapshot stays recoverable";
        if (versioning === UNKNOWN) {
            out.push(undecided(policy, b, "versioningEnable", "cannot tell whether the bucket is versioned", versionFix));
        } else if (versioning !== true) {
            out.push(violation(policy, b, "versioningEnable", versioning, "an unversioned bucket loses a snapshot to one overwrite", versionFix));
        }
    }
    return out;
}

/** The server-side encryption COS offers (SSE-COS, SSE-KMS, SM4). */
const SSE = ["AES256", "KMS", "cos/kms", "SM4"];

/** Rule 9: every COS bucket of the stack encrypts what it stores (the snapshots hold every Secret). */
export function backupBucketEncrypted(resources: readonly PolicyResource[], _config?: PolicyConfig): Violation[] {
    const policy = "backup-bucket-encrypted";
    const fix = "set encryptionAlgorithm: AES256 (SSE-COS), or KMS with kmsId";
    return new Inventory(resources).ofType(TYPES.cosBucket).flatMap((b) => {
        const algorithm = b.props.encryptionAlgorithm;
        if (algorithm === UNKNOWN) {
            return [undecided(policy, b, "encryptionAlgorithm", "cannot tell whether the bucket encrypts its objects", fix)];
        }
        return SSE.includes(String(algorithm)) ? [] : [violation(policy, b, "encryptionAlgorithm", algorithm, "the snapshot bucket stores objects unencrypted at rest", fix)];
    });
}
