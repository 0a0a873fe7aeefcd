// A node's secret files as one shell script that is fed to `sudo bash -s` over SSH (stdin, so
// the content never appears in a command line, user-data or the metadata service). Contents
// travel base64-encoded inside quoted heredocs, so no file content can be interpreted by the
// shell; paths are checked. Each file is written to a temporary name and renamed into place.

import type { NodeFile } from "./node-file";

const SAFE_PATH = /^\/[A-Za-z0-9._/-]+$/;
const EOF_MARK = "KUBEADM_HA_EOF";

export function secretInstallScript(files: readonly NodeFile[]): string {
    const lines = ["#!/usr/bin/env bash", "# Installs this node's secret files (delivered over SSH by kubeadm-ha).", "set -euo pipefail", "umask 077"];
    for (const f of files) {
        if (!SAFE_PATH.test(f.path) || f.path.includes("/../")) {
            throw new Error(`refusing to install a secret file at ${JSON.stringify(f.path)}`);
        }
        if (!/^0[0-7]{3}$/.test(f.permissions)) {
            throw new Error(`bad permissions ${f.permissions} for ${f.path}`);
        }
        const dir = f.path.slice(0, f.path.lastIndexOf("/")) || "/";
        const body = Buffer.from(f.content, "utf8").toString("base64").match(/.{1,76}/g) ?? [];
        lines.push(`install -d -m 0755 ${dir}`, `base64 -d > ${f.path}.tmp <<'${EOF_MARK}'`, ...body, EOF_MARK,
            `chmod ${f.permissions} ${f.path}.tmp`, `mv -f ${f.path}.tmp ${f.path}`);
    }
    return `${lines.join("\n")}\n`;
}
