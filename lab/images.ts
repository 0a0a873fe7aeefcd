// The container images a bring-up needs, made here because no registry is reachable: each is one
// layer of the programs `npm run bins` built (and, where the real image carries them, Debian's
// iptables with its libraries and a static busybox for `cp`), under exactly the name the rendered
// manifests and kubeadm use. imagebuild (lab/bins/crane) writes them into one tarball that each
// machine's containerd imports; the tarball is cached by content.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { coreDnsImage } from "../components/plan/versions";
import type { RenderContext } from "../components/render/context";
import { nodeProxyImage } from "../components/render/node-proxy";
import { FLANNEL } from "../components/render/pod-network";
import { BIN_CACHE } from "./bins/products";
import { program, programAt } from "./bins/locate";
import { DISK_ROOT } from "./machine";

/** The lab's own image for the network and DNS checks: busybox (sh, wget, nslookup, httpd, nc). */
export const PROBE_IMAGE = "kubeadm-ha.local/lab/probe:1";

export interface ImageSpec {
    readonly ref: string;
    readonly entrypoint?: readonly string[];
    /** Built programs by their path in the image. */
    readonly programs?: Readonly<Record<string, string>>;
    /** Debian's iptables (nft backend) with its libraries and extensions. */
    readonly iptables?: boolean;
    /** Debian's static busybox at /bin with its applets. */
    readonly busybox?: boolean;
    /** Other files of this machine copied in, by path in the image. */
    readonly files?: Readonly<Record<string, string>>;
}

const XTABLES_LIBS = "/usr/lib/x86_64-linux-gnu/xtables";
const IPTABLES = "/usr/sbin/xtables-nft-multi";
const BUSYBOX = "/bin/busybox";

/** The pause container's program, compiled statically from kubelet's own pause.c (cached). */
function pauseProgram(ctx: RenderContext): string {
    const version = ctx.pauseImage.split(":").pop()!;
    const source = path.join(execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim(), `k8s.io/kubernetes@v${ctx.spec.kubernetes.version}`, "build/pause/linux/pause.c");
    const out = path.join(BIN_CACHE, `pause-${version}-${createHash("sha256").update(source).digest("hex").slice(0, 12)}`, "pause");
    if (!existsSync(out)) {
        mkdirSync(path.dirname(out), { recursive: true });
        execFileSync("gcc", ["-Os", "-static", "-Wall", "-Werror", `-DVERSION=v${version}`, "-o", `${out}.tmp`, source]);
        renameSync(`${out}.tmp`, out);
    }
    return out;
}

/** Every image a node of this stack runs, with the name it is pulled by. */
export function labImages(ctx: RenderContext): ImageSpec[] {
    const repo = ctx.spec.mirrors.imageRepository;
    const v = `v${ctx.spec.kubernetes.version}`;
    const kube = (name: string, extra: Partial<ImageSpec> = {}): ImageSpec => ({ ref: `${repo}/${name}:${v}`, programs: { [`/usr/local/bin/${name}`]: programAt(name, v) }, ...extra });
    const etcdTag = ctx.etcdImage.split(":").pop()!;
    const coredns = coreDnsImage(repo, ctx.spec.kubernetes.minor);
    return [
        { ref: ctx.pauseImage, entrypoint: ["/pause"], files: { "/pause": pauseProgram(ctx) } },
        kube("kube-apiserver"), kube("kube-controller-manager"), kube("kube-scheduler"), kube("kube-proxy", { iptables: true }),
        { ref: ctx.etcdImage, programs: { "/usr/local/bin/etcd": programAt("etcd", etcdTag), "/usr/local/bin/etcdctl": programAt("etcdctl", etcdTag) } },
        { ref: coredns, entrypoint: ["/coredns"], programs: { "/coredns": programAt("coredns", coredns.split(":").pop()!) } },
        { ref: FLANNEL.image, entrypoint: ["/opt/bin/flanneld"], programs: { "/opt/bin/flanneld": program("flanneld") }, iptables: true, busybox: true },
        { ref: FLANNEL.cniPluginImage, programs: { "/flannel": program("flannel") }, busybox: true },
        { ref: PROBE_IMAGE, entrypoint: ["/bin/sh"], busybox: true },
        // The node-local proxy's static pod: Debian's HAProxy under the rendered image's name.
        ...(ctx.plan.endpoint.kind === "node-local-proxy" && (ctx.spec.apiEndpoint.proxy ?? "haproxy") === "haproxy"
            ? [{ ref: nodeProxyImage(ctx), files: { "/usr/sbin/haproxy": "/usr/sbin/haproxy" } }] : []),
    ];
}

