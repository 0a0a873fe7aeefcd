// One CVM of the plan (not a component: a helper the role components share). Stateful machines
// (etcd members, masters) never get replaced or reinstalled by a changed user-data or image, and
// in the production profile they are protected from `pulumi destroy` and from termination. No
// machine takes another key pair once created (Tencent binds keys only to stopped machines).

import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { SYSTEM_DISK_GB, systemDiskOf } from "./plan/change-guard";
import type { PlannedNode } from "./plan/topology";

/** What every machine of a role shares. */
export interface InstanceSettings {
    /** Image of new machines (and of a reinstall). */
    readonly imageId: pulumi.Input<string>;
    /** Image by node name for deployed machines that keep theirs (`rollOutPlan`). @default none */
    readonly nodeImages?: Readonly<Record<string, string>>;
    readonly vpcId: pulumi.Input<string>;
    readonly subnetIds: Readonly<Record<string, pulumi.Input<string>>>;
    readonly securityGroupId: pulumi.Input<string>;
    readonly keyPairId: pulumi.Input<string>;
    /** Placement group id by planned group name. */
    readonly placementGroupIds: Readonly<Record<string, pulumi.Input<string>>>;
    /** Rendered user-data by node name (`#cloud-config`; secret where it carries the machine's host key). */
    readonly userData: Readonly<Record<string, pulumi.Input<string>>>;
    /** Production profile: protect stateful machines. */
    readonly production: boolean;
    readonly tags?: Readonly<Record<string, string>>;
    /** CAM role bound to every machine of the role (the etcd members' backup role); changed in place. @default none */
    readonly camRoleName?: pulumi.Input<string>;
}

export function clusterInstance(node: PlannedNode, s: InstanceSettings, stateful: boolean, parent: pulumi.Resource): tencentcloud.Instance {
    const userData = s.userData[node.name];
    if (userData === undefined) {
        throw new pulumi.ResourceError(`no rendered user-data for ${node.name}`, parent);
    }
    const protect = stateful && s.production;
    return new tencentcloud.Instance(node.name, {
        instanceName: node.name,
        hostname: node.hostname,
        availabilityZone: node.zone,
        instanceType: node.instanceType,
        imageId: s.nodeImages?.[node.name] ?? s.imageId,
        vpcId: s.vpcId,
        subnetId: s.subnetIds[node.zone],
        privateIp: node.privateIp,
        orderlySecurityGroups: [s.securityGroupId],
        keyIds: [s.keyPairId],
        ...(node.placementGroup ? { placementGroupId: s.placementGroupIds[node.placementGroup] } : {}),
        ...(s.camRoleName !== undefined ? { camRoleName: s.camRoleName } : {}),
        userDataRaw: userData,
        allocatePublicIp: false,
        systemDiskType: systemDiskOf(node.role).split(":")[0],
        systemDiskSize: SYSTEM_DISK_GB,
        disableApiTermination: protect,
        tags: { ...s.tags, "kubeadm-ha/role": node.role, ...(node.pool ? { "kubeadm-ha/pool": node.pool } : {}) },
    }, { parent, protect, ignoreChanges: [...(stateful ? ["userDataRaw", "imageId"] : []), "keyIds"] });
}
