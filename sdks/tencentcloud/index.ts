// Public surface of the hand-written subset: the same names the generated SDK exports.

import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

import { CamPolicy } from "./camPolicy";
import { CamRole } from "./camRole";
import { CamRolePolicyAttachment } from "./camRolePolicyAttachment";
import { CbsStorage } from "./cbsStorage";
import { CbsStorageAttachment } from "./cbsStorageAttachment";
import { ClbAttachment } from "./clbAttachment";
import { ClbInstance } from "./clbInstance";
import { ClbListener } from "./clbListener";
import { CosBucket } from "./cosBucket";
import { Eip } from "./eip";
import { EipAssociation } from "./eipAssociation";
import { HaVip } from "./haVip";
import { HaVipEipAttachment } from "./haVipEipAttachment";
import { HaVipInstanceAttachment } from "./haVipInstanceAttachment";
import { Instance } from "./instance";
import { KeyPair } from "./keyPair";
import { NatGateway } from "./natGateway";
import { PlacementGroup } from "./placementGroup";
import { Provider } from "./provider";
import { RouteTable } from "./routeTable";
import { RouteTableEntry } from "./routeTableEntry";
import { SecurityGroup } from "./securityGroup";
import { SecurityGroupRuleSet } from "./securityGroupRuleSet";
import { Subnet } from "./subnet";
import { Vpc } from "./vpc";

export * from "./camPolicy";
export * from "./camRole";
export * from "./camRolePolicyAttachment";
export * from "./cbsStorage";
export * from "./cbsStorageAttachment";
export * from "./clbAttachment";
export * from "./clbInstance";
export * from "./clbListener";
export * from "./cosBucket";
export * from "./eip";
export * from "./eipAssociation";
export * from "./getAvailabilityZonesByProduct";
export * from "./getImages";
export * from "./getInstanceTypes";
export * from "./getUserInfo";
export * from "./haVip";
export * from "./haVipEipAttachment";
export * from "./haVipInstanceAttachment";
export * from "./instance";
export * from "./keyPair";
export * from "./natGateway";
export * from "./placementGroup";
export * from "./provider";
export * from "./routeTable";
export * from "./routeTableEntry";
export * from "./securityGroup";
export * from "./securityGroupRuleSet";
export * from "./subnet";
export * from "./vpc";

import * as types from "./types";
export { types };

const resourceClasses: { [token: string]: new (name: string, args: any, opts: pulumi.CustomResourceOptions) => pulumi.Resource } = {};
for (const cls of [CamPolicy, CamRole, CamRolePolicyAttachment, CbsStorage, CbsStorageAttachment, ClbAttachment, ClbInstance, ClbListener, CosBucket, Eip,
    EipAssociation, HaVip, HaVipEipAttachment, HaVipInstanceAttachment, Instance, KeyPair, NatGateway, PlacementGroup, RouteTable,
    RouteTableEntry, SecurityGroup, SecurityGroupRuleSet, Subnet, Vpc]) {
    resourceClasses[cls.__pulumiType] = cls;
}

// Lets the runtime rehydrate resource references (for example from component outputs).
pulumi.runtime.registerResourceModule("tencentcloud", "index", {
    version: utilities.getVersion(),
    construct: (name: string, type: string, urn: string): pulumi.Resource => {
        const cls = resourceClasses[type];
        if (cls === undefined) {
            throw new Error(`unknown resource type ${type}`);
        }
        return new cls(name, undefined, { urn });
    },
});
pulumi.runtime.registerResourcePackage("tencentcloud", {
    version: utilities.getVersion(),
    constructProvider: (name: string, type: string, urn: string): pulumi.ProviderResource => {
        if (type !== "pulumi:providers:tencentcloud") {
            throw new Error(`unknown provider type ${type}`);
        }
        return new Provider(name, undefined, { urn });
    },
});
