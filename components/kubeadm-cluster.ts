// KubeadmCluster: a whole highly available kubeadm cluster on Tencent Cloud from one
// configuration. It validates, plans and runs the change guard against the deployed plan first
// (nothing is registered when any of them fails), renders every machine's user-data, then
// composes the parts: PKI, network, placement groups, bastion, etcd, control plane, API
// endpoint, worker pools, the join wiring and, optionally, the Kubernetes layer.

import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { ApiEndpoint } from "./api-endpoint";
import { Bastion } from "./bastion";
import { ClusterJoin } from "./cluster-join";
import { ClusterNetwork } from "./cluster-network";
import { ClusterPki, clusterPkiArgs } from "./cluster-pki";
import { corednsOnMasters, corednsReplicas } from "./render/coredns";
import type { InstanceSettings } from "./cluster-instance";
import { ControlPlane } from "./control-plane";
import { EtcdBackup } from "./etcd-backup";
import { EtcdCluster } from "./etcd-cluster";
import { KubernetesAddons } from "./kubernetes-addons";
import { etcdDefragFiles } from "./render/etcd-defrag";
import { addonsInstallScript } from "./render/pod-network";
import { PlacementGroups } from "./placement-groups";
import { WorkerPool } from "./worker-pool";
import { checkChange, enforceChangeGuard, GuardSnapshot, guardSnapshot, havipSwitchRange, pinnedHostKeys } from "./plan/change-guard";
import { describeHeld, RolledOut, rollOutPlan, unrecordedImage } from "./plan/roll-out";
import { formatIssue, ValidationError } from "./plan/errors";
import { backupBucketPrefix, backupReplicaPrefix, backupRoleName, keyPairName } from "./plan/naming";
import { ClusterPlan, planFromConfig } from "./plan/plan";
import type { ClusterConfigInput } from "./plan/config-types";
import { egressRules, ingressRules, securityRoleOf, securityRoles } from "./plan/security";
import type { ClusterSpec } from "./plan/spec";
import type { PlannedNode } from "./plan/topology";
import { followMasters, joinCommands, reloadEncryption } from "./render/commands";
import { lbProxyConfig, nodeProxyConfig } from "./render/node-proxy";
import { RenderContext, renderContext, RenderOptions } from "./render/context";
import { encryptionConfiguration, kubeadmFiles } from "./render/kubeadm";
import { kubeconfig } from "./render/kubeconfig";
import { etcdBackupSshFiles, takesPartInBackups } from "./render/etcd-backup";
import { PLACEHOLDER_HOST_KEY } from "./render/cloud-init";
import { renderNode } from "./render/node";
import { controlPlanePkiFiles, etcdMemberPkiFiles } from "./render/pki-files";
import { secretInstallScript } from "./render/secret-bundle";

const TYPE = "kubeadm-ha:index:KubeadmCluster";

/** Public OS images by `image.os` (matched with getImages' fuzzy osName; pin `image.imageId` in production). */
const OS_NAMES: Readonly<Record<string, string>> = { "ubuntu-22.04": "Ubuntu Server 22.04 LTS 64bit", "ubuntu-24.04": "Ubuntu Server 24.04 LTS 64bit" };

export interface KubeadmClusterArgs {
    /** The cluster configuration: the same shape as `kubeadm-ha:cluster` in a stack file. Shape values are plain. */
    readonly cluster: ClusterConfigInput;
    /**
     * Image of new machines and of a reinstall. Deployed machines keep the image they run until this
     * (or `cluster.image.imageId`) names another one, and then only those in `rollOut` when it is set.
     * @default `cluster.image.imageId`, else the image the last update recorded, else (first update) the newest public image matching `cluster.image.os`
     */
    readonly imageId?: string;
    /**
     * The deployed machines this update may change (instance type, image): every other one keeps
     * what it runs, so a change rolls out a batch per `pulumi up`. @default all (the change guard decides)
     */
    readonly rollOut?: readonly string[];
    /** Adopt an existing VPC (ids of the VPC and of one subnet per zone) instead of creating one. */
    readonly existingNetwork?: { readonly vpcId: pulumi.Input<string>; readonly subnetIds: Readonly<Record<string, pulumi.Input<string>>> };
    /** Register the Kubernetes layer (CoreDNS spread and PDB); Pulumi must then reach the API endpoint. @default false */
    readonly kubernetesLayer?: boolean;
    /**
     * Render options: faster timers for a lab, another etcd image tag, the endpoint's health check
     * path and the apiserver's shutdown delay (`apiHealth`), leader-election timers.
     * @default production timers, /readyz with a 3 s shutdown delay, the components' leader-election defaults
     */
    readonly render?: RenderOptions;
    /** ISO date for the end-of-life check of the Kubernetes version. @default today */
    readonly today?: string;
    /**
     * The deployed plan: the `changeGuardSnapshot` output of the last update, as
     * `readDeployedSnapshot()` reads it back (`null` before the first update). The change guard
     * refuses (before registering anything) an update that takes down an etcd quorum, every
     * master or every LB machine at once, or moves the API endpoint.
     * @default undefined: nothing is compared, and the preview warns that the guard is off
     */
    readonly previousSnapshot?: GuardSnapshot | null;
    /** Report the change guard's refusals as warnings and go on (test clusters that may go down). @default false */
    readonly allowDisruptiveChange?: boolean;
}

