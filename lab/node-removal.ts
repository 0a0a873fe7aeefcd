// A worker removed as `pulumi up` removes it when its pool's count goes down by one: the program
// runs again with one worker fewer (its change guard judges the removal), and exactly what the
// engine would do runs: the `create` of the commands that change (none should) and the `delete`
// of the commands the program no longer has (pending-commands.ts), the worker's remove step
// among them (node-remove.sh on master-0: cordon, evictions under the PodDisruptionBudget, the
// Node deleted). Only then is the machine deleted. Measured: where the worker's pods went, and
// that they were Ready elsewhere before the machine went.

import { planStackFile } from "../components/plan/stack-file";
import type { BroughtUp } from "./bring-up";
import type { LabState } from "./deployment";
import { must } from "./lab";
import type { CommandRun } from "./remote-commands";
import { applyUpdate, StackFile } from "./update";
import { WORKLOAD_NS } from "./upgrade-load";

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
    const pods = await must(c.kubectl(["-n", WORKLOAD_NS, "get", "pods", "-o", "json"]), "the workload's pods");
    return (JSON.parse(pods).items as any[]).filter((p) => !p.metadata.deletionTimestamp).map((p) => ({
        name: p.metadata.name, node: p.spec.nodeName ?? "", ready: !!p.status.conditions?.some((x: any) => x.type === "Ready" && x.status === "True"),
    }));
}

/**
 * Removes the last worker of `file`'s last pool from the cluster `c` holds (its last update's state
 * kept in `state`), under whatever load runs. Returns the stack file it applied and the report.
 */
export async function removeWorker(c: BroughtUp, file: StackFile, stack: string, state: LabState, replicas: number, log: (s: string) => void,
    t0: number): Promise<{ file: StackFile; report: RemovalReport }> {
    const smaller = oneWorkerFewer(file);
    const kept = new Set(planStackFile(smaller, stack).plan.nodes.map((n) => n.name));
    const gone = c.plan.nodes.filter((n) => !kept.has(n.name));
    if (gone.length !== 1 || gone[0].role !== "worker") {
        throw new Error(`one worker fewer removes ${gone.map((n) => n.name).join(", ") || "nothing"}, not one worker`);
    }
    const worker = gone[0];
    if (!(await workloadPods(c)).some((p) => p.node === worker.hostname)) {
        // The upgrade drained it last: no pod came back. A rollout spreads the pods over every worker again (one at a time, as the Deployment allows).
        log(`${worker.name} runs no pod of the workload: the workload rolls out again to spread over every worker`);
        for (const args of [["rollout", "restart", "deployment/web"], ["rollout", "status", "deployment/web", "--timeout=180s"]]) {
            await must(c.kubectl(["-n", WORKLOAD_NS, ...args], 190_000), `kubectl ${args.join(" ")}`);
        }
    }
    const podsOnIt = (await workloadPods(c)).filter((p) => p.node === worker.hostname).map((p) => p.name);
    let nodeGoneFirst = false;
    let after: { name: string; node: string; ready: boolean }[] = [];
    const run = await applyUpdate(c, smaller, stack, state, {
        log, t0, beforeMachinesGo: async () => {
            nodeGoneFirst = (await c.kubectl(["get", "node", worker.hostname, "-o", "name"])).stderr.includes("NotFound");
            after = await workloadPods(c);
        },
    });
    const readyBeforeMachineGone = after.filter((p) => p.ready && p.node !== worker.hostname).length;
    log(`${worker.name}: removed in ${(run.ms / 1000).toFixed(1)} s; ${readyBeforeMachineGone} of ${replicas} replicas Ready elsewhere before its machine was deleted`);
    return {
        file: smaller,
        report: {
            worker: worker.name, hostname: worker.hostname, created: run.created.map((x) => x.name), deletes: run.deleted, podsOnIt, nodesAfter: [...new Set(after.map((p) => p.node))].sort(),
            readyBeforeMachineGone, replicas, nodeGoneFirst, ms: run.ms,
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
