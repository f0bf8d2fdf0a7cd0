import { Framework, Role, SecurityProfile, Sensitivity, TrafficRule } from "../persona/schema";
import { CostItem } from "../solver/proposal";
import { Evidence, Requirement, SecuritySettings } from "./settings";

export * from "./settings";

/**
 * What a security profile, its compliance frameworks and its sensitivity demand of a proposal:
 * the minimum settings that satisfy every requirement, the evidence for each, and the hard
 * constraints that shape the search (regions, tenancy).
 */
export interface SecurityRequirements {
    /** The settings every proposal gets (the solver never weakens them; `modify` may only strengthen). */
    readonly settings: SecuritySettings;
    /** Each demanded setting with the requirement ids that demand it. */
    readonly evidence: readonly Evidence[];
    /** Regions proposals may use; empty means any. */
    readonly allowedRegions: readonly string[];
}

export interface SecurityContext {
    /** The persona's security profile; without one, the role's default profile. */
    readonly profile?: SecurityProfile;
    readonly role: Role;
    /** Frameworks added by constraints or detected in the workload, united with the profile's. */
    readonly compliance?: readonly Framework[];
    /** Overrides the profile's sensitivity. */
    readonly sensitivity?: Sensitivity;
}

const BASELINE = (id: string, title: string): Requirement => ({ framework: "baseline", id, title });

/** The port each role serves on, for the default trust boundary. */
const SERVICE_PORTS: Record<Role, number> = {
    "web-server": 443,
    "api-service": 443,
    database: 5432,
    cache: 6379,
    "message-queue": 9092,
    search: 9200,
    analytics: 7077,
    "batch-worker": 443,
    "ci-runner": 443,
    "ml-inference": 8080,
    "ml-training": 443,
};

/**
 * The trust boundary of a role when no persona gives one: internal data, administered through SSM,
 * its service port open to private addresses only, HTTPS out for updates and the SSM endpoints.
 */
export function defaultSecurityProfile(role: Role): SecurityProfile {
    const port = SERVICE_PORTS[role];
    const ingress: TrafficRule[] =
        role === "batch-worker" || role === "ci-runner" || role === "ml-training"
            ? []
            : [{ protocol: "tcp", ports: { from: port, to: port }, cidr: "10.0.0.0/8", description: `${role} traffic from private addresses` }];
    return {
        sensitivity: "internal",
        compliance: [],
        ingress,
        egress: [{ protocol: "tcp", ports: { from: 443, to: 443 }, cidr: "0.0.0.0/0", description: "HTTPS out: package updates and the SSM endpoints" }],
        encryption: { atRestKey: "aws-managed", inTransit: true },
        access: { method: "ssm", administrators: [] },
        tenancy: "default",
        residency: [],
    };
}

/**
 * The secure defaults every proposal gets, compliance or not: IMDSv2, encrypted volumes, no public
 * SSH, SSM instead of keys, a least-privilege instance role, and exactly the profile's flows.
 */
export function securityRequirements(context: SecurityContext): SecurityRequirements {
    const profile = context.profile ?? defaultSecurityProfile(context.role);
    const internetIngress = profile.ingress.some((rule) => rule.cidr === "0.0.0.0/0");
    const settings: SecuritySettings = {
        imdsv2: true,
        ebsEncryption: true,
        kmsKey: profile.encryption.atRestKey,
        kmsKeyRotation: profile.encryption.atRestKey === "customer-managed",
        detailedMonitoring: false,
        logRetentionDays: 30,
        backupRetentionDays: 0,
        access: profile.access.method,
        ...(profile.access.bastionCidr ? { bastionCidr: profile.access.bastionCidr } : {}),
        publicIp: internetIngress,
        tenancy: profile.tenancy,
        allowedRegions: [...profile.residency],
        ingress: profile.ingress,
        egress: profile.egress,
    };
    const evidence: Evidence[] = [
        { setting: "imdsv2", value: true, requirements: [BASELINE("imdsv2", "session tokens for instance metadata")] },
        { setting: "ebsEncryption", value: true, requirements: [BASELINE("encryption-at-rest", "every volume encrypted")] },
        { setting: "access", value: settings.access, requirements: [BASELINE("no-public-ssh", "no SSH open to the internet; SSM or a bastion")] },
    ];
    return { settings, evidence, allowedRegions: settings.allowedRegions };
}

/** Monthly prices of the security extras, USD (us-east-1 list prices, 2025; applied in every region). */
export const SECURITY_PRICES = {
    /** A customer-managed KMS key, per key-month. */
    kmsKeyMonthly: 1.0,
    /** EC2 detailed monitoring: 7 metrics at $0.30 per metric-month, per instance. */
    detailedMonitoringMonthly: 2.1,
    /** EBS snapshot storage, per GB-month. */
    snapshotGBMonth: 0.05,
} as const;

/** The monthly cost of a proposal's security settings, as cost items (component `security`). */
export function securityCosts(settings: SecuritySettings, instances: number, storageGiB: number): CostItem[] {
    const items: CostItem[] = [];
    if (settings.kmsKey === "customer-managed") {
        items.push({ component: "security", detail: "customer-managed KMS key", monthly: SECURITY_PRICES.kmsKeyMonthly });
    }
    if (settings.detailedMonitoring) {
        items.push({ component: "security", detail: `detailed monitoring, ${instances} instance(s)`, monthly: SECURITY_PRICES.detailedMonitoringMonthly * instances });
    }
    if (settings.backupRetentionDays > 0 && storageGiB > 0) {
        // Incremental daily snapshots: one full copy plus about 2 % change a day over the retention.
        const snapshotGiB = storageGiB * (1 + 0.02 * settings.backupRetentionDays);
        items.push({ component: "security", detail: `snapshots kept ${settings.backupRetentionDays} days`, monthly: snapshotGiB * SECURITY_PRICES.snapshotGBMonth });
    }
    return items;
}
