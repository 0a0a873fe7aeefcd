// Hand-written subset of the SDK that
//   pulumi package add terraform-provider tencentcloudstack/tencentcloud 1.83.25
// generates. It must stay wire-compatible with that SDK: the same type tokens, the same
// camelCase property keys and the same package parameterization. Running `pulumi install`
// (or `pulumi package add ...`) replaces this directory with the generated SDK.

import * as pulumi from "@pulumi/pulumi";
import * as runtime from "@pulumi/pulumi/runtime";

/** Version of the `terraform-provider` plugin that the Pulumi.yaml `packages:` stanza pins. */
export const BASE_PROVIDER_VERSION = "1.1.3";
/** Version of tencentcloudstack/tencentcloud the parameterization points at. */
export const TF_PROVIDER_VERSION = "1.83.25";
/** JSON value that `pulumi package add` passes to the plugin's Parameterize call (Go json.Marshal order). */
export const PARAMETER_JSON =
    `{"remote":{"url":"registry.opentofu.org/tencentcloudstack/tencentcloud","version":"${TF_PROVIDER_VERSION}"}}`;

/** The package version (the TF provider version), as the generated SDK reads it from package.json. */
export function getVersion(): string {
    return TF_PROVIDER_VERSION;
}

/** @internal */
export function resourceOptsDefaults(): any {
    return { version: getVersion() };
}

/**
 * Registers the parameterized package with the engine and returns its reference. Called lazily
 * from every constructor and invoke, as generated code does: calling it at module load would fail
 * before a monitor (or `setMocks`) exists. `registerPackage` caches the reference per deployment.
 */
export async function getPackage(): Promise<string | undefined> {
    return runtime.registerPackage({
        baseProviderName: "terraform-provider",
        baseProviderVersion: BASE_PROVIDER_VERSION,
        baseProviderDownloadUrl: "",
        packageName: "tencentcloud",
        packageVersion: TF_PROVIDER_VERSION,
        base64Parameter: Buffer.from(PARAMETER_JSON, "utf8").toString("base64"),
    });
}

/** The property lists of one resource, as the provider schema declares them. */
export interface ResourceSchema {
    /** Input keys (camelCase), in schema order. Also copied from state by `get()`. */
    readonly inputs: readonly string[];
    /** Output-only keys: sent as `undefined` so the engine fills them in. */
    readonly outputs: readonly string[];
    /** Inputs the schema marks required: missing ones throw `Missing required property '<key>'`. */
    readonly required?: readonly string[];
    /** Sensitive properties: inputs wrapped in `pulumi.secret`, outputs listed in `additionalSecretOutputs`. */
    readonly secrets?: readonly string[];
    /** Provider only: inputs that are not strings travel JSON-encoded. */
    readonly jsonInputs?: readonly string[];
}

/**
 * Builds the resource inputs and options exactly as the generated constructors do:
 * state is copied for `get()`, required inputs are checked unless the resource is being
 * rehydrated from a URN, secret inputs are wrapped, output-only keys are `undefined`,
 * default options are merged first and secret outputs are declared last.
 * @internal
 */
export function prepareResource(
    argsOrState: { [key: string]: any } | undefined,
    opts: pulumi.CustomResourceOptions | undefined,
    schema: ResourceSchema,
): { inputs: pulumi.Inputs; opts: pulumi.CustomResourceOptions } {
    const inputs: pulumi.Inputs = {};
    opts = opts || {};
    const secrets = new Set(schema.secrets ?? []);
    const json = new Set(schema.jsonInputs ?? []);
    if (opts.id) {
        const state = argsOrState;
        for (const key of [...schema.inputs, ...schema.outputs]) {
            inputs[key] = state ? state[key] : undefined;
        }
    } else {
        const args = argsOrState;
        for (const key of schema.required ?? []) {
            if ((!args || args[key] === undefined) && !opts.urn) {
                throw new Error(`Missing required property '${key}'`);
            }
        }
        for (const key of schema.inputs) {
            const value = args ? args[key] : undefined;
            if (json.has(key)) {
                inputs[key] = pulumi.output(value).apply(JSON.stringify);
            } else if (secrets.has(key)) {
                inputs[key] = value ? pulumi.secret(value) : undefined;
            } else {
                inputs[key] = value;
            }
        }
        for (const key of schema.outputs) {
            inputs[key] = undefined;
        }
    }
    opts = pulumi.mergeOptions(resourceOptsDefaults(), opts);
    if (secrets.size > 0) {
        opts = pulumi.mergeOptions(opts, { additionalSecretOutputs: [...secrets] });
    }
    return { inputs, opts };
}

/** Copies the documented invoke arguments (and nothing else) under their camelCase keys. @internal */
export function invokeArgs(args: { [key: string]: any } | undefined, keys: readonly string[]): pulumi.Inputs {
    const out: pulumi.Inputs = {};
    for (const key of keys) {
        out[key] = args ? args[key] : undefined;
    }
    return out;
}

/** Invoke options with the package defaults merged in, as generated functions do. @internal */
export function invokeOpts<T extends pulumi.InvokeOptions | pulumi.InvokeOutputOptions>(opts: T | undefined): T {
    return pulumi.mergeOptions(resourceOptsDefaults(), opts || {}) as T;
}

/** `isInstance` that works across several loaded copies of the SDK. @internal */
export function isInstance(obj: any, type: string): boolean {
    if (obj === undefined || obj === null) {
        return false;
    }
    return obj["__pulumiType"] === type;
}
