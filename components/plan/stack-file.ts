// Reads the cluster configuration out of a parsed Pulumi stack file
// (`config: { "kubeadm-ha:cluster": {...}, "tencentcloud:region": ... }`) and plans it.

import { Issue, ValidationError } from "./errors";
import { ClusterPlan, planCluster } from "./plan";
import type { ClusterSpec } from "./spec";
import { validateCluster, ValidateOptions } from "./validate";

/** Pulumi project name: the namespace of the cluster config key. */
export const PROJECT = "kubeadm-ha";
/** The stack config key that holds the whole cluster configuration. */
export const CLUSTER_KEY = `${PROJECT}:cluster`;

/** Problems of the stack file around the cluster config (missing key, region mismatch). */
function stackIssues(config: Record<string, unknown> | undefined, source: string): Issue[] {
    const cluster = config?.[CLUSTER_KEY];
    if (cluster === undefined) {
        return [{
            path: CLUSTER_KEY, problem: `is missing from ${source}`,
            fix: `add a '${CLUSTER_KEY}:' mapping under 'config:' (copy stacks/Pulumi.dev.yaml)`,
        }];
    }
    const providerRegion = config?.["tencentcloud:region"];
    const clusterRegion = (cluster as { region?: unknown } | null)?.region;
    if (providerRegion !== undefined && clusterRegion !== undefined && providerRegion !== clusterRegion) {
        return [{
            path: "tencentcloud:region", got: providerRegion,
            problem: `differs from ${CLUSTER_KEY}.region (${String(clusterRegion)}); resources would be created in one region and planned for another`,
            fix: "set both to the same region",
        }];
    }
    return [];
}

/** Validates and plans the cluster of a parsed stack file; one ValidationError lists every problem. */
export function planStackFile(stackFile: unknown, source: string, options: ValidateOptions = {}): { spec: ClusterSpec; plan: ClusterPlan } {
    const config = (stackFile as { config?: Record<string, unknown> } | null)?.config;
    const issues = stackIssues(config, source);
    if (config?.[CLUSTER_KEY] === undefined) {
        throw new ValidationError(issues, "stack file");
    }
    let validated;
    try {
        validated = validateCluster(config[CLUSTER_KEY], options);
    } catch (err) {
        if (err instanceof ValidationError) {
            throw new ValidationError([...issues, ...err.issues], err.subject);
        }
        throw err;
    }
    if (issues.length > 0) {
        throw new ValidationError(issues, "stack file");
    }
    return { spec: validated.spec, plan: planCluster(validated.spec, validated.warnings) };
}
