// npm run rehearse -- (--stack <name> | --config <file>) [--bring-up] [--json <file>] [--markdown <file>] [--lab-timers] [--time-limit <s>] [--checks <n,...>]
//                      [--check-path /healthz|/readyz] [--shutdown-delay <s>] [--leader-election <lease,renew,retry>]
// Brings up the stack's etcd members, real control plane and API endpoint tier on test hosts
// (network namespaces; needs root and `npm run bins`) from exactly the rendered files, then runs
// the HA checklist. With --bring-up: the whole cluster on test machines from what the program
// sends them (bring-up.ts), then the checks of a working cluster. Exit 0 when every check passes,
// 1 when one fails, 2 on bad arguments, 3 when the rehearsal cannot run here.

import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ValidationError } from "../components/plan/errors";
import { ApiHealth, RenderOptions, renderContext } from "../components/render/context";
import { planStackFile } from "../components/plan/stack-file";
import { BRING_UP_PROGRAMS } from "./bring-up";
import { bringUpRehearsal, renderBringUpReport } from "./bring-up-report";
import { labUnavailable } from "./lab";
import { CHECK_COUNT, LAB_TIMERS, REHEARSAL_PROGRAMS, rehearsalMarkdown, rehearse, renderRehearsalReport } from "./rehearse";
import { fail } from "../components/cli/exit";
import { stackFileArg } from "./stack-file-arg";

const USAGE = `usage: npm run rehearse -- (--stack <name> | --config <file>) [--bring-up] [--json <file>] [--markdown <file>] [--lab-timers] [--time-limit <seconds>] [--checks <n,...>]

  --stack <name>        rehearse stacks/Pulumi.<name>.yaml
  --config <file>       rehearse any stack file
  --bring-up            bring the whole cluster up on test machines (kubelet, containerd, kubeadm init and
                        join, pod network) from what the program sends them, then check it works (--json only)
  --json <file>         also write the results as JSON
  --markdown <file>     also write the results as a Markdown table
  --lab-timers          faster VRRP, HAProxy and etcd timers (the report says so)
  --time-limit <s>      stop and clean up after this many seconds (default 900)
  --checks <n,n,...>    run only these checks (by number)
  --check-path <path>   HAProxy's apiserver health check, /healthz or /readyz (render option apiHealth.checkPath)
  --shutdown-delay <s>  kube-apiserver --shutdown-delay-duration in seconds (render option apiHealth.shutdownDelaySec)
  --leader-election <lease,renew,retry>
                        leader-election timers of kube-controller-manager and kube-scheduler, seconds
                        (render option leaderElection; their defaults 15,10,2 otherwise)`;

async function main(argv: string[]): Promise<void> {
    let args;
    try {
        args = parseArgs({
            args: argv, strict: true,
            options: { stack: { type: "string" }, config: { type: "string" }, json: { type: "string" }, markdown: { type: "string" }, "lab-timers": { type: "boolean", default: false }, "time-limit": { type: "string" }, checks: { type: "string" },
                "check-path": { type: "string" }, "shutdown-delay": { type: "string" }, "leader-election": { type: "string" }, "bring-up": { type: "boolean", default: false } },
        }).values;
    } catch (err) {
        fail(2, `${(err as Error).message}\n${USAGE}`);
    }
    const checks = args.checks?.split(",").map(Number);
    if (checks && checks.some((n) => !Number.isInteger(n) || n < 1 || n > CHECK_COUNT)) {
        fail(2, `--checks ${args.checks}: give check numbers from 1 to ${CHECK_COUNT}, separated by commas\n${USAGE}`);
    }
    const leader = args["leader-election"]?.split(",").map(Number);
    if (leader && (leader.length !== 3 || leader.some((n) => !Number.isInteger(n) || n < 1))) {
        fail(2, `--leader-election ${args["leader-election"]}: give three whole seconds, lease,renew,retry (kubeadm's defaults are 15,10,2)\n${USAGE}`);
    }
    const render: RenderOptions = {
        apiHealth: {
            ...(args["check-path"] ? { checkPath: args["check-path"] as ApiHealth["checkPath"] } : {}),
            ...(args["shutdown-delay"] ? { shutdownDelaySec: Number(args["shutdown-delay"]) } : {}),
        },
        ...(leader ? { leaderElection: { leaseSec: leader[0], renewSec: leader[1], retrySec: leader[2] } } : {}),
    };
    const { file, stackFile } = stackFileArg(args, USAGE);
    let planned;
    try {
        planned = planStackFile(stackFile, file);
    } catch (err) {
        fail(1, err instanceof ValidationError ? err.message : String(err));
    }
    try {
        renderContext(planned.spec, planned.plan, render);
    } catch (err) {
        fail(2, err instanceof ValidationError ? err.message : String(err));
    }
    if (args["bring-up"]) {
        const extra = ["markdown", "lab-timers", "checks", "check-path", "shutdown-delay", "leader-election"].filter((k) => (args as Record<string, unknown>)[k] !== undefined && (args as Record<string, unknown>)[k] !== false);
        if (extra.length > 0) {
            fail(2, `--bring-up runs the stack as rendered: drop ${extra.map((k) => `--${k}`).join(", ")}\n${USAGE}`);
        }
        const missing = labUnavailable(BRING_UP_PROGRAMS);
        if (missing) {
            fail(3, `the bring-up cannot run here: ${missing}`);
        }
        const stackName = args.stack ?? path.basename(file).replace(/^Pulumi\.|\.yaml$/g, "");
        const report = await bringUpRehearsal(stackFile as { config?: Record<string, unknown> }, stackName, planned.spec, planned.plan,
            args["time-limit"] ? { timeLimitMs: Number(args["time-limit"]) * 1000 } : {});
        process.stdout.write(`${renderBringUpReport(report)}\n`);
        if (args.json) {
            writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
        }
        process.exit(report.passed ? 0 : 1);
    }
    const why = labUnavailable(REHEARSAL_PROGRAMS);
    if (why) {
        fail(3, `the rehearsal cannot run here: ${why}`);
    }
    const report = await rehearse(planned.spec, planned.plan, {
        ...(args["lab-timers"] ? { timers: LAB_TIMERS } : {}),
        ...(args["time-limit"] ? { timeLimitMs: Number(args["time-limit"]) * 1000 } : {}),
        ...(checks ? { checks } : {}),
        render,
    });
    process.stdout.write(`${renderRehearsalReport(report)}\n`);
    if (args.json) {
        writeFileSync(args.json, `${JSON.stringify(report, (_k, v) => (v === Infinity ? null : v), 2)}\n`);
    }
    if (args.markdown) {
        writeFileSync(args.markdown, `${rehearsalMarkdown(report)}\n`);
    }
    process.exit(report.passed ? 0 : 1);
}

main(process.argv.slice(2)).catch((err) => fail(1, String(err?.stack ?? err)));
