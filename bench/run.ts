// npm run bench -- [--sizes 10,100,1000] [--rounds 3] [--rehearsal-runs 5] [--stack prod-keepalived] [--only plan|rehearsal] [--json <file>] [--markdown <file>]
//                   [--checks n,...] [--check-path /healthz|/readyz] [--shutdown-delay <s>] [--leader-election <lease,renew,retry>]
//
// 1. The offline plan (validate + plan + render + the program under the preview mocks) of the prod
//    stack grown to each size, each run in a fresh process, and right beside it in the same round
//    the baseline: the same resources registered from plain values (bench/plan-worker.ts). Ratios
//    are taken between runs of one round, then the median over rounds: the machine is shared.
// 2. The HA rehearsal's failover figures over several runs (needs root): min / median / max, with
//    the render options given (the defaults otherwise), so two settings can be compared.
// Prints progress on stderr and the tables on stdout. Not a test: nothing here asserts a time.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { planStackFile } from "../components/plan/stack-file";
import { table } from "../components/plan/report";
import { labUnavailable } from "../lab/lab";
import { leaderText, REHEARSAL_PROGRAMS, rehearsalMarkdown, rehearse, RehearsalOptions, RehearsalReport } from "../lab/rehearse";

const WORKER = path.join(__dirname, "plan-worker.ts");
const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

interface Sample { readonly totalMs: number; readonly peakRssMb: number; readonly resources: number; readonly nodes?: number; readonly planMs?: number; readonly renderMs?: number }

function runWorker(args: readonly string[]): Sample {
    const out = execFileSync(process.execPath, ["--require", "tsx/cjs", WORKER, ...args], { encoding: "utf8", maxBuffer: 1 << 20, stdio: ["ignore", "pipe", "inherit"] });
    return JSON.parse(out.trim().split("\n").pop()!) as Sample;
}