/** The shared libraries a dynamically linked program loads (ldd), with the loader; none for a static one. */
function libraries(file: string): string[] {
    let out: string;
    try {
        out = execFileSync("ldd", [file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    } catch {
        return []; // "not a dynamic executable"
    }
    return [...out.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((m) => m[1]);
}

/** Puts the file `src` names (symbolic links followed) at `dest` in the image root. */
function place(root: string, dest: string, src: string): void {
    const target = path.join(root, dest);
    const file = realpathSync(src);
    mkdirSync(path.dirname(target), { recursive: true });
    rmSync(target, { force: true });
    try {
        linkSync(file, target);
    } catch {
        copyFileSync(file, target);
    }
}

function assemble(spec: ImageSpec, root: string): void {
    for (const [dest, src] of Object.entries({ ...spec.programs, ...spec.files })) {
        place(root, dest, src);
        libraries(src).forEach((lib) => place(root, lib, lib));
    }
    if (spec.iptables) {
        place(root, IPTABLES, IPTABLES);
        libraries(IPTABLES).forEach((lib) => place(root, lib, lib));
        for (const ext of readdirSync(XTABLES_LIBS)) {
            place(root, `${XTABLES_LIBS}/${ext}`, `${XTABLES_LIBS}/${ext}`);
            libraries(`${XTABLES_LIBS}/${ext}`).forEach((lib) => place(root, lib, lib));
        }
        for (const name of ["iptables", "iptables-save", "iptables-restore", "ip6tables", "ip6tables-save", "ip6tables-restore"]) {
            symlinkSync("xtables-nft-multi", path.join(root, "usr/sbin", name));
        }
    }
    if (spec.busybox) {
        place(root, BUSYBOX, BUSYBOX);
        for (const applet of execFileSync(BUSYBOX, ["--list"], { encoding: "utf8" }).split("\n").filter((a) => a && a !== "busybox")) {
            if (!existsSync(path.join(root, "bin", applet))) {
                symlinkSync("busybox", path.join(root, "bin", applet));
            }
        }
    }
}

/** A key of everything an image is made of (the specs and each source file's size and time). */
function contentKey(specs: readonly ImageSpec[]): string {
    // This file's text too: a change in how images are assembled makes new ones.
    const h = createHash("sha256").update(readFileSync(__filename)).update(JSON.stringify(specs));
    for (const src of specs.flatMap((s) => [...Object.values(s.programs ?? {}), ...Object.values(s.files ?? {}), ...(s.iptables ? [IPTABLES] : []), ...(s.busybox ? [BUSYBOX] : [])])) {
        const st = statSync(src);
        h.update(`${src}\0${st.size}\0${st.mtimeMs}\0`);
    }
    return h.digest("hex").slice(0, 16);
}

/** The image tarball of `specs` (built once, then reused from the cache). */
export function imageTarball(specs: readonly ImageSpec[], log: (s: string) => void = () => {}): string {
    const out = path.join(BIN_CACHE, "images", `lab-images-${contentKey(specs)}.tar`);
    if (existsSync(out)) {
        return out;
    }
    const t0 = Date.now();
    const work = path.join(DISK_ROOT, `images-${process.pid}`);
    rmSync(work, { recursive: true, force: true });
    try {
        const roots = specs.map((s, i) => {
            const root = path.join(work, String(i));
            mkdirSync(root, { recursive: true });
            assemble(s, root);
            return { ref: s.ref, root, entrypoint: s.entrypoint ?? null };
        });
        mkdirSync(path.dirname(out), { recursive: true });
        execFileSync(program("imagebuild"), [`${out}.tmp`], { input: JSON.stringify(roots), stdio: ["pipe", "inherit", "inherit"], timeout: 600_000 });
        renameSync(`${out}.tmp`, out);
    } finally {
        rmSync(work, { recursive: true, force: true });
    }
    log(`images: ${specs.length} built into ${out} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return out;
}
