// EtcdBackup: where the etcd members' snapshots go. A versioned, private COS bucket named
// `<cluster>-etcd-backup-<appid>` whose lifecycle rules enforce the retention of `backup`, a CAM
// role that only the CVM service can assume, allowed to read and write this cluster's objects in
// that one bucket (no delete), and the key that encrypts the config archives. The members get the role
// (`Instance.camRoleName`) and read temporary credentials from the metadata service at each
// run: no access key exists anywhere. The bucket and its snapshots survive `pulumi destroy`
// unless `keepBucketOnDestroy` is false: then destroy empties (`forceClean`) and deletes it.

import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tencentcloud from "@pulumi/tencentcloud";
import { backupLifecycleRules, backupPolicyDocument, cvmTrustDocument } from "./render/backup-bucket";
import { backupReplicaPrefix } from "./plan/naming";
import type { ClusterSpec } from "./plan/spec";

const TYPE = "kubeadm-ha:index:EtcdBackup";

export interface EtcdBackupArgs {
    /** COS region of the bucket (the cluster's region), e.g. `ap-guangzhou`. */
    readonly region: string;
    /** Bucket name before the `-<appid>` suffix (`backupBucketPrefix`), at most 49 characters. */
    readonly bucketPrefix: string;
    /** The cluster's name: the role may write only under `<prefix>/<clusterName>/`. */
    readonly clusterName: string;
    /** Name of the CAM role and of its policy (`backupRoleName`). */
    readonly roleName: string;
    /** Retention (`keepAllHours`, whole days; `keepDailyDays`) and `keepBucketOnDestroy`. */
    readonly backup: ClusterSpec["backup"];
    /** The account's 10-digit appid. @default `getUserInfo().appId` of the provider's account */
    readonly appId?: pulumi.Input<string>;
    /**
     * Prefix of the replica bucket (`backupReplicaPrefix`) when `backup.replicaRegion` is set:
     * every object is copied there by COS's cross-region replication. @default `backupReplicaPrefix(clusterName)`
     */
    readonly replicaPrefix?: string;
    readonly tags?: Readonly<Record<string, string>>;
}

export class EtcdBackup extends pulumi.ComponentResource {
    /** The bucket's full name, `<prefix>-<appid>`. */
    public readonly bucket: pulumi.Output<string>;
    /** The replica bucket's full name in `backup.replicaRegion`, when there is one. */
    public readonly replicaBucket?: pulumi.Output<string>;
    /** The CAM role to bind to every etcd member (`Instance.camRoleName`). */
    public readonly roleName: pulumi.Output<string>;
    /** Passphrase of the encrypted config archives (gpg symmetric, AES-256, with its integrity check): secret. Keep a copy outside the cluster. */
    public readonly archiveKey: pulumi.Output<string>;

    constructor(name: string, args: EtcdBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);
        if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(args.bucketPrefix) || args.bucketPrefix.length > 49) {
            throw new pulumi.ResourceError(`bucketPrefix: ${JSON.stringify(args.bucketPrefix)} must be 1-49 characters of a-z, 0-9 and '-' (COS adds -<appid>)`, this);
        }
        if (args.backup.keepAllHours % 24 !== 0) {
            throw new pulumi.ResourceError(`backup.keepAllHours: ${args.backup.keepAllHours} is not a whole number of days`, this);
        }
        const rules = backupLifecycleRules(args.backup);
        const user = tencentcloud.getUserInfoOutput({}, { parent: this });
        const appId = pulumi.output(args.appId ?? user.appId);
        const parent = { parent: this };
        const kept = { ...parent, retainOnDelete: args.backup.keepBucketOnDestroy };
        const common = {
            // SSE-COS: objects encrypted at rest with keys COS manages (changed in place on an existing bucket).
            acl: "private", versioningEnable: true, encryptionAlgorithm: "AES256",
            lifecycleRules: rules.map((r) => ({ ...r })), forceClean: !args.backup.keepBucketOnDestroy, tags: args.tags,
        };
        const replicaRegion = args.backup.replicaRegion;
        if (replicaRegion === args.region) {
            throw new pulumi.ResourceError(`backup.replicaRegion: ${replicaRegion} is the bucket's own region; name another one`, this);
        }
        // The copy in another region: same retention, versioned (replication requires it), written only by COS.
        const replica = replicaRegion === undefined ? undefined : new tencentcloud.CosBucket(`${name}-replica`, {
            ...common, bucket: appId.apply((id) => `${args.replicaPrefix ?? backupReplicaPrefix(args.clusterName)}-${id}`),
        }, { ...kept, provider: new tencentcloud.Provider(`${name}-replica-region`, { region: replicaRegion }, parent) });
        const bucket = new tencentcloud.CosBucket(`${name}-bucket`, {
            ...common, bucket: appId.apply((id) => `${args.bucketPrefix}-${id}`),
            ...(replica ? {
                // Replication runs as the account itself (the "request initiator"), not as a CAM role.
                replicaRole: pulumi.interpolate`qcs::cam::uin/${user.ownerUin}:uin/${user.uin}`,
                replicaRules: [{ id: `to-${replicaRegion}`, status: "Enabled", prefix: "", destinationBucket: pulumi.interpolate`qcs::cos:${replicaRegion}::${replica.bucket}` }],
            } : {}),
        }, kept);
        this.bucket = bucket.bucket;
        this.replicaBucket = replica?.bucket;
        const policy = new tencentcloud.CamPolicy(`${name}-policy`, {
            name: args.roleName, description: `Read and write etcd snapshots in the COS bucket ${args.bucketPrefix}-<appid> (kubeadm-ha)`,
            document: pulumi.all([appId, bucket.bucket, replica?.bucket]).apply(([id, b, r]) =>
                backupPolicyDocument(args.region, id, b, args.clusterName, r && replicaRegion ? { region: replicaRegion, bucket: r } : undefined)),
        }, parent);
        const role = new tencentcloud.CamRole(`${name}-role`, {
            name: args.roleName, description: "Bound to the etcd members: uploads their snapshots (kubeadm-ha)",
            document: cvmTrustDocument(), consoleLogin: false, tags: args.tags,
        }, parent);
        const attachment = new tencentcloud.CamRolePolicyAttachment(`${name}-role-policy`, { roleId: role.id, policyId: policy.id }, parent);
        // The role name only once the policy is attached: a member bound to it can upload at once.
        this.roleName = pulumi.all([role.name, attachment.id]).apply(([n]) => n);
        const key = new random.RandomPassword(`${name}-archive-key`, { length: 48, special: false }, parent);
        this.archiveKey = pulumi.secret(key.result);
        this.registerOutputs({ bucket: this.bucket, replicaBucket: this.replicaBucket, roleName: this.roleName, archiveKey: this.archiveKey });
    }
}
