// What `pulumi up` of a stack would send to its machines, taken from the program itself: index.ts
// runs with the stack file's config under the offline preview's mocks, with real crypto and
// randomness behind the tls and random resources (the certificates, tokens and keys are real and
// consistent). From the recorded resources the lab takes each instance's user-data and every
// `@pulumi/command` remote command (its host, command line, stdin and dependencies), so the
// bring-up runs exactly the wiring `ClusterJoin` gives the provider.

import { previewStack } from "../components/cli/preview";
import type { RecordedResource } from "../components/testing";
import { randomOutputs } from "./component-pki";
import { realTlsOutputs } from "./tls-mocks";
import { withoutSecrets } from "./unwrap";

const INSTANCE = "tencentcloud:index/instance:Instance";
const COMMAND = "command:remote:Command";

/** A machine as the program creates it. */
export interface DeployedInstance {
    readonly name: string;
    readonly hostname: string;
    readonly privateIp: string;
    readonly userData: string;
}

/** One remote command as the program gives it to @pulumi/command. */
export interface DeployedCommand {
    /** The resource name (`<node>-<step>`). */
    readonly name: string;
    readonly host: string;
    /** What runs when the resource is created (empty: nothing, a step that only has a `delete`). */
    readonly create: string;
    /** What runs when the resource is deleted, before what it depends on. */
    readonly delete?: string;
    readonly stdin?: string;
    /** The host key the command pins for its machine and for the bastion hop (`ssh-ed25519 …`), when it pins one. */
    readonly hostKey?: string;
    readonly proxyHostKey?: string;
    /** The command's `triggers`, as JSON (a change reruns it). */
    readonly triggers?: string;
    /** Names of the commands that must finish first. */
    readonly after: readonly string[];
}

export interface Deployment {
    readonly instances: readonly DeployedInstance[];
    readonly commands: readonly DeployedCommand[];
    /** The stack's outputs (the admin kubeconfig among them). */
    readonly outputs: Record<string, unknown>;
}

/** Every command `r` depends on, directly or through non-command resources (components). */
function commandDeps(r: RecordedResource, byUrn: ReadonlyMap<string, RecordedResource>, seen = new Set<string>()): string[] {
    const out: string[] = [];
    for (const urn of r.dependencies) {
        const d = byUrn.get(urn);
        if (!d || seen.has(urn)) {
            continue;
        }
        seen.add(urn);
        if (d.type === COMMAND) {
            out.push(d.name);
        } else if (!d.custom) {
            // A component stands for its children: depending on it means waiting for them.
            for (const child of byUrn.values()) {
                if (child.parentUrn === urn && child.type === COMMAND) {
                    out.push(child.name);
                }
            }
        }
    }
    return [...new Set(out)];
}


const resolved = async (v: unknown): Promise<Record<string, unknown>> => {
    const value = typeof v === "object" && v !== null && "apply" in v ? await new Promise((done) => (v as { apply: (f: (x: unknown) => unknown) => void }).apply((x) => (done(x), x))) : v;
    return (value ?? {}) as Record<string, unknown>;
};

/**
 * What the lab keeps of a deployment between two runs of the program, as a stack's state does: the
 * outputs of every key, certificate and random value by type and name, with the inputs they were
 * made from. The next run reuses them while the inputs are the same (a changed input makes a new one,
 * as the replacement the provider would plan).
 */
export type LabState = Map<string, { readonly inputs: string; readonly outputs: Record<string, any> }>;

/**
 * Runs the program for a stack file and returns its instances and remote commands. `deployedOutputs`
 * are the stack's outputs of the last update (the change guard reads its snapshot there); `state`
 * is filled on a first run and reused on the next (an update of the same stack).
 */
export async function deployment(stackFile: { config?: Record<string, unknown> }, stack: string,
    o: { readonly deployedOutputs?: Record<string, unknown>; readonly state?: LabState } = {}): Promise<Deployment> {
    const made = (type: string, inputs: Record<string, any>, name: string) => {
        const key = `${type}::${name}`;
        const kept = o.state?.get(key);
        if (kept && kept.inputs === JSON.stringify(inputs)) {
            return kept.outputs;
        }
        const out = realTlsOutputs(type, inputs) ?? randomOutputs(type, inputs);
        if (out) {
            o.state?.set(key, { inputs: JSON.stringify(inputs), outputs: out });
        }
        return out;
    };
    const preview = await previewStack(stackFile, stack, o.deployedOutputs ?? {}, made);
    const byUrn = new Map(preview.resources.map((r) => [r.urn, r]));
    const instances = preview.resources.filter((r) => r.type === INSTANCE).map((r) => ({
        name: r.name, hostname: String(r.inputs.hostname), privateIp: String(r.inputs.privateIp), userData: String(withoutSecrets(r.inputs.userDataRaw)),
    }));
    const commands = preview.resources.filter((r) => r.type === COMMAND).map((r) => {
        const inputs = withoutSecrets(r.inputs);
        return {
            name: r.name, host: String(inputs.connection.host), create: inputs.create === undefined ? "" : String(inputs.create),
            ...(inputs.delete !== undefined ? { delete: String(inputs.delete) } : {}),
            ...(inputs.stdin !== undefined ? { stdin: String(inputs.stdin) } : {}), after: commandDeps(r, byUrn),
            ...(inputs.triggers !== undefined ? { triggers: JSON.stringify(inputs.triggers) } : {}),
            ...(inputs.connection.hostKey ? { hostKey: String(inputs.connection.hostKey) } : {}),
            ...(inputs.connection.proxy?.hostKey ? { proxyHostKey: String(inputs.connection.proxy.hostKey) } : {}),
        };
    });
    const outputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(preview.outputs ?? {})) {
        outputs[k] = withoutSecrets(await resolved(v));
    }
    return { instances, commands, outputs };
}
