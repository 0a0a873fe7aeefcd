// Which ephemeral stacks have outlived their time to live. PURE: plain data in, plain data out
// (no Pulumi, no clock, no I/O), so the rules can be tested at every boundary.
//
// A stack is destroyed only when it carries BOTH tags
//     kubeadm-ha:ephemeral = true
//     kubeadm-ha:ttl       = <duration>, e.g. 30m, 8h, 3d, 2w, 1d12h
// and its last update is at least that long ago. A stack whose name looks like production
// (`prod…`) is refused even when tagged. Everything not selected is reported with the reason.

/** The tag that marks a stack as disposable; its value must be `true` (or `false`). */
export const EPHEMERAL_TAG = "kubeadm-ha:ephemeral";
/** The tag that holds the stack's time to live, counted from its last update. */
export const TTL_TAG = "kubeadm-ha:ttl";

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const TTL_FORM = "a whole number followed by m, h, d or w (minutes, hours, days, weeks), e.g. 30m, 8h, 3d or 1d12h";

/** One stack as the backend lists it, with its tags. */
export interface StackInfo {
    /** The stack name as `pulumi stack ls --json` prints it: `dev`, or `org/dev`, `org/project/dev`. */
    readonly name: string;
    /** The stack's tags, name to value (`pulumi stack tag ls --json`). */
    readonly tags: Readonly<Record<string, string>>;
    /** When the last update finished (ISO 8601, e.g. `2026-11-20T08:00:00.000Z`); absent if never updated. */
    readonly lastUpdate?: string;
    /** True while an update runs; such a stack is never selected. */
    readonly updateInProgress?: boolean;
}

/** A stack whose time to live has run out: destroy it, then remove it. */
export interface ExpiredStack {
    readonly name: string;
    /** The `kubeadm-ha:ttl` value as tagged. */
    readonly ttl: string;
    /** How long ago the last update was, in milliseconds (at least the TTL). */
    readonly ageMs: number;
    /** Why it was selected, in words, naming the stack, the TTL and the last update. */
    readonly reason: string;
}

/** Why a stack was left alone. */
export type SkipKind =
    | "not-ephemeral" | "missing-ttl" | "malformed-tag" | "production-name"
    | "update-in-progress" | "never-updated" | "bad-last-update" | "not-expired";

/** A stack that was not selected, and why. */
export interface SkippedStack {
    readonly name: string;
    readonly kind: SkipKind;
    /** `warning` when a person should fix a tag or a name; `info` when all is as intended. */
    readonly level: "info" | "warning";
    /** What was found and, for warnings, the command that fixes it. */
    readonly message: string;
}

/** The outcome of {@link selectExpiredStacks}: every input stack appears in exactly one list. */
export interface Selection {
    readonly expired: readonly ExpiredStack[];
    readonly skipped: readonly SkippedStack[];
}

/** The outcome of {@link parseTtl}: the duration in milliseconds, or what is wrong with it. */
export type TtlResult = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly problem: string };

/**
 * Parses a TTL such as `8h`, `3d` or `1d12h` into milliseconds. Units: m, h, d, w; no spaces,
 * no fractions, lower case; zero is refused (it would destroy a stack the moment it is made).
 */
export function parseTtl(value: string): TtlResult {
    if (!/^(\d+[mhdw])+$/.test(value)) {
        return { ok: false, problem: `it is not ${TTL_FORM}` };
    }
    let ms = 0;
    for (const [, amount, unit] of value.matchAll(/(\d+)([mhdw])/g)) {
        ms += Number(amount) * UNIT_MS[unit];
    }
    if (!Number.isSafeInteger(ms)) {
        return { ok: false, problem: "it is too large to be a time to live" };
    }
    if (ms === 0) {
        return { ok: false, problem: "a time to live of zero would destroy the stack as soon as it is made" };
    }
    return { ok: true, ms };
}

/** True when the stack's own name (the part after the last `/`) starts with `prod`, in any case. */
export function looksLikeProduction(name: string): boolean {
    return /^prod/i.test(name.slice(name.lastIndexOf("/") + 1));
}

/** `2d 3h 4m` for a duration in milliseconds (rounded down to the minute). */
export function formatDuration(ms: number): string {
    const minutes = Math.floor(Math.max(0, ms) / 60_000);
    const parts = [[Math.floor(minutes / 1440), "d"], [Math.floor(minutes / 60) % 24, "h"], [minutes % 60, "m"]] as const;
    const shown = parts.filter(([n]) => n > 0).map(([n, u]) => `${n}${u}`);
    return shown.length > 0 ? shown.join(" ") : "0m";
}

