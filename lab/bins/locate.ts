// Finding the programs `npm run bins` built, for the lab and the tests. Nothing here builds.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { BIN_CACHE, buildDir, completedBuild, PRODUCTS, requiredVersion } from "./products";

/** The directory of links to every built program (one name per set of pins). */
export function binSetDir(): string {
    const key = createHash("sha256").update(PRODUCTS.map((p) => buildDir(p)).join("\n")).digest("hex").slice(0, 12);
    return path.join(BIN_CACHE, `bin-${key}`);
}

/** Every program `npm run bins` builds. */
export const PROGRAMS: readonly string[] = PRODUCTS.flatMap((p) => Object.keys(p.programs));

/** The built program's path, if `npm run bins` has built it. */
export function builtProgram(name: string): string | undefined {
    const product = PRODUCTS.find((p) => name in p.programs);
    const done = product ? completedBuild(product) : undefined;
    return done && existsSync(path.join(done.dir, name)) ? path.join(done.dir, name) : undefined;
}

/** Like builtProgram, but throws a message that says how to build it. */
export function program(name: string): string {
    const found = builtProgram(name);
    if (!found) {
        throw new Error(`${name} is not built: run \`npm run bins\` (builds it from its Go module into ${BIN_CACHE})`);
    }
    return found;
}

/** Why these built programs cannot be used, or undefined when every one is there. */
export function binsUnavailable(names: readonly string[] = PROGRAMS): string | undefined {
    const missing = names.filter((n) => !builtProgram(n));
    return missing.length > 0 ? `${missing.join(", ")} not built: run \`npm run bins\` (.ci/run does)` : undefined;
}

/** The version a product's programs report (Kubernetes `v1.37.2`, etcd `3.7.0`, CoreDNS `1.14.6`). */
export function productVersion(product: string): string {
    const p = PRODUCTS.find((x) => x.name === product);
    if (!p) {
        throw new Error(`no product ${product}`);
    }
    return requiredVersion(p);
}

const VERSION_ARGS: Readonly<Record<string, readonly string[]>> = {
    kubeadm: ["version", "-o", "short"], kubectl: ["version", "--client"], etcdctl: ["version"], etcdutl: ["version"], coredns: ["-version"],
    "containerd-shim-runc-v2": ["-v"], flanneld: ["--version"], crane: ["version"], imagebuild: ["--version"],
};

/** Runs a program's version command; a message when it does not report `version`, else undefined. */
export function versionCheck(name: string, file: string, version: string): string | undefined {
    const r = spawnSync(file, [...(VERSION_ARGS[name] ?? ["--version"])], { encoding: "utf8", timeout: 30_000 });
    const said = `${r.stdout}${r.stderr}`;
    return r.status === 0 && said.includes(version.replace(/^v/, ""))
        ? undefined
        : `${name} does not report version ${version}: exit ${r.status}, said ${JSON.stringify(said.slice(0, 300))}`;
}
