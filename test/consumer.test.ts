// The library as a user gets it: both packages packed, installed into an empty Pulumi program with
// the README's own command, type-checked with the Pulumi template's tsconfig (strict, no
// skipLibCheck), the README's unit test run under the exported harness, its inventory compared
// with `npm run plan`'s, and the /plan entry loaded with every @pulumi module refused.

import { strict as assert } from "node:assert";
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..");
const README = readFileSync(path.join(ROOT, "README.md"), "utf8");
const SECTION = README.slice(README.indexOf("## Using the library"), README.indexOf("## Layout"));
const pkg = require("../package.json");
const sdkPkg = require("../sdks/tencentcloud/package.json");

/** The README block of the section that contains `marker`. */
function block(lang: "ts" | "bash", marker: string): string {
    const found = [...SECTION.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]).filter((b) => b.includes(marker));
    assert.equal(found.length, 1, `one ${lang} block with ${marker} in the README's library section`);
    return found[0];
}

/** The Pulumi TypeScript template's tsconfig.json (`pulumi new typescript`), with our files listed. */
const templateTsconfig = (files: string[]) => ({
    compilerOptions: {
        strict: true, outDir: "bin", target: "es2020", module: "commonjs", moduleResolution: "node", sourceMap: true,
        experimentalDecorators: true, pretty: false, noFallthroughCasesInSwitch: true, noImplicitReturns: true, forceConsistentCasingInFileNames: true,
    },
    files,
});

/** Refuses every @pulumi/* module, so that a load proves it needs none. */
const BLOCK_PULUMI = `const Module = require("node:module");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
    if (/^@pulumi\\//.test(request)) { throw new Error("refused: " + request); }
    return resolve.call(this, request, ...rest);
};
`;

/** Run for its inventory: the README's cluster under the harness, every custom resource as the plan lists it. */
const INVENTORY = `import { installCloudMocks, waitForRegistrations } from "kubeadm-ha-tencentcloud/testing";
import { KubeadmCluster } from "kubeadm-ha-tencentcloud";
import { edge } from "./cluster";

(async () => {
    const recorder = await installCloudMocks({ project: "my-infra", stack: "dev" });
    new KubeadmCluster("edge", { cluster: edge, previousSnapshot: null });
    await waitForRegistrations();
    const parentName = (urn: string) => (urn ? urn.split("::").pop() : undefined);
    console.log(JSON.stringify(recorder.custom().map((r) => ({ type: r.type, name: r.name, parent: parentName(r.parentUrn) }))));
})();
`;

