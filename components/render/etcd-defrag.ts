// Weekly defragmentation of every etcd member. kube-apiserver compacts etcd's history every 5
// minutes, which frees pages inside the database file but never shrinks it, and the quota (8 GiB)
// counts the file: without defragmentation a busy cluster reaches NOSPACE and turns read-only.
// A member blocks its clients while it defragments, so each member's timer fires 20 minutes
// after the previous one's, and only when a fifth of the file, and at least 64 MiB, is free.

import type { PlannedNode } from "../plan/topology";
import type { RenderContext } from "./context";
import { PATHS } from "./context";
import type { NodeFile } from "./node-file";
import { publicFile } from "./node-file";
import { SCRIPTS, scriptPath } from "./scripts";
import { timerJobFiles } from "./timer-job";

export const DEFRAG_SERVICE = "kubeadm-ha-etcd-defrag.service";
export const DEFRAG_TIMER = "kubeadm-ha-etcd-defrag.timer";
/** Free space below which a member is left alone (bytes). */
export const DEFRAG_MIN_FREE_BYTES = 64 * 1024 * 1024;
/** Minutes between two members' defragmentations. */
const STAGGER_MINUTES = 20;

/** Sunday 03:00 for the first member, then one member every STAGGER_MINUTES (the node's time zone). */
export function defragCalendar(ordinal: number): string {
    const minutes = 3 * 60 + ordinal * STAGGER_MINUTES;
    const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
    const mm = String(minutes % 60).padStart(2, "0");
    return `Sun *-*-* ${hh}:${mm}:00`;
}

/** The certificate a member's own tools use, as the backups do: its server certificate (client auth too), ours or kubeadm's (stacked). */
function memberClient(ctx: RenderContext): { ca: string; cert: string; key: string } {
    const pki = ctx.spec.etcd.topology === "external" ? PATHS.etcdPki : `${PATHS.pkiDir}/etcd`;
    return { ca: `${pki}/ca.crt`, cert: `${pki}/server.crt`, key: `${pki}/server.key` };
}

/** The service's command line. */
export function etcdDefragCommand(ctx: RenderContext): string[] {
    const c = memberClient(ctx);
    return ["/bin/bash", scriptPath(SCRIPTS.etcdDefrag), "https://127.0.0.1:2379", c.ca, c.cert, c.key, String(DEFRAG_MIN_FREE_BYTES)];
}

/** The script, the service and the timer of one member (delivered over SSH; the user-data has no room). */
export function etcdDefragFiles(ctx: RenderContext, member: PlannedNode): NodeFile[] {
    const ordinal = ctx.etcdMembers.findIndex((m) => m.name === member.name);
    if (ordinal < 0) {
        throw new Error(`${member.name} is not an etcd member`);
    }
    return [
        publicFile(scriptPath(SCRIPTS.etcdDefrag), SCRIPTS.etcdDefrag.content, "0755"),
        ...timerJobFiles({
            service: DEFRAG_SERVICE, timer: DEFRAG_TIMER,
            unit: [["Description", "etcd defragmentation of this member when its database is a fifth free (kubeadm-ha)"]],
            run: [["TimeoutStartSec", "30min"], ["ExecStart", etcdDefragCommand(ctx).join(" ")]],
            timerDescription: "weekly etcd defragmentation, members 20 minutes apart (kubeadm-ha)",
            schedule: [["OnCalendar", defragCalendar(ordinal)], ["Persistent", "true"]],
        }),
    ];
}

/** After the files: start the timer. */
export const ENABLE_DEFRAG_COMMAND = `sudo systemctl daemon-reload && sudo systemctl enable --now ${DEFRAG_TIMER}`;
