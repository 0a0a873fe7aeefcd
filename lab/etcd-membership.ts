// External etcd grown 3 -> 5 and shrunk back 5 -> 3 on test machines, under constant writes, as
// the updates `pulumi up` runs when `etcd.members` changes: the program runs at 3 members, then at
// 5 and at 3 again with the deployed stack's outputs (its change guard judges each change) and the
// same keys (LabState). Only the etcd members' machines run (booted from their user-data) and
// their own commands: the `create` of those that change (the new members' boot steps and every
// member's etcd-start: etcd-member-start.sh adds a new member as a learner and promotes it once
// caught up) and the `delete` of the ones the program no longer has (etcd-leave.sh). No masters
// run here: every master's apiserver following the members (apiserver-etcd-servers.sh) runs in
// the upgrade test's membership change (resize.ts, on the whole cluster).

import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { addressAt, parseCidr } from "../components/plan/cidr";
import { planStackFile } from "../components/plan/stack-file";
import type { PlannedNode } from "../components/plan/topology";
import { renderContext } from "../components/render/context";
import { bootFromUserData } from "./boot";
import { deployment, DeployedCommand, Deployment, LabState } from "./deployment";
import { imageTarball, labImages } from "./images";
import { Host, Lab } from "./lab";
import { addMachine, Machine } from "./machine";
import { deletedCommands, pendingCommands } from "./pending-commands";
import { failureSummary, Probe, ProbeResult } from "./probe";
import { CommandRun, runCommands } from "./remote-commands";
import { guardWarnings, StackFile } from "./update";
import { healthyPerRound, Sample } from "./upgrade-load";


const POLLER = path.join(__dirname, "poller.js");
/** How long the load runs at most (ms): the whole rehearsal fits in it. */
const LOAD_MS = 900_000;

/** One update: the commands that ran (creates, then deletes), how long it took (ms), the change guard's warnings. */
interface UpdateRun { runs: CommandRun[]; ms: number; guard: string[] }

export interface MembershipReport {
    readonly prefix: string;
    readonly grow: Readonly<UpdateRun>;
    readonly shrink: Readonly<UpdateRun>;
    /** `member list` after each update: `<name> voter|learner`. */
    readonly afterGrow: readonly string[];
    readonly afterShrink: readonly string[];
    readonly writes: { readonly total: number; readonly acknowledged: number; readonly failed: number; readonly lost: number; readonly why: string };
    /** Sampled every second on the three members that stay: rounds, the fewest healthy, rounds where none was (no quorum). */
    readonly health: { readonly rounds: number; readonly minHealthy: number; readonly roundsWithoutQuorum: number };
    readonly error?: string;
}

const withMembers = (file: StackFile, members: number): StackFile => {
    const copy = structuredClone(file);
    copy.config["kubeadm-ha:cluster"].etcd.members = members;
    return copy;
};

/** The etcd members' own commands of a deployment (their boot steps and etcd-start), waiting only for each other. */
function memberCommands(commands: readonly DeployedCommand[], ips: ReadonlySet<string>): DeployedCommand[] {
    const mine = commands.filter((c) => ips.has(c.host) && /-(ready|secrets|etcd-start)$/.test(c.name));
    const names = new Set(mine.map((c) => c.name));
    return mine.map((c) => ({ ...c, after: c.after.filter((a) => names.has(a)) }));
}


