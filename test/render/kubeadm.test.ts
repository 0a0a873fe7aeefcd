import { strict as assert } from "node:assert";
import { parse, parseAllDocuments } from "yaml";
import { renderContext } from "../../components/render/context";
import { KubeadmSecrets, PLACEHOLDER_SECRETS } from "../../components/render/kubeadm";
import { kubeadmDocumentProblems } from "../../components/render/kubeadm-types";
import { NodeBundle, renderCluster } from "../../components/render/node";
import { allStacks, renderStack, RenderedStack } from "../helpers/rendered";

/** Distinctive fake secrets, to prove where secret values end up. */
const SECRETS: KubeadmSecrets = {
    bootstrapToken: "abc123.zyx987wvu654tsr3",
    certificateKey: "f".repeat(64),
    caCertHash: `sha256:${"e".repeat(64)}`,
    encryptionKeys: [{ name: "key1", secret: Buffer.alloc(32, 7).toString("base64") }],
};

function docs(bundle: NodeBundle, path: string): any[] {
    const f = bundle.files.find((x) => x.path === path);
    assert.ok(f, `${bundle.node.name} has no ${path}`);
    return parseAllDocuments(f.content).map((d) => d.toJS());
}
const byKind = (list: any[], kind: string) => list.find((d) => d.kind === kind);
const node = (r: RenderedStack, name: string) => r.bundles.find((b) => b.node.name === name)!;
const hostsLines = (b: NodeBundle): string[] => parse(b.userData.slice("#cloud-config\n".length)).write_files.find((f: any) => f.path === "/etc/hosts")?.content.trim().split("\n") ?? [];
/** The /etc/hosts line of the endpoint name (the first is the machine's own name). */
const hostsLine = (b: NodeBundle) => hostsLines(b).find((l) => /\sapi\./.test(l));

