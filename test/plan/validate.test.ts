import { strict as assert } from "node:assert";
import { ValidationError } from "../../components/plan/errors";
import { validateCluster } from "../../components/plan/validate";
import { prodConfig, TODAY } from "../helpers/fixtures";

/** Runs validation and returns the error it must throw. */
function rejection(config: unknown): ValidationError {
    try {
        validateCluster(config, { today: TODAY });
    } catch (err) {
        assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
        return err;
    }
    assert.fail("the configuration was accepted");
}

interface BadCase {
    readonly title: string;
    readonly mutate: (c: any) => void;
    /** The field path the message must name. */
    readonly path: string;
    /** Words the problem text must contain. */
    readonly says: RegExp;
}

const CASES: readonly BadCase[] = [
    { title: "an even etcd size in production", mutate: (c) => { c.etcd.members = 4; }, path: "etcd.members", says: /even/ },
    { title: "fewer than 3 etcd members in production", mutate: (c) => { c.etcd.members = 1; }, path: "etcd.members", says: /no fault tolerance/ },
    { title: "a single master in production", mutate: (c) => { c.controlPlane.count = 1; }, path: "controlPlane.count", says: /one master/ },
    { title: "an even stacked control plane", mutate: (c) => { c.etcd = { topology: "stacked" }; c.controlPlane.count = 2; }, path: "controlPlane.count", says: /even/ },
    { title: "stacked etcd with a member count that differs from the masters", mutate: (c) => { c.etcd = { topology: "stacked", members: 5 }; }, path: "etcd.members", says: /one member on each master/ },
    { title: "a pod range overlapping the VPC", mutate: (c) => { c.network.podCidr = "10.10.128.0/17"; }, path: "network.podCidr", says: /overlaps the VPC/ },
    { title: "a service range overlapping the VPC", mutate: (c) => { c.network.serviceCidr = "10.10.0.0/20"; }, path: "network.serviceCidr", says: /overlaps the VPC/ },
    { title: "a service range overlapping the pod range", mutate: (c) => { c.network.serviceCidr = "10.244.0.0/20"; }, path: "network.serviceCidr", says: /overlaps network.podCidr/ },
    { title: "a service range larger than /12", mutate: (c) => { c.network.serviceCidr = "100.0.0.0/8"; }, path: "network.serviceCidr", says: /larger than a \/12/ },
    { title: "a pod range smaller than one node's /24", mutate: (c) => { c.network.podCidr = "10.244.0.0/25"; }, path: "network.podCidr", says: /smaller than a \/24/ },
    { title: "a pod range too small for the node count", mutate: (c) => { c.network.podCidr = "10.244.0.0/22"; c.workerPools[0].count = 9; }, path: "network.podCidr", says: /room for 4 nodes/ },
    { title: "an unknown pod network", mutate: (c) => { c.network.cni = "calico"; }, path: "network.cni", says: /one of flannel, none/ },
    { title: "a subnet outside the VPC", mutate: (c) => { c.zones[1].subnetCidr = "10.11.2.0/24"; }, path: "zones[1].subnetCidr", says: /outside the VPC/ },
    { title: "overlapping zone subnets", mutate: (c) => { c.zones[1].subnetCidr = "10.10.0.0/23"; }, path: "zones[1].subnetCidr", says: /overlaps zones\[0\]/ },
    { title: "a subnet too small for the address layout", mutate: (c) => { c.zones[0].subnetCidr = "10.10.1.0/27"; }, path: "zones[0].subnetCidr", says: /smaller than \/26/ },
    { title: "a subnet with host bits set", mutate: (c) => { c.zones[0].subnetCidr = "10.10.1.7/24"; }, path: "zones[0].subnetCidr", says: /host bits/ },
    { title: "a VPC outside the private ranges", mutate: (c) => { c.network.vpcCidr = "100.64.0.0/16"; c.zones.forEach((z: any, i: number) => { z.subnetCidr = `100.64.${i + 1}.0/24`; }); }, path: "network.vpcCidr", says: /10\.0\.0\.0\/8/ },
    { title: "a zone not in region format", mutate: (c) => { c.zones[0].zone = "guangzhou-3"; }, path: "zones[0].zone", says: /zone such as ap-guangzhou-3/ },
    { title: "a zone of another region", mutate: (c) => { c.zones[0].zone = "ap-shanghai-2"; }, path: "zones[0].zone", says: /not a zone of region ap-guangzhou/ },
    { title: "a zone listed twice", mutate: (c) => { c.zones[1].zone = "ap-guangzhou-3"; }, path: "zones[1].zone", says: /listed twice/ },
    { title: "a region that is not a region id", mutate: (c) => { c.region = "Guangzhou"; }, path: "region", says: /region such as ap-guangzhou/ },
    { title: "a missing region", mutate: (c) => { delete c.region; }, path: "region", says: /required/ },
    { title: "a worker pool in a zone without a subnet", mutate: (c) => { c.workerPools[0].zones = ["ap-guangzhou-7"]; }, path: "workerPools[0].zones[0]", says: /has no subnet/ },
    { title: "etcd placed in a zone without a subnet", mutate: (c) => { c.etcd.zones = ["ap-guangzhou-3", "ap-guangzhou-7"]; }, path: "etcd.zones[1]", says: /has no subnet/ },
    { title: "an unknown endpoint kind", mutate: (c) => { c.apiEndpoint = { kind: "f5" }; }, path: "apiEndpoint.kind", says: /clb, keepalived-haproxy, lvs-haproxy, node-local-proxy/ },
    { title: "a keepalived-haproxy tier spanning zones", mutate: (c) => { c.apiEndpoint = { kind: "keepalived-haproxy", zones: ["ap-guangzhou-3", "ap-guangzhou-4"] }; }, path: "apiEndpoint.zones", says: /HAVIP.*one zone/ },
    { title: "an lvs-haproxy tier spanning zones", mutate: (c) => { c.apiEndpoint = { kind: "lvs-haproxy", zones: ["ap-guangzhou-3", "ap-guangzhou-6"] }; }, path: "apiEndpoint.zones", says: /HAVIP/ },
    { title: "a cluster name with capitals and underscores", mutate: (c) => { c.name = "Prod_1"; }, path: "name", says: /a-z, 0-9 and '-'/ },
    { title: "a cluster name too long for Tencent's name limits", mutate: (c) => { c.name = "a-very-long-cluster-name"; }, path: "name", says: /1-20 characters/ },
    { title: "a worker pool name too long for hostnames", mutate: (c) => { c.workerPools[0].name = "general-purpose-pool"; }, path: "workerPools[0].name", says: /1-16 characters/ },
    { title: "a worker pool named like a control-plane role", mutate: (c) => { c.workerPools[0].name = "master"; }, path: "workerPools[0].name", says: /reserved role name/ },
    { title: "two worker pools with one name", mutate: (c) => { c.workerPools.push({ ...c.workerPools[0] }); }, path: "workerPools[1].name", says: /unique|earlier pool/ },
    { title: "an unsupported Kubernetes minor", mutate: (c) => { c.kubernetesVersion = "1.30.2"; }, path: "kubernetesVersion", says: /not supported/ },
    { title: "a Kubernetes version without a patch number", mutate: (c) => { c.kubernetesVersion = "1.37"; }, path: "kubernetesVersion", says: /exact version/ },
    { title: "an end-of-life Kubernetes minor in production", mutate: (c) => { c.kubernetesVersion = "1.33.4"; }, path: "kubernetesVersion", says: /end of life/ },
    { title: "a Kubernetes version that YAML reads as a number", mutate: (c) => { c.kubernetesVersion = 1.37; }, path: "kubernetesVersion", says: /YAML reads/ },
    { title: "a malformed instance type", mutate: (c) => { c.controlPlane.instanceType = "s5.large8"; }, path: "controlPlane.instanceType", says: /instance type such as S5.LARGE8/ },
    { title: "a misspelt top-level section", mutate: (c) => { c.contolPlane = c.controlPlane; }, path: "contolPlane", says: /not a known cluster setting/ },
    { title: "a misspelt nested setting", mutate: (c) => { c.etcd.member = 3; }, path: "etcd.member", says: /not a known setting/ },
    { title: "no SSH source ranges for the bastion in production", mutate: (c) => { c.bastion.allowedCidrs = []; }, path: "bastion.allowedCidrs", says: /nobody could reach/ },
    { title: "SSH open to the internet in production", mutate: (c) => { c.bastion.allowedCidrs = ["0.0.0.0/0"]; }, path: "bastion.allowedCidrs[0]", says: /whole internet/ },
    // The security review's passing config: the internet in two halves, judged by size now.
    { title: "SSH open to half the internet in production", mutate: (c) => { c.bastion.allowedCidrs = ["0.0.0.0/1", "128.0.0.0/1"]; }, path: "bastion.allowedCidrs[0]", says: /2,147,483,648 public addresses, wider than the \/16/ },
    { title: "the API open to a /8 of the internet in production", mutate: (c) => { c.network.adminCidrs = ["203.0.113.0/24", "11.0.0.0/8"]; }, path: "network.adminCidrs[1]", says: /16,777,216 public addresses/ },
    { title: "etcd egress limits with stacked etcd (the members are masters)", mutate: (c) => { c.etcd = { topology: "stacked" }; c.network.etcdEgressCidrs = ["198.18.0.0/24"]; }, path: "network.etcdEgressCidrs", says: /external etcd members, but etcd.topology is stacked/ },
    { title: "etcd egress limited to the whole internet", mutate: (c) => { c.network.etcdEgressCidrs = ["0.0.0.0/0"]; }, path: "network.etcdEgressCidrs[0]", says: /restricts nothing/ },
    { title: "an http package mirror in production", mutate: (c) => { c.mirrors = { kubernetesApt: "http://mirrors.example.com/k8s" }; }, path: "mirrors.kubernetesApt", says: /plain http: packages or images fetched from it could be swapped/ },
    { title: "an http registry mirror in production", mutate: (c) => { c.mirrors = { registryMirrors: { "docker.io": ["https://a.example.com", "http://b.example.com"] } }; }, path: "mirrors.registryMirrors.docker.io[1]", says: /plain http/ },
    { title: "an HDD-class etcd disk in production", mutate: (c) => { c.etcd.dataDisk.type = "CLOUD_PREMIUM"; }, path: "etcd.dataDisk.type", says: /not an SSD/ },
    { title: "a pool busier than its address block", mutate: (c) => { c.workerPools[0].count = 20; c.workerPools[0].maxPerZone = 5; }, path: "workerPools[0].count", says: /reserves 5 addresses/ },
    { title: "pool address blocks past the end of a subnet", mutate: (c) => { c.workerPools[0].maxPerZone = 150; c.workerPools.push({ name: "batch", count: 1, instanceType: "S5.LARGE8", maxPerZone: 100 }); }, path: "workerPools[1].maxPerZone", says: /past its last usable offset/ },
    { title: "an unknown placement level", mutate: (c) => { c.placement.level = "ZONE"; }, path: "placement.level", says: /HOST, SW, RACK/ },
    { title: "an affinity above Tencent's maximum", mutate: (c) => { c.placement.affinity = 11; }, path: "placement.affinity", says: /at most 10/ },
    { title: "a malformed SSH public key", mutate: (c) => { c.ssh = { publicKeys: ["AAAAC3NzaC1lZDI1NTE5"] }; }, path: "ssh.publicKeys[0]", says: /OpenSSH public key/ },
    { title: "an encryption key named twice", mutate: (c) => { c.apiServer = { encryptionKeys: ["key2", "key2"] }; }, path: "apiServer.encryptionKeys", says: /names a key twice/ },
    { title: "no encryption key", mutate: (c) => { c.apiServer = { encryptionKeys: [] }; }, path: "apiServer.encryptionKeys", says: /must name at least one key/ },
    { title: "four encryption keys", mutate: (c) => { c.apiServer = { encryptionKeys: ["key4", "key3", "key2", "key1"] }; }, path: "apiServer.encryptionKeys", says: /at most 3 keys/ },
    { title: "an encryption key name that is not keyN", mutate: (c) => { c.apiServer = { encryptionKeys: ["new"] }; }, path: "apiServer.encryptionKeys[0]", says: /must be a key name key1 to key99/ },
    { title: "an image repository with a scheme", mutate: (c) => { c.mirrors = { imageRepository: "https://registry.k8s.io" }; }, path: "mirrors.imageRepository", says: /without a scheme/ },
    { title: "a member count written as a word", mutate: (c) => { c.etcd.members = "three"; }, path: "etcd.members", says: /whole number/ },
    { title: "an empty zone list", mutate: (c) => { c.zones = []; }, path: "zones", says: /at least one zone/ },
    { title: "an out-of-range endpoint port", mutate: (c) => { c.apiEndpoint = { kind: "clb", port: 70000 }; }, path: "apiEndpoint.port", says: /at most 65535/ },
    { title: "a malformed image id", mutate: (c) => { c.image = { imageId: "ubuntu-24.04" }; }, path: "image.imageId", says: /image id such as img-/ },
    { title: "a public endpoint without admin ranges", mutate: (c) => { c.apiEndpoint = { kind: "clb", public: true }; }, path: "network.adminCidrs", says: /endpoint is public/ },
    { title: "a registry mirror without URLs", mutate: (c) => { c.mirrors = { registryMirrors: { "docker.io": [] } }; }, path: "mirrors.registryMirrors.docker.io", says: />=1 items/ },
];

