// Fresh, valid raw cluster configurations for tests to mutate.

/** A fixed date so end-of-life checks do not depend on when the tests run. */
export const TODAY = "2026-11-22";

/** A valid production configuration: 3 zones, 5 external etcd, 3 masters, internal CLB. */
export function prodConfig(): any {
    return {
        name: "prod",
        profile: "production",
        region: "ap-guangzhou",
        kubernetesVersion: "1.37.2",
        zones: [
            { zone: "ap-guangzhou-3", subnetCidr: "10.10.1.0/24" },
            { zone: "ap-guangzhou-4", subnetCidr: "10.10.2.0/24" },
            { zone: "ap-guangzhou-6", subnetCidr: "10.10.3.0/24" },
        ],
        network: { vpcCidr: "10.10.0.0/16", podCidr: "10.244.0.0/16", serviceCidr: "10.96.0.0/12" },
        etcd: { topology: "external", members: 5, instanceType: "S5.MEDIUM8", dataDisk: { type: "CLOUD_SSD", sizeGb: 100 } },
        controlPlane: { count: 3, instanceType: "S5.LARGE16" },
        workerPools: [{ name: "general", count: 6, instanceType: "S5.2XLARGE16" }],
        apiEndpoint: { kind: "clb" },
        placement: { level: "HOST", affinity: 1 },
        bastion: { allowedCidrs: ["203.0.113.0/24"] },
    };
}

/** A valid single-zone keepalived-haproxy production configuration with RACK spread. */
export function keepalivedConfig(): any {
    const c = prodConfig();
    c.zones = [c.zones[0]];
    c.etcd.members = 3;
    c.apiEndpoint = { kind: "keepalived-haproxy" };
    c.placement = { level: "RACK", affinity: 1 };
    return c;
}
