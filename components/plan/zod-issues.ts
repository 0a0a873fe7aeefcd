// Zod's issues in our format (path, got, problem, fix), with a "did you mean" for unknown keys.
// Kept apart from errors.ts so that the library's public types never reach zod.

import type { z } from "zod";
import { didYouMean, FIX_SEPARATOR, Issue, pathText } from "./errors";
import { DEFAULT_KUBERNETES_VERSION, KUBERNETES_MINORS } from "./versions";

/** Converts one zod issue into our issue format. `allowedKeys` lists the keys valid at the issue's path. */
export function fromZodIssue(prefix: string, issue: z.core.$ZodIssue, allowedKeys: (path: PropertyKey[]) => string[]): Issue[] {
    const path = pathText(prefix, issue.path);
    const got = (issue as { input?: unknown }).input;
    switch (issue.code) {
        case "unrecognized_keys": {
            const allowed = allowedKeys(issue.path);
            return issue.keys.map((key) => {
                const guess = didYouMean(key, allowed);
                return {
                    path: pathText(path, [key]),
                    problem: `is not a known setting (allowed here: ${allowed.join(", ")})`,
                    fix: guess ? `did you mean '${guess}'? Rename it` : "remove it",
                };
            });
        }
        case "invalid_type":
            if (got === undefined) {
                return [{ path, problem: `is required (${issue.expected})`, fix: `set ${path}` }];
            }
            if (issue.expected === "string" && typeof got === "number" && path === "kubernetesVersion") {
                return [{ path, got, problem: "must be a quoted exact release (YAML reads an unquoted 1.35 as the number 1.35, and 1.30 as 1.3)", fix: `quote the whole release, e.g. kubernetesVersion: "${versionFor(got)}"` }];
            }
            if (issue.expected === "string" && typeof got === "number") {
                return [{ path, got, problem: "must be a string (YAML reads unquoted values such as 1.37 as numbers)", fix: `quote it, e.g. ${path.split(".").pop()}: "${got}"` }];
            }
            return [{ path, got, problem: issue.message.startsWith("Invalid input") ? `must be a ${issue.expected}` : issue.message, fix: `set ${path} to a ${issue.expected}` }];
        case "invalid_value":
            return [{ path, got, problem: `must be one of ${issue.values.map((v) => String(v)).join(", ")}`, fix: "use one of those values" }];
        case "invalid_union": {
            const u = issue as z.core.$ZodIssueInvalidUnion & { options?: unknown[]; discriminator?: string };
            if (u.discriminator) {
                const value = (got as Record<string, unknown> | undefined)?.[u.discriminator];
                return [{ path, got: value, problem: `is not a known ${u.discriminator}; allowed: ${(u.options ?? []).join(", ")}`, fix: `set ${path} to one of them` }];
            }
            return [{ path, got, problem: issue.message, fix: "check the value against the README" }];
        }
        default: {
            // Schema messages may carry their own fix after FIX_SEPARATOR.
            const [problem, fix] = issue.message.split(FIX_SEPARATOR);
            return [{ path, got, problem, fix: fix ?? fixFor(issue) }];
        }
    }
}

/** A valid release for a version YAML read as a number: that minor's first release when we support it, else the default. */
function versionFor(got: number): string {
    const minor = [...KUBERNETES_MINORS.keys()].find((m) => Number(`1.${m}`) === got);
    return minor === undefined ? DEFAULT_KUBERNETES_VERSION : `1.${minor}.0`;
}

function fixFor(issue: z.core.$ZodIssue): string {
    switch (issue.code) {
        case "too_small":
            return issue.origin === "array" ? `list at least ${String(issue.minimum)} item(s)` : `use ${String(issue.minimum)} or more`;
        case "too_big":
            return issue.origin === "string" ? `shorten it to at most ${String(issue.maximum)} characters`
                : issue.origin === "array" ? `list at most ${String(issue.maximum)} item(s)` : `use ${String(issue.maximum)} or less`;
        case "invalid_format":
            return "write it in the format shown";
        default:
            return "correct the value as described";
    }
}
