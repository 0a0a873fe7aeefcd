import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const SCHEMA: utilities.ResourceSchema = {
    inputs: ["cbsStorageAttachmentId", "instanceId", "storageId"],
    outputs: [],
    required: ["instanceId", "storageId"],
};

/** Attaches a CBS disk to an instance (`tencentcloud_cbs_storage_attachment`); its id is the disk id. */
export class CbsStorageAttachment extends pulumi.CustomResource {
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: CbsStorageAttachmentState, opts?: pulumi.CustomResourceOptions): CbsStorageAttachment {
        return new CbsStorageAttachment(name, <any>state, { ...opts, id: id });
    }
    /** @internal */
    public static readonly __pulumiType = "tencentcloud:index/cbsStorageAttachment:CbsStorageAttachment";
    public static isInstance(obj: any): obj is CbsStorageAttachment {
        return utilities.isInstance(obj, CbsStorageAttachment.__pulumiType);
    }

    declare public readonly cbsStorageAttachmentId: pulumi.Output<string>;
    declare public readonly instanceId: pulumi.Output<string>;
    declare public readonly storageId: pulumi.Output<string>;

    constructor(name: string, args: CbsStorageAttachmentArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: CbsStorageAttachmentArgs | CbsStorageAttachmentState, opts?: pulumi.CustomResourceOptions) {
        const r = utilities.prepareResource(argsOrState, opts, SCHEMA);
        super(CbsStorageAttachment.__pulumiType, name, r.inputs, r.opts, false /*dependency*/, utilities.getPackage());
    }
}

export interface CbsStorageAttachmentArgs {
    /** Unused optional input that mirrors `id`. */
    cbsStorageAttachmentId?: pulumi.Input<string>;
    /** ForceNew. */
    instanceId: pulumi.Input<string>;
    /** ForceNew. */
    storageId: pulumi.Input<string>;
}

export interface CbsStorageAttachmentState extends Partial<CbsStorageAttachmentArgs> {}
