import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
const NOW = "2026-11-22T12:00:00.000Z";

/** A stand-in `pulumi` that logs its arguments and answers `stack ls` and `stack tag ls` from files. */
const FAKE_PULUMI = `#!/usr/bin/env bash
echo "$*" >> "$FAKE_PULUMI_DIR/calls.log"
case "$1 $2 $3" in
  "stack ls --json") [ -f "$FAKE_PULUMI_DIR/ls-fails" ] && { echo "error: PULUMI_ACCESS_TOKEN must be set" >&2; exit 255; }
                     cat "$FAKE_PULUMI_DIR/stacks.json" ;;
  "stack tag ls") f="$FAKE_PULUMI_DIR/tags/$5.json"
                  [ -f "$f" ] || { echo "error: no stack named '$5' found" >&2; exit 255; }
                  cat "$f" ;;
esac
`;

const STACKS = [
    { name: "dev", current: true, lastUpdate: "2026-11-01T00:00:00.000Z", updateInProgress: false, resourceCount: 41 },
    { name: "pr-12", current: false, lastUpdate: "2026-11-22T02:00:00.000Z", updateInProgress: false, resourceCount: 30 },
    { name: "pr-13", current: false, lastUpdate: "2026-11-22T11:00:00.000Z", updateInProgress: false, resourceCount: 30 },
    { name: "prod-lvs", current: false, lastUpdate: "2026-10-01T00:00:00.000Z", updateInProgress: false, resourceCount: 60 },
    { name: "pr-bad", current: false, lastUpdate: "2026-10-01T00:00:00.000Z", updateInProgress: false, resourceCount: 30 },
];
const TAGS: Record<string, Record<string, string>> = {
    "dev": { "pulumi:project": "kubeadm-ha" },
    "pr-12": { "kubeadm-ha:ephemeral": "true", "kubeadm-ha:ttl": "8h" },
    "pr-13": { "kubeadm-ha:ephemeral": "true", "kubeadm-ha:ttl": "8h" },
    "prod-lvs": { "kubeadm-ha:ephemeral": "true", "kubeadm-ha:ttl": "1d" },
    "pr-bad": { "kubeadm-ha:ephemeral": "true", "kubeadm-ha:ttl": "8 hours" },
};

/** Writes the fake CLI and its answers into dir; returns the path of the fake `pulumi`. */
function fakePulumi(dir: string, stacks: unknown[] = STACKS, tags: Record<string, unknown> = TAGS): string {
    mkdirSync(path.join(dir, "tags"), { recursive: true });
    writeFileSync(path.join(dir, "stacks.json"), JSON.stringify(stacks, null, 4));
    for (const [name, t] of Object.entries(tags)) {
        writeFileSync(path.join(dir, "tags", `${name}.json`), JSON.stringify(t));
    }
    const bin = path.join(dir, "pulumi");
    writeFileSync(bin, FAKE_PULUMI);
    chmodSync(bin, 0o755);
    return bin;
}