/** Grows `stack`'s external etcd to 5 members and shrinks it back to 3 under writes; tears everything down. */
export async function etcdMembershipRehearsal(stack: string, options: { timeLimitMs?: number; log?: (s: string) => void } = {}): Promise<MembershipReport> {
    const log = options.log ?? ((s: string) => process.stderr.write(`${s}\n`));
    const file = parse(readFileSync(path.join(__dirname, "..", "stacks", `Pulumi.${stack}.yaml`), "utf8")) as StackFile;
    const [three, five] = [withMembers(file, 3), withMembers(file, 5)];
    const planned = planStackFile(five, stack);
    const members = planned.plan.nodes.filter((n) => n.role === "etcd");
    const ctx = renderContext(planned.spec, planned.plan);
    const lab = Lab.create(planned.spec.network.vpcCidr);
    const limit = setTimeout(() => (log("time limit reached: stopping every test process"), lab.destroy()), options.timeLimitMs ?? 1_200_000);
    const state: LabState = new Map();
    const machines = new Map<string, Machine>();
    const grow: UpdateRun = { runs: [], ms: 0, guard: [] };
    const shrink: UpdateRun = { runs: [], ms: 0, guard: [] };
    const report: { -readonly [K in keyof MembershipReport]: MembershipReport[K] } = {
        prefix: lab.prefix, grow, shrink, afterGrow: [], afterShrink: [],
        writes: { total: 0, acknowledged: 0, failed: 0, lost: 0, why: "" }, health: { rounds: 0, minHealthy: 0, roundsWithoutQuorum: 0 },
    };
    let writes: Probe | undefined;
    let poller: { stop: (signal: NodeJS.Signals, ms: number) => Promise<unknown> } | undefined;
    const t0 = Date.now();
    try {
        const images = imageTarball(labImages(ctx).filter((i) => i.ref === ctx.pauseImage || i.ref === ctx.etcdImage), log);
        lab.raiseSysctl("fs.inotify.max_user_instances", 128 * (members.length + 1));
        // The machines first (their commands reach them), then each boots from its user-data while the commands wait for it.
        const boot = async (nodes: readonly PlannedNode[], d: Deployment) => {
            for (const n of nodes) {
                const m = await addMachine(lab, `etcd${n.ordinal}`, n.privateIp, n.hostname);
                m.startServices();
                machines.set(n.privateIp, m);
            }
            return () => Promise.all(nodes.map(async (n) => {
                const r = await bootFromUserData(machines.get(n.privateIp)!, d.instances.find((i) => i.name === n.name)!.userData, images);
                if (r.code !== 0) {
                    throw new Error(`${n.name}: cloud-init's runcmd exited ${r.code}:\n${r.output.trim().split("\n").slice(-20).join("\n")}`);
                }
            }));
        };
        const at = (ip: string) => machines.get(ip)!;
        log("3 members from the program at etcd.members 3");
        const d3 = await deployment(three, stack, { state });
        const ips = new Set(members.map((n) => n.privateIp));
        const booting = await boot(members.slice(0, 3), d3);
        await Promise.all([booting(), runCommands(memberCommands(d3.commands, ips), at, log, t0)]);

        // The client: writes into a member that stays, every member's health sampled.
        const subnet = parseCidr(planned.spec.zones[0].subnetCidr);
        const client: Host = lab.addHost("client", addressAt(subnet, subnet.size - 6));
        const tls = await clientTls(lab, at(members[0].privateIp));
        writes = new Probe(client, `https://${members[0].privateIp}:2379`, tls, { intervalMs: 100, durationMs: LOAD_MS, timeoutMs: 5000, writePrefix: `m-${lab.prefix}`, etcdPut: true, name: "etcd-writes" });
        const targets = members.slice(0, 3).map((n) => ({ name: n.name, url: `https://${n.privateIp}:2379/health`, field: "health", ...tls }));
        const samples = path.join(lab.dir, "logs", "etcd-health.jsonl");
        poller = client.spawn("etcd-poller", process.execPath, [POLLER, labFile(lab, "targets.json", JSON.stringify(targets)), "1000", String(LOAD_MS), "3000", samples]);

        // The load runs 10 s before the first change and 10 s after the last: a steady state on either side.
        await new Promise((r) => setTimeout(r, 10_000));
        log("grow to 5: the program at etcd.members 5");
        const d5 = await deployment(five, stack, { state, deployedOutputs: { changeGuardSnapshot: d3.outputs.changeGuardSnapshot } });
        grow.guard = guardWarnings(d3, d5);
        const g0 = Date.now();
        const grown = memberCommands(pendingCommands(d3.commands, d5.commands), ips);
        // The new machines boot while their commands wait for them, as in the update that creates them.
        const joining = await boot(members.slice(3), d5);
        await Promise.all([joining(), runCommands(grown, at, log, t0).then((r) => (grow.runs = r))]);
        grow.ms = Date.now() - g0;
        report.afterGrow = await memberList(at(members[0].privateIp));

        log("shrink to 3: the program at etcd.members 3 again");
        const back = await deployment(three, stack, { state, deployedOutputs: { changeGuardSnapshot: d5.outputs.changeGuardSnapshot } });
        shrink.guard = guardWarnings(d5, back);
        const s0 = Date.now();
        const created = memberCommands(pendingCommands(d5.commands, back.commands), ips);
        const deletes = deletedCommands(d5.commands, back.commands);
        shrink.runs = [...await runCommands(created, at, log, t0), ...await runCommands(deletes, at, log, t0)];
        // Their machines are deleted once their delete steps are done.
        members.slice(3).forEach((n) => at(n.privateIp).crash());
        shrink.ms = Date.now() - s0;
        report.afterShrink = await memberList(at(members[0].privateIp));
        await new Promise((r) => setTimeout(r, 10_000));
        const results = await writes.until(() => true, 0);
        await poller.stop("SIGTERM", 3000);
        report.writes = await tally(results, at(members[0].privateIp), `m-${lab.prefix}`);
        report.health = health(samples, members.slice(0, 3).map((n) => n.name));
    } catch (e) {
        report.error = lab.isDestroyed ? "the time limit was reached" : (e as Error).message;
    } finally {
        await writes?.until(() => true, 0).catch(() => undefined);
        await poller?.stop("SIGTERM", 3000).catch(() => undefined);
        clearTimeout(limit);
        lab.destroy();
    }
    log(`etcd membership rehearsal: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return report;
}

function labFile(lab: Lab, name: string, content: string): string {
    const f = path.join(lab.dir, `membership-${name}`);
    writeFileSync(f, content, { mode: 0o600 });
    return f;
}

/** The member's own CA and server certificate (it authenticates clients too), copied for the client. */
async function clientTls(lab: Lab, member: Machine): Promise<{ ca: string; cert: string; key: string }> {
    const out: Record<string, string> = {};
    for (const f of ["ca.crt", "server.crt", "server.key"]) {
        const r = await member.exec("cat", [`/etc/etcd/pki/${f}`]);
        if (r.code !== 0) {
            throw new Error(`${member.name}: cannot read /etc/etcd/pki/${f}: ${r.stderr.trim()}`);
        }
        out[f] = labFile(lab, f, r.stdout);
    }
    return { ca: out["ca.crt"], cert: out["server.crt"], key: out["server.key"] };
}

/** A POST to etcd's JSON gateway from inside the member, with its own certificate. */
async function gateway(member: Machine, api: string, body: unknown): Promise<any> {
    const r = await member.exec("curl", ["-sS", "--max-time", "10", "--cacert", "/etc/etcd/pki/ca.crt", "--cert", "/etc/etcd/pki/server.crt", "--key", "/etc/etcd/pki/server.key",
        "-X", "POST", "-d", JSON.stringify(body), `https://127.0.0.1:2379/v3/${api}`], 15_000);
    if (r.code !== 0) {
        throw new Error(`${member.name}: ${api}: ${r.stderr.trim()}`);
    }
    return JSON.parse(r.stdout);
}

async function memberList(member: Machine): Promise<string[]> {
    const list = await gateway(member, "cluster/member/list", {});
    return (list.members as any[]).map((m) => `${m.name || "(not started)"} ${m.isLearner ? "learner" : "voter"}`).sort();
}

/** The writes, and those acknowledged that the cluster does not hold at the end. */
async function tally(results: readonly ProbeResult[], member: Machine, prefix: string): Promise<MembershipReport["writes"]> {
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    const range = await gateway(member, "kv/range", { key: b64(`${prefix}-`), range_end: b64(`${prefix}.`), keys_only: true });
    const stored = new Set(((range.kvs ?? []) as any[]).map((kv) => Buffer.from(kv.key, "base64").toString("utf8")));
    const acknowledged = results.filter((r) => r.ok);
    return {
        total: results.length, acknowledged: acknowledged.length, failed: results.length - acknowledged.length,
        lost: acknowledged.filter((r) => !stored.has(r.key!)).length, why: failureSummary(results),
    };
}

function health(file: string, names: readonly string[]): MembershipReport["health"] {
    const healthy = healthyPerRound(readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Sample), names);
    return { rounds: healthy.length, minHealthy: healthy.length ? Math.min(...healthy) : 0, roundsWithoutQuorum: healthy.filter((h) => h === 0).length };
}

