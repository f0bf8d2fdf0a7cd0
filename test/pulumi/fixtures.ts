import { securityRequirements } from "../../src/compliance";
import { Agreement } from "../../src/negotiation/agreement";
import { Framework, SecurityProfile } from "../../src/persona/schema";
import { Proposal, StorageLayout } from "../../src/solver/proposal";

export const DB_PROFILE: SecurityProfile = {
    sensitivity: "confidential",
    compliance: [],
    ingress: [
        { protocol: "tcp", ports: { from: 5432, to: 5432 }, cidr: "10.0.0.0/16", description: "PostgreSQL from the app subnets" },
        { protocol: "tcp", ports: { from: 5432, to: 5432 }, securityGroup: "app-tier", description: "PostgreSQL from the app tier" },
    ],
    egress: [{ protocol: "tcp", ports: { from: 443, to: 443 }, cidr: "0.0.0.0/0", description: "HTTPS out" }],
    encryption: { atRestKey: "aws-managed", inTransit: true },
    access: { method: "ssm", administrators: ["dba"] },
    tenancy: "default",
    residency: [],
};

/** A hand-built agreement, so the provisioner is tested independently of the solver. */
export function agreementFixture(options: { compliance?: Framework[]; count?: number; storage?: Partial<StorageLayout>; purchase?: "on-demand" | "spot"; scaling?: { min: number; max: number }; profile?: SecurityProfile } = {}): Agreement {
    const security = securityRequirements({ role: "database", profile: options.profile ?? DB_PROFILE, compliance: options.compliance ?? [] });
    const count = options.count ?? 1;
    const storage: StorageLayout = {
        rootGiB: 20,
        volumeType: "gp3",
        volumeCount: 2,
        sizeGiB: 250,
        iops: 4000,
        throughputMBps: 250,
        raid: "raid0",
        usableGiB: 500,
        totalIops: 8000,
        totalThroughputMBps: 500,
        ...options.storage,
    };
    const proposal: Proposal = {
        id: "kbxtrmfhqz",
        label: "balanced",
        recommended: true,
        instanceType: "r7i.2xlarge",
        count,
        region: "us-east-1",
        zones: Array.from({ length: count }, (_, i) => ["use1-az1", "use1-az2", "use1-az4"][i % 3]),
        vcpus: 8,
        memoryGiB: 64,
        architecture: "x86_64",
        burstable: false,
        gpus: 0,
        purchase: options.purchase ?? "on-demand",
        storage,
        security: { settings: security.settings, evidence: [...security.evidence] },
        monthlyCost: { total: 512.4, compute: 441.5, storage: 40, iops: 25, throughput: 0, security: 5.9, items: [], basis: "test" },
        hourlyCost: 0.702,
        headroom: { cpu: 1.3, memory: 1.07 },
        binding: ["minMemoryGiB"],
        reason: "test fixture",
    };
    return { proposal, persona: "postgres-oltp@1", fingerprint: "0123456789ab", ...(options.scaling ? { scaling: options.scaling } : {}) };
}