describe("validateCluster: bad input", () => {
    it("keeps at least 30 bad-input cases", () => {
        assert.ok(CASES.length >= 30, `only ${CASES.length} cases`);
    });

    for (const c of CASES) {
        it(`rejects ${c.title}, naming ${c.path}`, () => {
            const config = prodConfig();
            c.mutate(config);
            const err = rejection(config);
            const issue = err.issues.find((i) => i.path === c.path);
            assert.ok(issue, `no issue for ${c.path}; got: ${err.issues.map((i) => i.path).join(", ")}`);
            assert.match(issue.problem, c.says);
            assert.ok(issue.fix.length > 0, "every issue says how to fix it");
            assert.ok(err.message.includes(`${c.path}: `), "the message names the field");
            assert.match(err.message, /Fix: /);
        });
    }

    it("reports every problem at once, each with the value it got", () => {
        const c = prodConfig();
        c.etcd.members = 4;
        c.network.podCidr = "10.10.128.0/17";
        c.zones[2].zone = "ap-shanghai-2";
        c.workerPools[0].name = "Bad_Name";
        c.placment = {};
        const err = rejection(c);
        const paths = err.issues.map((i) => i.path);
        for (const p of ["etcd.members", "network.podCidr", "zones[2].zone", "workerPools[0].name", "placment"]) {
            assert.ok(paths.includes(p), `${p} missing from ${paths.join(", ")}`);
        }
        assert.match(err.message, /etcd\.members: got 4;/);
        assert.match(err.message, /did you mean 'placement'/);
    });

    it("still runs cross-field checks when a section only has a misspelt key", () => {
        const c = prodConfig();
        c.controlPlane.instancetype = "S5.LARGE8";
        c.etcd.members = 4;
        const paths = rejection(c).issues.map((i) => i.path);
        assert.deepEqual(paths.sort(), ["controlPlane.instancetype", "etcd.members"]);
    });

    it("gives fixes that are themselves valid: a quoted release for an unquoted version, the zone meant, a minor maintained on the day", () => {
        const fixOf = (mutate: (c: any) => void, path: string, today = TODAY) => {
            const c = prodConfig();
            mutate(c);
            try {
                validateCluster(c, { today });
            } catch (err) {
                const issue = (err as ValidationError).issues.find((i) => i.path === path);
                assert.ok(issue, `${path} in ${(err as Error).message}`);
                return issue.fix!;
            }
            return assert.fail("accepted");
        };
        const quoted = (fix: string) => /kubernetesVersion: "([^"]+)"/.exec(fix)![1];
        for (const [got, want] of [[1.3, "1.37.2"], [1.35, "1.35.0"], [1.37, "1.37.0"]] as const) {
            const version = quoted(fixOf((c) => { c.kubernetesVersion = got; }, "kubernetesVersion"));
            assert.equal(version, want, String(got));
            assert.doesNotThrow(() => validateCluster({ ...prodConfig(), kubernetesVersion: version }, { today: TODAY }), `the suggested ${version} is accepted`);
        }
        assert.match(fixOf((c) => { c.zones[0].zone = "ap-guangzou-3"; }, "zones[0].zone"), /^did you mean ap-guangzhou-3\?/);
        assert.match(fixOf((c) => { c.etcd.zones = ["ap-guangzhou-33"]; }, "etcd.zones[0]"), /^did you mean ap-guangzhou-3\?/);
        const late = fixOf((c) => { c.kubernetesVersion = "1.35.4"; }, "kubernetesVersion", "2027-06-01");
        assert.match(late, /maintained on 2027-06-01 \(1\.36, 1\.37\), e\.g\. kubernetesVersion: "1\.37\.2"/);
        assert.doesNotThrow(() => validateCluster({ ...prodConfig(), kubernetesVersion: quoted(late) }, { today: "2027-06-01" }));
        assert.match(fixOf((c) => { c.kubernetesVersion = "1.37.2"; }, "kubernetesVersion", "2027-11-01"), /no minor .* is maintained on 2027-11-01/);
    });

    it("rejects a value that is not a mapping", () => {
        const err = rejection("prod");
        assert.match(err.message, /must be a mapping of cluster settings/);
    });
});

