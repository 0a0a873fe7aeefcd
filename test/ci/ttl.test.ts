import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { parseStackList, parseTagFile, parseTags } from "../../components/ci/pulumi-stacks";
import {
    EPHEMERAL_TAG, formatDuration, looksLikeProduction, parseTtl, selectExpiredStacks, TTL_TAG,
    type SkippedStack, type StackInfo,
} from "../../components/ci/ttl";

const NOW = new Date("2026-11-22T12:00:00.000Z");
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** An ephemeral stack last updated `ageMs` before NOW. */
function stack(name: string, ttl: string | undefined, ageMs: number, extra: Partial<StackInfo> = {}): StackInfo {
    const tags: Record<string, string> = { [EPHEMERAL_TAG]: "true", "pulumi:project": "kubeadm-ha" };
    if (ttl !== undefined) {
        tags[TTL_TAG] = ttl;
    }
    return { name, tags, lastUpdate: new Date(NOW.getTime() - ageMs).toISOString(), ...extra };
}

function only(stacks: StackInfo[]) {
    const { expired, skipped } = selectExpiredStacks(stacks, NOW);
    assert.equal(expired.length + skipped.length, 1);
    return { expired: expired[0], skipped: skipped[0] as SkippedStack | undefined };
}

describe("parseTtl", () => {
    it("reads minutes, hours, days, weeks and combinations", () => {
        assert.deepEqual(parseTtl("30m"), { ok: true, ms: 30 * MIN });
        assert.deepEqual(parseTtl("8h"), { ok: true, ms: 8 * HOUR });
        assert.deepEqual(parseTtl("3d"), { ok: true, ms: 3 * DAY });
        assert.deepEqual(parseTtl("2w"), { ok: true, ms: 14 * DAY });
        assert.deepEqual(parseTtl("1d12h"), { ok: true, ms: 36 * HOUR });
        assert.deepEqual(parseTtl("90m"), { ok: true, ms: 90 * MIN });
    });

    it("refuses anything else, saying what a duration looks like", () => {
        for (const bad of ["", "8", "h", "8H", "8 h", " 8h", "8h ", "1.5h", "-1h", "+1h", "8s", "8hours", "1y", "8h30"]) {
            const r = parseTtl(bad);
            assert.equal(r.ok, false, JSON.stringify(bad));
            assert.match((r as { problem: string }).problem, /whole number followed by m, h, d or w/, JSON.stringify(bad));
        }
    });

    it("refuses a zero and an absurdly large TTL", () => {
        assert.deepEqual(parseTtl("0h"), { ok: false, problem: "a time to live of zero would destroy the stack as soon as it is made" });
        assert.deepEqual(parseTtl("0d0m"), parseTtl("0h"));
        assert.equal(parseTtl("99999999999999w").ok, false);
    });
});

describe("looksLikeProduction", () => {
    it("matches stack names that start with prod, in any case, after any org/project prefix", () => {
        for (const name of ["prod", "production", "Prod-lvs", "PROD2", "acme/kubeadm-ha/prod-keepalived", "acme/prod"]) {
            assert.equal(looksLikeProduction(name), true, name);
        }
        for (const name of ["dev", "pr-12", "preprod", "staging-prod", "acme/prod-team/dev"]) {
            assert.equal(looksLikeProduction(name), false, name);
        }
    });
});

describe("formatDuration", () => {
    it("prints days, hours and minutes, rounded down", () => {
        assert.equal(formatDuration(0), "0m");
        assert.equal(formatDuration(59_999), "0m");
        assert.equal(formatDuration(DAY + 3 * HOUR + 4 * MIN + 59_000), "1d 3h 4m");
        assert.equal(formatDuration(8 * HOUR), "8h");
    });
});