describe("kubeadm configuration", () => {
    const prod = renderStack("prod");

    it("emits kubeadm.k8s.io/v1beta4 only: init on master-0, control-plane joins on the other masters, worker joins", () => {
        const init = docs(node(prod, "prod-master-0"), "/etc/kubernetes/kubeadm/init.yaml");
        assert.deepEqual(init.map((d) => d.kind), ["InitConfiguration", "ClusterConfiguration", "KubeletConfiguration", "KubeProxyConfiguration"]);
        const join = byKind(docs(node(prod, "prod-master-1"), "/etc/kubernetes/kubeadm/join.yaml"), "JoinConfiguration");
        assert.equal(join.controlPlane.localAPIEndpoint.advertiseAddress, "10.10.2.30");
        assert.match(join.controlPlane.certificateKey, /^[0-9a-f]{64}$/);
        const worker = byKind(docs(node(prod, "prod-general-0"), "/etc/kubernetes/kubeadm/join.yaml"), "JoinConfiguration");
        assert.equal(worker.controlPlane, undefined);
        assert.deepEqual(worker.nodeRegistration.taints, [], "workers say explicitly: no taints");
        const apiVersions = new Set(allStacks().flatMap((s) => s.bundles.flatMap((b) => b.files.filter((f) => f.path.startsWith("/etc/kubernetes/kubeadm/"))
            .flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS().apiVersion)))));
        assert.deepEqual([...apiVersions].sort(), ["kubeadm.k8s.io/v1beta4", "kubelet.config.k8s.io/v1beta1", "kubeproxy.config.k8s.io/v1alpha1"]);
    });

    it("points every config at the endpoint name and signs the apiserver for every way in", () => {
        const cluster = byKind(docs(node(prod, "prod-master-0"), "/etc/kubernetes/kubeadm/init.yaml"), "ClusterConfiguration");
        assert.equal(cluster.controlPlaneEndpoint, "api.prod.internal:6443");
        for (const san of ["api.prod.internal", "10.10.1.10", "10.10.1.30", "10.10.2.30", "10.10.3.30", "127.0.0.1", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"]) {
            assert.ok(cluster.apiServer.certSANs.includes(san), `certSANs lacks ${san}`);
        }
        assert.deepEqual(cluster.etcd.external.endpoints, prod.plan.nodes.filter((n) => n.role === "etcd").map((n) => `https://${n.privateIp}:2379`));
        assert.equal(cluster.networking.podSubnet, "10.244.0.0/16");
        assert.equal(cluster.networking.serviceSubnet, "10.96.0.0/12");
        assert.equal(cluster.imageRepository, "registry.k8s.io");
        assert.equal(cluster.encryptionAlgorithm, "ECDSA-P256");
        assert.deepEqual(cluster.controllerManager.extraArgs, [{ name: "leader-elect", value: "true" }, { name: "profiling", value: "false" }]);
        assert.deepEqual(cluster.scheduler.extraArgs, [{ name: "leader-elect", value: "true" }, { name: "profiling", value: "false" }]);
        assert.ok(cluster.apiServer.extraArgs.some((a: any) => a.name === "encryption-provider-config"));
        assert.ok(cluster.apiServer.extraArgs.some((a: any) => a.name === "profiling" && a.value === "false"));
    });

    it("enforces Pod Security baseline (warn and audit restricted, kube-system exempt) and writes an audit log, with the files over SSH and mounted into the apiserver", () => {
        const m0 = node(prod, "prod-master-0");
        const cluster = byKind(docs(m0, "/etc/kubernetes/kubeadm/init.yaml"), "ClusterConfiguration");
        const args = Object.fromEntries(cluster.apiServer.extraArgs.map((a: any) => [a.name, a.value]));
        assert.deepEqual([args["admission-control-config-file"], args["audit-policy-file"], args["audit-log-path"], args["audit-log-maxage"], args["audit-log-maxbackup"], args["audit-log-maxsize"]],
            ["/etc/kubernetes/admission/config.yaml", "/etc/kubernetes/audit/policy.yaml", "/var/log/kubernetes/audit/audit.log", "30", "10", "100"]);
        const volumes = Object.fromEntries(cluster.apiServer.extraVolumes.map((v: any) => [v.hostPath, v.readOnly]));
        assert.deepEqual([volumes["/etc/kubernetes/admission"], volumes["/etc/kubernetes/audit"], volumes["/var/log/kubernetes/audit"]], [true, true, false], "policy read-only, log writable");
        const admission = parseAllDocuments(m0.files.find((f) => f.path === "/etc/kubernetes/admission/config.yaml")!.content)[0].toJS();
        const psa = admission.plugins[0].configuration;
        assert.deepEqual([admission.plugins[0].name, psa.defaults.enforce, psa.defaults.warn, psa.defaults.audit, psa.exemptions.namespaces], ["PodSecurity", "baseline", "restricted", "restricted", ["kube-system"]]);
        const policy = parseAllDocuments(m0.files.find((f) => f.path === "/etc/kubernetes/audit/policy.yaml")!.content)[0].toJS();
        const secretRule = policy.rules.find((r: any) => r.resources?.some((g: any) => g.resources?.includes("secrets")));
        assert.equal(secretRule.level, "Metadata", "a Secret's value is never logged");
        assert.ok(policy.rules.findIndex((r: any) => r === secretRule) < policy.rules.findIndex((r: any) => r.level === "RequestResponse"), "and no earlier rule logs more of it");
        for (const f of m0.files.filter((x) => x.path.startsWith("/etc/kubernetes/a"))) {
            assert.ok(!m0.userData.includes(f.path), `${f.path} travels over SSH, not in user-data`);
        }
        assert.ok(node(prod, "prod-general-0").files.every((f) => !f.path.startsWith("/etc/kubernetes/a")), "workers run no apiserver");
        const off = renderStack("prod", (c) => { c.apiServer = { auditLog: { enabled: false }, podSecurity: { enforce: "restricted", exemptNamespaces: ["monitoring"] } }; });
        const offMaster = node(off, "prod-master-0");
        const offCluster = byKind(docs(offMaster, "/etc/kubernetes/kubeadm/init.yaml"), "ClusterConfiguration");
        assert.ok(!offCluster.apiServer.extraArgs.some((a: any) => a.name.startsWith("audit-")) && !offMaster.files.some((f) => f.path.startsWith("/etc/kubernetes/audit/")), "no audit log when disabled");
        const offPsa = parseAllDocuments(offMaster.files.find((f) => f.path === "/etc/kubernetes/admission/config.yaml")!.content)[0].toJS().plugins[0].configuration;
        assert.deepEqual([offPsa.defaults.enforce, offPsa.exemptions.namespaces], ["restricted", ["kube-system", "monitoring"]]);
    });

    it("uses stacked etcd for a stacked topology and the stack's image repository", () => {
        const cluster = byKind(docs(node(renderStack("dev"), "dev-master-0"), "/etc/kubernetes/kubeadm/init.yaml"), "ClusterConfiguration");
        assert.deepEqual(cluster.etcd, { local: { dataDir: "/var/lib/etcd", extraArgs: [{ name: "tls-min-version", value: "TLS1.2" }] } });
        const ka = byKind(docs(node(renderStack("prod-keepalived"), "prod-ka-master-0"), "/etc/kubernetes/kubeadm/init.yaml"), "ClusterConfiguration");
        assert.equal(ka.imageRepository, "ccr.ccs.tencentyun.com/my-k8s-mirror");
    });

    it("makes every machine's own name resolve (sudo and kubeadm's preflight look it up)", () => {
        for (const b of [...prod.bundles, ...renderStack("prod-keepalived").bundles]) {
            assert.equal(hostsLines(b)[0], `${b.node.privateIp} ${b.node.hostname}`, b.node.name);
        }
    });

    it("labels every node with its region and zone through the kubelet (CoreDNS's zone spread needs the label; no cloud controller sets it)", () => {
        for (const name of ["prod-master-0", "prod-master-1", "prod-general-0"]) {
            const b = node(prod, name);
            const doc = docs(b, b.node.name === "prod-master-0" ? "/etc/kubernetes/kubeadm/init.yaml" : "/etc/kubernetes/kubeadm/join.yaml")
                .find((d: any) => d.kind === "InitConfiguration" || d.kind === "JoinConfiguration");
            const labels = doc.nodeRegistration.kubeletExtraArgs.find((a: any) => a.name === "node-labels")?.value;
            assert.equal(labels, `topology.kubernetes.io/region=${prod.spec.region},topology.kubernetes.io/zone=${b.node.zone}`, name);
        }
    });

    it("is hairpin-safe: masters join through master-0 and then reach themselves locally, workers go through the endpoint", () => {
        assert.equal(hostsLine(node(prod, "prod-master-0")), "127.0.0.1 api.prod.internal", "the init master never dials the CLB");
        const master0 = node(prod, "prod-master-0").node.privateIp;
        assert.equal(hostsLine(node(prod, "prod-master-1")), `${master0} api.prod.internal`, "a joining master reaches master-0, never the CLB that may balance it to itself");
        assert.ok(node(prod, "prod-master-1").files.some((f) => f.path.endsWith("/use-local-apiserver.sh")), "and switches to its own apiserver after joining");
        assert.equal(hostsLine(node(prod, "prod-general-0")), "10.10.1.10 api.prod.internal");
        const nlp = renderStack("prod-stacked-local");
        assert.equal(hostsLine(node(nlp, "prod-nlp-general-0")), `${node(nlp, "prod-nlp-master-0").node.privateIp} api.prod-nlp.internal`,
            "node-local-proxy workers join through master-0: their proxy runs only once their kubelet does");
        assert.ok(node(nlp, "prod-nlp-general-0").files.some((f) => f.path.endsWith("/use-local-apiserver.sh")), "and switch to the proxy after joining");
        assert.equal(hostsLine(node(nlp, "prod-nlp-master-1")), "10.20.1.30 api.prod-nlp.internal", "without a VIP, joining masters use master-0");
        assert.ok(node(nlp, "prod-nlp-general-0").files.some((f) => f.path === "/etc/kubernetes/manifests/kube-apiserver-proxy.yaml"));
        assert.ok(!node(nlp, "prod-nlp-master-0").files.some((f) => f.path.includes("kube-apiserver-proxy")), "masters need no proxy");
    });

    it("keeps secrets out of user-data and puts them only in 0600 files", () => {
        const bundles = renderCluster(prod.spec, prod.plan, { secrets: SECRETS });
        for (const b of bundles) {
            for (const value of Object.values(SECRETS)) {
                assert.ok(!b.userData.includes(value), `${b.node.name}: a secret leaked into user-data`);
            }
            for (const f of b.files.filter((x) => Object.values(SECRETS).some((v) => x.content.includes(v)))) {
                assert.equal(f.secret, true, `${f.path} carries a secret`);
                assert.equal(f.permissions, "0600");
            }
        }
        const master1 = bundles.find((b) => b.node.name === "prod-master-1")!;
        const join = byKind(docs(master1, "/etc/kubernetes/kubeadm/join.yaml"), "JoinConfiguration");
        assert.equal(join.discovery.bootstrapToken.token, SECRETS.bootstrapToken);
        assert.deepEqual(join.discovery.bootstrapToken.caCertHashes, [SECRETS.caCertHash]);
        assert.equal(join.controlPlane.certificateKey, SECRETS.certificateKey);
        assert.doesNotMatch(master1.files.find((f) => f.path.endsWith("join.yaml"))!.content, /placeholders/, "real secrets carry no placeholder note");
        assert.match(node(prod, "prod-master-1").files.find((f) => f.path.endsWith("join.yaml"))!.content, /^# Offline rendering: .* placeholders/);
    });

    it("refuses malformed secrets instead of writing a broken file", () => {
        assert.throws(() => renderCluster(prod.spec, prod.plan, { secrets: { ...PLACEHOLDER_SECRETS, bootstrapToken: "not-a-token" } }),
            /bootstrapTokens\.0\.token: must match \[a-z0-9\]\{6\}\.\[a-z0-9\]\{16\}/);
    });

    describe("the strict model", () => {
        const init = docs(node(prod, "prod-master-0"), "/etc/kubernetes/kubeadm/init.yaml");
        const cluster = byKind(init, "ClusterConfiguration");
        it("accepts what we render", () => assert.deepEqual(init.flatMap(kubeadmDocumentProblems), []));
        it("rejects an unknown or mis-cased field (kubeadm itself would only warn)", () => {
            const typo = { ...cluster, apiServer: { ...cluster.apiServer, certSans: ["x"] } };
            assert.match(kubeadmDocumentProblems(typo).join(), /apiServer: Unrecognized key: "certSans"/);
        });
        it("rejects the v1beta3 map form of extraArgs", () => {
            assert.notDeepEqual(kubeadmDocumentProblems({ ...cluster, scheduler: { extraArgs: { "leader-elect": "true" } } }), []);
        });
        it("rejects another API version", () => {
            assert.notDeepEqual(kubeadmDocumentProblems({ ...cluster, apiVersion: "kubeadm.k8s.io/v1beta3" }), []);
        });
        it("rejects a join without CA pinning", () => {
            const join = byKind(docs(node(prod, "prod-general-0"), "/etc/kubernetes/kubeadm/join.yaml"), "JoinConfiguration");
            assert.notDeepEqual(kubeadmDocumentProblems({ ...join, discovery: { bootstrapToken: { ...join.discovery.bootstrapToken, caCertHashes: [] } } }), []);
        });
    });

    it("keeps the render context's derived values consistent with the plan", () => {
        const ctx = renderContext(prod.spec, prod.plan);
        assert.equal(ctx.initMaster.name, "prod-master-0");
        assert.equal(ctx.endpointAddress, "10.10.1.10");
        assert.equal(ctx.pauseImage, "registry.k8s.io/pause:3.10.2");
        assert.equal(ctx.etcdImage, "registry.k8s.io/etcd:3.7.0-0");
    });
});
