import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const ROOT = path.join(__dirname, "..");
const pkg = require("../package.json");

describe("the package other Pulumi programs import", () => {
    it("points main, types and exports at the built library, not at the program", () => {
        assert.equal(pkg.main, "dist/index.js");
        assert.equal(pkg.types, "dist/index.d.ts");
        assert.deepEqual(pkg.exports["."], { types: "./dist/index.d.ts", default: "./dist/index.js" });
        assert.ok(existsSync(path.join(ROOT, "dist", "index.js")), "run `npm run build` first (npm test does)");
        assert.ok(!existsSync(path.join(ROOT, "dist", "cli")), "the CLI is not part of the library");
    });

    it("resolves by package name and exposes the planning API", () => {
        const lib = require(pkg.name);
        assert.equal(require.resolve(pkg.name), path.join(ROOT, "dist", "index.js"));
        for (const name of ["validateCluster", "planFromConfig", "planStackFile", "renderPlanReport", "ValidationError"]) {
            assert.equal(typeof lib[name], "function", name);
        }
    });

    it("type-checks a consumer that imports it by name", () => {
        const dir = mkdtempSync(path.join(ROOT, ".consumer-"));
        try {
            const file = path.join(dir, "consumer.ts");
            writeFileSync(file, [
                `import { ClusterConfigInput, ClusterPlan, planFromConfig } from "${pkg.name}";`,
                `const input: ClusterConfigInput = { name: "x", region: "ap-guangzhou", zones: [{ zone: "ap-guangzhou-3", subnetCidr: "10.0.1.0/24" }], network: { vpcCidr: "10.0.0.0/16" } };`,
                `export const plan: ClusterPlan = planFromConfig(input).plan;`,
                `export const n: number = plan.nodes.length;`,
            ].join("\n"));
            const program = ts.createProgram([file], {
                strict: true, noEmit: true, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16,
                target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: [],
            });
            const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
            assert.deepEqual(diagnostics, []);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