function run(args: string[], env: Record<string, string> = {}) {
    const r = spawnSync(process.execPath, ["--require", "tsx/cjs", "components/ci/expired-stacks.ts", ...args], {
        cwd: ROOT, encoding: "utf8", env: { ...process.env, GITHUB_ACTIONS: "", ...env },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("expired-stacks (the command the destroy workflow runs)", () => {
    let dir: string;
    let pulumi: string;
    beforeEach(() => {
        dir = mkdtempSync(path.join(tmpdir(), "kubeadm-ha-expired-"));
        pulumi = fakePulumi(dir);
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const env = () => ({ FAKE_PULUMI_DIR: dir });

    it("asks pulumi for the stacks and each stack's tags, and prints the expired ones a line each", () => {
        const r = run(["--pulumi", pulumi, "--now", NOW], env());
        assert.equal(r.code, 0, r.err);
        assert.equal(r.out, "pr-12\n");
        assert.deepEqual(readFileSync(path.join(dir, "calls.log"), "utf8").trim().split("\n"), [
            "stack ls --json", ...STACKS.map((s) => `stack tag ls --stack ${s.name} --json`),
        ]);
        assert.match(r.err, /^destroy: stack "pr-12" \(kubeadm-ha:ttl=8h\) was last updated at 2026-11-22T02:00:00.000Z, 10h ago/m);
        assert.match(r.err, /^keep: stack "pr-13" .*expires in 7h$/m);
        assert.match(r.err, /^warning: stack "prod-lvs" is tagged kubeadm-ha:ephemeral=true but its name starts with "prod"/m);
        assert.match(r.err, /^warning: stack "pr-bad": tag kubeadm-ha:ttl has value "8 hours"/m);
    });

    it("prints a JSON array with --format json, and [] when nothing expired", () => {
        assert.equal(run(["--pulumi", pulumi, "--now", NOW, "--format", "json"], env()).out, '["pr-12"]\n');
        assert.equal(run(["--pulumi", pulumi, "--now", "2026-11-22T09:59:00Z", "--format", "json"], env()).out, "[]\n");
    });

    it("appends a Markdown table of every decision to --summary", () => {
        const summary = path.join(dir, "summary.md");
        writeFileSync(summary, "earlier step\n");
        assert.equal(run(["--pulumi", pulumi, "--now", NOW, "--summary", summary], env()).code, 0);
        const md = readFileSync(summary, "utf8");
        assert.ok(md.startsWith("earlier step\n### Ephemeral stacks at 2026-11-22T12:00:00.000Z\n\n1 to destroy.\n"), md);
        assert.match(md, /^\| `pr-12` \| destroy \| stack "pr-12" /m);
        assert.match(md, /^\| `prod-lvs` \| keep \(check\) \| /m);
        assert.match(md, /^\| `dev` \| keep \| stack "dev" is not tagged/m);
    });

    it("writes warnings as GitHub annotations inside Actions", () => {
        const r = run(["--pulumi", pulumi, "--now", NOW], { ...env(), GITHUB_ACTIONS: "true" });
        assert.match(r.err, /^::warning title=expired-stacks::stack "pr-bad": tag kubeadm-ha:ttl has value "8 hours"/m);
    });

    it("leaves a stack alone, with a warning naming it, when its tags cannot be read", () => {
        rmSync(path.join(dir, "tags", "pr-12.json"));
        const summary = path.join(dir, "summary.md");
        const r = run(["--pulumi", pulumi, "--now", NOW, "--summary", summary], env());
        assert.equal(r.code, 0, r.err);
        assert.equal(r.out, "");
        assert.match(r.err, /warning: stack "pr-12" is left alone: its tags could not be read: `.*pulumi stack tag ls --stack pr-12 --json` failed: error: no stack named 'pr-12' found/);
        assert.match(readFileSync(summary, "utf8"), /^\| \| keep \(check\) \| stack "pr-12" is left alone: its tags could not be read/m);
    });

    it("fails with the CLI's own message when the stacks cannot be listed", () => {
        writeFileSync(path.join(dir, "ls-fails"), "");
        const r = run(["--pulumi", pulumi, "--now", NOW], env());
        assert.equal(r.code, 1);
        assert.equal(r.out, "");
        assert.match(r.err, /^expired-stacks: `.*pulumi stack ls --json` failed: error: PULUMI_ACCESS_TOKEN must be set$/m);
        const missing = run(["--pulumi", path.join(dir, "no-such-pulumi"), "--now", NOW]);
        assert.equal(missing.code, 1);
        assert.match(missing.err, /no-such-pulumi is not installed or not on PATH/);
    });

    it("works from saved JSON files without the Pulumi CLI (a dry run)", () => {
        const tags = path.join(dir, "all-tags.json");
        writeFileSync(tags, JSON.stringify(TAGS));
        const r = run(["--stacks", path.join(dir, "stacks.json"), "--tags", tags, "--now", NOW, "--pulumi", "/nonexistent"]);
        assert.equal(r.code, 0, r.err);
        assert.equal(r.out, "pr-12\n");
        const bad = run(["--stacks", tags, "--tags", tags, "--now", NOW]);
        assert.equal(bad.code, 1);
        assert.match(bad.err, /--stacks file .*all-tags\.json must be a JSON array of stacks, got object/);
    });

    it("rejects bad usage with exit status 2 and the usage text", () => {
        for (const args of [["--format", "yaml"], ["--now", "yesterday"], ["--bogus"]]) {
            const r = run(args);
            assert.equal(r.code, 2, args.join(" "));
            assert.match(r.err, /usage: npx tsx components\/ci\/expired-stacks\.ts/);
        }
        assert.match(run(["--now", "yesterday"]).err, /--now must be an ISO 8601 date .*got "yesterday"/);
        assert.equal(run(["--help"]).code, 0);
    });
});