function planBench(sizes: readonly number[], rounds: number): { rows: Record<string, number>[]; text: string } {
    const dir = mkdtempSync(path.join(tmpdir(), "kubeadm-ha-bench-"));
    const samples = new Map<number, { ours: Sample[]; base: Sample[] }>(sizes.map((n) => [n, { ours: [], base: [] }]));
    try {
        for (let round = 1; round <= rounds; round++) {
            for (const n of sizes) {
                const inventory = path.join(dir, `inventory-${n}.json`);
                log(`round ${round}/${rounds}, ${n} workers: program under mocks`);
                const ours = runWorker(["ours", String(n), inventory]);
                log(`round ${round}/${rounds}, ${n} workers: baseline (${ours.resources} resources from plain values)`);
                const base = runWorker(["baseline", inventory]);
                log(`  ${ours.totalMs.toFixed(0)} ms vs ${base.totalMs.toFixed(0)} ms (${(ours.totalMs / base.totalMs).toFixed(2)} x)`);
                samples.get(n)!.ours.push(ours);
                samples.get(n)!.base.push(base);
            }
        }
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
    const rows = sizes.map((n) => {
        const { ours, base } = samples.get(n)!;
        const ratios = ours.map((o, i) => o.totalMs / base[i].totalMs);
        return {
            workers: n, nodes: ours[0].nodes!, resources: ours[0].resources, oursMs: median(ours.map((o) => o.totalMs)), baseMs: median(base.map((b) => b.totalMs)),
            ratio: median(ratios), ratioMin: Math.min(...ratios), ratioMax: Math.max(...ratios), planMs: median(ours.map((o) => o.planMs!)), renderMs: median(ours.map((o) => o.renderMs!)),
            oursRssMb: median(ours.map((o) => o.peakRssMb)), baseRssMb: median(base.map((b) => b.peakRssMb)),
        };
    });
    const text = [
        `Offline plan of the prod stack grown to N workers: median of ${rounds} rounds, each run in a fresh process (times in ms)`,
        table(["WORKERS", "NODES", "RESOURCES", "OURS", "BASELINE", "OURS/BASELINE", "(ROUNDS)", "MS/RESOURCE", "PLAN", "RENDER", "PEAK RSS MB", "BASELINE RSS MB"], rows.map((r) => [
            String(r.workers), String(r.nodes), String(r.resources), r.oursMs.toFixed(0), r.baseMs.toFixed(0), `${r.ratio.toFixed(2)} x`,
            `${r.ratioMin.toFixed(2)}–${r.ratioMax.toFixed(2)}`, (r.oursMs / r.resources).toFixed(2), r.planMs.toFixed(1), r.renderMs.toFixed(0),
            r.oursRssMb.toFixed(0), r.baseRssMb.toFixed(0),
        ])),
        "",
        "Growth between sizes (linear means time grows like the resource count):",
        ...rows.slice(1).map((r, i) => {
            const p = rows[i];
            return `  ${p.workers} -> ${r.workers} workers: resources x ${(r.resources / p.resources).toFixed(2)}, ours x ${(r.oursMs / p.oursMs).toFixed(2)}, baseline x ${(r.baseMs / p.baseMs).toFixed(2)}, peak RSS x ${(r.oursRssMb / p.oursRssMb).toFixed(2)}`;
        }),
        "",
        "OURS = validate + plan + render + components + registration (index.ts under the preview mocks). BASELINE = the same",
        "resources (same SDK classes, names, parents, input values) registered from plain values under the same mocks. PLAN and",
        "RENDER are the pure stages timed again afterwards, warm, for the breakdown.",
    ].join("\n");
    return { rows, text };
}

const FIGURES: [number, string, string][] = [
    [2, "firstWriteMs", "etcd leader loss: first acknowledged write"],
    [3, "refusedMs", "etcd quorum loss: new writes refused"],
    [4, "markDownMs", "apiserver loss: HAProxy mark-down"],
    [4, "failedNew", "apiserver loss: failed new requests"],
    [5, "vipMovedMs", "VIP host hard crash: VIP on the other LB"],
    [5, "firstAnswerMs", "VIP host hard crash: first answer"],
    [6, "vipMovedMs", "HAProxy loss: track_script moves the VIP"],
    [7, "restoreMs", "snapshot + restore of every member"],
    [9, "backupMs", "backup unit on the leader: snapshot, verify, upload"],
    [9, "restoreMs", "restore drill with the rendered script: stop to healthy"],
    [8, "failed", "worst host loss: failed writes (of ~200)"],
    [8, "lastFailureStartMs", "worst host loss: last failed write started"],
    [11, "takeoverMs", "kube-controller-manager leader SIGKILL: Lease taken over"],
    [11, "boundMs", "new controller-manager leader: Deployment's pods made and bound"],
    [12, "takeoverMs", "kube-scheduler leader SIGKILL: Lease taken over"],
    [13, "takeoverMs", "kube-controller-manager leader SIGTERM: Lease taken over"],
    [14, "takeoverMs", "kube-scheduler leader SIGTERM: Lease taken over"],
    [16, "failed", "graceful apiserver restart: failed requests"],
    [16, "stopMs", "graceful apiserver restart: SIGTERM to exit"],
    [16, "markDownMs", "graceful apiserver restart: HAProxy mark-down"],
    [16, "backUpMs", "graceful apiserver restart: new start to UP"],
];

/** Figures of the whole run rather than of one check. */
const RUN_FIGURES: [string, (r: RehearsalReport) => number][] = [
    ["etcd writes per second at rest", (r) => Math.round(r.idleWritesPerSec * 10) / 10],
    ["leader changes during quorum loss (check 3)", (r) => r.leaderChanges[3] ?? NaN],
    ["leader changes during the worst host loss (check 8; a leader on the lost host must move)", (r) => r.leaderChanges[8] ?? NaN],
    ["leader changes during the other checks that stop no leader", (r) => Object.entries(r.leaderChanges).filter(([id]) => id !== "3" && id !== "8").reduce((n, [, x]) => n + x, 0)],
];

async function rehearsalBench(stack: string, runs: number, options: Pick<RehearsalOptions, "checks" | "render">): Promise<{ rows: Record<string, unknown>[]; text: string; last: RehearsalReport }> {
    const file = path.join(__dirname, "..", "stacks", `Pulumi.${stack}.yaml`);
    const { spec, plan } = planStackFile(parse(readFileSync(file, "utf8"), { version: "1.1" }), file);
    const reports: RehearsalReport[] = [];
    for (let i = 1; i <= runs; i++) {
        log(`rehearsal ${i}/${runs} of ${stack} (production timers)`);
        const r = await rehearse(spec, plan, { ...options, log: (l) => log(`  ${l}`) });
        log(`  ${r.passed ? "every check passed" : "a check FAILED"} in ${(r.durationMs / 1000).toFixed(0)} s`);
        reports.push(r);
    }
    const rows = FIGURES.map(([id, key, what]) => {
        const xs = reports.map((r) => r.results.find((x) => x.id === id)?.values?.[key]).filter((x): x is number => typeof x === "number" && Number.isFinite(x));
        return { what, key, id, runs: xs.length, min: xs.length ? Math.min(...xs) : NaN, median: xs.length ? median(xs) : NaN, max: xs.length ? Math.max(...xs) : NaN, goal: reports[0].results.find((x) => x.id === id)?.goal ?? "" };
    }).filter((r) => r.runs > 0);
    for (const [what, figure] of RUN_FIGURES) {
        const xs = reports.map(figure).filter(Number.isFinite);
        if (xs.length === 0) {
            continue;
        }
        rows.push({ what, key: what, id: 0, runs: xs.length, min: Math.min(...xs), median: median(xs), max: Math.max(...xs), goal: "" });
    }
    const t = reports[0].timers;
    const h = reports[0].apiHealth;
    const text = [
        `HA rehearsal of ${stack} over ${runs} runs, production timers (VRRP advert ${t.vrrpAdvertSec} s, HAProxy inter ${t.checkInterMs}/${t.checkFastInterMs} ms fall ${t.checkFall}, etcd election ${t.etcdElectionMs} ms), apiserver check ${h.checkPath}, shutdown delay ${h.shutdownDelaySec} s, leader election ${leaderText(reports[0].leaderElection)}${options.checks ? `, checks ${options.checks.join(",")}` : ""}; all checks passed in ${reports.filter((r) => r.passed).length}/${runs} runs`,
        table(["#", "FIGURE", "MIN", "MEDIAN", "MAX", "GOAL"], rows.map((r) => [r.id ? String(r.id) : "", r.what, String(r.min), String(r.median), String(r.max), r.goal])),
        "(milliseconds, except the count of failed requests)",
        `peak memory of a run (every lab process's RSS summed, sampled every 2 s, plus the runner): ${reports.map((r) => `${r.peakRssMb} MiB`).join(", ")}`,
    ].join("\n");
    return { rows, text, last: reports[reports.length - 1] };
}

async function main(): Promise<void> {
    const { values: a } = parseArgs({
        args: process.argv.slice(2), strict: true,
        options: { sizes: { type: "string", default: "10,100,1000" }, rounds: { type: "string", default: "3" }, "rehearsal-runs": { type: "string", default: "5" },
            stack: { type: "string", default: "prod-keepalived" }, only: { type: "string" }, json: { type: "string" }, markdown: { type: "string" },
            checks: { type: "string" }, "check-path": { type: "string" }, "shutdown-delay": { type: "string" }, "leader-election": { type: "string" } },
    });
    const results: Record<string, unknown> = {};
    if (a.only !== "rehearsal") {
        const sizes = a.sizes!.split(",").map(Number);
        if (sizes.some((n) => !Number.isInteger(n) || n < 4 || n > 1000)) {
            throw new Error(`--sizes: each size must be a whole number of workers from 4 to 1000, got "${a.sizes}"`);
        }
        const r = planBench(sizes, Number(a.rounds));
        process.stdout.write(`${r.text}\n\n`);
        results.plan = r.rows;
    }
    if (a.only !== "plan") {
        const why = labUnavailable(REHEARSAL_PROGRAMS);
        if (why) {
            process.stdout.write(`HA rehearsal figures skipped: ${why}\n`);
        } else {
            const leader = a["leader-election"]?.split(",").map(Number);
            const r = await rehearsalBench(a.stack!, Number(a["rehearsal-runs"]), {
                ...(a.checks ? { checks: a.checks.split(",").map(Number) } : {}),
                render: {
                    apiHealth: { ...(a["check-path"] ? { checkPath: a["check-path"] as "/healthz" | "/readyz" } : {}), ...(a["shutdown-delay"] ? { shutdownDelaySec: Number(a["shutdown-delay"]) } : {}) },
                    ...(leader ? { leaderElection: { leaseSec: leader[0], renewSec: leader[1], retrySec: leader[2] } } : {}),
                },
            });
            process.stdout.write(`${r.text}\n`);
            results.rehearsal = r.rows;
            if (a.markdown) {
                // The last run's checklist, as `npm run rehearse -- --markdown` writes it.
                writeFileSync(a.markdown, `${rehearsalMarkdown(r.last)}\n`);
            }
        }
    }
    if (a.json) {
        writeFileSync(a.json, `${JSON.stringify(results, null, 2)}\n`);
    }
}

main().catch((err) => {
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
});
