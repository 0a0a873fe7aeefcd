// containerd 2.x configuration (config version 3, as Ubuntu 22.04/24.04 updates ship 2.2): the
// CRI plugin enabled, systemd cgroups, the pause image kubeadm expects (from the stack's
// imageRepository), registry mirrors through hosts.toml files in config_path, and the CNI
// directories. The tests have the built containerd read it (`containerd config dump`).

import { stringify } from "smol-toml";
import type { RenderContext } from "./context";
import type { NodeFile } from "./node-file";
import { publicFile } from "./node-file";

const CERTS_DIR = "/etc/containerd/certs.d";
/** Where CNI plugins and their configuration live on a node. */
export const CNI_BIN_DIR = "/opt/cni/bin";
export const CNI_CONF_DIR = "/etc/cni/net.d";

/** Upstream endpoint of a registry host (Docker Hub's registry is not served at docker.io). */
function upstream(host: string): string {
    return host === "docker.io" ? "https://registry-1.docker.io" : `https://${host}`;
}

export function containerdConfig(ctx: RenderContext): string {
    return stringify({
        version: 3,
        plugins: {
            "io.containerd.cri.v1.images": {
                pinned_images: { sandbox: ctx.pauseImage },
                registry: { config_path: CERTS_DIR },
            },
            "io.containerd.cri.v1.runtime": {
                containerd: { runtimes: { runc: { runtime_type: "io.containerd.runc.v2", options: { SystemdCgroup: true } } } },
                // Pinned: distribution packages patch the default (Debian's to /usr/lib/cni), while
                // kubeadm's and the pod network's plugins go to /opt/cni/bin.
                cni: { bin_dirs: [CNI_BIN_DIR], conf_dir: CNI_CONF_DIR },
            },
        },
    });
}

export function registryHostsFile(host: string, mirrors: readonly string[]): string {
    return stringify({
        server: upstream(host),
        host: Object.fromEntries(mirrors.map((m) => [m, { capabilities: ["pull", "resolve"] }])),
    });
}

/** config.toml plus one hosts.toml per mirrored registry. */
export function containerdFiles(ctx: RenderContext): NodeFile[] {
    return [
        publicFile("/etc/containerd/config.toml", containerdConfig(ctx)),
        ...Object.entries(ctx.spec.mirrors.registryMirrors).map(([host, mirrors]) =>
            publicFile(`${CERTS_DIR}/${host}/hosts.toml`, registryHostsFile(host, mirrors))),
    ];
}