export class KubeadmCluster extends pulumi.ComponentResource {
    public readonly plan: ClusterPlan;
    /** API endpoint: private address, port, DNS name and public address (if any). */
    public readonly endpoint: pulumi.Output<{ address: string; port: number; dnsName: string; publicAddress?: string }>;
    /** Admin kubeconfig for the endpoint (public address when there is one): secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    /** `kubeadm join` for an extra worker / master, by hand: secret. */
    public readonly workerJoinCommand: pulumi.Output<string>;
    public readonly controlPlaneJoinCommand: pulumi.Output<string>;
    /** etcd client URLs (external members, or the masters for stacked etcd). */
    public readonly etcdEndpoints: string[];
    public readonly bastionPublicIp: pulumi.Output<string>;
    /** Deploy key for SSH through the bastion: secret. */
    public readonly sshPrivateKey: pulumi.Output<string>;
    public readonly certificateExpiry: pulumi.Output<Record<string, string>>;
    /** The etcd snapshot bucket (`<cluster>-etcd-backup-<appid>`), when `backup.enabled`. */
    public readonly backupBucket?: pulumi.Output<string>;
    /** The replica of the backup bucket in `backup.replicaRegion`, when there is one. */
    public readonly backupReplicaBucket?: pulumi.Output<string>;
    /** Passphrase of the encrypted config archives in the bucket: secret. Keep a copy outside the cluster. */
    public readonly backupArchiveKey?: pulumi.Output<string>;
    /** What the change guard compares next time: export it as the stack output `changeGuardSnapshot`. */
    public readonly changeGuardSnapshot: pulumi.Output<GuardSnapshot>;
    public readonly addons?: KubernetesAddons;

    constructor(name: string, args: KubeadmClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);
        let spec: ClusterSpec;
        let rolled: RolledOut;
        let hostKeys: ReturnType<typeof pinnedHostKeys>;
        let havip: ReturnType<typeof havipSwitchRange>;
        try {
            let planned: ClusterPlan;
            ({ spec, plan: planned } = planFromConfig(args.cluster, args.today ? { today: args.today } : {}));
            if (args.previousSnapshot === undefined) {
                void pulumi.log.warn("change guard: off, no previousSnapshot given; pass `previousSnapshot: await readDeployedSnapshot()` and export `changeGuardSnapshot` (README, \"Use it as a library\")", this);
            }
            const previous = args.previousSnapshot ?? undefined;
            const pinned = args.imageId ?? spec.image.imageId;
            const unrecorded = unrecordedImage(previous, pinned);
            if (unrecorded) {
                throw new ValidationError([unrecorded], "image");
            }
            rolled = rollOutPlan(planned, previous, pinned, args.rollOut);
            this.plan = rolled.plan;
            hostKeys = pinnedHostKeys(this.plan, previous);
            havip = havipSwitchRange(this.plan, previous);
            const snapshot = guardSnapshot(spec, this.plan, rolled, hostKeys.pinned, havip.switchRange);
            const guard = checkChange(previous, snapshot);
            enforceChangeGuard(guard, args.allowDisruptiveChange ?? false).forEach((w) => void pulumi.log.warn(`change guard: ${formatIssue(w)}`, this));
            describeHeld(rolled.held).forEach((line) => void pulumi.log.info(`roll-out: ${line}`, this));
            if (hostKeys.unpinned.length > 0) {
                void pulumi.log.warn(`host keys: ${hostKeys.unpinned.join(", ")} booted before host keys were pinned; commands to them do not verify the host key until they are replaced (docs/security.md)`, this);
            }
            if (havip.unprotected) {
                void pulumi.log.warn("HAVIP: deployed without a switch range, so any machine of its subnet can claim the API address; it cannot be added in place (checkAssociate is ForceNew on a HAVIP with a fixed address): docs/security.md", this);
            }
        } catch (err) {
            throw err instanceof ValidationError ? new pulumi.ResourceError(err.message, this) : err;
        }
        const plan = this.plan;
        const ctx = renderContext(spec, plan, args.render);
        // Rendered here with a placeholder host key of the real one's size, so that every render error
        // (user-data over Tencent's limit) stops the update before anything is registered.
        // A machine without a host key keeps this render; a pinned one is rendered again with its key.
        const pinned = new Set(hostKeys.pinned);
        const rendered = new Map(plan.nodes.map((n) => [n.name, renderNode(ctx, n, undefined, pinned.has(n.name) ? PLACEHOLDER_HOST_KEY : undefined).userData]));
        const byRole = (role: PlannedNode["role"]) => plan.nodes.filter((n) => n.role === role);
        const parent = { parent: this };
        const tags = { ...spec.tags, "kubeadm-ha/cluster": spec.name };

