// The real programs the lab runs, built from their published Go modules (lab/bins/<product>/go.mod,
// go.sum committed; no binary is ever committed or downloaded). Each product is its own Go module
// so that every one builds with its upstream's own dependency versions (one module for all would
// let Go's minimal version selection move CoreDNS onto Kubernetes' client libraries, and back).
//
// A build lands in <cache>/<product>-<version>-<key>/, where <key> hashes what decides the output
// (go.mod, go.sum, the programs and flags), so a pin change builds anew and an unchanged one is
// reused. The build date stamped into Kubernetes is the release's publication time, so the
// output does not depend on the day of the build either.

import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

/** Where built programs are kept, outside the repository. Override with KUBEADM_HA_BIN_CACHE. */
export const BIN_CACHE = process.env.KUBEADM_HA_BIN_CACHE ?? "/var/cache/kubeadm-ha/bin";

export interface Product {
    /** Directory under lab/bins holding the Go module. */
    readonly name: string;
    /** The module whose version names the build. */
    readonly module: string;
    /** Go packages to build, by output name. */
    readonly programs: Readonly<Record<string, string>>;
    /** `-X` settings for the linker, from the version (what the upstream build stamps). */
    readonly stamps: (version: string, buildDate: string) => Readonly<Record<string, string>>;
    /** Build with cgo (runc's nsenter is C). @default false */
    readonly cgo?: boolean;
    /** Go build tags. @default none */
    readonly tags?: readonly string[];
    /**
     * The previous release of the product named here (a cluster is brought up at it and upgraded):
     * its programs stay out of the bin set and are found with `previousProgram`. @default a current product
     */
    readonly previousOf?: string;
}

/** What kube::version::ldflags sets (hack/lib/version.sh), for client-go and component-base alike. */
function kubernetesStamps(version: string, buildDate: string): Record<string, string> {
    const [major, minor] = version.replace(/^v/, "").split(".");
    const values = { gitVersion: version, gitMajor: major, gitMinor: minor, gitTreeState: "clean", buildDate };
    return Object.fromEntries(["k8s.io/client-go/pkg/version", "k8s.io/component-base/version"]
        .flatMap((pkg) => Object.entries(values).map(([k, v]) => [`${pkg}.${k}`, v])));
}