describe("a Pulumi program that installs the packed library (consumer)", function () {
    this.timeout(600_000);
    let work: string;
    let program: string;
    const times: Record<string, number> = {};

    const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> & { ms: number } => {
        const start = Date.now();
        const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 300_000, env: { ...process.env, ...env } });
        return Object.assign(r, { ms: Date.now() - start });
    };
    const ok = (r: SpawnSyncReturns<string>, what: string) => assert.equal(r.status, 0, `${what} failed:\n${r.stdout}\n${r.stderr}`);

    before(() => {
        work = mkdtempSync(path.join(os.tmpdir(), "kubeadm-ha-consumer-"));
        const clone = path.join(work, "kubeadm-ha-tencentcloud");
        program = path.join(work, "my-infra");
        mkdirSync(clone);
        mkdirSync(program);
        // `npm run pack` is the build (npm test has just run it) and these two packs.
        assert.equal(pkg.scripts.pack, "npm run build:sdk && npm run build && npm pack --ignore-scripts && npm pack --ignore-scripts ./sdks/tencentcloud");
        for (const dir of [".", "./sdks/tencentcloud"]) {
            ok(run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", clone, dir], ROOT), `npm pack ${dir}`);
        }
        assert.deepEqual(readdirSync(clone).sort(), [`${pkg.name}-${pkg.version}.tgz`, `pulumi-tencentcloud-${sdkPkg.version}.tgz`]);

        writeFileSync(path.join(program, "package.json"), JSON.stringify({
            name: "my-infra", main: "index.ts",
            devDependencies: { "@types/node": pkg.devDependencies["@types/node"], typescript: pkg.devDependencies.typescript },
            dependencies: { "@pulumi/pulumi": pkg.devDependencies["@pulumi/pulumi"] },
        }, null, 2));
        writeFileSync(path.join(program, "index.ts"), block("ts", "readDeployedSnapshot"));
        writeFileSync(path.join(program, "cluster.ts"), block("ts", "export const edge"));
        writeFileSync(path.join(program, "cluster.test.ts"), block("ts", "node:test"));
        writeFileSync(path.join(program, "plan.ts"), block("ts", `from "${pkg.name}/plan"`));
        writeFileSync(path.join(program, "inventory.ts"), INVENTORY);
        writeFileSync(path.join(program, "block-pulumi.js"), BLOCK_PULUMI);
        writeFileSync(path.join(program, "tsconfig.json"), JSON.stringify(templateTsconfig(["index.ts", "cluster.ts", "cluster.test.ts", "plan.ts", "inventory.ts"]), null, 2));

        // The README's install command, as printed (npm's own settings only keep it quiet and offline-first).
        const install = block("bash", "npm install").trim();
        const i = run("bash", ["-c", install], program,
            { npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false", npm_config_loglevel: "error" });
        ok(i, "npm install");
        times.install = i.ms;
    });

    after(() => {
        if (Object.keys(times).length > 0) {
            console.log(`      consumer: ${Object.entries(times).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(", ")}`);
        }
        rmSync(work, { recursive: true, force: true });
    });

    it("installs the library and the SDK subset as packages of its own, no link into this repository", () => {
        const deps = JSON.parse(readFileSync(path.join(program, "package.json"), "utf8")).dependencies;
        assert.match(deps[pkg.name], /^file:\.\.\/kubeadm-ha-tencentcloud\/.*\.tgz$/);
        assert.match(deps["@pulumi/tencentcloud"], /^file:\.\.\/kubeadm-ha-tencentcloud\/.*\.tgz$/);
        for (const name of [pkg.name, "@pulumi/tencentcloud"]) {
            assert.ok(lstatSync(path.join(program, "node_modules", name)).isDirectory(), `${name} is a folder, not a link`);
        }
        const sdk = path.join(program, "node_modules", "@pulumi", "tencentcloud");
        assert.ok(readdirSync(path.join(sdk, "bin")).includes("index.js"), "the SDK ships compiled");
        assert.ok(!readdirSync(sdk).some((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")), "and not its TypeScript sources");
        const lib = JSON.parse(readFileSync(path.join(program, "node_modules", pkg.name, "package.json"), "utf8"));
        assert.equal(lib.peerDependencies["@pulumi/tencentcloud"], ">=1.83.25 <2");
        assert.equal(lib.dependencies["@pulumi/tencentcloud"], undefined);
    });

    it("type-checks with the Pulumi template's tsconfig: strict, no skipLibCheck", () => {
        const r = run(process.execPath, [path.join(program, "node_modules", "typescript", "bin", "tsc"), "-p", "."], program);
        times.typecheck = r.ms;
        ok(r, "tsc");
    });

    it("refuses a wrong type in the cluster config at compile time (count: \"two\")", () => {
        const bad = block("ts", "export const edge").replace(/count: 2/, `count: "two"`);
        assert.notEqual(bad, block("ts", "export const edge"));
        writeFileSync(path.join(program, "bad.ts"), bad);
        writeFileSync(path.join(program, "tsconfig.bad.json"), JSON.stringify({ ...templateTsconfig(["bad.ts"]), compilerOptions: { ...templateTsconfig([]).compilerOptions, noEmit: true } }));
        const r = run(process.execPath, [path.join(program, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.bad.json"], program);
        assert.equal(r.status, 2, r.stdout);
        assert.match(r.stdout, /bad\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
    });

    it("runs the README's unit test under the exported harness", () => {
        const r = run(process.execPath, ["--test", "bin/"], program);
        ok(r, "node --test");
        assert.match(r.stdout, /# pass 1\b/);
        assert.match(r.stdout, /# fail 0\b/);
    });

    it("registers the same resources as npm run plan for the same configuration", () => {
        const r = run(process.execPath, ["bin/inventory.js"], program);
        ok(r, "inventory");
        const mine = JSON.parse(r.stdout.trim().split("\n").pop()!) as { type: string; name: string; parent?: string }[];
        const edge = JSON.parse(run(process.execPath, ["-e", "console.log(JSON.stringify(require('./bin/cluster').edge))"], program).stdout);
        const stackFile = path.join(work, "Pulumi.edge.yaml");
        writeFileSync(stackFile, JSON.stringify({ config: { "kubeadm-ha:cluster": edge } }));
        const plan = run(process.execPath, ["--require", "tsx/cjs", "components/cli/plan.ts", "--config", stackFile, "--json"], ROOT);
        ok(plan, "npm run plan");
        const planned = (JSON.parse(plan.stdout).preview.resources as { type: string; name: string; parent?: string }[]).map(({ type, name, parent }) => ({ type, name, parent }));
        const key = (x: { type: string; name: string; parent?: string }) => `${x.type} ${x.name} ${x.parent ?? ""}`;
        assert.ok(mine.length > 40, `${mine.length} resources`);
        assert.deepEqual(mine.map(key).sort(), planned.map(key).sort());
    });

    it("loads the /plan entry and plans with every @pulumi module refused", () => {
        const r = run(process.execPath, ["--require", "./block-pulumi.js", "bin/plan.js"], program);
        ok(r, "plan.js");
        assert.match(r.stdout, /Cluster edge \(dev\) in ap-guangzhou/);
        assert.match(r.stdout, /Fault tolerance/);
        const full = run(process.execPath, ["--require", "./block-pulumi.js", "-e", `require("${pkg.name}")`], program);
        assert.notEqual(full.status, 0, "the refusal works: the components need Pulumi");
        assert.match(full.stderr, /refused: @pulumi\//);
    });
});
