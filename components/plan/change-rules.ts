// What an update of each field the change-guard snapshot holds does to a running machine, as the
// Tencent Cloud provider (terraform-provider-tencentcloud v1.83.25) does it: the table the guard
// applies and its tests walk row by row. "L<n>" is a line of the provider file named in the row.
// The bridge decides replacement from the provider's plan and always creates the replacement
// before deleting the old resource. Pure.

/** From most to least disruptive. "removed", "replaced", "reinstalled" and "restarted" take the machine down. */
export const EFFECTS = ["removed", "replaced", "reinstalled", "restarted", "moved", "in place"] as const;
export type Effect = typeof EFFECTS[number];
export const DOWN: ReadonlySet<Effect> = new Set<Effect>(["removed", "replaced", "reinstalled", "restarted"]);

/** A field's change is either an effect on the machine, or refused because the update would fail or do nothing. */
export type Verdict = { readonly effect: Effect; readonly note?: string } | { readonly refused: string; readonly fix: string };

export interface ChangeRule {
    /** The snapshot field (GuardNode key). */
    readonly field: "zone" | "subnetCidr" | "privateIp" | "instanceType" | "image" | "placementGroup" | "placement" | "dataDisk" | "systemDisk";
    /** What the provider does on a change, with its source line. */
    readonly provider: string;
    readonly verdict: (before: string | undefined, after: string | undefined, node: { readonly etcdMember: boolean; readonly role: string }) => Verdict;
}

/** CBS migrates a disk in place to these types only (cbs models L3830). */
export const DISK_MIGRATION_TARGETS: readonly string[] = ["CLOUD_PREMIUM", "CLOUD_SSD"];

const disk = (v: string | undefined) => {
    const [type, gb] = (v ?? ":").split(":");
    return { type, gb: Number(gb) };
};

export const CHANGE_RULES: readonly ChangeRule[] = [
    {
        field: "zone",
        provider: "instance availability_zone is ForceNew (resource_tc_instance.go L52-58), so is a CBS disk's (resource_tc_cbs_storage.go L67): a new CVM",
        verdict: () => ({ effect: "replaced" }),
    },
    {
        field: "privateIp",
        provider: "ModifyInstancesVpcAttribute (resource_tc_instance.go L2445-2453) stops the CVM, moves the address and starts it (cvm client.go L7270)",
        // A member whose address changes is a new member to etcd (peer URL, certificate SANs).
        verdict: (_b, _a, n) => ({ effect: n.etcdMember ? "replaced" : "restarted" }),
    },
    {
        field: "subnetCidr",
        provider: "a subnet's cidr_block is ForceNew (resource_tc_subnet.go L47): a new subnet, then ModifyInstancesVpcAttribute stops and starts the CVM in it (L2445-2453)",
        verdict: () => ({ effect: "restarted" }),
    },
    {
        field: "instanceType",
        provider: "ResetInstancesType (resource_tc_instance.go L2421-2431): the CVM is stopped, resized and started (cvm client.go L8742)",
        verdict: () => ({ effect: "restarted" }),
    },
    {
        field: "image",
        provider: "ResetInstance (resource_tc_instance.go L2138-2232): the OS is reinstalled and the system disk formatted (cvm client.go L8245-8252)",
        verdict: () => ({ effect: "reinstalled" }),
    },
    {
        field: "placementGroup",
        provider: "ModifyInstancesDisasterRecoverGroup (resource_tc_instance.go L2536-2610) without Force: the CVM joins the group on its current host, no restart, and fails if that host breaks the spread (cvm models L8150); dropping the key does nothing (Optional+Computed) and a group with members cannot be deleted (cvm client.go L1396)",
        verdict: (_b, after) => after === undefined
            ? {
                refused: "leaving a placement group does nothing at Tencent (the instance keeps it), and the group then fails to delete while the machine is in it",
                fix: "keep the machine in its group (the placement setting as deployed), or replace the machine: `pulumi up --replace <its URN>` with the new setting",
            }
            : { effect: "moved", note: "in place without a restart; the move fails if the machine's host already holds a member of the new group" },
    },
    {
        field: "placement",
        provider: "a placement group's type and affinity are ForceNew (resource_tc_placement_group.go L35, L49): a new group, and every member moves to it in the same update (in place, may fail)",
        verdict: () => ({ effect: "moved", note: "the group is recreated at the new level/affinity and every member moves to it in this update, in place; a move fails if the host breaks the new spread" }),
    },
    {
        field: "dataDisk",
        provider: "CBS storage_type and storage_size are updated in place (resource_tc_cbs_storage.go L398-432, L472-490): a type migration to CLOUD_PREMIUM or CLOUD_SSD only (cbs models L3830), a size that only grows (L475-478); the CVM is untouched",
        verdict: (before, after) => {
            const [b, a] = [disk(before), disk(after)];
            if (a.gb < b.gb) {
                return { refused: `a CBS disk only grows (ResizeDisk): ${b.gb} GB cannot become ${a.gb} GB`, fix: `keep etcd.dataDisk.sizeGb at ${b.gb} or more` };
            }
            if (a.type !== b.type && !DISK_MIGRATION_TARGETS.includes(a.type)) {
                return { refused: `a CBS disk migrates in place only to ${DISK_MIGRATION_TARGETS.join(" or ")}, not ${a.type}`, fix: `keep etcd.dataDisk.type ${b.type}, or choose ${DISK_MIGRATION_TARGETS.join(" or ")}` };
            }
            return { effect: "in place", note: a.gb > b.gb ? "the disk grows online; grow its file system on the member with `resize2fs <device>` (etcd keeps running)" : "the disk migrates online" };
        },
    },
    {
        field: "systemDisk",
        provider: "ResizeInstanceDisks (resource_tc_instance.go L2355-2405) with ForceStop false and no ResizeOnline: refused for a running CVM (cvm client.go L8966)",
        verdict: (before) => ({
            refused: "Tencent refuses to resize or retype a running machine's system disk without a forced stop or an online resize, which the components do not ask for: the update would fail",
            fix: `keep the system disk as deployed (${before ?? "none"}), or replace the machine: \`pulumi up --replace <its URN>\``,
        }),
    },
];
