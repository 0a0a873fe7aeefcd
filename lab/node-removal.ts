// A worker removed as `pulumi up` removes it when its pool's count goes down by one: the program
// runs again with one worker fewer (its change guard judges the removal), and exactly what the
// engine would do runs: the `create` of the commands that change (none should) and the `delete`
// of the commands the program no longer has (pending-commands.ts), the worker's remove step
// among them (node-remove.sh on master-0: cordon, evictions under the PodDisruptionBudget, the
// Node deleted). Only then is the machine deleted. Measured: where the worker's pods went, and
// that they were Ready elsewhere before the machine went.

import type { BroughtUp } from "./bring-up";
import { deployment, Deployment, LabState } from "./deployment";
import type { Machine } from "./machine";
import { deletedCommands, pendingCommands } from "./pending-commands";
import { CommandRun, runCommands } from "./remote-commands";
import { WORKLOAD_NS } from "./upgrade-load";

type StackFile = { config: Record<string, any> };

export interface RemovalReport {
    /** The removed worker's node name and hostname. */
    readonly worker: string;
    readonly hostname: string;
    /** The commands the update created again (expected: none) and the deletes it ran. */
    readonly created: readonly string[];
    readonly deletes: readonly CommandRun[];
    /** The workload's pods on the worker before, and the nodes of the workload's pods once its remove step was done. */
    readonly podsOnIt: readonly string[];
    readonly nodesAfter: readonly string[];
    /** Ready replicas of the workload when the remove step was done, before the machine was deleted, of `replicas`. */
    readonly readyBeforeMachineGone: number;
    readonly replicas: number;
    /** Whether the Node object was gone before the machine. */
    readonly nodeGoneFirst: boolean;
    readonly ms: number;
}

/** The stack file with the last worker pool one machine smaller. */
function oneWorkerFewer(file: StackFile): StackFile {
    const copy = structuredClone(file);
    const pools = copy.config["kubeadm-ha:cluster"].workerPools as { count: number }[];
    pools[pools.length - 1].count -= 1;
    return copy;
}

/** The workload's pods: name and node. */
async function workloadPods(c: BroughtUp): Promise<{ name: string; node: string; ready: boolean }[]> {
    const r = await c.kubectl(["-n", WORKLOAD_NS, "get", "pods", "-o", "json"]);
    if (r.code !== 0) {
        throw new Error(`the workload's pods: ${r.stderr}`);
    }
    return (JSON.parse(r.stdout).items as any[]).filter((p) => !p.metadata.deletionTimestamp).map((p) => ({
        name: p.metadata.name, node: p.spec.nodeName ?? "", ready: !!p.status.conditions?.some((x: any) => x.type === "Ready" && x.status === "True"),
    }));
}

/**
 * Removes the last worker of `file`'s last pool from the cluster `deployed` describes (the state of
 * the last update kept in `state`), under whatever load runs. Returns the next deployment and the report.
 */
export async function removeWorker(c: BroughtUp, file: StackFile, stack: string, state: LabState, deployed: Deployment,
    machineAt: (ip: string) => Machine, replicas: number, log: (s: string) => void, t0: number): Promise<{ next: Deployment; report: RemovalReport }> {
    const smaller = oneWorkerFewer(file);
    const next = await deployment(smaller, stack, { state, deployedOutputs: { changeGuardSnapshot: deployed.outputs.changeGuardSnapshot } });
    const kept = new Set(next.instances.map((i) => i.name));
    const gone = c.plan.nodes.filter((n) => !kept.has(n.name));
    if (gone.length !== 1 || gone[0].role !== "worker") {
        throw new Error(`one worker fewer removes ${gone.map((n) => n.name).join(", ") || "nothing"}, not one worker`);
    }
    const worker = gone[0];
    const created = pendingCommands(deployed.commands, next.commands);
    const deletes = deletedCommands(deployed.commands, next.commands);
    log(`remove ${worker.name}: ${created.length} commands run again, ${deletes.length} deletes (${deletes.map((d) => d.name).join(", ")})`);
    if (!(await workloadPods(c)).some((p) => p.node === worker.hostname)) {
        // The upgrade drained it last: no pod came back. A rollout spreads the pods over every worker again (one at a time, as the Deployment allows).
        log(`${worker.name} runs no pod of the workload: the workload rolls out again to spread over every worker`);
        for (const args of [["rollout", "restart", "deployment/web"], ["rollout", "status", "deployment/web", "--timeout=180s"]]) {
            const r = await c.kubectl(["-n", WORKLOAD_NS, ...args], 190_000);
            if (r.code !== 0) {
                throw new Error(`kubectl ${args.join(" ")}: ${r.stderr.trim()}`);
            }
        }
    }
    const podsOnIt = (await workloadPods(c)).filter((p) => p.node === worker.hostname).map((p) => p.name);
    const r0 = Date.now();
    await runCommands(created, machineAt, log, t0);
    const runs = await runCommands(deletes, machineAt, log, t0);
    const nodeGoneFirst = (await c.kubectl(["get", "node", worker.hostname, "-o", "name"])).stderr.includes("NotFound");
    const after = await workloadPods(c);
    const readyBeforeMachineGone = after.filter((p) => p.ready && p.node !== worker.hostname).length;
    c.deleteMachine(worker);
    log(`${worker.name}: its remove step took ${((Date.now() - r0) / 1000).toFixed(1)} s; ${readyBeforeMachineGone} of ${replicas} replicas Ready elsewhere; machine deleted`);
    return {
        next,
        report: {
            worker: worker.name, hostname: worker.hostname, created: created.map((x) => x.name), deletes: runs, podsOnIt, nodesAfter: [...new Set(after.map((p) => p.node))].sort(),
            readyBeforeMachineGone, replicas, nodeGoneFirst, ms: Date.now() - r0,
        },
    };
}

/**
 * True when the worker left as promised: nothing else ran again, its Node was gone and its pods were
 * elsewhere before its machine went, at least the PodDisruptionBudget's minimum (`replicas - 1`) of
 * them Ready (a replacement may still be starting: the drain waits for the eviction, not for it).
 */
export function removalKept(r: RemovalReport): boolean {
    return r.created.length === 0 && r.nodeGoneFirst && r.readyBeforeMachineGone >= r.replicas - 1 && !r.nodesAfter.includes(r.hostname) && r.podsOnIt.length > 0 &&
        r.deletes.some((d) => d.name.endsWith(`-remove-${r.worker}`) && d.code === 0);
}