const KUBERNETES_PROGRAMS = Object.fromEntries(["kubeadm", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy", "kubectl"]
    .map((p) => [p, `k8s.io/kubernetes/cmd/${p}`]));
const COREDNS_PROGRAMS = { coredns: "github.com/coredns/coredns" };
const ETCD_PROGRAMS = { etcd: "go.etcd.io/etcd/server/v3", etcdctl: "go.etcd.io/etcd/etcdctl/v3", etcdutl: "go.etcd.io/etcd/etcdutl/v3" };

export const PRODUCTS: readonly Product[] = [
    { name: "kubernetes", module: "k8s.io/kubernetes", programs: KUBERNETES_PROGRAMS, stamps: kubernetesStamps },
    // The previous minor and the etcd its kubeadm deploys: the upgrade rehearsal starts there.
    { name: "kubernetes-1.36", module: "k8s.io/kubernetes", programs: KUBERNETES_PROGRAMS, stamps: kubernetesStamps, previousOf: "kubernetes" },
    { name: "etcd-3.6", module: "go.etcd.io/etcd/server/v3", programs: ETCD_PROGRAMS, stamps: () => ({}), previousOf: "etcd" },
    {
        name: "etcd", module: "go.etcd.io/etcd/server/v3",
        programs: ETCD_PROGRAMS,
        stamps: () => ({}),
    },
    {
        name: "coredns", module: "github.com/coredns/coredns",
        programs: COREDNS_PROGRAMS,
        stamps: () => ({}),
    },
    { name: "coredns-1.14.2", module: "github.com/coredns/coredns", programs: COREDNS_PROGRAMS, stamps: () => ({}), previousOf: "coredns" },
    // The node runtime: containerd 2.x (config version 3), runc, crictl, the CNI plugins the pod
    // network delegates to, and flanneld (its Tencent VPC backend's SDK is a stand-in: see
    // lab/bins/flannel/tencentcloud-vpc-stub/go.mod).
    {
        name: "containerd", module: "github.com/containerd/containerd/v2",
        programs: { containerd: "github.com/containerd/containerd/v2/cmd/containerd", "containerd-shim-runc-v2": "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2", ctr: "github.com/containerd/containerd/v2/cmd/ctr" },
        stamps: (version) => ({ "github.com/containerd/containerd/v2/version.Version": version }),
        tags: ["no_btrfs", "no_devmapper", "no_zfs"],
    },
    {
        name: "runc", module: "github.com/opencontainers/runc",
        programs: { runc: "github.com/opencontainers/runc" },
        // runc embeds its version from the module's VERSION file.
        stamps: () => ({}),
        cgo: true,
        // Containers get their seccomp profiles (libseccomp, as runc's own release builds it).
        tags: ["seccomp"],
    },
    {
        name: "cri-tools", module: "sigs.k8s.io/cri-tools",
        programs: { crictl: "sigs.k8s.io/cri-tools/cmd/crictl" },
        stamps: (version) => ({ "sigs.k8s.io/cri-tools/pkg/version.Version": version }),
    },
    {
        name: "cni-plugins", module: "github.com/containernetworking/plugins",
        programs: Object.fromEntries([["bridge", "main"], ["loopback", "main"], ["host-local", "ipam"], ["portmap", "meta"]]
            .map(([p, kind]) => [p, `github.com/containernetworking/plugins/plugins/${kind}/${p}`])),
        stamps: (version) => ({ "github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion": version }),
    },
    // The flannel CNI plugin (see lab/bins/flannel-cni/tools.go for why this version).
    {
        name: "flannel-cni", module: "github.com/containernetworking/plugins",
        programs: { flannel: "github.com/containernetworking/plugins/plugins/meta/flannel" },
        stamps: (version) => ({ "github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion": version }),
    },
    // Builds the OCI images the nodes' containerd imports (no registry is reachable here).
    {
        name: "crane", module: "github.com/google/go-containerregistry",
        // imagebuild (this module's own small program) writes directories as image tarballs.
        programs: { crane: "github.com/google/go-containerregistry/cmd/crane", imagebuild: "kubeadm-ha.local/lab/bins/crane/imagebuild" },
        stamps: (version) => ({ "github.com/google/go-containerregistry/cmd/crane/cmd.Version": version }),
    },
    {
        name: "flannel", module: "github.com/flannel-io/flannel",
        programs: { flanneld: "github.com/flannel-io/flannel" },
        stamps: (version) => ({ "github.com/flannel-io/flannel/pkg/version.Version": version }),
        // Its udp backend's proxy is C (flannel's own build enables cgo on amd64 too).
        cgo: true,
    },
];

export const BINS_DIR = __dirname;

/** The version of `module` that lab/bins/<product>/go.mod requires. */
export function requiredVersion(p: Product): string {
    const gomod = readFileSync(path.join(BINS_DIR, p.name, "go.mod"), "utf8");
    const m = new RegExp(`^\\s*(?:require\\s+)?${p.module.replace(/[.]/g, "\\.")}\\s+(v\\S+)`, "m").exec(gomod);
    if (!m) {
        throw new Error(`lab/bins/${p.name}/go.mod does not require ${p.module}`);
    }
    return m[1];
}

/** The linker flags of a product's build. */
export function ldflags(p: Product, version: string, buildDate: string): string {
    const stamps = Object.entries(p.stamps(version, buildDate)).map(([k, v]) => `-X ${k}=${v}`);
    return ["-s", "-w", ...stamps].join(" ");
}

const dirs = new Map<string, string>();

/** The module's own Go files below its directory (a program of its own), relative, sorted. */
function localSources(p: Product): string[] {
    const root = path.join(BINS_DIR, p.name);
    return readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".go") && f !== "tools.go").sort();
}

/** The cache directory of a product's build (exists once built); computed once per process. */
export function buildDir(p: Product): string {
    const known = dirs.get(p.name);
    if (known) {
        return known;
    }
    const version = requiredVersion(p);
    const h = createHash("sha256");
    for (const f of ["go.mod", "go.sum"]) {
        h.update(readFileSync(path.join(BINS_DIR, p.name, f)));
    }
    for (const f of localSources(p)) {
        h.update(`\0${f}\0`).update(readFileSync(path.join(BINS_DIR, p.name, f)));
    }
    h.update(`${ldflags(p, version, "")}\0${JSON.stringify(p.programs)}\0trimpath cgo=${p.cgo ? 1 : 0}${p.tags ? `\0tags=${p.tags.join(",")}` : ""}`);
    const dir = path.join(BIN_CACHE, `${p.name}-${version}-${h.digest("hex").slice(0, 12)}`);
    dirs.set(p.name, dir);
    return dir;
}

/** Marker written last: a directory without it is an interrupted build and is rebuilt. */
export const COMPLETE = ".complete.json";

export interface BuildRecord {
    readonly product: string;
    readonly version: string;
    readonly go: string;
    readonly buildDate: string;
    readonly programs: readonly string[];
    readonly seconds: number;
}

/** A product's completed build, if there is one. */
export function completedBuild(p: Product): { dir: string; record: BuildRecord } | undefined {
    const dir = buildDir(p);
    const marker = path.join(dir, COMPLETE);
    if (!existsSync(marker)) {
        return undefined;
    }
    const record = JSON.parse(readFileSync(marker, "utf8")) as BuildRecord;
    return record.programs.every((prog) => existsSync(path.join(dir, prog))) ? { dir, record } : undefined;
}
