import { strict as assert } from "node:assert";
import { parseAllDocuments } from "yaml";
import { corednsOnMasters, corednsReplicas } from "../../components/render/coredns";
import { addonObjects, addonsInstallScript, addonsManifest, FLANNEL, flannelCniConfig } from "../../components/render/pod-network";
import { ADDONS_MANIFEST } from "../../components/render/commands";
import { renderStack } from "../helpers/rendered";

describe("the add-ons master-0 applies (pod network, CoreDNS HA)", () => {
    const prod = renderStack("prod");
    const objects = (edit?: (c: any) => void) => {
        const s = edit ? renderStack("prod", edit) : prod;
        return addonObjects(s.spec, s.plan) as any[];
    };
    const find = (os: any[], kind: string, name?: string) => os.find((o) => o.kind === kind && (!name || o.metadata.name === name));

    it("installs flannel in VXLAN mode on the stack's pod range, on flannel's own port", () => {
        const cm = find(objects(), "ConfigMap", "kube-flannel-cfg");
        const net = JSON.parse(cm.data["net-conf.json"]);
        assert.deepEqual(net, { Network: prod.spec.network.podCidr, EnableNFTables: false, Backend: { Type: "vxlan", Port: 8472 } });
        assert.equal(JSON.parse(cm.data["cni-conf.json"]).cniVersion, flannelCniConfig().cniVersion);
    });

    it("runs flanneld from the pinned release on every node, with the CNI plugin and its configuration copied in first", () => {
        const ds = find(objects(), "DaemonSet", "kube-flannel-ds");
        const pod = ds.spec.template.spec;
        assert.equal(pod.hostNetwork, true);
        assert.deepEqual(pod.tolerations, [{ operator: "Exists", effect: "NoSchedule" }], "masters too");
        assert.deepEqual(pod.initContainers.map((c: any) => c.image), [FLANNEL.cniPluginImage, FLANNEL.image]);
        assert.deepEqual(pod.containers[0].args, ["--ip-masq", "--kube-subnet-mgr", "--healthz-port=8081"]);
        assert.match(FLANNEL.image, /^ghcr\.io\/flannel-io\/flannel:v0\.28\.10$/, "the release lab/bins builds");
        for (const c of [...pod.initContainers, ...pod.containers]) {
            assert.equal(c.imagePullPolicy, "IfNotPresent", c.name);
        }
    });

    it("pins CoreDNS to the masters when there are enough of them, with its HA fields and PodDisruptionBudget", () => {
        assert.equal(corednsOnMasters(prod.spec, prod.plan), true);
        const deploy = find(objects(), "Deployment", "coredns");
        assert.equal(deploy.metadata.namespace, "kube-system");
        assert.equal(deploy.spec.replicas, corednsReplicas(prod.spec, prod.plan));
        assert.deepEqual(deploy.spec.template.spec.nodeSelector, { "node-role.kubernetes.io/control-plane": "" });
        assert.ok(deploy.spec.template.spec.affinity.podAntiAffinity, "never two on one node");
        assert.equal(find(objects(), "PodDisruptionBudget", "coredns").spec.minAvailable, 1);
        const dev = renderStack("dev");
        assert.equal(corednsOnMasters(dev.spec, dev.plan), false, "one master cannot hold two replicas");
        assert.equal(find(addonObjects(dev.spec, dev.plan) as any[], "Deployment", "coredns").spec.template.spec.nodeSelector, undefined);
    });

    it("installs no pod network with network.cni: none, and still makes CoreDNS HA", () => {
        const os = objects((c) => { c.network.cni = "none"; });
        assert.deepEqual(os.map((o) => o.kind), ["Deployment", "PodDisruptionBudget"]);
    });

    it("is one multi-document manifest, delivered with apply-addons.sh over stdin", () => {
        const docs = parseAllDocuments(addonsManifest(prod.spec, prod.plan)).map((d) => d.toJS());
        assert.deepEqual(docs.map((d) => d.kind), ["Namespace", "ClusterRole", "ClusterRoleBinding", "ServiceAccount", "ConfigMap", "DaemonSet", "Deployment", "PodDisruptionBudget"]);
        const script = addonsInstallScript(prod.spec, prod.plan);
        assert.match(script, new RegExp(`mv -f ${ADDONS_MANIFEST}\\.tmp ${ADDONS_MANIFEST}`));
        assert.match(script, /apply-addons\.sh/);
    });
});
