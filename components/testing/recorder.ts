// A recorder of everything a program registers under `pulumi.runtime.setMocks`: what the mocks
// see (type, name, deserialized inputs) and what crosses the wire to the monitor (package
// reference, parent URN, raw property struct with secret markers, additional secret outputs,
// RegisterPackage and invoke requests). Used by the offline preview and by the tests.

import * as pulumi from "@pulumi/pulumi";

/** One resource as the mocks and the monitor saw it. */
export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    /** Inputs after deserialization (secrets unwrapped). */
    readonly inputs: Record<string, any>;
    /** Inputs as sent: secret values keep their `{<sig>: <secret sig>, value}` envelope. */
    readonly wireInputs: Record<string, any>;
    readonly parentUrn: string;
    /** The URN the mock monitor gives the resource (type chain of the parents, then the name). */
    readonly urn: string;
    readonly protect: boolean;
    /** Left in the cloud when deleted from the stack (`retainOnDelete`). */
    readonly retainOnDelete: boolean;
    readonly ignoreChanges: string[];
    /** URNs of the resources it depends on (explicit dependsOn and input dependencies). */
    readonly dependencies: string[];
    readonly packageRef: string;
    /** Plugin version option as sent (cleared by the runtime when a package reference is used). */
    readonly version: string;
    readonly additionalSecretOutputs: string[];
    /** The explicit provider reference (`<provider urn>::<id>`), empty for the default provider. */
    readonly provider: string;
}

export interface RecordedPackage {
    readonly name: string;
    readonly version: string;
    readonly downloadUrl: string;
    readonly parameterization?: { name: string; version: string; value: Buffer };
}

export interface RecordedInvoke {
    readonly token: string;
    readonly args: Record<string, any>;
    readonly packageRef: string;
}

/** The URN scheme of @pulumi/pulumi's MockMonitor: the immediate parent's type, then this type and name. */
function mockUrn(parent: string, type: string, name: string): string {
    const chain = parent ? `${parent.split("::")[2].split("$").pop()}$${type}` : type;
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${chain}::${name}`;
}

/** Returns true if a wire value carries the secret envelope. */
export function isWireSecret(value: unknown): boolean {
    return typeof value === "object" && value !== null &&
        (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
}

/** Waits until every registration started so far has reached the (mock) monitor. */
export function waitForRegistrations(): Promise<void> {
    return (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

export class Recorder {
    readonly resources: RecordedResource[] = [];
    readonly packages: RecordedPackage[] = [];
    readonly invokes: RecordedInvoke[] = [];

    /** Custom resources only (components register too, with custom=false). */
    custom(): RecordedResource[] {
        return this.resources.filter((r) => r.custom);
    }

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }
}

/** Result a test may return for an invoke token. */
export type CallHandler = (args: pulumi.runtime.MockCallArgs) => Record<string, any>;

/**
 * Installs fresh mocks and a recorder. Resource ids are `<name>-id`; state echoes the inputs
 * plus whatever `outputs(type, name, inputs)` adds.
 */
export async function installRecorder(options: {
    /** Answers a data source (invoke) by token. @default every invoke answers {} */
    call?: CallHandler;
    /** Outputs added to a resource's echoed inputs, by type, name and inputs. @default none */
    outputs?: (type: string, name: string, inputs: Record<string, any>) => Record<string, any>;
    /** The project name the program sees. @default "project" */
    project?: string;
    /** The stack name the program sees. @default "stack" */
    stack?: string;
} = {}): Promise<Recorder> {
    const recorder = new Recorder();
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => ({
                id: `${args.name}-id`,
                state: { ...args.inputs, ...(options.outputs?.(args.type, args.name, args.inputs) ?? {}) },
            }),
            call: (args) => options.call?.(args) ?? {},
        },
        options.project ?? "project",
        options.stack ?? "stack",
        false,
        "organization", // what a DIY (file, S3/COS) backend reports as the organization
    );
    const monitor = pulumi.runtime.getMonitor() as any;
    const registerResource = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: any) => {
        recorder.resources.push({
            type: req.getType(),
            name: req.getName(),
            custom: req.getCustom(),
            inputs: pulumi.runtime.deserializeProperties(req.getObject()),
            wireInputs: req.getObject()?.toJavaScript() ?? {},
            parentUrn: req.getParent(),
            urn: mockUrn(req.getParent(), req.getType(), req.getName()),
            protect: req.getProtect(),
            retainOnDelete: req.getRetainondelete() ?? false,
            ignoreChanges: req.getIgnorechangesList(),
            dependencies: req.getDependenciesList(),
            packageRef: req.getPackageref(),
            version: req.getVersion(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            provider: req.getProvider() ?? "",
        });
        return registerResource(req, callback);
    };
    const registerPackage = monitor.registerPackage.bind(monitor);
    monitor.registerPackage = (req: any, callback: any) => {
        const p = req.getParameterization();
        recorder.packages.push({
            name: req.getName(),
            version: req.getVersion(),
            downloadUrl: req.getDownloadUrl(),
            parameterization: p
                ? { name: p.getName(), version: p.getVersion(), value: Buffer.from(p.getValue_asU8()) }
                : undefined,
        });
        return registerPackage(req, callback);
    };
    const invoke = monitor.invoke.bind(monitor);
    monitor.invoke = (req: any, callback: any) => {
        recorder.invokes.push({
            token: req.getTok(),
            args: req.getArgs()?.toJavaScript() ?? {},
            packageRef: req.getPackageref(),
        });
        return invoke(req, callback);
    };
    return recorder;
}
