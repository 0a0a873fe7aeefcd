// cloud-init user-data (#cloud-config) from a typed model, through the one YAML emitter.
// No secret file goes here: user-data is readable from the metadata service. The one exception
// is the machine's own SSH host key, which only the machine itself can read there (pods are kept
// from the metadata service) and which lets every command pin the key it expects; the instance's
// user-data is therefore a secret input. Tencent limits user-data to 16 KB after base64;
// oversized user-data is refused here.

import type { NodeFile } from "./node-file";
import { toYaml } from "./yaml";

/** Tencent's user-data limit, in bytes of base64. */
export const USER_DATA_LIMIT = 16 * 1024;

/** An SSH host key pair in OpenSSH formats. */
export interface HostKey {
    /** `-----BEGIN OPENSSH PRIVATE KEY-----` text of an ed25519 key. */
    readonly privateKey: string;
    /** `ssh-ed25519 AAAA…` line. */
    readonly publicKey: string;
}

/** Lines of an OpenSSH ed25519 private key's body: 4 of 70 characters and one of 32. */
const KEY_BODY = [70, 70, 70, 70, 32].map((n, i) => `placeholder${i}MadeByClusterPkiAtDeployTime`.padEnd(n, "0").slice(0, n));

/** What offline renders put where a machine's host key goes (as long as a real one: the size check holds). */
export const PLACEHOLDER_HOST_KEY: HostKey = {
    privateKey: ["-----BEGIN OPENSSH PRIVATE KEY-----", ...KEY_BODY, "-----END OPENSSH PRIVATE KEY-----", ""].join("\n"),
    publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPlaceholderMadeByClusterPkiAtDeployTime0000",
};

export interface CloudConfig {
    readonly hostname: string;
    /**
     * The machine's SSH host key: installed as its only host key (the image's own are deleted and
     * no other type is generated). @default the image's keys, generated at first boot (not pinned)
     */
    readonly hostKey?: HostKey;
    /** Public SSH keys of the image's default user. */
    readonly sshAuthorizedKeys: readonly string[];
    /** Replaces the Ubuntu archive (apt primary) when set. */
    readonly aptMirror?: string;
    readonly packages: readonly string[];
    readonly files: readonly NodeFile[];
    /** Lines appended to /etc/hosts. */
    readonly hosts: readonly string[];
    /**
     * Commands as argv arrays, in order; the last one writes the sentinel. cloud-init runs them as
     * one /bin/sh script whose status is its last command's: the document starts it with `set -e`,
     * so a failed step stops the script (and cloud-init reports the failure) before any later step.
     */
    readonly runcmd: readonly (readonly string[])[];
}

/** The first runcmd line, verbatim (a string entry is not quoted by cloud-init). */
export const RUNCMD_STRICT = "set -e";

/** The document cloud-init reads; keys are cloud-init's own. */
export function cloudConfigDocument(c: CloudConfig): Record<string, unknown> {
    const secret = c.files.find((f) => f.secret);
    if (secret) {
        throw new Error(`${secret.path} is secret and must not be put in user-data (deliver it over SSH)`);
    }
    const writeFiles = c.files.map((f) => ({ path: f.path, content: f.content, permissions: f.permissions, owner: "root:root" }));
    if (c.hosts.length > 0) {
        writeFiles.push({ path: "/etc/hosts", content: `${c.hosts.join("\n")}\n`, permissions: "0644", owner: "root:root", append: true } as (typeof writeFiles)[number]);
    }
    return {
        hostname: c.hostname,
        preserve_hostname: false,
        // We add our own /etc/hosts line; cloud-init must not regenerate the file at boot.
        manage_etc_hosts: false,
        ssh_pwauth: false,
        disable_root: true,
        ...(c.hostKey ? {
            ssh_deletekeys: true, ssh_genkeytypes: ["ed25519"],
            ssh_keys: { ed25519_private: c.hostKey.privateKey, ed25519_public: c.hostKey.publicKey.trim() },
        } : {}),
        ...(c.sshAuthorizedKeys.length > 0 ? { ssh_authorized_keys: [...c.sshAuthorizedKeys] } : {}),
        ...(c.aptMirror ? { apt: { primary: [{ arches: ["default"], uri: c.aptMirror }] } } : {}),
        package_update: true,
        package_upgrade: false,
        ...(c.packages.length > 0 ? { packages: [...c.packages] } : {}),
        write_files: writeFiles,
        runcmd: [RUNCMD_STRICT, ...c.runcmd.map((argv) => [...argv])],
    };
}

/** The user-data text; throws if it exceeds Tencent's limit once base64-encoded. */
export function renderUserData(c: CloudConfig): string {
    const text = `#cloud-config\n${toYaml(cloudConfigDocument(c))}`;
    const size = base64Size(text);
    if (size > USER_DATA_LIMIT) {
        throw new Error(`user-data of ${c.hostname} is ${size} bytes after base64, over Tencent's ${USER_DATA_LIMIT}-byte limit; move large files out of user-data (deliver them over SSH)`);
    }
    return text;
}

/** Bytes of the base64 encoding of a UTF-8 text. */
export function base64Size(text: string): number {
    return Buffer.from(text, "utf8").toString("base64").length;
}
