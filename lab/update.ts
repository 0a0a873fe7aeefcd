// One `pulumi up` of a changed stack file on a brought-up cluster, as the engine runs it: the
// program runs again with the deployed stack's outputs (its change guard judges the change) and
// the same keys (LabState); the machines it adds are created and boot from their user-data while
// the commands wait for them; the `create` of every command that is new or changed runs
// (pending-commands.ts), then the `delete` of every command the program no longer has, and only
// then are the machines it no longer has deleted. Growing and shrinking a cluster go through here.

import { checkChange, GuardSnapshot } from "../components/plan/change-guard";
import type { ClusterPlan } from "../components/plan/plan";
import { planStackFile } from "../components/plan/stack-file";
import type { PlannedNode } from "../components/plan/topology";
import type { BroughtUp } from "./bring-up";
import { deployment, Deployment, LabState } from "./deployment";
import { deletedCommands, pendingCommands } from "./pending-commands";
import { CommandRun, runCommands } from "./remote-commands";

export type StackFile = { config: Record<string, any> };

export interface UpdateRun {
    /** The machines the update created and the ones it deleted (node names). */
    readonly added: readonly string[];
    readonly removed: readonly string[];
    /** The commands whose `create` ran, then the deletes. */
    readonly created: readonly CommandRun[];
    readonly deleted: readonly CommandRun[];
    /** What the change guard printed (a refusal throws: the program refuses too). */
    readonly guard: readonly string[];
    readonly ms: number;
}

export interface UpdateOptions {
    /** Runs once the deletes are done, before the machines go (what must hold while they still exist). */
    readonly beforeMachinesGo?: (gone: readonly PlannedNode[]) => Promise<void>;
    /** Progress lines. */
    readonly log: (s: string) => void;
    /** The run's start (ms since the epoch): the commands' start times count from it. */
    readonly t0: number;
}

/** What the change guard said of the update from `before` to `after` (the program ran it too: a refusal would have thrown). */
export const guardWarnings = (before: Deployment, after: Deployment): string[] =>
    checkChange(before.outputs.changeGuardSnapshot as GuardSnapshot, after.outputs.changeGuardSnapshot as GuardSnapshot).warnings.map((w) => w.problem);

/** Applies `file` to the cluster `c` holds (its plan and deployment become the new ones). */
export async function applyUpdate(c: BroughtUp, file: StackFile, stack: string, state: LabState, o: UpdateOptions): Promise<UpdateRun> {
    const before = c.deployed;
    const next = await deployment(file, stack, { state, deployedOutputs: { changeGuardSnapshot: before.outputs.changeGuardSnapshot } });
    const { plan } = planStackFile(file, stack);
    const guard = guardWarnings(before, next);
    const had = new Set(c.plan.nodes.map((n) => n.name));
    const kept = new Set(plan.nodes.map((n) => n.name));
    const added = plan.nodes.filter((n) => !had.has(n.name) && n.role !== "bastion");
    const gone = c.plan.nodes.filter((n) => !kept.has(n.name) && n.role !== "bastion");
    const creates = pendingCommands(before.commands, next.commands);
    const deletes = deletedCommands(before.commands, next.commands);
    o.log(`update: ${added.length} machines added, ${gone.length} removed; ${creates.length} commands run, ${deletes.length} deletes`);
    const t = Date.now();
    await c.addMachines(added, plan);
    // The new machines' commands reach them by address: the plan is the new one from here on (its removed nodes keep their machines until the deletes are done).
    c.adopt(mergedPlan(plan, gone), next);
    // runCommands throws at the first failure, with its output: the update stops there, as `pulumi up` does.
    const [created] = await Promise.all([runCommands(creates, (ip) => c.machineAt(ip), o.log, o.t0), ...c.boot(added, next, o.t0)]);
    const deleted = await runCommands(deletes, (ip) => c.machineAt(ip), o.log, o.t0);
    await o.beforeMachinesGo?.(gone);
    gone.forEach((n) => c.deleteMachine(n));
    c.adopt(plan, next);
    return { added: added.map((n) => n.name), removed: gone.map((n) => n.name), created, deleted, guard, ms: Date.now() - t };
}

/** The new plan with the nodes it removes still in it (their delete steps reach them), for the length of the update. */
function mergedPlan(plan: ClusterPlan, gone: readonly PlannedNode[]): ClusterPlan {
    return { ...plan, nodes: [...plan.nodes, ...gone] };
}
