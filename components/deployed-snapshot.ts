// Reads back what the change guard compares an update with: the snapshot this stack exported at
// its last update, through a StackReference to the stack itself. A program that builds a
// KubeadmCluster passes the result as `previousSnapshot` and exports `cluster.changeGuardSnapshot`
// under the same output name, so that each update is checked against the one deployed.

import * as pulumi from "@pulumi/pulumi";
import { GuardSnapshot, parseGuardSnapshot } from "./plan/change-guard";

/** The stack output the snapshot is exported as, unless the program names another. */
export const SNAPSHOT_OUTPUT = "changeGuardSnapshot";

/** Which stack and output hold the deployed snapshot. */
export interface DeployedSnapshotOptions {
    /** The fully qualified stack name. @default this stack: `<organization>/<project>/<stack>` */
    readonly stackName?: string;
    /** The stack output the program exports `cluster.changeGuardSnapshot` as. @default "changeGuardSnapshot" */
    readonly outputName?: string;
}

/**
 * The snapshot the stack exported at its last update, or `null` before the first (nothing to
 * compare). Throws a clear error when the output is there but is not a snapshot.
 */
export async function readDeployedSnapshot(options: DeployedSnapshotOptions = {}): Promise<GuardSnapshot | null> {
    const stackName = options.stackName ?? `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
    const outputName = options.outputName ?? SNAPSHOT_OUTPUT;
    const details = await new pulumi.StackReference(stackName).getOutputDetails(outputName);
    const value = details.value ?? details.secretValue;
    return value === undefined ? null : parseGuardSnapshot(value, `the stack output ${outputName} of ${stackName}`);
}
