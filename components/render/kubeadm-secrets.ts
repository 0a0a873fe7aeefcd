// The secret values of the kubeadm files, apart from the kubeadm document models (which are zod
// schemas) so that the public types of renderNode never reach zod.

/** Secret values that go into kubeadm files. They never enter user-data (delivered over SSH). */
export interface KubeadmSecrets {
    /** `[a-z0-9]{6}.[a-z0-9]{16}`. */
    readonly bootstrapToken: string;
    /** 64 hex characters: encrypts the certificates kubeadm uploads for joining masters. */
    readonly certificateKey: string;
    /** `sha256:<hex>` of the cluster CA's SubjectPublicKeyInfo. */
    readonly caCertHash: string;
    /** The secretbox keys (base64 of 32 random bytes each) by name, in `apiServer.encryptionKeys` order: the first encrypts Secrets at rest, all decrypt. */
    readonly encryptionKeys: readonly { readonly name: string; readonly secret: string }[];
}

/** Obviously fake values for offline rendering (`npm run plan -- --out`). Never use them on a cluster. */
export const PLACEHOLDER_SECRETS: KubeadmSecrets = {
    bootstrapToken: "000000.0000000000000000",
    certificateKey: "0".repeat(64),
    caCertHash: `sha256:${"0".repeat(64)}`,
    encryptionKeys: [{ name: "key1", secret: Buffer.alloc(32).toString("base64") }],
};