describe("selectExpiredStacks", () => {
    it("selects a stack whose age is exactly its TTL, and keeps one a millisecond younger", () => {
        const at = only([stack("pr-1", "8h", 8 * HOUR)]);
        assert.equal(at.expired?.name, "pr-1");
        assert.equal(at.expired?.ageMs, 8 * HOUR);
        assert.match(at.expired?.reason ?? "", /^stack "pr-1" \(kubeadm-ha:ttl=8h\) was last updated at 2026-11-22T04:00:00.000Z, 8h ago/);
        const before = only([stack("pr-1", "8h", 8 * HOUR - 1)]);
        assert.equal(before.expired, undefined);
        assert.equal(before.skipped?.kind, "not-expired");
        assert.equal(before.skipped?.level, "info");
        assert.match(before.skipped?.message ?? "", /expires in 0m$/);
    });

    it("measures every unit against the last update", () => {
        const result = selectExpiredStacks([
            stack("a", "30m", 31 * MIN), stack("b", "30m", 29 * MIN),
            stack("c", "3d", 3 * DAY + 1), stack("d", "3d", 3 * DAY - HOUR),
            stack("e", "1w", 8 * DAY), stack("f", "1d12h", 36 * HOUR - MIN),
        ], NOW);
        assert.deepEqual(result.expired.map((e) => e.name), ["a", "c", "e"]);
        assert.deepEqual(result.skipped.map((s) => [s.name, s.kind]), [["b", "not-expired"], ["d", "not-expired"], ["f", "not-expired"]]);
        assert.match(result.skipped[1].message, /was last updated 2d 23h ago; it expires in 1h$/);
    });

    it("never selects a stack without both tags", () => {
        const old = new Date(NOW.getTime() - 30 * DAY).toISOString();
        const result = selectExpiredStacks([
            { name: "untagged", tags: {}, lastUpdate: old },
            { name: "ttl-only", tags: { [TTL_TAG]: "1h" }, lastUpdate: old },
            { name: "ephemeral-false", tags: { [EPHEMERAL_TAG]: "false", [TTL_TAG]: "1h" }, lastUpdate: old },
            { name: "ephemeral-only", tags: { [EPHEMERAL_TAG]: "true" }, lastUpdate: old },
        ], NOW);
        assert.deepEqual(result.expired, []);
        assert.deepEqual(result.skipped.map((s) => [s.name, s.kind, s.level]), [
            ["untagged", "not-ephemeral", "info"], ["ttl-only", "not-ephemeral", "info"],
            ["ephemeral-false", "not-ephemeral", "info"], ["ephemeral-only", "missing-ttl", "warning"],
        ]);
        assert.equal(result.skipped[3].message,
            'stack "ephemeral-only" is tagged kubeadm-ha:ephemeral=true but has no kubeadm-ha:ttl tag; it is left alone. ' +
            "Fix: pulumi stack tag set kubeadm-ha:ttl 8h --stack ephemeral-only");
    });

    it("refuses production-looking names even when tagged and long expired, and says so", () => {
        const result = selectExpiredStacks([stack("prod-lvs", "1h", 90 * DAY), stack("acme/kubeadm-ha/production", "1h", 90 * DAY)], NOW);
        assert.deepEqual(result.expired, []);
        for (const s of result.skipped) {
            assert.equal(s.kind, "production-name");
            assert.equal(s.level, "warning");
            assert.ok(s.message.startsWith(`stack "${s.name}" is tagged kubeadm-ha:ephemeral=true but its name starts with "prod"`), s.message);
            assert.match(s.message, new RegExp(`pulumi stack tag rm kubeadm-ha:ephemeral --stack ${s.name}`));
        }
    });

    it("reports a malformed ttl naming the stack, the tag, the value and the fix", () => {
        const { skipped } = only([stack("pr-7", "8 hours", 90 * DAY)]);
        assert.equal(skipped?.kind, "malformed-tag");
        assert.equal(skipped?.level, "warning");
        assert.equal(skipped?.message,
            'stack "pr-7": tag kubeadm-ha:ttl has value "8 hours", which is not a duration: it is not a whole number followed by ' +
            "m, h, d or w (minutes, hours, days, weeks), e.g. 30m, 8h, 3d or 1d12h; the stack is left alone. " +
            "Fix: pulumi stack tag set kubeadm-ha:ttl 8h --stack pr-7");
        assert.match(only([stack("pr-8", "0h", DAY)]).skipped?.message ?? "", /tag kubeadm-ha:ttl has value "0h", .*zero/);
    });

    it("reports a malformed ephemeral value naming the stack, the tag and the value", () => {
        const s: StackInfo = { name: "pr-9", tags: { [EPHEMERAL_TAG]: "yes", [TTL_TAG]: "1h" }, lastUpdate: "2026-01-01T00:00:00.000Z" };
        const { skipped } = only([s]);
        assert.equal(skipped?.kind, "malformed-tag");
        assert.match(skipped?.message ?? "", /^stack "pr-9": tag kubeadm-ha:ephemeral has value "yes", which is neither "true" nor "false".*Fix: pulumi stack tag set kubeadm-ha:ephemeral true --stack pr-9/);
    });

    it("leaves alone stacks mid-update, never updated, or with an unreadable last update", () => {
        const result = selectExpiredStacks([
            stack("busy", "1h", 90 * DAY, { updateInProgress: true }),
            stack("fresh", "1h", 0, { lastUpdate: undefined }),
            stack("odd", "1h", 0, { lastUpdate: "last tuesday" }),
        ], NOW);
        assert.deepEqual(result.expired, []);
        assert.deepEqual(result.skipped.map((s) => [s.name, s.kind, s.level]),
            [["busy", "update-in-progress", "info"], ["fresh", "never-updated", "info"], ["odd", "bad-last-update", "warning"]]);
        assert.match(result.skipped[2].message, /^stack "odd": last update "last tuesday" is not a date/);
    });

    it("puts every stack in exactly one list, and selects only tagged, non-production, old-enough stacks", () => {
        const tagsArb = fc.record({
            ephemeral: fc.constantFrom(undefined, "true", "false", "yes"),
            ttl: fc.constantFrom(undefined, "30m", "8h", "3d", "1d12h", "0h", "8 hours"),
        });
        const stackArb = fc.record({
            name: fc.constantFrom("pr-1", "pr-2", "dev", "prod", "feature-x", "acme/x/prod-b"),
            tags: tagsArb, ageMs: fc.integer({ min: -HOUR, max: 10 * DAY }), inProgress: fc.boolean(),
        }).map(({ name, tags, ageMs, inProgress }): StackInfo => ({
            name,
            tags: Object.fromEntries(Object.entries({ [EPHEMERAL_TAG]: tags.ephemeral, [TTL_TAG]: tags.ttl }).filter(([, v]) => v !== undefined)) as Record<string, string>,
            lastUpdate: new Date(NOW.getTime() - ageMs).toISOString(), updateInProgress: inProgress,
        }));
        const stacksArb = fc.array(stackArb, { maxLength: 8 }).map((list) => list.map((s, i) => ({ ...s, name: `${s.name}-${i}` })));
        fc.assert(fc.property(stacksArb, (stacks) => {
            const { expired, skipped } = selectExpiredStacks(stacks, NOW);
            assert.deepEqual([...expired, ...skipped].map((x) => x.name).sort(), stacks.map((x) => x.name).sort());
            for (const e of expired) {
                const s = stacks.find((x) => x.name === e.name) as StackInfo;
                const ttl = parseTtl(s.tags[TTL_TAG]);
                assert.ok(s.tags[EPHEMERAL_TAG] === "true" && ttl.ok && !looksLikeProduction(s.name) && !s.updateInProgress);
                assert.ok(ttl.ok && NOW.getTime() - Date.parse(s.lastUpdate as string) >= ttl.ms);
            }
        }));
    });

    it("refuses an invalid `now`", () => {
        assert.throws(() => selectExpiredStacks([], new Date("nonsense")), /`now` is not a valid date/);
    });
});

