// npm run plan -- --stack <name> | --config <file> [--json] [--against <previous plan>]
// Validates a stack's cluster configuration and prints its plan: nodes, placement groups,
// endpoint and the fault-tolerance table. With --against, the change guard compares it with the
// deployed plan first. Offline: no cloud account or Pulumi CLI needed.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { checkChange, enforceChangeGuard, guardSnapshot, GuardSnapshot, parseGuardSnapshot } from "../plan/change-guard";
import { describeHeld, HeldBack, parseRollOut, rollOutPlan } from "../plan/roll-out";
import { formatIssue, ValidationError } from "../plan/errors";
import { renderPlanReport } from "../plan/report";
import { describeSteps } from "../plan/upgrade";
import { planStackFile } from "../plan/stack-file";
import { renderCluster } from "../render/node";
import { previewStack, renderPreview, shownInputs } from "./preview";
import type { ClusterPlan } from "../plan/plan";
import type { ClusterSpec } from "../plan/spec";
import { fail } from "./exit";

const USAGE = `usage: npm run plan -- (--stack <name> | --config <file>) [--json] [--out <dir>] [--against <file>]

  --stack <name>   plan stacks/Pulumi.<name>.yaml
  --config <file>  plan any stack file
  --json           print the plan as JSON instead of tables
  --no-preview     skip the resource tree (index.ts run under mocks)
  --out <dir>      also write every node's rendered files to <dir>/<node>/ (kubeadm
                   files carry placeholder secrets; real ones are made at deploy time);
                   a directory an earlier --out wrote is emptied first, any other
                   non-empty one is refused
  --today <date>   ISO date for end-of-life checks (default: today)
  --against <file> the deployed plan (\`pulumi stack output changeGuardSnapshot --json\`,
                   or this command's --json output): refuse changes that would take down
                   an etcd quorum, every master, every LB machine, or move the endpoint
  --allow-disruption  with --against: report those refusals as warnings (test clusters)
  --roll-out <names>  with --against: only these deployed machines take a new instance type
                   or image (comma-separated; default: the stack's kubeadm-ha:rollOut)`;

