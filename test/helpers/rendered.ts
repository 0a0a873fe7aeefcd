// Renders every shipped stack once per test process (plus variants the stacks do not cover).

import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { ClusterPlan } from "../../components/plan/plan";
import type { ClusterSpec } from "../../components/plan/spec";
import { planStackFile } from "../../components/plan/stack-file";
import { backupBucketPrefix, backupRoleName } from "../../components/plan/naming";
import { PLACEHOLDER_HOST_KEY } from "../../components/render/cloud-init";
import { etcdBackupSshFiles } from "../../components/render/etcd-backup";
import { NodeBundle, renderNode } from "../../components/render/node";
import { renderContext, RenderOptions } from "../../components/render/context";
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

/** A placeholder archive key for rendered examples (the component generates a real one). */
export const EXAMPLE_ARCHIVE_KEY = "example-archive-key-0123456789abcdef0123456789";

/**
 * Plans and renders a stack file, optionally after changing its cluster config. Each bundle's
 * `files` also holds what the components deliver over SSH once the cloud resources exist: the
 * etcd members' backup files, rendered here for COS with the component's role and bucket names,
 * Tencent's example appid (1250000000) and EXAMPLE_ARCHIVE_KEY.
 */
export function renderStack(stack: string, edit?: (cluster: any) => void, options: RenderOptions = {}): RenderedStack {
    const file = path.join(STACKS, `Pulumi.${stack}.yaml`);
    const doc = parse(readFileSync(file, "utf8"), { version: "1.1" });
    edit?.(doc.config["kubeadm-ha:cluster"]);
    const { spec, plan } = planStackFile(doc, file, { today: TODAY });
    const ctx = renderContext(spec, plan, options);
    const backup = {
        storage: { kind: "cos", region: spec.region, role: backupRoleName(spec.name, spec.region) } as const,
        bucket: `${backupBucketPrefix(spec.name)}-1250000000`, archiveKey: EXAMPLE_ARCHIVE_KEY,
    };
    // A new cluster: every machine's user-data carries a host key (here the placeholder of a real one's size).
    const bundles = plan.nodes.map((n) => renderNode(ctx, n, undefined, PLACEHOLDER_HOST_KEY)).map((b) => ({ ...b, files: [...b.files, ...etcdBackupSshFiles(ctx, b.node, backup)] }));
    return { stack, spec, plan, bundles };
}

let cache: RenderedStack[] | undefined;

/** Every shipped stack, rendered with production timers and placeholder secrets. */
export function allStacks(): RenderedStack[] {
    cache ??= stackNames().map((s) => renderStack(s));
    return cache;
}