/** True when the membership changed as promised: 5 voters, then 3, no acknowledged write lost, no round without quorum, at most 1 % of writes failed. */
export function membershipKept(r: MembershipReport): boolean {
    return !r.error && r.afterGrow.length === 5 && r.afterGrow.every((m) => m.endsWith(" voter")) && r.afterShrink.length === 3 && r.afterShrink.every((m) => m.endsWith(" voter")) &&
        r.writes.acknowledged > 0 && r.writes.lost === 0 && r.health.roundsWithoutQuorum === 0 && r.writes.failed <= r.writes.total / 100;
}

export function renderMembershipReport(r: MembershipReport): string {
    // Each step, and what etcd-member-start.sh and etcd-leave.sh said (their lines name each membership step).
    const said = (x: CommandRun) => x.output.split("\n").filter((l) => /^etcd-(member-start|leave\.sh): /.test(l)).map((l) => `        ${l.slice(0, 160)}`);
    const steps = (runs: readonly CommandRun[]) => runs.filter((x) => x.ms > 0).flatMap((x) => [`    ${x.name} ${(x.ms / 1000).toFixed(1)} s${x.code === 0 ? "" : ` (exit ${x.code})`}`, ...said(x)]);
    return [
        `etcd membership 3 -> 5 -> 3 under writes: ${membershipKept(r) ? "every promise kept" : "FAILED"}`,
        ...(r.error ? [`stopped: ${r.error}`] : []),
        `grow (${(r.grow.ms / 1000).toFixed(1)} s): ${r.afterGrow.join(", ")}`, ...r.grow.guard.map((g) => `  guard: ${g}`), ...steps(r.grow.runs),
        `shrink (${(r.shrink.ms / 1000).toFixed(1)} s): ${r.afterShrink.join(", ")}`, ...r.shrink.guard.map((g) => `  guard: ${g}`), ...steps(r.shrink.runs),
        `writes every 100 ms: ${r.writes.failed} of ${r.writes.total} failed${r.writes.why}, ${r.writes.lost} of ${r.writes.acknowledged} acknowledged lost`,
        `health of the 3 members that stay, every second: fewest healthy ${r.health.minHealthy} of 3; ${r.health.roundsWithoutQuorum} of ${r.health.rounds} rounds with none (no quorum)`,
    ].join("\n");
}
