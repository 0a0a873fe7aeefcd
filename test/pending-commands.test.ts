// The commands the lab replays for an update (lab/pending-commands.ts).

import { strict as assert } from "node:assert";
import type { DeployedCommand } from "../lab/deployment";
import { deletedCommands, pendingCommands } from "../lab/pending-commands";

const cmd = (name: string, after: string[] = [], extra: Partial<DeployedCommand> = {}): DeployedCommand => ({ name, host: "10.0.1.1", create: `run ${name}`, after, ...extra });

describe("the commands an update runs", () => {
    const before = [cmd("a"), cmd("b", ["a"], { triggers: '["1.36.3"]' }), cmd("c", ["b"]), cmd("d", ["c"], { triggers: '["1.36.3"]' })];

    it("are the new ones and those whose triggers, command line, stdin or connection changed", () => {
        assert.deepEqual(pendingCommands(before, before), []);
        const after = [...before.map((c) => (c.triggers ? { ...c, triggers: '["1.37.2"]' } : c)), cmd("e", ["a"])];
        assert.deepEqual(pendingCommands(before, after).map((c) => c.name), ["b", "d", "e"]);
        assert.deepEqual(pendingCommands(before, [before[0], { ...before[1], stdin: "x" }, before[2], before[3]]).map((c) => c.name), ["b"]);
        assert.deepEqual(pendingCommands(before, [{ ...before[0], hostKey: "ssh-ed25519 AAAA" }, ...before.slice(1)]).map((c) => c.name), ["a"]);
    });

    it("each wait for the pending commands they depend on, through those that do not run", () => {
        const after = before.map((c) => (c.triggers ? { ...c, triggers: '["1.37.2"]' } : c));
        assert.deepEqual(pendingCommands(before, after).map((c) => [c.name, c.after]), [["b", []], ["d", ["b"]]]);
    });

    it("never run a step that has only a delete when it is created; a removed resource's delete runs after the removed ones that depend on it", () => {
        const hooks = [...before, cmd("w-join", ["a"]), cmd("w-done", ["w-join"]), cmd("w-remove", ["w-done"], { create: "", delete: "remove w" }),
            cmd("w-leave", ["w-remove"], { create: "", delete: "leave w" }), cmd("w-last", ["w-leave"], { create: "", delete: "last w" })];
        assert.deepEqual(pendingCommands(before, hooks).map((c) => c.name), ["w-join", "w-done"], "the hooks create nothing");
        assert.deepEqual(pendingCommands(hooks, hooks.map((c) => (c.delete ? { ...c, delete: `${c.delete} again` } : c))), [], "a changed delete runs nothing");
        const deleted = deletedCommands(hooks, before);
        assert.deepEqual(deleted.map((c) => [c.name, c.create, c.after]), [["w-remove", "remove w", ["w-leave"]], ["w-leave", "leave w", ["w-last"]], ["w-last", "last w", []]]);
        assert.deepEqual(deletedCommands(hooks, hooks), []);
    });
});
