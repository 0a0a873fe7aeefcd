// Kubernetes versions this project renders for (kubeadm.k8s.io/v1beta4 only: accepted from
// kubeadm 1.31; v1beta3 is removed in 1.37). End-of-life dates are the upstream ones
// (kubernetes.io/releases, late 2026); 1.38 is not released yet.

/** Upstream support end of each minor we can render for (ISO dates). */
export const KUBERNETES_MINORS: ReadonlyMap<number, { endOfLife: string }> = new Map([
    [31, { endOfLife: "2025-10-28" }],
    [32, { endOfLife: "2026-02-28" }],
    [33, { endOfLife: "2026-06-28" }],
    [34, { endOfLife: "2026-10-27" }],
    [35, { endOfLife: "2027-02-28" }],
    [36, { endOfLife: "2027-06-28" }],
    [37, { endOfLife: "2027-10-28" }],
]);

/**
 * Version used when a stack does not set one: the newest patch of the newest minor published as a
 * Go module (the lab builds and runs exactly this release; 1.37.1 was never published).
 */
export const DEFAULT_KUBERNETES_VERSION = "1.37.2";

/** Image tags kubeadm itself deploys, read from its constants (cmd/kubeadm/app/constants). */
export interface KubeadmImages {
    /** `DefaultEtcdVersion` / `SupportedEtcdVersion` for the minor: stacked and external etcd run it. */
    readonly etcd: string;
    /** `PauseVersion`: containerd's sandbox image must match it (kubeadm's preflight warns otherwise). */
    readonly pause: string;
    /** `CoreDNSVersion`. */
    readonly coredns: string;
}

/**
 * kubeadm's images per minor, from the kubeadm of the latest patch we know of each (1.35.4,
 * 1.36.3, 1.37.2); older minors use the oldest row. The tests compare the default version's row
 * with what the real kubeadm says (`kubeadm config images list`).
 */
const KUBEADM_IMAGES: ReadonlyMap<number, KubeadmImages> = new Map([
    [35, { etcd: "3.6.6-0", pause: "3.10.1", coredns: "v1.13.1" }],
    [36, { etcd: "3.6.8-0", pause: "3.10.2", coredns: "v1.14.2" }],
    [37, { etcd: "3.7.0-0", pause: "3.10.2", coredns: "v1.14.6" }],
]);

/**
 * The CoreDNS image kubeadm deploys from `repository`: under registry.k8s.io it lives at
 * `coredns/coredns`, under any other repository (a mirror) at `coredns` (kubeadm's GetDNSImage).
 */
export function coreDnsImage(repository: string, minor: number): string {
    return `${repository}/${repository === "registry.k8s.io" ? "coredns/" : ""}coredns:${kubeadmImages(minor).coredns}`;
}

/** The images kubeadm of this minor deploys. */
export function kubeadmImages(minor: number): KubeadmImages {
    const minors = [...KUBEADM_IMAGES.keys()];
    return KUBEADM_IMAGES.get(Math.min(Math.max(minor, minors[0]), minors[minors.length - 1]))!;
}

export interface KubernetesVersion {
    /** Normalised `1.<minor>.<patch>` (no leading `v`). */
    readonly version: string;
    readonly minor: number;
    readonly patch: number;
}

/** Parses `1.37.2` or `v1.37.2`; undefined when the text is not such a version. */
export function parseKubernetesVersion(text: string): KubernetesVersion | undefined {
    const m = /^v?1\.(\d{1,2})\.(\d{1,3})$/.exec(text);
    if (!m) {
        return undefined;
    }
    return { version: `1.${m[1]}.${m[2]}`, minor: Number(m[1]), patch: Number(m[2]) };
}

/** The supported minors as `1.31`, `1.32`, … */
export function supportedMinorList(): string {
    return [...KUBERNETES_MINORS.keys()].map((m) => `1.${m}`).join(", ");
}
