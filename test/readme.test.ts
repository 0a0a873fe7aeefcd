import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
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

    it("has a library example that runs as pasted", () => {
        const section = README.slice(README.indexOf("## Using the library"));
        const code = /```ts\n([\s\S]*?)```/.exec(section)![1];
        const dir = mkdtempSync(path.join(ROOT, ".consumer-"));
        try {
            const file = path.join(dir, "example.ts");
            writeFileSync(file, code);
            const r = spawnSync(process.execPath, ["--require", "tsx/cjs", file], { cwd: ROOT, encoding: "utf8" });
            assert.equal(r.status, 0, r.stderr);
            assert.match(r.stdout, /Cluster edge \(dev\) in ap-guangzhou/);
            assert.match(r.stdout, /Fault tolerance/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("has a component example that type-checks against the built package", () => {
        const section = README.slice(README.indexOf("## Using the library"));
        const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
        const example = blocks.find((b) => b.includes("new KubeadmCluster"));
        assert.ok(example, "the README shows KubeadmCluster");
        const dir = mkdtempSync(path.join(ROOT, ".consumer-"));
        try {
            const file = path.join(dir, "component.ts");
            writeFileSync(file, example);
            const program = ts.createProgram([file], {
                strict: true, noEmit: true, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16,
                target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: [],
            });
            assert.deepEqual(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")), []);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("shows the fault-tolerance table that npm run plan prints for prod", () => {
        const r = spawnSync(process.execPath, ["--require", "tsx/cjs", "components/cli/plan.ts", "--stack", "prod", "--today", TODAY], { cwd: ROOT, encoding: "utf8" });
        const table = r.stdout.slice(r.stdout.indexOf("Fault tolerance")).split("\n").slice(0, 5).join("\n");
        assert.ok(README.includes(table), `README is out of date; npm run plan prints:\n${table}`);
    });
});
