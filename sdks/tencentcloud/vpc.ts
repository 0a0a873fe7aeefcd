import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: ["assistantCidrs", "cidrBlock", "dnsServers", "enableRouteVpcPublish", "enableRouteVpcPublishIpv6",
        "isMulticast", "name", "tags", "vpcId"],
    outputs: ["createTime", "defaultRouteTableId", "dockerAssistantCidrs", "isDefault"],
    required: ["cidrBlock"],
};

/** A VPC (`tencentcloud_vpc`). */
export class Vpc extends pulumi.CustomResource {
    /** Looks up an existing VPC by its id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: VpcState, opts?: pulumi.CustomResourceOptions): Vpc {
        return new Vpc(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/vpc:Vpc";
    /** True if `obj` is a Vpc, even from another copy of this SDK. */
    public static isInstance(obj: any): obj is Vpc {
        return utilities.isInstance(obj, Vpc.__pulumiType);
    }

    declare public readonly assistantCidrs: pulumi.Output<string[]>;
    declare public readonly cidrBlock: pulumi.Output<string>;
    declare public /*out*/ readonly createTime: pulumi.Output<string>;
    /** Id of the route table every new subnet uses unless told otherwise. */
    declare public /*out*/ readonly defaultRouteTableId: pulumi.Output<string>;
    declare public readonly dnsServers: pulumi.Output<string[]>;
    declare public /*out*/ readonly dockerAssistantCidrs: pulumi.Output<string[]>;
    declare public readonly enableRouteVpcPublish: pulumi.Output<boolean>;
    declare public readonly enableRouteVpcPublishIpv6: pulumi.Output<boolean>;
    declare public /*out*/ readonly isDefault: pulumi.Output<boolean>;
    declare public readonly isMulticast: pulumi.Output<boolean>;
    declare public readonly name: pulumi.Output<string>;
    declare public readonly tags: pulumi.Output<{ [key: string]: string } | undefined>;
    /** The same value as `id` (the bridge's renamed TF id field). */
    declare public readonly vpcId: pulumi.Output<string>;

    constructor(name: string, args: VpcArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: VpcArgs | VpcState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(Vpc.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

/** Arguments of a VPC. */
export interface VpcArgs {
    assistantCidrs?: pulumi.Input<pulumi.Input<string>[]>;
    /** VPC range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16. ForceNew. */
    cidrBlock: pulumi.Input<string>;
    /** 0-5 DNS servers. */
    dnsServers?: pulumi.Input<pulumi.Input<string>[]>;
    /** Publish routes to CCN. */
    enableRouteVpcPublish?: pulumi.Input<boolean>;
    enableRouteVpcPublishIpv6?: pulumi.Input<boolean>;
    /** Multicast; whitelist-restricted. @default false */
    isMulticast?: pulumi.Input<boolean>;
    /** 1-60 characters. Auto-named `<name>-<7 hex>` by the provider when unset. */
    name?: pulumi.Input<string>;
    tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /** Unused optional input that mirrors `id`. */
    vpcId?: pulumi.Input<string>;
}

/** State of a VPC, for `Vpc.get`. */
export interface VpcState extends Partial<VpcArgs> {
    createTime?: pulumi.Input<string>;
    defaultRouteTableId?: pulumi.Input<string>;
    dockerAssistantCidrs?: pulumi.Input<pulumi.Input<string>[]>;
    isDefault?: pulumi.Input<boolean>;
}
