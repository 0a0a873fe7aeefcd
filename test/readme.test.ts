import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { TODAY } from "./helpers/fixtures";

const ROOT = path.join(__dirname, "..");
const README = readFileSync(path.join(ROOT, "README.md"), "utf8");

describe("README", () => {
    it("opens with exactly the two set-up commands: run the plan offline, run the tests", () => {
        const firstBlock = /```bash\n([\s\S]*?)```/.exec(README)![1].trim().split("\n").map((l) => l.replace(/\s+#.*$/, ""));
        assert.deepEqual(firstBlock, ["npm ci && npm run plan -- --stack prod", "npm test"]);
        const ci = readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
        assert.match(ci, /^npm test$/m, ".ci/run runs the README's test command");
    });

    it("shows the fault-tolerance table that npm run plan prints for prod", () => {
        const r = spawnSync(process.execPath, ["--require", "tsx/cjs", "components/cli/plan.ts", "--stack", "prod", "--today", TODAY], { cwd: ROOT, encoding: "utf8" });
        const table = r.stdout.slice(r.stdout.indexOf("Fault tolerance")).split("\n").slice(0, 5).join("\n");
        assert.ok(README.includes(table), `README is out of date; npm run plan prints:\n${table}`);
    });
});
