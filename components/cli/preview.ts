// The offline preview: runs the Pulumi program (index.ts) under mocks for a stack file and
// lists every resource it would register (type, name, parent, key inputs; secrets shown as
// [secret]), with counts per type. No cloud account or Pulumi CLI is needed and nothing is created.

import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { installCloudMocks, isWireSecret, RecordedResource, Recorder, waitForRegistrations } from "../testing";

const PROGRAM = path.join(__dirname, "..", "..", "index.ts");

export interface Preview {
    readonly recorder: Recorder;
    readonly resources: readonly RecordedResource[];
    readonly counts: readonly [string, number][];
    /** The program's stack outputs (its module exports). */
    readonly outputs: Record<string, any>;
}

/**
 * Runs index.ts with the stack file's config under mocks and returns what it registered.
 * `deployedOutputs` stand for the stack's last outputs (what the change guard reads back).
 * A configuration error or a guard refusal is thrown as the program throws it.
 */
export async function previewStack(stackFile: { config?: Record<string, unknown> }, stack: string, deployedOutputs: Record<string, unknown> = {},
    mockOutputs?: (type: string, inputs: Record<string, any>, name: string) => Record<string, any> | undefined,
    /** The newest public image getImages answers. @default PREVIEW_IMAGE */
    publicImage?: string): Promise<Preview> {
    const recorder = await installCloudMocks({ project: "kubeadm-ha", stack, ...(publicImage ? { publicImage } : {}) }, deployedOutputs, mockOutputs);
    const config = Object.fromEntries(Object.entries(stackFile.config ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    pulumi.runtime.setAllConfig(config);
    delete require.cache[require.resolve(PROGRAM)];
    const program = require(PROGRAM);
    // index.ts exports an async function, as `pulumi up` runs it; its result is the stack outputs.
    const outputs = typeof program === "function" ? await program() : program;
    await waitForRegistrations();
    const counts = new Map<string, number>();
    for (const r of recorder.custom()) {
        counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    }
    return { recorder, resources: recorder.resources, outputs, counts: [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])) };
}

/** Inputs that say most about a resource, shown first. */
const KEY_FIRST = ["instanceType", "availabilityZone", "privateIp", "placementGroupId", "cidrBlock", "type", "affinity", "networkType",
    "vip", "protocol", "port", "storageType", "storageSize", "create", "stdin"];
const rank = (k: string) => (KEY_FIRST.includes(k) ? KEY_FIRST.indexOf(k) : KEY_FIRST.length);

/** A resource's scalar inputs as the preview shows them: secrets as [secret], long or multi-line strings as their size. */
export function shownInputs(r: RecordedResource, max = 6): Record<string, string | number | boolean> {
    const shown: [string, string | number | boolean][] = [];
    for (const [k, v] of Object.entries(r.wireInputs).sort(([a], [b]) => rank(a) - rank(b))) {
        if (shown.length >= max || v === undefined || v === null || v === "") {
            continue;
        }
        if (isWireSecret(v)) {
            shown.push([k, "[secret]"]);
        } else if (typeof v === "string") {
            shown.push([k, v.length > 48 || v.includes("\n") ? `[${Buffer.byteLength(v)} bytes]` : v]);
        } else if (typeof v === "number" || typeof v === "boolean") {
            shown.push([k, v]);
        }
    }
    return Object.fromEntries(shown);
}

const keyInputs = (r: RecordedResource) => Object.entries(shownInputs(r)).map(([k, v]) => `${k}=${v}`).join(" ");

/** The resource tree as indented text, then the counts per type. */
export function renderPreview(p: Preview): string {
    const children = new Map<string, RecordedResource[]>();
    for (const r of p.resources) {
        children.set(r.parentUrn, [...(children.get(r.parentUrn) ?? []), r]);
    }
    const lines: string[] = [];
    const walk = (parentUrn: string, depth: number) => {
        for (const r of children.get(parentUrn) ?? []) {
            lines.push(`${"  ".repeat(depth)}${r.type} ${r.name}${r.custom ? `  ${keyInputs(r)}`.trimEnd() : ""}`);
            walk(r.urn, depth + 1);
        }
    };
    walk("", 0);
    const total = p.counts.reduce((n, [, c]) => n + c, 0);
    return [
        `Resource tree (what \`pulumi up\` would register, run under mocks: nothing is created; ${total} resources)`, ...lines,
        "", "Resources per type", ...p.counts.map(([t, c]) => `  ${String(c).padStart(4)}  ${t}`),
    ].join("\n");
}
