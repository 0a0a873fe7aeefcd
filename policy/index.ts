// The CrossGuard policy pack of kubeadm-ha-tencentcloud: one stack policy per rule of
// components/policy/rules.ts, mandatory unless the rule is advisory. Run it with
// `pulumi preview --policy-pack policy` (or `pulumi up`).
// Constructing the PolicyPack starts serving it, so tests import the rules, never this file.

import { PolicyPack, StackValidationPolicy } from "@pulumi/policy";
import { ALL_RULES, PolicyRule } from "../components/policy/rules";
import { CrossGuardResource, fromCrossGuard, rereadUnknown } from "./resources";

/** One stack policy: reports each violation of the rule on its resource. */
function stackPolicy(rule: PolicyRule): StackValidationPolicy {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.advisory ? "advisory" : "mandatory",
        ...(rule.usesProduction ? {
            configSchema: {
                properties: {
                    production: {
                        type: "boolean", default: true,
                        description: "The stack is a production stack (profile: production). Set false for dev stacks.",
                    },
                },
            },
        } : {}),
        validateStack: (args, reportViolation) => {
            const resources: readonly CrossGuardResource[] = args.resources;
            const production = args.getConfig<{ production?: boolean }>().production !== false;
            const violations = rule.check(resources.map(fromCrossGuard), { production });
            const decided = violations.filter((v) => !v.unknown);
            // With only undecidable values left, let CrossGuard report the policy as not runnable
            // during this preview (advisory) by reading one of them again.
            if (decided.length === 0 && violations.length > 0) {
                rereadUnknown(resources, violations[0]);
            }
            for (const v of decided.length > 0 ? decided : violations) {
                reportViolation(v.message, v.urn);
            }
        },
    };
}

new PolicyPack("kubeadm-ha-tencentcloud", {
    description: "Guards for self-managed kubeadm clusters on Tencent Cloud: private, protected, well-placed etcd and control plane.",
    policies: ALL_RULES.map(stackPolicy),
});
