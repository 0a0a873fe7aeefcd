// Rolling a change out a few machines at a time. Pulumi applies one update's changes in parallel
// and a program cannot see `pulumi up --target`, so the plan itself holds machines back: with
// `rollOut` (the names of the machines this update may change), every other deployed machine keeps
// its deployed instance type and image from the change-guard snapshot. And the image never moves
// by itself: machines keep the image they run (a newer public image changes nothing) until
// `image.imageId` names another one; etcd members and masters are never reinstalled (a replaced
// one gets the new image). Pure.

import { GuardSnapshot, STATEFUL_ROLES } from "./guard-snapshot";
import { Issue, ValidationError } from "./errors";
import type { ClusterPlan } from "./plan";


/** A deployed machine that keeps a deployed value this update. */
export interface HeldBack {
    readonly node: string;
    readonly field: "instanceType" | "image";
    readonly kept: string;
    readonly planned: string;
    readonly reason: string;
}

export interface RolledOut {
    /** The plan with each held-back machine at its deployed instance type. */
    readonly plan: ClusterPlan;
    /** The image new machines get, when known without a lookup (pinned, or recorded by the last update). */
    readonly image?: string;
    /** Each deployed machine's image, when it differs from or does not wait for `image`. */
    readonly nodeImages: Readonly<Record<string, string>>;
    readonly held: readonly HeldBack[];
}

/**
 * Applies the roll-out to `plan`. `pinned`: `image.imageId` (or the program's imageId); `rollOut`:
 * the machines this update may change (undefined: all of them, the change guard deciding).
 */
export function rollOutPlan(plan: ClusterPlan, previous: GuardSnapshot | undefined, pinned: string | undefined, rollOut: readonly string[] | undefined): RolledOut {
    const deployed = new Map((previous?.nodes ?? []).map((n) => [n.name, n]));
    const unknown = (rollOut ?? []).filter((name) => !plan.nodes.some((n) => n.name === name && deployed.has(name)));
    if (unknown.length > 0) {
        throw new ValidationError([{
            path: "rollOut", got: unknown.join(","), problem: "names no deployed machine of this plan (new machines are created whatever rollOut says)",
            fix: `name deployed machines, e.g. ${[...deployed.keys()].slice(0, 3).join(",")}; \`npm run plan -- --against\` lists what changes`,
        }], "roll-out");
    }
    const image = pinned ?? previous?.image;
    const inBatch = (name: string) => rollOut === undefined || rollOut.includes(name);
    const held: HeldBack[] = [];
    const nodeImages: Record<string, string> = {};
    const nodes = plan.nodes.map((n) => {
        const before = deployed.get(n.name);
        if (!before) {
            return n;
        }
        if (before.image && image && before.image !== image) {
            const replaced = before.zone !== n.zone;
            if (STATEFUL_ROLES.has(n.role) && !replaced) {
                nodeImages[n.name] = before.image;
                held.push({ node: n.name, field: "image", kept: before.image, planned: image, reason: "etcd members and masters are never reinstalled; a replaced one gets the new image" });
            } else if (!inBatch(n.name)) {
                nodeImages[n.name] = before.image;
                held.push({ node: n.name, field: "image", kept: before.image, planned: image, reason: "not in rollOut" });
            }
        }
        if (before.instanceType !== n.instanceType && !inBatch(n.name)) {
            held.push({ node: n.name, field: "instanceType", kept: before.instanceType, planned: n.instanceType, reason: "not in rollOut" });
            return { ...n, instanceType: before.instanceType };
        }
        return n;
    });
    return { plan: { ...plan, nodes }, ...(image ? { image } : {}), nodeImages, held };
}

/**
 * Why the program must not look the image up: the deployed snapshot predates recorded images and
 * nothing is pinned, so the newest public image would reinstall the machines that are not stateful.
 */
export function unrecordedImage(previous: GuardSnapshot | undefined, pinned: string | undefined): Issue | undefined {
    return previous && previous.nodes.length > 0 && !pinned && !previous.image ? {
        path: "image.imageId", got: undefined,
        problem: "the deployed snapshot does not record the machines' image (it predates that), so the newest public image would be looked up and reinstall every worker, LB machine and the bastion whenever Tencent publishes one",
        fix: "pin image.imageId to the image the machines run (the imageId of any instance in `pulumi stack export`); later updates then record it",
    } : undefined;
}

/** `kubeadm-ha:rollOut` / `--roll-out`: machine names, comma-separated. */
export function parseRollOut(text: string | undefined): string[] | undefined {
    return text?.split(",").map((m) => m.trim()).filter((m) => m !== "");
}

/** One line per held-back machine, for the plan's report and the program's log. */
export function describeHeld(held: readonly HeldBack[]): string[] {
    return held.map((h) => `${h.node} keeps ${h.field} ${h.kept} (planned ${h.planned}): ${h.reason}`);
}
