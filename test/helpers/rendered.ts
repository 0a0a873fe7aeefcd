// Renders every shipped stack once per test process (plus variants the stacks do not cover).

import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { ClusterPlan } from "../../components/plan/plan";
import type { ClusterSpec } from "../../components/plan/spec";
import { planStackFile } from "../../components/plan/stack-file";
import { NodeBundle, renderCluster } from "../../components/render/node";
import { RenderOptions } from "../../components/render/context";
import { TODAY } from "./fixtures";

const STACKS = path.join(__dirname, "..", "..", "stacks");

export interface RenderedStack {
    readonly stack: string;
    readonly spec: ClusterSpec;
    readonly plan: ClusterPlan;
    readonly bundles: readonly NodeBundle[];
}

export function stackNames(): string[] {
    return readdirSync(STACKS).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).map((f) => f.slice(7, -5)).sort();
}

/** Plans and renders a stack file, optionally after changing its cluster config. */
export function renderStack(stack: string, edit?: (cluster: any) => void, options: RenderOptions = {}): RenderedStack {
    const file = path.join(STACKS, `Pulumi.${stack}.yaml`);
    const doc = parse(readFileSync(file, "utf8"), { version: "1.1" });
    edit?.(doc.config["kubeadm-ha:cluster"]);
    const { spec, plan } = planStackFile(doc, file, { today: TODAY });
    return { stack, spec, plan, bundles: renderCluster(spec, plan, options) };
}

let cache: RenderedStack[] | undefined;

/** Every shipped stack, rendered with production timers and placeholder secrets. */
export function allStacks(): RenderedStack[] {
    cache ??= stackNames().map((s) => renderStack(s));
    return cache;
}