describe("reading the Pulumi CLI's JSON", () => {
    const listing = JSON.stringify([
        { name: "dev", current: true, lastUpdate: "2026-11-20T08:00:00.000Z", updateInProgress: false, resourceCount: 41, url: "https://app.pulumi.com/acme/kubeadm-ha/dev" },
        { name: "pr-12", current: false, resourceCount: 0 },
    ], null, 4);

    it("accepts the shape `pulumi stack ls --json` prints", () => {
        const stacks = parseStackList(listing);
        assert.deepEqual(stacks.map((s) => [s.name, s.lastUpdate, s.resourceCount]), [["dev", "2026-11-20T08:00:00.000Z", 41], ["pr-12", undefined, 0]]);
    });

    it("names the entry and the field that is wrong", () => {
        assert.throws(() => parseStackList('{"name":"dev"}'), /must be a JSON array of stacks, got object/);
        assert.throws(() => parseStackList('[{"current":true}]'), /entry 0 has no stack name/);
        assert.throws(() => parseStackList('[{"name":"dev","lastUpdate":1700000000}]'), /stack "dev": field "lastUpdate" should be a string, got 1700000000/);
        assert.throws(() => parseStackList("error: no Pulumi.yaml"), /is not JSON .*starts with "error: no Pulumi.yaml"/);
    });

    it("reads tags as `pulumi stack tag ls --json` prints them, and saved tag files", () => {
        assert.deepEqual(parseTags('{"kubeadm-ha:ttl":"8h","pulumi:project":"kubeadm-ha"}', "pr-12"), { "kubeadm-ha:ttl": "8h", "pulumi:project": "kubeadm-ha" });
        assert.throws(() => parseTags('{"kubeadm-ha:ttl":8}', "pr-12"), /the tags of stack "pr-12" .*tag "kubeadm-ha:ttl" should have a string value, got 8/);
        assert.throws(() => parseTagFile('{"pr-12":["8h"]}', "--tags file t.json"), /--tags file t.json, stack "pr-12" must be a JSON object/);
    });

    it("keeps ttl.ts pure: no Pulumi, no Node built-ins, no clock", () => {
        const source = readFileSync(path.join(__dirname, "..", "..", "components", "ci", "ttl.ts"), "utf8");
        assert.doesNotMatch(source, /^import\s/m);
        assert.doesNotMatch(source, /\brequire\(|Date\.now\(|new Date\(\)|process\./);
    });
});
