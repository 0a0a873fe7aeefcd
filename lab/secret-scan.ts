// What a command's output must never hold: a secret printed there reaches the terminal, the
// Pulumi service's update log and CI logs. The patterns are the formats kubeadm and the node
// scripts would print them in.

export interface PrintedSecret {
    readonly command: string;
    /** Which kind of secret, never the secret itself. */
    readonly what: string;
}

const PATTERNS: readonly { readonly what: string; readonly re: RegExp }[] = [
    // <6 chars>.<16 chars>: kubeadm's bootstrap token (its id alone is public).
    { what: "a bootstrap token", re: /\b[a-z0-9]{6}\.[a-z0-9]{16}\b/ },
    // kubeadm's "[upload-certs] Using certificate key:" and `--certificate-key <hex>` in join commands.
    { what: "a certificate key", re: /(certificate[- ]key:?\s+)[0-9a-f]{64}\b/i },
    { what: "a private key", re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
];

/** The secrets one command's output shows, by kind. */
export function printedSecrets(command: string, output: string): PrintedSecret[] {
    return PATTERNS.filter((p) => p.re.test(output)).map((p) => ({ command, what: p.what }));
}
