import { StorageLayout } from "../solver/proposal";

/**
 * The boot script (EC2 user data, run once by cloud-init) that turns an agreement's data volumes
 * into one mounted file system: it waits for the EBS volumes to attach, assembles them with mdadm
 * at the agreed RAID level, formats XFS and mounts `/data`; then it points the CloudWatch agent at
 * the agreement's log group. Safe to re-run: an existing array or file system is reused.
 */
export interface BootScriptOptions {
    readonly storage: StorageLayout;
    readonly logGroupName: string;
    /** Where the data volumes are mounted. Defaults to /data. */
    readonly mountPoint?: string;
}

const MDADM_LEVEL: Record<StorageLayout["raid"], string | undefined> = { none: undefined, raid0: "0", raid1: "1", raid10: "10" };

export function bootScript(options: BootScriptOptions): string {
    const { storage, logGroupName } = options;
    const mount = options.mountPoint ?? "/data";
    const lines = ["#!/bin/bash", "# Written by pulumi-persona from the agreed storage layout and security settings.", "set -euo pipefail", ""];
    if (storage.volumeCount > 0) {
        lines.push(...storageSection(storage, mount), "");
    }
    lines.push(...logSection(logGroupName));
    return `${lines.join("\n")}\n`;
}

function storageSection(storage: StorageLayout, mount: string): string[] {
    const level = MDADM_LEVEL[storage.raid];
    const wanted = storage.volumeCount;
    const lines = [
        `# ${wanted} x ${storage.sizeGiB} GiB ${storage.volumeType} data volume(s), ${storage.raid === "none" ? "no RAID" : storage.raid}, mounted at ${mount}.`,
        `# Volumes attach after boot: wait for ${wanted} EBS device(s) besides the root volume.`,
        'root_disk="/dev/$(lsblk -no PKNAME "$(findmnt -no SOURCE /)")"',
        "devices=()",
        "for attempt in $(seq 1 120); do",
        "  devices=()",
        "  for link in /dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_vol*; do",
        '    [ -e "$link" ] || continue',
        '    case "$link" in *-part*|*_1) continue ;; esac',
        '    dev="$(readlink -f "$link")"',
        '    [ "$dev" = "$root_disk" ] || devices+=("$dev")',
        "  done",
        `  [ "\${#devices[@]}" -ge ${wanted} ] && break`,
        "  sleep 5",
        "done",
        `[ "\${#devices[@]}" -ge ${wanted} ] || { echo "pulumi-persona: only \${#devices[@]} of ${wanted} data volumes attached" >&2; exit 1; }`,
        "mapfile -t devices < <(printf '%s\\n' \"${devices[@]}\" | sort -u)",
    ];
    if (level === undefined) {
        lines.push('target="${devices[0]}"');
    } else {
        lines.push(
            "command -v mdadm >/dev/null || dnf install -y mdadm",
            'target="/dev/md/persona-data"',
            'if [ ! -e "$target" ]; then',
            `  mdadm --create "$target" --run --level=${level} --raid-devices=${wanted} --name=persona-data "\${devices[@]:0:${wanted}}"`,
            "  mdadm --detail --scan > /etc/mdadm.conf",
            "fi",
        );
    }
    lines.push(
        'blkid "$target" >/dev/null 2>&1 || mkfs.xfs -L persona-data "$target"',
        `mkdir -p ${mount}`,
        `grep -q "LABEL=persona-data" /etc/fstab || echo "LABEL=persona-data ${mount} xfs defaults,noatime,nofail 0 2" >> /etc/fstab`,
        `mountpoint -q ${mount} || mount ${mount}`,
    );
    return lines;
}

function logSection(logGroupName: string): string[] {
    const config = {
        logs: {
            logs_collected: {
                files: {
                    collect_list: [
                        { file_path: "/var/log/cloud-init-output.log", log_group_name: logGroupName, log_stream_name: "{instance_id}/cloud-init" },
                        { file_path: "/var/log/audit/audit.log", log_group_name: logGroupName, log_stream_name: "{instance_id}/audit" },
                    ],
                },
            },
        },
    };
    return [
        `# Ship the boot and audit logs to ${logGroupName}, which keeps them for the agreed retention.`,
        "dnf install -y amazon-cloudwatch-agent",
        "cat > /opt/aws/amazon-cloudwatch-agent/etc/persona.json <<'JSON'",
        JSON.stringify(config, null, 2),
        "JSON",
        "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:/opt/aws/amazon-cloudwatch-agent/etc/persona.json",
    ];
}
