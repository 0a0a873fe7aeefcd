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

/** Version used when a stack does not set one: a released patch of a supported minor. */
export const DEFAULT_KUBERNETES_VERSION = "1.37.1";

export interface KubernetesVersion {
    /** Normalised `1.<minor>.<patch>` (no leading `v`). */
    readonly version: string;
    readonly minor: number;
    readonly patch: number;
}

/** Parses `1.37.1` or `v1.37.1`; undefined when the text is not such a version. */
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
