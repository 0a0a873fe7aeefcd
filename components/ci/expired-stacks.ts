// npx tsx components/ci/expired-stacks.ts [--format lines|json] [--summary <file>] [--now <iso>]
//                                        [--stacks <file>] [--tags <file>] [--pulumi <bin>]
//
// Prints the stacks of the current Pulumi project whose kubeadm-ha:ttl has run out (see
// ./ttl.ts for the rules), one name a line or as a JSON array; explains every decision on
// stderr (and as GitHub warnings when GITHUB_ACTIONS=true); appends a Markdown table to
// --summary. Stacks and tags come from the Pulumi CLI, or from files for a dry run:
//   --stacks: the saved output of `pulumi stack ls --json`
//   --tags:   a JSON object, stack name to its tags (the output of `pulumi stack tag ls --json`)
// Exit status: 0 (even when nothing expired), 1 when the stacks cannot be listed, 2 on bad usage.

import { appendFileSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { listStacks, parseStackList, parseTagFile, readTags, toStackInfo, type StackListEntry } from "./pulumi-stacks";
import { selectExpiredStacks, type Selection, type StackInfo } from "./ttl";

const USAGE = `usage: npx tsx components/ci/expired-stacks.ts [options]

  --format lines|json  stdout: one expired stack name a line (default), or a JSON array
  --summary <file>     append a Markdown table of every decision (e.g. "$GITHUB_STEP_SUMMARY")
  --now <iso date>     judge ages at this time instead of the clock
  --stacks <file>      read the stack list from this file instead of \`pulumi stack ls --json\`
  --tags <file>        read tags from this JSON object (stack name to tags) instead of
                       \`pulumi stack tag ls --stack <name> --json\`
  --pulumi <bin>       the Pulumi CLI to run (default: pulumi)`;

class UsageError extends Error {}

interface Options {
    readonly format: "lines" | "json";
    readonly summary?: string;
    readonly now: Date;
    readonly stacks?: string;
    readonly tags?: string;
    readonly pulumi: string;
}

function parseOptions(argv: string[]): Options | "help" {
    let values;
    try {
        values = parseArgs({
            args: argv, strict: true,
            options: {
                format: { type: "string", default: "lines" }, summary: { type: "string" }, now: { type: "string" },
                stacks: { type: "string" }, tags: { type: "string" }, pulumi: { type: "string", default: "pulumi" },
                help: { type: "boolean", short: "h", default: false },
            },
        }).values;
    } catch (err) {
        throw new UsageError((err as Error).message);
    }
    if (values.help) {
        return "help";
    }
    if (values.format !== "lines" && values.format !== "json") {
        throw new UsageError(`--format must be "lines" or "json", got "${values.format}"`);
    }
    const now = values.now === undefined ? new Date() : new Date(values.now);
    if (Number.isNaN(now.getTime())) {
        throw new UsageError(`--now must be an ISO 8601 date such as 2026-11-22T08:00:00Z, got "${values.now}"`);
    }
    return { format: values.format, summary: values.summary, now, stacks: values.stacks, tags: values.tags, pulumi: values.pulumi };
}

function readFile(file: string, flag: string): string {
    try {
        return readFileSync(file, "utf8");
    } catch (err) {
        throw new Error(`cannot read ${flag} file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
}

/** The stacks with their tags; stacks whose tags cannot be read are left out with a warning. */
function gather(opts: Options, warn: (message: string) => void): StackInfo[] {
    const entries: StackListEntry[] = opts.stacks !== undefined
        ? parseStackList(readFile(opts.stacks, "--stacks"), `--stacks file ${opts.stacks}`)
        : listStacks(opts.pulumi);
    const tagFile = opts.tags !== undefined ? parseTagFile(readFile(opts.tags, "--tags"), `--tags file ${opts.tags}`) : undefined;
    const infos: StackInfo[] = [];
    for (const entry of entries) {
        try {
            const tags = tagFile === undefined ? readTags(opts.pulumi, entry.name)
                : Object.hasOwn(tagFile, entry.name) ? tagFile[entry.name] : {};
            infos.push(toStackInfo(entry, tags));
        } catch (err) {
            warn(`stack "${entry.name}" is left alone: its tags could not be read: ${(err as Error).message}`);
        }
    }
    return infos;
}

function annotation(message: string): string {
    const escaped = message.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
    return `::warning title=expired-stacks::${escaped}`;
}

function markdown(selection: Selection, warnings: readonly string[], now: Date): string {
    const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
    const rows = [
        ...selection.expired.map((e) => `| \`${e.name}\` | destroy | ${cell(e.reason)} |`),
        ...selection.skipped.map((s) => `| \`${s.name}\` | keep${s.level === "warning" ? " (check)" : ""} | ${cell(s.message)} |`),
        ...warnings.map((w) => `| | keep (check) | ${cell(w)} |`),
    ];
    return [`### Ephemeral stacks at ${now.toISOString()}`, "", `${selection.expired.length} to destroy.`, "",
        "| stack | decision | why |", "|---|---|---|", ...rows, ""].join("\n") + "\n";
}

function main(argv: string[]): number {
    let opts: Options | "help";
    try {
        opts = parseOptions(argv);
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
        return 2;
    }
    if (opts === "help") {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    const onGitHub = process.env.GITHUB_ACTIONS === "true";
    const warn = (message: string) => process.stderr.write(onGitHub ? `${annotation(message)}\n` : `warning: ${message}\n`);
    const unreadable: string[] = [];
    let selection: Selection;
    try {
        selection = selectExpiredStacks(gather(opts, (message) => {
            unreadable.push(message);
            warn(message);
        }), opts.now);
    } catch (err) {
        process.stderr.write(`expired-stacks: ${(err as Error).message}\n`);
        return 1;
    }
    for (const s of selection.skipped) {
        if (s.level === "warning") {
            warn(s.message);
        } else {
            process.stderr.write(`keep: ${s.message}\n`);
        }
    }
    for (const e of selection.expired) {
        process.stderr.write(`destroy: ${e.reason}\n`);
    }
    const names = selection.expired.map((e) => e.name);
    process.stdout.write(opts.format === "json" ? `${JSON.stringify(names)}\n` : names.map((n) => `${n}\n`).join(""));
    if (opts.summary !== undefined) {
        appendFileSync(opts.summary, markdown(selection, unreadable, opts.now));
    }
    return 0;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
