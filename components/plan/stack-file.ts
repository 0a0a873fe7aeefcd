// Reads the cluster configuration out of a parsed Pulumi stack file
// (`config: { "kubeadm-ha:cluster": {...}, "tencentcloud:region": ... }`) and plans it.

import { didYouMean, Issue, ValidationError } from "./errors";
import { ClusterPlan, planCluster } from "./plan";
import type { ClusterSpec } from "./spec";
import { validateCluster, ValidateOptions } from "./validate";

/** Pulumi project name: the namespace of the cluster config key. */
export const PROJECT = "kubeadm-ha";
/** The stack config key that holds the whole cluster configuration. */
export const CLUSTER_KEY = `${PROJECT}:cluster`;

/** A program-level stack config key (`kubeadm-ha:<key>` beside the cluster), as index.ts reads it. */
export interface ProgramKey {
    readonly key: string;
    readonly type: string;
    readonly default: string;
    readonly description: string;
}

/** Every `kubeadm-ha:<key>` the Pulumi program reads besides `cluster` (docs/config-reference.md lists them). */
export const PROGRAM_KEYS: readonly ProgramKey[] = [
    { key: "imageId", type: "string", default: "unset", description: "Image of new machines and of a reinstall (`img-` and 8 characters); deployed machines keep theirs until it changes" },
    { key: "rollOut", type: "string", default: "unset: every machine", description: "Comma-separated machine names: only these deployed machines take a new instance type or image this update" },
    { key: "existingNetwork", type: "{ vpcId: string, subnetIds: { <zone>: string } }", default: "unset: a new VPC", description: "Adopt an existing VPC and one subnet per zone instead of creating them" },
    { key: "allowDisruptiveChange", type: "boolean", default: "false", description: "The change guard only warns (test clusters that may go down)" },
    { key: "kubernetesLayer", type: "boolean", default: "false", description: "Register the Kubernetes layer (CoreDNS spread and PDB); Pulumi must then reach the API endpoint" },
];

/** Problems of the stack file around the cluster config (missing key, region mismatch). */
function stackIssues(config: Record<string, unknown> | undefined, source: string): Issue[] {
    const cluster = config?.[CLUSTER_KEY];
    if (cluster === undefined) {
        const known = [CLUSTER_KEY, ...PROGRAM_KEYS.map((k) => `${PROJECT}:${k.key}`)];
        const typo = Object.keys(config ?? {}).find((k) => !known.includes(k) && didYouMean(k, [CLUSTER_KEY]) !== undefined);
        return [{
            path: CLUSTER_KEY, problem: `is missing from ${source}${typo ? ` (it has '${typo}')` : ""}`,
            fix: typo ? `rename '${typo}' to '${CLUSTER_KEY}'` : `add a '${CLUSTER_KEY}:' mapping under 'config:' (copy stacks/Pulumi.dev.yaml)`,
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
