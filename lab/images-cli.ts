// npm run images -- (--stack <name> | --config <file>) [--json]
// Lists every container image the stack's nodes pull, with the exact tag and the roles that pull
// it (components/render/images.ts). kubeadm's part is checked against the real kubeadm of the
// stack's release (`kubeadm config images list`, built by `npm run bins`): a difference stops with
// both lists. Not implemented yet: copying the images into a mirror (`--mirror`) and checking a
// mirror holds them (`--check`). Exit 0 with the list, 1 when the stack is invalid or kubeadm
// disagrees, 2 on bad arguments, 3 when kubeadm of that release is not built here.

import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { fail } from "../components/cli/exit";
import { ValidationError } from "../components/plan/errors";
import { table } from "../components/plan/report";
import { planStackFile } from "../components/plan/stack-file";
import { renderContext } from "../components/render/context";
import { stackImages } from "../components/render/images";
import { programAt } from "./bins/locate";
import { stackFileArg } from "./stack-file-arg";

const USAGE = `usage: npm run images -- (--stack <name> | --config <file>) [--json]

  --stack <name>   the images of stacks/Pulumi.<name>.yaml
  --config <file>  the images of any stack file
  --json           print them as JSON (ref, source, pulledBy)`;

function main(argv: string[]): void {
    let args;
    try {
        args = parseArgs({ args: argv, strict: true, options: { stack: { type: "string" }, config: { type: "string" }, json: { type: "boolean", default: false } } }).values;
    } catch (err) {
        fail(2, `${(err as Error).message}\n${USAGE}`);
    }
    const { file, stackFile } = stackFileArg(args, USAGE);
    let images;
    let spec;
    try {
        const planned = planStackFile(stackFile, file);
        spec = planned.spec;
        images = stackImages(renderContext(planned.spec, planned.plan));
    } catch (err) {
        fail(1, err instanceof ValidationError ? err.message : String(err));
    }
    const version = `v${spec.kubernetes.version}`;
    let kubeadm: string;
    try {
        kubeadm = programAt("kubeadm", version);
    } catch (err) {
        fail(3, `kubeadm's images cannot be checked: ${(err as Error).message}`);
    }
    const listed = execFileSync(kubeadm, ["config", "images", "list", "--kubernetes-version", version, "--image-repository", spec.mirrors.imageRepository],
        { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).split("\n").filter(Boolean);
    const ours = images.filter((i) => i.source === "kubeadm").map((i) => i.ref);
    if (JSON.stringify(listed) !== JSON.stringify(ours)) {
        fail(1, `kubeadm ${version} lists other images than the nodes are given:\n  kubeadm: ${listed.join(", ")}\n  ours:    ${ours.join(", ")}`);
    }
    if (args.json) {
        process.stdout.write(`${JSON.stringify(images, null, 2)}\n`);
        return;
    }
    process.stdout.write(`Images the nodes of ${spec.name} pull (Kubernetes ${version}; kubeadm's part as \`kubeadm config images list\` of ${version} gives it):\n` +
        `${table(["image", "from", "pulled by"], images.map((i) => [i.ref, i.source, i.pulledBy.join(", ")]))}\n`);
}

main(process.argv.slice(2));
