// raw stack config -> ClusterSpec, or one ValidationError that lists every problem.
// Each top-level section is parsed on its own (a second time without unknown keys, which are
// reported anyway) and the cross-field checks run over the sections that parsed, so a typo in
// one place never hides a problem somewhere else. Checks that need a field whose own value is
// invalid wait until it is fixed: the field's own error is reported instead.

import { z } from "zod";
import { Findings, networkChecks, PartialConfig } from "./checks-network";
import { topologyChecks } from "./checks-topology";
import { didYouMean, Issue, ValidationError, Warning } from "./errors";
import { fromZodIssue } from "./zod-issues";
import { ClusterConfig, ClusterSections } from "./schema";
import { ClusterSpec, toClusterSpec } from "./spec";

export interface ValidateOptions {
    /** ISO date used for end-of-life checks. @default today (UTC) */
    readonly today?: string;
}

export interface Validated {
    readonly spec: ClusterSpec;
    readonly warnings: readonly Warning[];
}

type AnySchema = { def: Record<string, any> };

/** Follows wrappers (optional, default, preprocess pipes, discriminated unions) to the schema that parses `value`. */
function unwrap(schema: AnySchema | undefined, value: unknown): AnySchema | undefined {
    let s = schema;
    for (let i = 0; s && i < 10; i++) {
        const def = s.def;
        if (["optional", "default", "prefault", "nullable", "readonly"].includes(def.type)) {
            s = def.innerType;
        } else if (def.type === "pipe") {
            s = def.out;
        } else if (def.type === "union" && def.discriminator) {
            const tag = (value as Record<string, unknown> | undefined)?.[def.discriminator];
            s = def.options.find((o: AnySchema) => o.def.shape[def.discriminator].def.values.includes(tag));
        } else {
            return s;
        }
    }
    return s;
}

/** Keys an object schema accepts at `path` below `schema`, for "did you mean" hints. */
function allowedKeysAt(schema: AnySchema, path: PropertyKey[], value: unknown): string[] {
    let s = unwrap(schema, value);
    let v = value as any;
    for (const part of path) {
        if (!s) {
            return [];
        }
        const def = s.def;
        const next = def.type === "object" ? def.shape[part as string] : def.type === "array" ? def.element
            : def.type === "record" ? def.valueType : undefined;
        v = v?.[part as any];
        s = unwrap(next, v);
    }
    return s?.def.type === "object" ? Object.keys(s.def.shape) : [];
}

/** A copy of `value` without the keys `schema` does not know (they are reported separately). */
function withoutUnknownKeys(schema: AnySchema | undefined, value: unknown): unknown {
    const s = unwrap(schema, value);
    if (!s) {
        return value;
    }
    if (s.def.type === "object" && isPlainObject(value)) {
        const shape = s.def.shape as Record<string, AnySchema>;
        return Object.fromEntries(Object.entries(value).filter(([k]) => k in shape)
            .map(([k, v]) => [k, withoutUnknownKeys(shape[k], v)]));
    }
    if (s.def.type === "array" && Array.isArray(value)) {
        return value.map((v) => withoutUnknownKeys(s.def.element, v));
    }
    if (s.def.type === "record" && isPlainObject(value)) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutUnknownKeys(s.def.valueType, v)]));
    }
    return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses each section on its own; returns what parsed and the issues of what did not. */
function parseSections(raw: Record<string, unknown>): { partial: PartialConfig; issues: Issue[] } {
    const issues: Issue[] = [];
    const partial: Record<string, unknown> = {};
    const known = Object.keys(ClusterSections);
    for (const key of Object.keys(raw)) {
        if (!known.includes(key)) {
            const guess = didYouMean(key, known);
            issues.push({ path: key, problem: `is not a known cluster setting (known: ${known.join(", ")})`, fix: guess ? `did you mean '${guess}'? Rename it` : "remove it" });
        }
    }
    for (const key of known) {
        const schema = (ClusterSections as Record<string, z.ZodType>)[key];
        const result = schema.safeParse(raw[key], { reportInput: true });
        if (result.success) {
            partial[key] = result.data;
            continue;
        }
        for (const zi of result.error.issues) {
            issues.push(...fromZodIssue(key, zi, (p) => allowedKeysAt(schema as unknown as AnySchema, p, raw[key])));
        }
        // Unknown keys are already reported; without them the section may still feed the cross-field checks.
        const retry = schema.safeParse(withoutUnknownKeys(schema as unknown as AnySchema, raw[key]));
        if (retry.success) {
            partial[key] = retry.data;
        }
    }
    return { partial: partial as PartialConfig, issues };
}

/**
 * Validates a cluster configuration (the value of `kubeadm-ha:cluster`). Throws one
 * ValidationError listing every problem; returns the resolved spec and non-fatal warnings.
 */
export function validateCluster(raw: unknown, options: ValidateOptions = {}): Validated {
    if (!isPlainObject(raw)) {
        throw new ValidationError([{
            path: "", got: raw, problem: "must be a mapping of cluster settings",
            fix: "set kubeadm-ha:cluster in the stack file (see stacks/Pulumi.dev.yaml)",
        }]);
    }
    const today = options.today ?? new Date().toISOString().slice(0, 10);
    const { partial, issues } = parseSections(raw);
    const findings: Findings = { errors: issues, warnings: [] };
    networkChecks(partial, findings);
    topologyChecks(partial, today, findings);
    if (findings.errors.length > 0) {
        throw new ValidationError(findings.errors);
    }
    return { spec: toClusterSpec(partial as ClusterConfig), warnings: findings.warnings };
}