/** Reads the --against file; exits 2 when it cannot be read or parsed. */
function readPrevious(file: string): GuardSnapshot {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (err) {
        fail(2, `cannot read --against ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    try {
        return parseGuardSnapshot(JSON.parse(text), file);
    } catch (err) {
        fail(2, err instanceof ValidationError ? err.message : `--against ${file} is not JSON: ${(err as Error).message}`);
    }
}

/** The guard's verdict as text: every change to an existing machine, then warnings. */
function guardReport(previous: GuardSnapshot, next: GuardSnapshot, held: readonly HeldBack[], allow: boolean): string {
    const result = checkChange(previous, next);
    const warnings = enforceChangeGuard(result, allow); // throws a ValidationError on a refusal
    const lines = [`change guard against the deployed plan: ${result.changes.length} existing machine(s) changed, ` +
        `${next.nodes.filter((n) => !previous.nodes.some((p) => p.name === n.name)).length} added, ${new Set(held.map((h) => h.node)).size} held back`];
    lines.push(...result.changes.map((c) => `  ${c.node.name}: ${c.effect} (${c.why})`));
    if (result.upgrade) {
        lines.push(`  Kubernetes ${result.upgrade.change}${result.upgrade.steps.length ? ", in this order:" : ""}`, ...describeSteps(result.upgrade.steps).map((s) => `    ${s}`));
    }
    lines.push(...describeHeld(held).map((h) => `  held: ${h}`));
    lines.push(...warnings.map((w) => `  warning: ${formatIssue(w)}`));
    return lines.join("\n");
}

/** Marks a directory --out wrote, so that the next run may empty it. */
const OUT_MARKER = ".kubeadm-ha-rendered";

/**
 * Makes dir ready for --out: created when missing, emptied when an earlier --out wrote it (a
 * node removed from the stack leaves no stale files), refused (exit 2) when it holds anything else.
 */
function prepareOut(dir: string): void {
    if (existsSync(dir) && readdirSync(dir).length > 0) {
        if (!existsSync(path.join(dir, OUT_MARKER))) {
            fail(2, `--out ${dir} is not empty and was not written by --out; nothing was written\n  fix: give a new or empty directory (e.g. --out rendered/), or empty it first`);
        }
        for (const entry of readdirSync(dir)) {
            rmSync(path.join(dir, entry), { recursive: true, force: true });
        }
    }
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, OUT_MARKER), "written by npm run plan -- --out; the next --out here empties this directory first\n");
}

/** Writes every node's user-data and files under dir; returns a one-line summary. */
function writeRendered(dir: string, spec: ClusterSpec, plan: ClusterPlan): string {
    const bundles = renderCluster(spec, plan);
    for (const b of bundles) {
        const root = path.join(dir, b.node.name);
        mkdirSync(root, { recursive: true });
        writeFileSync(path.join(root, "user-data.yaml"), b.userData);
        for (const f of b.files) {
            const target = path.join(root, "files", f.path);
            mkdirSync(path.dirname(target), { recursive: true });
            writeFileSync(target, f.content, { mode: parseInt(f.permissions, 8) });
        }
    }
    const largest = bundles.reduce((a, b) => (b.userDataBase64Bytes > a.userDataBase64Bytes ? b : a));
    return `wrote the rendered files of ${bundles.length} nodes to ${dir} (largest user-data: ${largest.node.name}, ${largest.userDataBase64Bytes} bytes base64 of 16384)`;
}

async function main(argv: string[]): Promise<void> {
    let args;
    try {
        args = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" }, config: { type: "string" }, json: { type: "boolean", default: false }, out: { type: "string" }, preview: { type: "boolean", default: true },
                today: { type: "string" }, help: { type: "boolean", short: "h", default: false },
                against: { type: "string" }, "allow-disruption": { type: "boolean", default: false }, "roll-out": { type: "string" },
            },
            strict: true, allowNegative: true,
        }).values;
    } catch (err) {
        fail(2, `${(err as Error).message}\n${USAGE}`);
    }
    if (args.help) {
        process.stdout.write(`${USAGE}\n`);
        return;
    }
    if (!args.stack === !args.config) {
        fail(2, `give exactly one of --stack and --config\n${USAGE}`);
    }
    const file = args.config ?? path.join(__dirname, "..", "..", "stacks", `Pulumi.${args.stack}.yaml`);
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (err) {
        fail(2, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let stackFile: unknown;
    try {
        stackFile = parseYaml(text, { version: "1.1", uniqueKeys: true });
    } catch (err) {
        fail(1, `${file} is not valid YAML: ${(err as Error).message}`);
    }
    try {
        const { spec, plan: planned } = planStackFile(stackFile, file, args.today ? { today: args.today } : {});
        const config = (stackFile as { config?: Record<string, unknown> }).config ?? {};
        const previous = args.against ? readPrevious(args.against) : undefined;
        const names = args["roll-out"] ?? (typeof config["kubeadm-ha:rollOut"] === "string" ? config["kubeadm-ha:rollOut"] : undefined);
        const pinned = typeof config["kubeadm-ha:imageId"] === "string" ? config["kubeadm-ha:imageId"] : spec.image.imageId;
        const rolled = rollOutPlan(planned, previous, pinned, parseRollOut(names));
        const plan = rolled.plan;
        const snapshot = guardSnapshot(spec, plan, rolled);
        if (previous) {
            process.stderr.write(`${guardReport(previous, snapshot, rolled.held, args["allow-disruption"])}\n`);
        }
        const preview = args.preview ? await previewStack({
            config: { ...config, ...(names ? { "kubeadm-ha:rollOut": names } : {}), ...(args["allow-disruption"] ? { "kubeadm-ha:allowDisruptiveChange": true } : {}) },
        }, args.stack ?? spec.name, previous ? { changeGuardSnapshot: previous } : {}) : undefined;
        if (args.out) {
            prepareOut(args.out); // before anything is printed: a refusal leaves no half output
        }
        if (args.json) {
            const resources = preview?.resources.filter((r) => r.custom).map((r) => ({ type: r.type, name: r.name, parent: r.parentUrn.split("::").pop(), inputs: shownInputs(r) }));
            // With the preview, the snapshot is the one the program would export (it records the image looked up).
            const exported = preview ? await outputValue<GuardSnapshot>(preview.outputs.changeGuardSnapshot) : snapshot;
            process.stdout.write(`${JSON.stringify({ ...plan, changeGuardSnapshot: exported, ...(preview ? { preview: { counts: Object.fromEntries(preview.counts), resources } } : {}) }, null, 2)}\n`);
        } else {
            process.stdout.write(`${renderPlanReport(plan)}\n${preview ? `\n${renderPreview(preview)}\n` : ""}`);
        }
        if (args.out) {
            process.stderr.write(`${writeRendered(args.out, spec, plan)}\n`);
        }
    } catch (err) {
        if (err instanceof ValidationError) {
            fail(1, `${path.relative(process.cwd(), file)}: ${err.message}`);
        }
        if (err instanceof pulumi.ResourceError || err instanceof pulumi.RunError) {
            fail(1, `${path.relative(process.cwd(), file)}: ${err.message}`); // as pulumi preview prints it, without a stack trace
        }
        throw err;
    }
}

/** The value of an output of the mocked program. */
function outputValue<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => {
        resolve(v);
        return v;
    }));
}

main(process.argv.slice(2)).catch((err) => fail(1, String(err?.stack ?? err)));