describe("validateCluster: accepted input", () => {
    it("accepts the production fixture and resolves defaults", () => {
        const { spec, warnings } = validateCluster(prodConfig(), { today: TODAY });
        assert.equal(warnings.length, 0);
        assert.equal(spec.etcd.members, 5);
        assert.deepEqual(spec.etcd.zones, ["ap-guangzhou-3", "ap-guangzhou-4", "ap-guangzhou-6"]);
        assert.equal(spec.apiEndpoint.dnsName, "api.prod.internal");
        assert.equal(spec.apiEndpoint.zone, "ap-guangzhou-3");
        assert.equal(spec.placement.groupCapacity, 50);
        assert.equal(spec.kubernetes.version, "1.37.2");
    });

    it("accepts numbers written as strings, as `pulumi config set` may store them", () => {
        const c = prodConfig();
        c.etcd.members = "5";
        c.controlPlane.count = "3";
        assert.equal(validateCluster(c, { today: TODAY }).spec.controlPlane.count, 3);
    });

    it("only warns about HA problems in the dev profile", () => {
        const c = prodConfig();
        c.profile = "dev";
        c.etcd.members = 4;
        c.controlPlane.count = 1;
        c.kubernetesVersion = "1.33.4";
        const { warnings } = validateCluster(c, { today: TODAY });
        assert.deepEqual(warnings.map((w) => w.path).sort(), ["controlPlane.count", "etcd.members", "kubernetesVersion"]);
    });

    it("takes stacked etcd's member count from the masters", () => {
        const c = prodConfig();
        c.etcd = { topology: "stacked" };
        const { spec } = validateCluster(c, { today: TODAY });
        assert.equal(spec.etcd.members, 3);
    });
});