        const rules = ingressRules(spec);
        const network = new ClusterNetwork(`${name}-network`, {
            clusterName: spec.name, vpcCidr: spec.network.vpcCidr, zones: spec.zones, tags,
            ingressRules: Object.fromEntries(securityRoles(spec).map((r) => [r, rules[r]])), egressRules: egressRules(spec),
            ...(args.existingNetwork ? { existingVpcId: args.existingNetwork.vpcId, existingSubnetIds: args.existingNetwork.subnetIds } : {}),
        }, parent);
        // After the network: its checks of an adopted VPC run before anything else is registered.
        const pki = new ClusterPki(`${name}-pki`, clusterPkiArgs(spec, plan, hostKeys.pinned), parent);
        const userData: Record<string, pulumi.Input<string>> = Object.fromEntries(plan.nodes.map((n) => {
            const key = pki.hostKeys[n.name];
            return [n.name, key
                ? pulumi.secret(pulumi.all([key.privateKey, key.publicKey]).apply(([privateKey, publicKey]) => renderNode(ctx, n, undefined, { privateKey, publicKey }).userData))
                : rendered.get(n.name)!];
        }));
        // A key pair is bound when a machine is created; binding another one needs the machine stopped, so
        // machines ignore `keyIds` later. A new deploy key makes a new key pair (its own name) and the old
        // one, still bound to the running machines, is left in the account (retainOnDelete): docs/change-guard.md.
        const keyPair = new tencentcloud.KeyPair(`${name}-ssh`, {
            keyName: pki.sshPublicKey.apply((k) => keyPairName(spec.name, k)), publicKey: pki.sshPublicKey, tags,
        }, { ...parent, retainOnDelete: true });
        const placement = new PlacementGroups(`${name}-placement`, { groups: plan.placementGroups, tags }, parent);
        // Looked up once, by the first update; later ones read it back from the snapshot.
        const imageId: pulumi.Input<string> = rolled.image ?? tencentcloud.getImagesOutput({ imageTypes: ["PUBLIC_IMAGE"], osName: OS_NAMES[spec.image.os] }, parent)
            .apply((r) => {
                if (r.images.length === 0) {
                    throw new Error(`no public image matches ${OS_NAMES[spec.image.os]} in ${spec.region}; set image.imageId`);
                }
                return r.images[0].imageId;
            });
        this.changeGuardSnapshot = pulumi.output(imageId).apply((image) => guardSnapshot(spec, plan, { ...rolled, image }, hostKeys.pinned, havip.switchRange));
        const backup = spec.backup.enabled ? new EtcdBackup(`${name}-backup`, {
            region: spec.region, clusterName: spec.name, bucketPrefix: backupBucketPrefix(spec.name), replicaPrefix: backupReplicaPrefix(spec.name), roleName: backupRoleName(spec.name, spec.region), backup: spec.backup, tags,
        }, parent) : undefined;
        const settings = (role: string): InstanceSettings => ({
            imageId, nodeImages: rolled.nodeImages, vpcId: network.vpcId, subnetIds: network.subnetIds, securityGroupId: network.securityGroupIds[securityRoleOf(role)],
            keyPairId: keyPair.id, placementGroupIds: placement.ids, userData, production: spec.profile === "production", tags,
            // etcd members take the backups; masters too (stacked, they are the members; external, they archive their own keys: config-archive.ts).
            ...(backup && (role === "etcd" || role === "master") ? { camRoleName: backup.roleName } : {}),
        });

