// One error type for bad input: it lists every problem, each naming the field path, the value
// it got, what is allowed and how to fix it.

/** One problem with the input. */
export interface Issue {
    /** Field path inside the cluster config, e.g. `workerPools[1].zones[0]`. */
    readonly path: string;
    /** The offending value (omitted when the field is missing). */
    readonly got?: unknown;
    /** What is wrong and what is allowed. */
    readonly problem: string;
    /** How to fix it. */
    readonly fix: string;
}

/** A warning does not stop planning; it is printed with the plan. */
export type Warning = Issue;

function show(value: unknown): string {
    const text = JSON.stringify(value);
    if (text === undefined) {
        return String(value);
    }
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** `got 4` / `is missing`, then the problem and the fix. */
export function formatIssue(issue: Issue): string {
    const got = "got" in issue && issue.got !== undefined ? `got ${show(issue.got)}; ` : "";
    return `${issue.path || "(cluster)"}: ${got}${issue.problem}. Fix: ${issue.fix}`;
}

/** Thrown when the configuration (or the plan it leads to) cannot be used. Lists every issue. */
export class ValidationError extends Error {
    constructor(readonly issues: readonly Issue[], readonly subject = "cluster configuration") {
        super(`invalid ${subject} (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
            issues.map((i) => `  - ${formatIssue(i)}`).join("\n"));
        this.name = "ValidationError";
    }
}

/** Renders a zod path as `a.b[2].c`, prefixed with `prefix`. */
export function pathText(prefix: string, path: readonly PropertyKey[]): string {
    let out = prefix;
    for (const part of path) {
        out += typeof part === "number" ? `[${part}]` : `${out ? "." : ""}${String(part)}`;
    }
    return out;
}

function levenshtein(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0]++;
        for (let j = 1; j <= b.length; j++) {
            const cur = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = cur;
        }
    }
    return row[b.length];
}

/** The closest allowed key, if it is close enough to be a typo. */
export function didYouMean(key: string, allowed: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const candidate of allowed) {
        const d = levenshtein(key.toLowerCase(), candidate.toLowerCase());
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Separates the problem from the fix inside a schema's custom error message. */
export const FIX_SEPARATOR = " || ";
