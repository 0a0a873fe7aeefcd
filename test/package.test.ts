import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
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

    it("has a pure entry point and a testing one, typed under node10 resolution too (typesVersions)", () => {
        assert.deepEqual(pkg.exports["./plan"], { types: "./dist/plan-api.d.ts", default: "./dist/plan-api.js" });
        assert.deepEqual(pkg.exports["./testing"], { types: "./dist/testing/index.d.ts", default: "./dist/testing/index.js" });
        assert.deepEqual(pkg.typesVersions, { "*": { plan: ["dist/plan-api.d.ts"], testing: ["dist/testing/index.d.ts"] } });
        const testing = require(`${pkg.name}/testing`);
        for (const name of ["installCloudMocks", "installRecorder", "waitForRegistrations", "isWireSecret"]) {
            assert.equal(typeof testing[name], "function", name);
        }
        assert.match(testing.PREVIEW_CA_CERT, /^-----BEGIN CERTIFICATE-----/);
        const lib = require(pkg.name);
        assert.equal(typeof lib.readDeployedSnapshot, "function");
        assert.equal(lib.SNAPSHOT_OUTPUT, "changeGuardSnapshot");
    });

    it("declares the Tencent SDK as an optional peer the user installs, ours only for development", () => {
        assert.equal(pkg.dependencies["@pulumi/tencentcloud"], undefined);
        assert.equal(pkg.peerDependencies["@pulumi/tencentcloud"], ">=1.83.25 <2");
        assert.deepEqual(pkg.peerDependenciesMeta["@pulumi/tencentcloud"], { optional: true });
        assert.equal(pkg.devDependencies["@pulumi/tencentcloud"], "file:sdks/tencentcloud");
        const sdk = require("../sdks/tencentcloud/package.json");
        assert.deepEqual(sdk.files, ["bin/", "build-if-missing.js"]);
    });

    it("keeps zod out of every public type: no declaration reachable from an entry point imports it", () => {
        const seen = new Set<string>();
        const queue = ["index.d.ts", "plan-api.d.ts", "testing/index.d.ts"].map((f) => path.join(ROOT, "dist", f));
        const zod: string[] = [];
        while (queue.length > 0) {
            const file = queue.pop()!;
            if (seen.has(file)) {
                continue;
            }
            seen.add(file);
            for (const m of readFileSync(file, "utf8").matchAll(/from ["']([^"']+)["']|import\(["']([^"']+)["']\)/g)) {
                const spec = m[1] ?? m[2];
                if (spec.startsWith(".")) {
                    const base = path.resolve(path.dirname(file), spec);
                    const found = [`${base}.d.ts`, path.join(base, "index.d.ts")].find((c) => existsSync(c));
                    assert.ok(found, `${file} imports ${spec}`);
                    queue.push(found);
                } else if (/^zod(\/|$)/.test(spec)) {
                    zod.push(path.relative(ROOT, file));
                }
            }
        }
        assert.ok(seen.size > 30, `${seen.size} declarations`);
        assert.deepEqual(zod, []);
    });
});

describe("the package's public types", () => {
    it("exports every named type that an exported component, function or type uses, from the same entry point", function () {
        this.timeout(60_000);
        const dist = path.join(ROOT, "dist");
        const entries = ["index.d.ts", "plan-api.d.ts", "testing/index.d.ts"].map((f) => path.join(dist, f));
        const program = ts.createProgram(entries, { strict: true, noEmit: true, types: [] });
        const checker = program.getTypeChecker();
        const resolve = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
        const missing: string[] = [];
        let checked = 0;
        for (const entry of entries) {
            const exported = new Set(checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!).map(resolve));
            const seen = new Set<ts.Symbol>();
            const visit = (symbol: ts.Symbol, from: string) => {
                if (seen.has(symbol)) {
                    return;
                }
                seen.add(symbol);
                for (const decl of symbol.declarations ?? []) {
                    if (!decl.getSourceFile().fileName.startsWith(dist)) {
                        continue;
                    }
                    const walk = (node: ts.Node) => {
                        if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
                            const target = checker.getSymbolAtLocation(ts.isTypeReferenceNode(node) ? node.typeName : node.expression);
                            const s = target && resolve(target);
                            const ours = s?.declarations?.some((d) => d.getSourceFile().fileName.startsWith(dist) && !ts.isTypeParameterDeclaration(d));
                            if (s && ours) {
                                checked++;
                                if (!exported.has(s)) {
                                    missing.push(`${path.relative(dist, entry)}: ${s.getName()} (used by ${from})`);
                                }
                                visit(s, s.getName());
                            }
                        }
                        // Private members and function bodies are not part of the public shape.
                        if (!(ts.isPropertyDeclaration(node) && node.modifiers?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword))) {
                            ts.forEachChild(node, walk);
                        }
                    };
                    walk(decl);
                }
            };
            exported.forEach((s) => visit(s, s.getName()));
        }
        assert.ok(checked > 100, `${checked} type references checked`);
        assert.deepEqual([...new Set(missing)].sort(), []);
    });
});
