// Which of the program's remote commands a `pulumi up` runs on a deployed cluster: @pulumi/command
// runs a command's `create` when the resource is new, and again when its command line, stdin,
// connection or `triggers` change (it has no `update` command). The lab replays an update (an
// upgrade among them) with exactly those, each waiting for the pending commands it depends on,
// directly or through commands that do not run.

import type { DeployedCommand } from "./deployment";

/** What decides whether a command runs again. */
const identity = (c: DeployedCommand) => JSON.stringify([c.create, c.stdin, c.host, c.hostKey, c.proxyHostKey, c.triggers]);

/** The commands whose `create` runs when the program goes from `before` to `after`, in `after`'s order. */
export function pendingCommands(before: readonly DeployedCommand[], after: readonly DeployedCommand[]): DeployedCommand[] {
    const deployed = new Map(before.map((c) => [c.name, identity(c)]));
    const byName = new Map(after.map((c) => [c.name, c]));
    const runs = new Set(after.filter((c) => c.create !== "" && deployed.get(c.name) !== identity(c)).map((c) => c.name));
    // The pending commands a command waits for, through the ones that do not run.
    const waits = (name: string, seen = new Set<string>()): string[] => (byName.get(name)?.after ?? []).flatMap((a) => {
        if (seen.has(a)) {
            return [];
        }
        seen.add(a);
        return runs.has(a) ? [a] : waits(a, seen);
    });
    return after.filter((c) => runs.has(c.name)).map((c) => ({ ...c, after: [...new Set(waits(c.name))] }));
}

/**
 * The `delete` commands that run when the program goes from `before` to `after`: those of the
 * resources `after` no longer has, each (as its `create`) after every removed command that depends
 * on it, as the engine deletes dependents first.
 */
export function deletedCommands(before: readonly DeployedCommand[], after: readonly DeployedCommand[]): DeployedCommand[] {
    const kept = new Set(after.map((c) => c.name));
    const gone = before.filter((c) => !kept.has(c.name));
    // The removed commands with a delete that depend on `name`, directly or through removed ones without.
    const dependents = (name: string, seen = new Set<string>()): string[] => gone.filter((c) => c.after.includes(name) && !seen.has(c.name)).flatMap((c) => {
        seen.add(c.name);
        return c.delete !== undefined ? [c.name] : dependents(c.name, seen);
    });
    return gone.filter((c) => c.delete !== undefined)
        .map((c) => ({ ...c, create: c.delete!, after: [...new Set(dependents(c.name))] }));
}