        const bastion = new Bastion(`${name}-bastion`, { ...settings("bastion"), node: byRole("bastion")[0] }, parent);
        const etcd = spec.etcd.topology === "external"
            ? new EtcdCluster(`${name}-etcd`, { ...settings("etcd"), members: byRole("etcd"), dataDisk: spec.etcd.dataDisk }, parent) : undefined;
        const controlPlane = new ControlPlane(`${name}-control-plane`, { ...settings("master"), masters: ctx.masters }, parent);
        const endpoint = new ApiEndpoint(`${name}-endpoint`, {
            ...settings("lb"), clusterName: spec.name, endpoint: plan.endpoint, lbNodes: plan.nodes.filter((n) => ["lb", "lvs", "haproxy"].includes(n.role)),
            masterInstanceIds: controlPlane.instanceIds, havipSwitchRange: havip.switchRange,
            ...(network.securityGroupIds["public-api"] ? { publicSecurityGroupId: network.securityGroupIds["public-api"] } : {}),
            ...(network.securityGroupIds["internal-api"] ? { internalSecurityGroupId: network.securityGroupIds["internal-api"] } : {}),
        }, parent);
        const pools = spec.workerPools.map((p) => new WorkerPool(`${name}-pool-${p.name}`, { ...settings("worker"), pool: p.name, workers: plan.nodes.filter((n) => n.pool === p.name) }, parent));

        const joined = plan.nodes.filter((n) => ["etcd", "master", "worker"].includes(n.role));
        const instances = { ...etcd?.instances, ...controlPlane.instances, ...Object.assign({}, ...pools.map((p) => p.instances)) };
        const join = new ClusterJoin(`${name}-join`, {
            nodes: joined, instances, secretScripts: secretScripts(ctx, pki, joined), dnsName: plan.endpoint.dnsName, user: spec.ssh.user,
            privateKey: pki.sshPrivateKey, bastionHost: bastion.publicIp, endpointReady: [endpoint],
            hostKeys: Object.fromEntries(Object.entries(pki.hostKeys).map(([n, k]) => [n, k.publicKey])), bastionName: byRole("bastion")[0].name,
            triggers: [endpoint.address, spec.kubernetes.version], workersUseLocalProxy: plan.endpoint.kind === "node-local-proxy",
            ...(plan.endpoint.kind === "node-local-proxy" ? { localProxyFollow: followMasters(nodeProxyConfig(ctx)) } : {}),
            ...(byRole("lb").length + byRole("haproxy").length > 0 ? { lbFollow: { nodes: [...byRole("lb"), ...byRole("haproxy")], command: followMasters(lbProxyConfig(ctx)) } } : {}),
            upgrade: {
                version: spec.kubernetes.version, etcdImage: ctx.etcdImage, endpointName: plan.endpoint.dnsName,
                endpointUrl: pulumi.interpolate`https://${endpoint.address}:${plan.endpoint.port}`,
            },
            apiserverPort: plan.endpoint.port,
            // Members the deployed cluster does not have yet join it (the snapshot's external members).
            joiningEtcdMembers: joiningMembers(args.previousSnapshot ?? undefined, byRole("etcd")),
            addonsScript: addonsInstallScript(spec, plan), certificateKeys: pki.certificateKeys,
            defragScripts: Object.fromEntries(ctx.etcdMembers.map((m) => [m.name, secretInstallScript(etcdDefragFiles(ctx, m))])),
            encryptionReload: {
                command: reloadEncryption(plan.endpoint.port),
                // A digest of 256-bit keys reveals nothing of them: kept public, so a preview shows which step reruns.
                trigger: pulumi.unsecret(pki.kubeadmSecrets.apply((k) => createHash("sha256").update(JSON.stringify(encryptionConfiguration(k))).digest("hex"))),
            },
            ...(backup ? { backupScripts: backupScripts(ctx, backup, plan.nodes.filter((n) => takesPartInBackups(ctx, n))) } : {}),
        }, parent);

