// Places a node's rendered files under a scratch root (as the node would have them under /)
// and relocates references to those directories, so real daemons can run the rendered configs
// on this machine without touching its /etc. Nothing else in the text changes.

import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import type { NodeFile } from "../components/render/node-file";

/** Node directories the lab relocates under a per-host root. */
export const RELOCATED = ["/usr/local/lib/kubeadm-ha", "/etc/kubeadm-ha", "/run/kubeadm-ha", "/etc/etcd", "/var/lib/etcd", "/etc/kubernetes", "/etc/haproxy", "/var/log/kubernetes"];

/** Rewrites every reference to a relocated directory to live under `root`. */
export function rebase(text: string, root: string): string {
    return RELOCATED.reduce((t, prefix) => {
        const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        return t.replace(new RegExp(`(?<![\\w./-])${escaped}(?=[/"'\\s=,:;]|$)`, "gm"), `${root}${prefix}`);
    }, text);
}

/** Writes the files under `root` with their permissions; returns the path of each by node path. */
export function stage(files: readonly NodeFile[], root: string): Map<string, string> {
    const placed = new Map<string, string>();
    for (const f of files) {
        const target = path.join(root, f.path);
        mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
        writeFileSync(target, f.content, { mode: parseInt(f.permissions, 8) });
        placed.set(f.path, target);
    }
    return placed;
}
