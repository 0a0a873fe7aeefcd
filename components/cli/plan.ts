// npm run plan -- --stack <name> | --config <file> [--json]
// Validates a stack's cluster configuration and prints its plan: nodes, placement groups,
// endpoint and the fault-tolerance table. Offline: no cloud account or Pulumi CLI needed.

import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { ValidationError } from "../plan/errors";
import { renderPlanReport } from "../plan/report";
import { planStackFile } from "../plan/stack-file";

const USAGE = `usage: npm run plan -- (--stack <name> | --config <file>) [--json]

  --stack <name>   plan stacks/Pulumi.<name>.yaml
  --config <file>  plan any stack file
  --json           print the plan as JSON instead of tables
  --today <date>   ISO date for end-of-life checks (default: today)`;

function fail(code: number, message: string): never {
    process.stderr.write(`${message}\n`);
    process.exit(code);
}

function main(argv: string[]): void {
    let args;
    try {
        args = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" }, config: { type: "string" }, json: { type: "boolean", default: false },
                today: { type: "string" }, help: { type: "boolean", short: "h", default: false },
            },
            strict: true,
        }).values;
    } catch (err) {
        fail(2, `${(err as Error).message}\n${USAGE}`);
    }
    if (args.help) {
        process.stdout.write(`${USAGE}\n`);
        return;
    }
    if (!args.stack === !args.config) {
        fail(2, `give exactly one of --stack and --config\n${USAGE}`);
    }
    const file = args.config ?? path.join(__dirname, "..", "..", "stacks", `Pulumi.${args.stack}.yaml`);
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (err) {
        fail(2, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let stackFile: unknown;
    try {
        stackFile = parseYaml(text, { version: "1.1", uniqueKeys: true });
    } catch (err) {
        fail(1, `${file} is not valid YAML: ${(err as Error).message}`);
    }
    try {
        const { plan } = planStackFile(stackFile, file, args.today ? { today: args.today } : {});
        process.stdout.write(args.json ? `${JSON.stringify(plan, null, 2)}\n` : `${renderPlanReport(plan)}\n`);
    } catch (err) {
        if (err instanceof ValidationError) {
            fail(1, `${path.relative(process.cwd(), file)}: ${err.message}`);
        }
        throw err;
    }
}

main(process.argv.slice(2));
