// Finding the programs `npm run bins` built, for the lab and the tests. Nothing here builds.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { BIN_CACHE, buildDir, completedBuild, Product, PRODUCTS, requiredVersion } from "./products";

/** The directory of links to every built program (one name per set of pins). */
export function binSetDir(): string {
    const key = createHash("sha256").update(CURRENT.map((p) => buildDir(p)).join("\n")).digest("hex").slice(0, 12);
    return path.join(BIN_CACHE, `bin-${key}`);
}

/** The products of the current releases (the bin set); the previous releases are apart. */
export const CURRENT: readonly Product[] = PRODUCTS.filter((p) => !p.previousOf);

/** Every program `npm run bins` builds at the current releases. */
export const PROGRAMS: readonly string[] = CURRENT.flatMap((p) => Object.keys(p.programs));

function programOf(product: Product | undefined, name: string): string | undefined {
    const done = product ? completedBuild(product) : undefined;
    return done && existsSync(path.join(done.dir, name)) ? path.join(done.dir, name) : undefined;
}

/** The built program's path (current release), if `npm run bins` has built it. */
export function builtProgram(name: string): string | undefined {
    return programOf(CURRENT.find((p) => name in p.programs), name);
}

/** The previous release's build of a program (kubeadm 1.36, etcd 3.6), if `npm run bins` has built it. */
export function previousProgram(name: string): string | undefined {
    return programOf(PRODUCTS.find((p) => p.previousOf && name in p.programs), name);
}

const notBuilt = (what: string) => new Error(`${what} is not built: run \`npm run bins\` (builds it from its Go module into ${BIN_CACHE})`);

/** Like builtProgram, but throws a message that says how to build it. */
export function program(name: string): string {
    const found = builtProgram(name);
    if (!found) {
        throw notBuilt(name);
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

/**
 * The built program `name` at release `version` (`1.36.3`, `v1.37.2`, etcd's image tag `3.6.8-0`,
 * CoreDNS's `v1.14.2`), from the current or the previous release's build; throws naming what to build.
 */
export function programAt(name: string, version: string): string {
    const want = version.replace(/^v/, "").replace(/-\d+$/, "");
    const product = PRODUCTS.find((p) => name in p.programs && requiredVersion(p).replace(/^v/, "") === want);
    if (!product) {
        throw new Error(`${name} ${version}: no product of lab/bins/products.ts builds this release (${PRODUCTS.filter((p) => name in p.programs).map((p) => requiredVersion(p)).join(", ")})`);
    }
    const found = programOf(product, name);
    if (!found) {
        throw notBuilt(`${name} of ${product.name}`);
    }
    return found;
}

let releases: string | undefined;

/**
 * A directory with `v<version>/{kubeadm,kubelet,kubectl}` for every Kubernetes release built (the
 * lab's package archive: lab/apt-shim.sh installs from it); made once per process, each link
 * replaced in one rename, so machines of another run reading it never find one missing.
 */
export function kubernetesReleases(): string {
    if (releases) {
        return releases;
    }
    const dir = path.join(BIN_CACHE, "releases");
    for (const p of PRODUCTS.filter((x) => x.module === "k8s.io/kubernetes")) {
        const done = completedBuild(p);
        if (!done) {
            continue;
        }
        const release = path.join(dir, requiredVersion(p));
        mkdirSync(release, { recursive: true });
        for (const prog of ["kubeadm", "kubelet", "kubectl"]) {
            const link = path.join(release, prog);
            const target = path.join(done.dir, prog);
            if (readlinkOr(link) !== target) {
                rmSync(`${link}.${process.pid}`, { force: true });
                symlinkSync(target, `${link}.${process.pid}`);
                renameSync(`${link}.${process.pid}`, link);
            }
        }
    }
    releases = dir;
    return dir;
}

function readlinkOr(link: string): string | undefined {
    try {
        return readlinkSync(link);
    } catch {
        return undefined;
    }
}
