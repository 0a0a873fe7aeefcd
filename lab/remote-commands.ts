// Runs the program's remote commands (deployment.ts) the way the Pulumi engine runs them: each
// as soon as every command it depends on succeeded, as many at once as the graph allows, each in
// the machine it connects to. The engine reaches a machine over SSH through the bastion as the
// image's user (with sudo); the lab runs the same command line with bash in the machine, as root,
// with the same stdin.

import type { DeployedCommand } from "./deployment";
import type { Machine } from "./machine";

export interface CommandRun { readonly name: string; readonly startMs: number; readonly ms: number; readonly code: number; readonly output: string }

/** How long one command may take (kubeadm-once.sh retries; the sentinel wait allows 30 minutes). */
const COMMAND_TIMEOUT_MS = 20 * 60_000;

/** Runs every command; stops scheduling at the first failure and throws with its output. */
export async function runCommands(commands: readonly DeployedCommand[], machineAt: (ip: string) => Machine, log: (s: string) => void,
    t0 = Date.now()): Promise<CommandRun[]> {
    const byName = new Map(commands.map((c) => [c.name, c]));
    for (const c of commands) {
        const unknown = c.after.filter((a) => !byName.has(a));
        if (unknown.length > 0) {
            throw new Error(`${c.name} waits for ${unknown.join(", ")}, which the program does not create`);
        }
    }
    const runs: CommandRun[] = [];
    const started = new Map<string, Promise<CommandRun>>();
    let failed: CommandRun | undefined;
    const start = (c: DeployedCommand): Promise<CommandRun> => {
        const known = started.get(c.name);
        if (known) {
            return known;
        }
        const p = (async () => {
            const deps = await Promise.all(c.after.map((a) => start(byName.get(a)!)));
            if (failed || deps.some((d) => d.code !== 0)) {
                return { name: c.name, startMs: Date.now() - t0, ms: 0, code: -1, output: "not run: a command it waits for failed" };
            }
            const startMs = Date.now() - t0;
            if (c.create === "") {
                // A step with only a `delete`: nothing runs when it is created.
                const none = { name: c.name, startMs, ms: 0, code: 0, output: "" };
                runs.push(none);
                return none;
            }
            log(`  ${c.name}: ${c.create.length > 110 ? `${c.create.slice(0, 107)}...` : c.create}`);
            const r = await machineAt(c.host).exec("bash", ["-c", c.create], COMMAND_TIMEOUT_MS, c.stdin);
            const run = { name: c.name, startMs, ms: Date.now() - t0 - startMs, code: r.code, output: `${r.stdout}${r.stderr}` };
            runs.push(run);
            if (r.code !== 0) {
                failed ??= run;
            }
            return run;
        })();
        started.set(c.name, p);
        return p;
    };
    await Promise.all(commands.map(start));
    if (failed) {
        throw new Error(`${failed.name} exited ${failed.code} after ${(failed.ms / 1000).toFixed(1)} s:\n${failed.output.trim().split("\n").slice(-25).join("\n")}`);
    }
    return runs.sort((a, b) => a.startMs - b.startMs);
}