        this.endpoint = pulumi.all([endpoint.address, endpoint.publicAddress]).apply(([address, publicAddress]) =>
            ({ address, port: endpoint.port, dnsName: endpoint.dnsName, ...(publicAddress ? { publicAddress } : {}) }));
        this.kubeconfig = pulumi.secret(pulumi.all([this.endpoint, pki.caCertPem, pki.adminClientCertPem, pki.adminClientKeyPem])
            .apply(([e, caCertPem, clientCertPem, clientKeyPem]) => kubeconfig({
                clusterName: spec.name, server: `https://${e.publicAddress ?? (e.address === "127.0.0.1" ? ctx.initMaster.privateIp : e.address)}:${e.port}`,
                caCertPem, clientCertPem, clientKeyPem,
            })));
        const commands = pki.kubeadmSecrets.apply((s) => joinCommands(ctx.controlPlaneEndpoint, s.bootstrapToken, s.caCertHash, s.certificateKey));
        this.workerJoinCommand = pulumi.secret(commands.worker);
        this.controlPlaneJoinCommand = pulumi.secret(commands.controlPlane);
        this.etcdEndpoints = ctx.etcdMembers.map((m) => `https://${m.privateIp}:2379`);
        this.bastionPublicIp = bastion.publicIp;
        this.sshPrivateKey = pki.sshPrivateKey;
        this.certificateExpiry = pki.certificateExpiry;
        this.backupBucket = backup?.bucket;
        this.backupReplicaBucket = backup?.replicaBucket;
        this.backupArchiveKey = backup?.archiveKey;
        if (args.kubernetesLayer) {
            this.addons = new KubernetesAddons(`${name}-addons`, { kubeconfig: this.kubeconfig, corednsReplicas: corednsReplicas(spec, plan), corednsOnMasters: corednsOnMasters(spec, plan) }, { parent: this, dependsOn: [...Object.values(join.done), ...(join.addons ? [join.addons] : [])] });
        }
        this.registerOutputs({
            endpoint: this.endpoint, kubeconfig: this.kubeconfig, workerJoinCommand: this.workerJoinCommand, controlPlaneJoinCommand: this.controlPlaneJoinCommand,
            etcdEndpoints: this.etcdEndpoints, bastionPublicIp: this.bastionPublicIp, certificateExpiry: this.certificateExpiry,
            changeGuardSnapshot: this.changeGuardSnapshot, backupBucket: this.backupBucket, backupReplicaBucket: this.backupReplicaBucket, backupArchiveKey: this.backupArchiveKey,
        });
    }
}

/** Each machine's secret files (kubeadm configs with real secrets, PKI) as one installer script: secret. */
function secretScripts(ctx: RenderContext, pki: ClusterPki, nodes: readonly PlannedNode[]): Record<string, pulumi.Output<string>> {
    return Object.fromEntries(nodes.map((n) => {
        const files = n.role === "etcd"
            ? pki.etcdMembers[n.name].apply(etcdMemberPkiFiles)
            // A joining master's join config carries its own certificate key (the one master-0 uploads under before it joins).
            : pulumi.all([pki.kubeadmSecrets, pki.controlPlane, pki.certificateKeys[n.name] ?? pulumi.output(undefined)]).apply(([secrets, cp, ownKey]) =>
                [...kubeadmFiles(ctx, n, ownKey ? { ...secrets, certificateKey: ownKey } : secrets), ...(n.role === "master" ? controlPlanePkiFiles(cp) : [])]);
        return [n.name, pulumi.secret(files.apply(secretInstallScript))];
    }));
}

/** Each backup-taking node's files (units, scripts, rclone with the CVM role, bucket, archive key) as one installer script: secret. */
function backupScripts(ctx: RenderContext, backup: EtcdBackup, members: readonly PlannedNode[]): Record<string, pulumi.Output<string>> {
    return Object.fromEntries(members.map((m) => [m.name, pulumi.secret(pulumi.all([backup.bucket, backup.roleName, backup.archiveKey])
        .apply(([bucket, role, archiveKey]) => secretInstallScript(etcdBackupSshFiles(ctx, m, {
            storage: { kind: "cos", region: ctx.spec.region, role, ...(ctx.spec.backup.replicaRegion ? { replicaRegion: ctx.spec.backup.replicaRegion } : {}) }, bucket, archiveKey,
        }))))]));
}

/** The external etcd members of `members` that a deployed cluster (`deployed`, its snapshot) does not have yet: they join it. */
function joiningMembers(deployed: GuardSnapshot | undefined, members: readonly PlannedNode[]): string[] {
    const had = new Set((deployed?.nodes ?? []).filter((n) => n.role === "etcd").map((n) => n.name));
    return had.size === 0 ? [] : members.filter((m) => !had.has(m.name)).map((m) => m.name);
}
