// npm run bins [-- --only <product>] [--force]
// Builds the real programs the lab runs (lab/bins/products.ts) from their Go modules through the Go
// module proxy, into a cache outside the repository; a complete build is reused. Progress goes to
// stderr; the last line names the directory holding every program. Exit 1 when a build fails.

import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { binSetDir, CURRENT, versionCheck } from "./locate";
import { BIN_CACHE, BINS_DIR, buildDir, BuildRecord, COMPLETE, completedBuild, ldflags, Product, PRODUCTS, requiredVersion } from "./products";

const started = Date.now();
const say = (line: string) => process.stderr.write(`[bins ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);
const GO_ENV = { ...process.env, CGO_ENABLED: "0", GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly -buildvcs=false" };

/** The environment of a product's go commands: cgo off unless the product needs it. */
const envOf = (p?: Product) => ({ ...GO_ENV, CGO_ENABLED: p?.cgo ? "1" : "0" });

function go(dir: string, args: string[], p?: Product): string {
    const r = spawnSync("go", args, { cwd: dir, env: envOf(p), encoding: "utf8", maxBuffer: 64 << 20 });
    if (r.status !== 0) {
        throw new Error(`go ${args.join(" ")} (in lab/bins/${path.basename(dir)}) failed:\n${r.stderr || r.error}`);
    }
    return r.stdout;
}

/** Runs `go build -v`, printing how many packages were compiled every 20 s. */
function goBuild(p: Product, dir: string, out: string, flags: string): Promise<void> {
    const pkgs = Object.values(p.programs);
    const tags = p.tags ? ["-tags", p.tags.join(",")] : [];
    const total = go(dir, ["list", "-deps", ...tags, ...pkgs], p).split("\n").filter(Boolean).length;
    return new Promise((resolve, reject) => {
        const child = spawn("go", ["build", "-v", "-trimpath", ...tags, "-ldflags", flags, "-o", `${out}/`, ...pkgs], { cwd: dir, env: envOf(p), stdio: ["ignore", "ignore", "pipe"] });
        let compiled = 0;
        let tail = "";
        child.stderr.setEncoding("utf8").on("data", (d: string) => {
            compiled += d.split("\n").filter((l) => /^[\w.-]+(\/[\w.~-]+)*$/.test(l.trim())).length;
            tail = (tail + d).slice(-4000);
        });
        const timer = setInterval(() => say(`${p.name}: ${compiled} of at most ${total} packages compiled`), 20_000);
        child.on("exit", (code) => {
            clearInterval(timer);
            if (code === 0) {
                resolve();
            } else {
                reject(new Error(`go build of ${p.name} exited ${code}:\n${tail}`));
            }
        });
    });
}

async function buildProduct(p: Product, force: boolean): Promise<string> {
    const version = requiredVersion(p);
    const done = completedBuild(p);
    if (done && !force) {
        say(`${p.name} ${version}: reusing ${done.dir} (built in ${done.record.seconds} s with ${done.record.go})`);
        return done.dir;
    }
    const dir = path.join(BINS_DIR, p.name);
    const t0 = Date.now();
    say(`${p.name} ${version}: downloading modules (Go module proxy: ${process.env.GOPROXY ?? "go env default"})`);
    go(dir, ["mod", "download"]);
    const buildDate = (JSON.parse(go(dir, ["list", "-m", "-json", `${p.module}`])) as { Time?: string }).Time?.replace(/\.\d+Z$/, "Z") ?? "1970-01-01T00:00:00Z";
    const final = buildDir(p);
    const tmp = `${final}.partial`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    say(`${p.name} ${version}: building ${Object.keys(p.programs).join(", ")} (-trimpath, cgo ${p.cgo ? "on" : "off"}${p.tags ? `, tags ${p.tags.join(",")}` : ""})`);
    await goBuild(p, dir, tmp, ldflags(p, version, buildDate));
    // `go build -o dir/` names each program after its package path (`server` for …/server/v3).
    for (const [prog, pkg] of Object.entries(p.programs)) {
        const parts = pkg.split("/");
        const goName = /^v\d+$/.test(parts[parts.length - 1]) ? parts[parts.length - 2] : parts[parts.length - 1];
        if (goName !== prog) {
            renameSync(path.join(tmp, goName), path.join(tmp, prog));
        }
        const problem = versionCheck(prog, path.join(tmp, prog), version);
        if (problem) {
            throw new Error(problem);
        }
    }
    const goVersion = go(dir, ["env", "GOVERSION"]).trim();
    const record: BuildRecord = { product: p.name, version, go: goVersion, buildDate, programs: Object.keys(p.programs), seconds: Math.round((Date.now() - t0) / 1000) };
    writeFileSync(path.join(tmp, COMPLETE), `${JSON.stringify(record, null, 2)}\n`);
    rmSync(final, { recursive: true, force: true });
    renameSync(tmp, final);
    say(`${p.name} ${version}: built in ${record.seconds} s -> ${final}`);
    return final;
}

async function main(): Promise<void> {
    const { values } = parseArgs({ options: { only: { type: "string" }, force: { type: "boolean", default: false } } });
    const chosen = PRODUCTS.filter((p) => !values.only || p.name === values.only);
    if (chosen.length === 0) {
        throw new Error(`--only ${values.only}: no such product (${PRODUCTS.map((p) => p.name).join(", ")})`);
    }
    mkdirSync(BIN_CACHE, { recursive: true });
    for (const p of chosen) {
        await buildProduct(p, values.force);
    }
    // One directory of links to every program, for PATH and for the last line.
    const set = binSetDir();
    if (PRODUCTS.every((p) => completedBuild(p))) {
        rmSync(`${set}.partial`, { recursive: true, force: true });
        mkdirSync(`${set}.partial`);
        for (const p of CURRENT) {
            const dir = completedBuild(p)!.dir;
            for (const prog of readdirSync(dir).filter((f) => f !== COMPLETE)) {
                symlinkSync(path.join(dir, prog), path.join(`${set}.partial`, prog));
            }
        }
        rmSync(set, { recursive: true, force: true });
        renameSync(`${set}.partial`, set);
    }
    say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    process.stdout.write(`${set}\n`);
}

main().catch((err) => {
    say(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
});
