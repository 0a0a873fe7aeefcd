// The recorder lives with the offline preview (components/cli/recorder.ts); tests add helpers.

import * as pulumi from "@pulumi/pulumi";

export * from "../../components/testing";

/** Resolves an Output's value (undefined while unknown). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => {
        resolve(v);
        return v;
    }));
}

/** Resolves whether an Output is secret. */
export function isSecret(output: pulumi.Output<unknown>): Promise<boolean> {
    return (output as any).isSecret as Promise<boolean>;
}