function setTag(stack: string, tag: string, value: string): string {
    return `pulumi stack tag set ${tag} ${value} --stack ${stack}`;
}

/** Decides one stack: expired, or skipped with the reason. */
function judge(stack: StackInfo, now: Date): ExpiredStack | SkippedStack {
    const { name, tags } = stack;
    const skip = (kind: SkipKind, level: "info" | "warning", message: string): SkippedStack => ({ name, kind, level, message });
    const ephemeral = tags[EPHEMERAL_TAG];
    if (ephemeral === undefined || ephemeral === "false") {
        return skip("not-ephemeral", "info", `stack "${name}" is not tagged ${EPHEMERAL_TAG}=true; it is never destroyed by TTL`);
    }
    if (ephemeral !== "true") {
        return skip("malformed-tag", "warning", `stack "${name}": tag ${EPHEMERAL_TAG} has value "${ephemeral}", which is neither "true" nor "false"; ` +
            `the stack is left alone. Fix: ${setTag(name, EPHEMERAL_TAG, "true")} (or remove the tag)`);
    }
    if (looksLikeProduction(name)) {
        return skip("production-name", "warning", `stack "${name}" is tagged ${EPHEMERAL_TAG}=true but its name starts with "prod"; ` +
            `production-looking stacks are never destroyed automatically. Fix: remove the tag ` +
            `(pulumi stack tag rm ${EPHEMERAL_TAG} --stack ${name}), or give a disposable stack a name that does not start with "prod"`);
    }
    const ttl = tags[TTL_TAG];
    if (ttl === undefined) {
        return skip("missing-ttl", "warning", `stack "${name}" is tagged ${EPHEMERAL_TAG}=true but has no ${TTL_TAG} tag; ` +
            `it is left alone. Fix: ${setTag(name, TTL_TAG, "8h")}`);
    }
    const parsed = parseTtl(ttl);
    if (!parsed.ok) {
        return skip("malformed-tag", "warning", `stack "${name}": tag ${TTL_TAG} has value "${ttl}", which is not a duration: ${parsed.problem}; ` +
            `the stack is left alone. Fix: ${setTag(name, TTL_TAG, "8h")}`);
    }
    if (stack.updateInProgress === true) {
        return skip("update-in-progress", "info", `stack "${name}" has an update in progress; it is looked at again on the next run`);
    }
    if (stack.lastUpdate === undefined || stack.lastUpdate === "") {
        return skip("never-updated", "info", `stack "${name}" has never been updated, so its age is unknown; ` +
            `if it is unused, remove it by hand: pulumi stack rm --yes ${name}`);
    }
    const updated = Date.parse(stack.lastUpdate);
    if (Number.isNaN(updated)) {
        return skip("bad-last-update", "warning", `stack "${name}": last update "${stack.lastUpdate}" is not a date the selector can read; ` +
            `it is left alone. Fix: check the output of pulumi stack ls --json`);
    }
    const ageMs = now.getTime() - updated;
    if (ageMs < parsed.ms) {
        return skip("not-expired", "info", `stack "${name}" (${TTL_TAG}=${ttl}) was last updated ${formatDuration(ageMs)} ago; ` +
            `it expires in ${formatDuration(parsed.ms - ageMs)}`);
    }
    return {
        name, ttl, ageMs,
        reason: `stack "${name}" (${TTL_TAG}=${ttl}) was last updated at ${stack.lastUpdate}, ${formatDuration(ageMs)} ago: its time to live has run out`,
    };
}

/**
 * Selects the stacks to destroy at `now`: tagged `kubeadm-ha:ephemeral=true` with a valid
 * `kubeadm-ha:ttl`, not named like production, not mid-update, and last updated at least the
 * TTL ago (an age of exactly the TTL counts as expired). Every other stack is listed in
 * `skipped` with the reason; malformed tags are warnings that name the stack, tag and value.
 */
export function selectExpiredStacks(stacks: readonly StackInfo[], now: Date): Selection {
    if (Number.isNaN(now.getTime())) {
        throw new Error("selectExpiredStacks: `now` is not a valid date");
    }
    const expired: ExpiredStack[] = [];
    const skipped: SkippedStack[] = [];
    for (const stack of stacks) {
        const verdict = judge(stack, now);
        if ("kind" in verdict) {
            skipped.push(verdict);
        } else {
            expired.push(verdict);
        }
    }
    return { expired, skipped };
}
