// The stack file a lab command is given (`--stack <name>` or `--config <file>`), read and parsed;
// a wrong pair or an unreadable file stops the command with exit 2, naming it.

import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { fail } from "../components/cli/exit";

/** stacks/Pulumi.<stack>.yaml or `config`, parsed (YAML 1.1, as Pulumi reads it). */
export function stackFileArg(args: { readonly stack?: string; readonly config?: string }, usage: string): { file: string; stackFile: unknown } {
    if (!args.stack === !args.config) {
        fail(2, `give exactly one of --stack and --config\n${usage}`);
    }
    const file = args.config ?? path.join(__dirname, "..", "stacks", `Pulumi.${args.stack}.yaml`);
    try {
        return { file, stackFile: parseYaml(readFileSync(file, "utf8"), { version: "1.1" }) };
    } catch (err) {
        fail(2, `cannot read ${file}: ${(err as Error).message}`);
    }
}
