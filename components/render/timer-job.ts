// A periodic job as systemd runs it: a oneshot service and the timer that starts it, both under
// /etc/systemd/system (the masters' certificate renewal, the etcd members' backups).

import { NodeFile, publicFile } from "./node-file";
import { ini } from "./text";

type Entries = readonly (readonly [string, string])[];

export interface TimerJob {
    /** Service file name, e.g. `kubeadm-ha-etcd-backup.service`. */
    readonly service: string;
    /** Timer file name, e.g. `kubeadm-ha-etcd-backup.timer`. */
    readonly timer: string;
    /** `[Unit]` of the service: Description first, then ordering or conditions. */
    readonly unit: Entries;
    /** `[Service]` after `Type=oneshot`: ExecStart, timeouts, environment. */
    readonly run: Entries;
    readonly timerDescription: string;
    /** `[Timer]`: OnCalendar, Persistent, RandomizedDelaySec. */
    readonly schedule: Entries;
}

/** The service and the timer (wanted by timers.target) of a periodic job. */
export function timerJobFiles(job: TimerJob): NodeFile[] {
    const dir = "/etc/systemd/system";
    return [
        publicFile(`${dir}/${job.service}`, ini([{ name: "Unit", entries: job.unit }, { name: "Service", entries: [["Type", "oneshot"], ...job.run] }])),
        publicFile(`${dir}/${job.timer}`, ini([
            { name: "Unit", entries: [["Description", job.timerDescription]] },
            { name: "Timer", entries: job.schedule },
            { name: "Install", entries: [["WantedBy", "timers.target"]] },
        ])),
    ];
}