describe("validateCluster: the security review's internet-wide production config", () => {
    it("is refused, naming every range that opens SSH or the API to the internet and every http mirror, before any resource", () => {
        const c = prodConfig();
        c.network.adminCidrs = ["0.0.0.0/0"];
        c.apiEndpoint = { kind: "clb", public: true };
        c.bastion.allowedCidrs = ["0.0.0.0/1", "128.0.0.0/1"];
        c.mirrors = { kubernetesApt: "http://mirror.example.com/k8s", registryMirrors: { "docker.io": ["http://registry.example.com"] } };
        const paths = rejection(c).issues.map((i) => i.path).sort();
        assert.deepEqual(paths, ["bastion.allowedCidrs[0]", "bastion.allowedCidrs[1]", "mirrors.kubernetesApt", "mirrors.registryMirrors.docker.io[0]", "network.adminCidrs[0]"]);
    });

    it("accepts office and VPN ranges: public ones of /16 or narrower, private ones of any size", () => {
        const c = prodConfig();
        c.network.adminCidrs = ["203.0.113.0/24", "198.18.0.0/16", "10.0.0.0/8", "100.64.0.0/10"];
        c.bastion.allowedCidrs = ["203.0.113.0/24", "172.16.0.0/12"];
        assert.doesNotThrow(() => validateCluster(c, { today: TODAY }));
    });
});
