// Which of the program's remote commands a `pulumi up` runs on a deployed cluster: @pulumi/command
// runs a command's `create` when the resource is new, and again when its command line, stdin,
// connection or `triggers` change (it has no `update` command). The lab replays an update (an
// upgrade among them) with exactly those, each waiting for the pending commands it depends on,
// directly or through commands that do not run.

import type { DeployedCommand } from "./deployment";

/** What decides whether a command runs again. */
const identity = (c: DeployedCommand) => JSON.stringify([c.create, c.stdin, c.host, c.hostKey, c.proxyHostKey, c.triggers]);

/** The commands that run when the program goes from `before` to `after`, in `after`'s order. */
export function pendingCommands(before: readonly DeployedCommand[], after: readonly DeployedCommand[]): DeployedCommand[] {
    const deployed = new Map(before.map((c) => [c.name, identity(c)]));
    const byName = new Map(after.map((c) => [c.name, c]));
    const runs = new Set(after.filter((c) => deployed.get(c.name) !== identity(c)).map((c) => c.name));
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
