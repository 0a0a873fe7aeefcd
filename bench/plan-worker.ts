// One measurement of the benchmark, in a fresh process so its peak memory is its own:
//   ours     : the prod stack with <workers> workers, through validate + plan + render, then the
//              whole program (index.ts) under the preview mocks;
//   baseline : the same resources (same SDK classes, names, parents and the very input values,
//              secrets still secret) registered under the same mocks from plain values: no
//              planning, no rendering, no Output plumbing between resources. The floor the SDKs
//              (which wrap every declared property, set or not, in promises) and the mocks cost.
// Prints one JSON line. Not a test: run by bench/run.ts.
//
// tsx bench/plan-worker.ts ours <workers> <inventory out file>
// tsx bench/plan-worker.ts baseline <inventory file>

import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { previewStack } from "../components/cli/preview";
import { installCloudMocks, isWireSecret, waitForRegistrations } from "../components/testing";
import { planStackFile } from "../components/plan/stack-file";
import { renderContext } from "../components/render/context";
import { renderNode } from "../components/render/node";

interface Item {
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly parent: number;
    readonly inputs: Record<string, unknown>;
}

/** Wire values back to inputs: the secret envelope becomes pulumi.secret again. */
function fromWire(v: unknown): unknown {
    if (isWireSecret(v)) {
        return pulumi.secret(fromWire((v as { value: unknown }).value));
    }
    if (Array.isArray(v)) {
        return v.map(fromWire);
    }
    if (v !== null && typeof v === "object") {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromWire(x)]));
    }
    return v;
}

/** The prod stack with `workers` workers in all (and subnets, pod range and pool blocks wide enough to hold them). */
export function benchStack(workers: number): { config: Record<string, any> } {
    const file = parse(readFileSync(path.join(__dirname, "..", "stacks", "Pulumi.prod.yaml"), "utf8"), { version: "1.1" });
    const cluster = file.config["kubeadm-ha:cluster"];
    cluster.zones = cluster.zones.map((z: { zone: string }, i: number) => ({ ...z, subnetCidr: `10.10.${16 * (i + 1)}.0/20` }));
    cluster.network.podCidr = "10.244.0.0/14"; // one /24 per node: room for 1024
    const batch = cluster.workerPools.find((p: { name: string }) => p.name === "batch").count;
    const general = cluster.workerPools.find((p: { name: string }) => p.name === "general");
    general.count = workers - batch;
    general.maxPerZone = Math.max(50, Math.ceil(general.count / cluster.zones.length) + 10);
    return file;
}

/** Loaded before the clock starts in both modes: loading the SDKs is not what is measured. */
const SDKS = ["@pulumi/tencentcloud", "@pulumi/tls", "@pulumi/random", "@pulumi/command"];

async function ours(workers: number, inventoryFile: string): Promise<Record<string, number>> {
    const stack = benchStack(workers);
    SDKS.forEach((m) => require(m));
    // The total is the program as `pulumi preview` runs it: validate, plan, render, components, registrations.
    const t0 = performance.now();
    const preview = await previewStack(stack, "bench");
    const totalMs = performance.now() - t0;
    // Then, for the breakdown only (warm, so smaller than their share of the total): the pure stages.
    const t1 = performance.now();
    const { spec, plan } = planStackFile(stack, `bench-${workers}`);
    const t2 = performance.now();
    const ctx = renderContext(spec, plan);
    const bytes = plan.nodes.map((n) => renderNode(ctx, n)).reduce((sum, b) => sum + b.files.reduce((n, f) => n + f.content.length, 0), 0);
    const t3 = performance.now();
    const index = new Map(preview.resources.map((r, i) => [r.urn, i]));
    const items: Item[] = preview.resources.map((r) => ({
        type: r.type, name: r.name, custom: r.custom, parent: r.parentUrn ? index.get(r.parentUrn) ?? -1 : -1,
        inputs: r.custom ? r.wireInputs : {},
    }));
    writeFileSync(inventoryFile, JSON.stringify(items));
    return { totalMs, planMs: t2 - t1, renderMs: t3 - t2, renderedBytes: bytes, resources: items.length, nodes: plan.nodes.length };
}

/** The SDK class registering `type` (e.g. `tencentcloud:index/vpc:Vpc` -> tencentcloud.Vpc, `command:remote:Command` -> command.remote.Command). */
function sdkClass(type: string): new (name: string, args: any, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource {
    const [pkg, mod, cls] = type.split(":");
    let ns = require(`@pulumi/${pkg}`);
    if (!mod.startsWith("index")) {
        for (const part of mod.split("/")) {
            ns = ns[part];
        }
    }
    if (typeof ns?.[cls] !== "function") {
        throw new Error(`no SDK class for ${type}`);
    }
    return ns[cls];
}

async function baseline(inventoryFile: string): Promise<Record<string, number>> {
    const items = JSON.parse(readFileSync(inventoryFile, "utf8")) as Item[];
    SDKS.forEach((m) => require(m));
    const classes = new Map(items.filter((it) => it.custom).map((it) => [it.type, sdkClass(it.type)]));
    const t0 = performance.now();
    const recorder = await installCloudMocks({ project: "kubeadm-ha", stack: "bench" });
    const made: pulumi.Resource[] = [];
    for (const it of items) {
        const parent = it.parent >= 0 ? { parent: made[it.parent] } : {};
        made.push(it.custom
            ? new (classes.get(it.type)!)(it.name, fromWire(it.inputs), parent)
            : new pulumi.ComponentResource(it.type, it.name, {}, parent));
    }
    await waitForRegistrations();
    return { totalMs: performance.now() - t0, resources: recorder.resources.length };
}

async function main(): Promise<void> {
    const [mode, a, b] = process.argv.slice(2);
    const result = mode === "ours" ? await ours(Number(a), b) : await baseline(a);
    process.stdout.write(`${JSON.stringify({ mode, ...result, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

if (require.main === module) {
    main().catch((err) => {
        process.stderr.write(`${err?.stack ?? err}\n`);
        process.exit(1);
    });
}
