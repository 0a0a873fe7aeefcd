// A file placed on a node. Non-secret files travel in cloud-init user-data; secret ones
// (keys, tokens, certificate keys) are delivered over SSH and never appear in user-data.

export interface NodeFile {
    /** Absolute path on the node. */
    readonly path: string;
    readonly content: string;
    /** Octal mode as a string, e.g. "0644" (a string so YAML 1.1 cannot read it as a number). */
    readonly permissions: string;
    /** True for files that must not go through the metadata service. */
    readonly secret: boolean;
}

/** A non-secret file. */
export function publicFile(path: string, content: string, permissions = "0644"): NodeFile {
    return { path, content, permissions, secret: false };
}

/** A file delivered over SSH, never in user-data. */
export function secretFile(path: string, content: string, permissions = "0600"): NodeFile {
    return { path, content, permissions, secret: true };
}
