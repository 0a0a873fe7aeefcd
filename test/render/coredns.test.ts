// The CoreDNS HA objects (render/coredns.ts) as the KubernetesAddons component and the rehearsal
// apply them; the rehearsal's check 15 runs them against the real scheduler and budget.

import { strict as assert } from "node:assert";
import { corednsPatch, corednsPdb, corednsReplicas } from "../../components/render/coredns";
import { renderStack } from "../helpers/rendered";

describe("CoreDNS made highly available", () => {
    it("runs one replica per zone, at least two", () => {
        const replicas = (stack: string) => corednsReplicas(renderStack(stack).spec, renderStack(stack).plan);
        assert.equal(replicas("prod"), 3, "three zones");
        assert.equal(replicas("prod-keepalived"), 2, "one zone still gets two");
        assert.equal(replicas("dev"), 2);
    });

    it("keeps replicas on different hosts and zones as hard rules, ignoring nodes it may not use", () => {
        const spec = corednsPatch(3).spec.template.spec;
        assert.equal(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey, "kubernetes.io/hostname");
        const [spread] = spec.topologySpreadConstraints;
        assert.deepEqual([spread.topologyKey, spread.maxSkew, spread.whenUnsatisfiable, spread.nodeTaintsPolicy],
            ["topology.kubernetes.io/zone", 1, "DoNotSchedule", "Honor"], "ScheduleAnyway let the real scheduler put 2 of 3 in one zone");
        assert.deepEqual(spread.matchLabelKeys, ["pod-template-hash"], "a rolling update's old pods must not skew the new ones");
        assert.deepEqual(corednsPdb().spec, { minAvailable: 1, selector: { matchLabels: { "k8s-app": "kube-dns" } } });
    });
});
