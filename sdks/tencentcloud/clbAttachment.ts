import * as pulumi from "@pulumi/pulumi";
import * as inputs from "./types/input";
import * as outputs from "./types/output";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: ["clbAttachmentId", "clbId", "domain", "listenerId", "ruleId", "targets", "url"],
    outputs: ["protocolType"],
    required: ["clbId", "listenerId", "targets"],
};

/**
 * The whole backend set of one CLB listener (`tencentcloud_clb_attachment`): keep every
 * target of a listener in one resource.
 */
export class ClbAttachment extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: ClbAttachmentState, opts?: pulumi.CustomResourceOptions): ClbAttachment {
        return new ClbAttachment(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/clbAttachment:ClbAttachment";
    public static isInstance(obj: any): obj is ClbAttachment {
        return utilities.isInstance(obj, ClbAttachment.__pulumiType);
    }

    declare public readonly clbAttachmentId: pulumi.Output<string>;
    declare public readonly clbId: pulumi.Output<string>;
    declare public readonly domain: pulumi.Output<string>;
    declare public readonly listenerId: pulumi.Output<string>;
    declare public /*out*/ readonly protocolType: pulumi.Output<string>;
    declare public readonly ruleId: pulumi.Output<string | undefined>;
    declare public readonly targets: pulumi.Output<outputs.ClbAttachmentTarget[]>;
    declare public readonly url: pulumi.Output<string>;

    constructor(name: string, args: ClbAttachmentArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: ClbAttachmentArgs | ClbAttachmentState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(ClbAttachment.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface ClbAttachmentArgs {
    /** Unused optional input that mirrors `id`. */
    clbAttachmentId?: pulumi.Input<string>;
    /** ForceNew. */
    clbId: pulumi.Input<string>;
    /** L7 only. ForceNew. */
    domain?: pulumi.Input<string>;
    /** `ClbListener.listenerId` (not its `id`). ForceNew. */
    listenerId: pulumi.Input<string>;
    /** L7 only; leave unset for TCP. ForceNew. */
    ruleId?: pulumi.Input<string>;
    /** 1-100 backends. */
    targets: pulumi.Input<pulumi.Input<inputs.ClbAttachmentTarget>[]>;
    /** L7 only. ForceNew. */
    url?: pulumi.Input<string>;
}

export interface ClbAttachmentState extends Partial<ClbAttachmentArgs> {
    protocolType?: pulumi.Input<string>;
}
