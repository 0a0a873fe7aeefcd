// Reading stacks and their tags from the Pulumi CLI's JSON output.
//
// `pulumi stack ls --json` prints an array of objects (pulumi/pulumi, pkg/cmd/pulumi/stack/
// stack_ls.go, `stackSummaryJSON`):
//     name              string   always; `dev`, or `org/project/dev` outside the current scope
//     current           boolean  always; whether it is the selected stack
//     lastUpdate        string   omitted if never updated or while an update runs; UTC with
//                                milliseconds, e.g. "2026-11-20T08:00:00.000Z" (RFC 5424 style)
//     updateInProgress  boolean  omitted by backends that do not report progress (DIY backends)
//     resourceCount     number   omitted when unknown
//     url               string   Pulumi Cloud console address; omitted on DIY backends
// Only stacks of the project in the working directory are listed unless `--all` is passed.
// `pulumi stack tag ls --stack <name> --json` prints one JSON object, tag name to value
// (stack_tag.go: `ui.PrintJSON(tags)` of a map[string]string).

import { execFileSync } from "node:child_process";
import type { StackInfo } from "./ttl";

/** One entry of `pulumi stack ls --json`. */
export interface StackListEntry {
    readonly name: string;
    readonly current?: boolean;
    readonly lastUpdate?: string;
    readonly updateInProgress?: boolean;
    readonly resourceCount?: number;
    readonly url?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(text: string, what: string): unknown {
    try {
        return JSON.parse(text);
    } catch (err) {
        throw new Error(`${what} is not JSON (${(err as Error).message}); it starts with ${JSON.stringify(text.slice(0, 60))}`);
    }
}

const OPTIONAL_FIELDS: readonly (readonly [string, string])[] = [
    ["current", "boolean"], ["lastUpdate", "string"], ["updateInProgress", "boolean"], ["resourceCount", "number"], ["url", "string"],
];

/** Parses and checks the output of `pulumi stack ls --json`; errors name the entry and field. */
export function parseStackList(text: string, source = "the output of pulumi stack ls --json"): StackListEntry[] {
    const data = parseJson(text, source);
    if (!Array.isArray(data)) {
        throw new Error(`${source} must be a JSON array of stacks, got ${data === null ? "null" : typeof data}`);
    }
    return data.map((entry, i) => {
        if (!isRecord(entry) || typeof entry.name !== "string" || entry.name === "") {
            throw new Error(`${source}: entry ${i} has no stack name (expected an object with a "name" string), got ${JSON.stringify(entry)}`);
        }
        for (const [field, type] of OPTIONAL_FIELDS) {
            if (entry[field] !== undefined && typeof entry[field] !== type) {
                throw new Error(`${source}: stack "${entry.name}": field "${field}" should be a ${type}, got ${JSON.stringify(entry[field])}`);
            }
        }
        return entry as unknown as StackListEntry;
    });
}

/** Parses and checks the output of `pulumi stack tag ls --json` for one stack. */
export function parseTags(text: string, stack: string): Record<string, string> {
    const source = `the tags of stack "${stack}" (pulumi stack tag ls --stack ${stack} --json)`;
    const data = parseJson(text, source);
    return checkTags(data, source);
}

/** Parses a saved tag file: a JSON object of stack name to that stack's tags. */
export function parseTagFile(text: string, source: string): Record<string, Record<string, string>> {
    const data = parseJson(text, source);
    if (!isRecord(data)) {
        throw new Error(`${source} must be a JSON object of stack name to tags, got ${JSON.stringify(data)}`);
    }
    return Object.fromEntries(Object.entries(data).map(([stack, tags]) => [stack, checkTags(tags, `${source}, stack "${stack}"`)]));
}

/** Checks that `data` is an object of string tag values. */
function checkTags(data: unknown, source: string): Record<string, string> {
    if (!isRecord(data)) {
        throw new Error(`${source} must be a JSON object of tag name to value, got ${JSON.stringify(data)}`);
    }
    for (const [tag, value] of Object.entries(data)) {
        if (typeof value !== "string") {
            throw new Error(`${source}: tag "${tag}" should have a string value, got ${JSON.stringify(value)}`);
        }
    }
    return data as Record<string, string>;
}

/** Joins a listed stack with its tags into what the selector reads. */
export function toStackInfo(entry: StackListEntry, tags: Record<string, string>): StackInfo {
    return { name: entry.name, tags, lastUpdate: entry.lastUpdate, updateInProgress: entry.updateInProgress };
}

/** Runs the Pulumi CLI and returns its stdout; a failure names the command and quotes stderr. */
export function runPulumi(pulumi: string, args: readonly string[]): string {
    try {
        return execFileSync(pulumi, [...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
    } catch (err) {
        const e = err as NodeJS.ErrnoException & { stderr?: string; status?: number };
        const detail = e.code === "ENOENT" ? `${pulumi} is not installed or not on PATH` : (e.stderr ?? "").trim() || e.message;
        throw new Error(`\`${[pulumi, ...args].join(" ")}\` failed: ${detail}`);
    }
}

/** `pulumi stack ls --json` in the current project, checked. */
export function listStacks(pulumi: string): StackListEntry[] {
    return parseStackList(runPulumi(pulumi, ["stack", "ls", "--json"]));
}

/** `pulumi stack tag ls --stack <name> --json`, checked. */
export function readTags(pulumi: string, stack: string): Record<string, string> {
    return parseTags(runPulumi(pulumi, ["stack", "tag", "ls", "--stack", stack, "--json"]), stack);
}
