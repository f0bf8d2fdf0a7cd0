import { InputError } from "../errors";
import { Framework, Role, SecurityProfile, Sensitivity, TrafficRule } from "../persona/schema";
import { CostItem } from "../solver/proposal";
import { ADMIN_PORTS, applicableRules, Control, ControlRule, retentionAtLeast } from "./controls";
import { Evidence, Requirement, SecuritySettings } from "./settings";

export * from "./settings";
export { ADMIN_PORTS, EU_REGIONS, FRAMEWORK_RULES, BASELINE_RULES, SENSITIVITY_RULES, applicableRules } from "./controls";
export type { Control, ControlRule } from "./controls";

/**
 * Security and compliance as hard constraints, before anything is proposed: a security profile, its
 * frameworks and its sensitivity become the minimum settings every proposal carries, the evidence
 * for each (requirement ids), and the regions proposals may use.
 */
export interface SecurityRequirements {
    /** The settings every proposal gets (the solver never weakens them; `modify` may only strengthen). */
    readonly settings: SecuritySettings;
    /** Each demanded setting with the requirement ids that demand it. */
    readonly evidence: readonly Evidence[];
    /** Regions proposals may use; empty means any. */
    readonly allowedRegions: readonly string[];
    /** Where the region restriction comes from ("GDPR art_44: EU regions", "persona residency"), for conflict reports. */
    readonly regionReasons: readonly string[];
    /** The rules applied, to check a modified proposal against. */
    readonly rules: readonly ControlRule[];
    readonly frameworks: readonly Framework[];
    readonly sensitivity: Sensitivity;
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

function isInternet(rule: TrafficRule): boolean {
    return rule.cidr === "0.0.0.0/0";
}

function opensAdminPort(rule: TrafficRule): boolean {
    return (rule.protocol === "tcp" || rule.protocol === "all") && ADMIN_PORTS.some((port) => rule.ports.from <= port && port <= rule.ports.to);
}

function cite(requirements: readonly Requirement[]): string {
    return requirements.map((r) => `${r.framework} ${r.id}`).join(", ");
}

/**
 * Computes the settings, evidence and regions a profile demands. Settings are strengthened to meet
 * every rule (a stronger key, longer retention, SSM instead of SSH); a flow the profile asks for
 * that a rule forbids cannot be strengthened away, so it is an error naming the rule and the fix.
 */
export function securityRequirements(context: SecurityContext): SecurityRequirements {
    const profile = context.profile ?? defaultSecurityProfile(context.role);
    const frameworks = [...new Set([...profile.compliance, ...(context.compliance ?? [])])].sort();
    const level = context.sensitivity ?? profile.sensitivity;
    const rules = applicableRules(frameworks, level);
    const settings: { -readonly [K in keyof SecuritySettings]: SecuritySettings[K] } = {
        imdsv2: true,
        ebsEncryption: true,
        kmsKey: profile.encryption.atRestKey,
        kmsKeyRotation: profile.encryption.atRestKey === "customer-managed",
        detailedMonitoring: false,
        logRetentionDays: 30,
        backupRetentionDays: 0,
        access: profile.access.method,
        ...(profile.access.bastionCidr ? { bastionCidr: profile.access.bastionCidr } : {}),
        publicIp: profile.ingress.some(isInternet),
        tenancy: profile.tenancy,
        allowedRegions: [...profile.residency],
        ingress: profile.ingress,
        egress: profile.egress,
    };
    const regionReasons: string[] = profile.residency.length > 0 ? [`persona residency (${profile.residency.join(", ")})`] : [];
    const evidence = new Map<string, Evidence>();
    const addEvidence = (setting: string, value: Evidence["value"], requirements: readonly Requirement[]) => {
        const entry = evidence.get(setting);
        const merged = [...(entry?.requirements ?? []), ...requirements].filter((r, i, all) => all.findIndex((o) => o.framework === r.framework && o.id === r.id) === i);
        evidence.set(setting, { setting, value, requirements: merged });
    };

    for (const rule of rules) {
        const { control } = rule;
        switch (control.kind) {
            case "imdsv2":
                addEvidence("imdsv2", true, rule.requirements);
                break;
            case "ebsEncryption":
                addEvidence("ebsEncryption", true, rule.requirements);
                break;
            case "instanceProfile":
                addEvidence("instanceProfile", "least-privilege role (SSM, CloudWatch agent)", rule.requirements);
                break;
            case "customerManagedKey":
                settings.kmsKey = "customer-managed";
                settings.kmsKeyRotation = true;
                addEvidence("kmsKey", "customer-managed", rule.requirements);
                addEvidence("kmsKeyRotation", true, rule.requirements);
                break;
            case "detailedMonitoring":
                settings.detailedMonitoring = true;
                addEvidence("detailedMonitoring", true, rule.requirements);
                break;
            case "logRetention":
                settings.logRetentionDays = Math.max(settings.logRetentionDays, retentionAtLeast(control.days));
                addEvidence("logRetentionDays", settings.logRetentionDays, rule.requirements);
                break;
            case "backups":
                settings.backupRetentionDays = Math.max(settings.backupRetentionDays, control.days);
                addEvidence("backupRetentionDays", settings.backupRetentionDays, rule.requirements);
                break;
            case "accessWithoutKeys":
                if (settings.access === "ssh-bastion") {
                    settings.access = "ssm";
                    delete settings.bastionCidr;
                }
                addEvidence("access", settings.access, rule.requirements);
                break;
            case "noPublicIp":
            case "noInternetIngress":
            case "noInternetAdminPorts": {
                const forbidden = (r: TrafficRule) => isInternet(r) && (control.kind !== "noInternetAdminPorts" || opensAdminPort(r));
                const index = profile.ingress.findIndex(forbidden);
                if (index >= 0 && control.kind !== "noPublicIp") {
                    throw InputError.single(
                        "security profile",
                        `security.ingress[${index}]`,
                        `"${profile.ingress[index].description}" admits 0.0.0.0/0, which ${cite(rule.requirements)} forbids`,
                        control.kind === "noInternetAdminPorts"
                            ? "narrow the cidr to your bastion or VPN, or use access method ssm"
                            : "admit traffic from the load balancer's security group or a private CIDR, and put the internet-facing load balancer in front",
                    );
                }
                settings.publicIp = control.kind === "noInternetAdminPorts" ? settings.publicIp : false;
                const setting = control.kind === "noPublicIp" ? "publicIp" : "ingress";
                addEvidence(setting, control.kind === "noPublicIp" ? false : control.kind === "noInternetIngress" ? "no inbound from 0.0.0.0/0" : "no administrative port open to 0.0.0.0/0", rule.requirements);
                break;
            }
            case "regions": {
                const allowed = settings.allowedRegions.length === 0 ? [...control.regions] : settings.allowedRegions.filter((r) => control.regions.includes(r));
                if (allowed.length === 0) {
                    throw InputError.single(
                        "security profile",
                        "security.residency",
                        `residency ${settings.allowedRegions.join(", ")} lies outside the ${control.why} that ${cite(rule.requirements)} demands`,
                        `pin residency to one of ${control.regions.join(", ")}, or drop ${rule.requirements[0].framework}`,
                    );
                }
                settings.allowedRegions = allowed.sort();
                regionReasons.push(`${cite(rule.requirements)}: ${control.why}`);
                addEvidence("allowedRegions", settings.allowedRegions, rule.requirements);
                break;
            }
        }
    }
    if (settings.tenancy === "dedicated") {
        addEvidence("tenancy", "dedicated", [{ framework: "baseline", id: "persona-tenancy", title: "the persona asks for single-tenant hardware" }]);
    }
    return { settings, evidence: [...evidence.values()], allowedRegions: settings.allowedRegions, regionReasons, rules, frameworks, sensitivity: level };
}

/** A setting of a (modified) proposal that breaks a requirement. */
export interface SettingViolation {
    readonly setting: string;
    readonly message: string;
    readonly requirements: readonly Requirement[];
}

/**
 * Checks settings against the rules they must meet: what `modify` calls before accepting a change.
 * Stronger settings always pass; weaker ones are refused with the requirement they would break.
 */
export function checkSettings(settings: SecuritySettings, requirements: SecurityRequirements, region?: string): SettingViolation[] {
    const violations: SettingViolation[] = [];
    const refuse = (setting: string, message: string, rule: ControlRule) => violations.push({ setting, message: `${message} (${cite(rule.requirements)})`, requirements: rule.requirements });
    for (const rule of requirements.rules) {
        const control: Control = rule.control;
        switch (control.kind) {
            case "customerManagedKey":
                if (settings.kmsKey !== "customer-managed" || !settings.kmsKeyRotation) {
                    refuse("kmsKey", "a customer-managed KMS key with rotation is required", rule);
                }
                break;
            case "detailedMonitoring":
                if (!settings.detailedMonitoring) {
                    refuse("detailedMonitoring", "detailed monitoring is required", rule);
                }
                break;
            case "logRetention":
                if (settings.logRetentionDays < control.days) {
                    refuse("logRetentionDays", `logs must be kept at least ${control.days} days, not ${settings.logRetentionDays}`, rule);
                }
                break;
            case "backups":
                if (settings.backupRetentionDays < control.days) {
                    refuse("backupRetentionDays", `snapshots must be kept at least ${control.days} days, not ${settings.backupRetentionDays}`, rule);
                }
                break;
            case "accessWithoutKeys":
                if (settings.access === "ssh-bastion") {
                    refuse("access", "administration must go through SSM sessions (or none), not SSH keys", rule);
                }
                break;
            case "noPublicIp":
                if (settings.publicIp) {
                    refuse("publicIp", "the instance must not have a public IP address", rule);
                }
                break;
            case "noInternetIngress":
                if (settings.ingress.some(isInternet)) {
                    refuse("ingress", "no inbound rule may admit 0.0.0.0/0", rule);
                }
                break;
            case "noInternetAdminPorts":
                if (settings.ingress.some((r) => isInternet(r) && opensAdminPort(r))) {
                    refuse("ingress", "no administrative port may be open to 0.0.0.0/0", rule);
                }
                break;
            case "regions":
                if (region !== undefined && !control.regions.includes(region)) {
                    refuse("region", `region ${region} is outside the ${control.why}`, rule);
                }
                break;
            case "imdsv2":
            case "ebsEncryption":
            case "instanceProfile":
                // Fixed by the schema (literal true) and by the provisioner; nothing a modify can weaken.
                break;
        }
    }
    if (requirements.settings.tenancy === "dedicated" && settings.tenancy !== "dedicated") {
        violations.push({ setting: "tenancy", message: "the persona asks for dedicated tenancy", requirements: [{ framework: "baseline", id: "persona-tenancy", title: "the persona asks for single-tenant hardware" }] });
    }
    if (requirements.allowedRegions.length > 0 && region !== undefined && !requirements.allowedRegions.includes(region) && !violations.some((v) => v.setting === "region")) {
        violations.push({ setting: "region", message: `region ${region} is outside the persona's residency (${requirements.allowedRegions.join(", ")})`, requirements: [] });
    }
    return violations;
}

/** Monthly prices of the security extras, USD: AWS list prices in us-east-1 (2025), applied in every region. */
export const SECURITY_PRICES = {
    /** A customer-managed KMS key, per key-month. */
    kmsKeyMonthly: 1.0,
    /** EC2 detailed monitoring: 7 metrics at $0.30 per metric-month, per instance. */
    detailedMonitoringMonthly: 2.1,
    /** EBS snapshot storage, per GB-month. */
    snapshotGBMonth: 0.05,
    /** CloudWatch Logs ingestion, per GB. */
    logIngestionGB: 0.5,
    /** CloudWatch Logs storage, per GB-month. */
    logStorageGBMonth: 0.03,
    /** Logs an instance ships per month (system, audit and agent logs), GB. An assumption. */
    logGBPerInstanceMonth: 1,
    /** The Dedicated Instances per-region fee, per hour while any dedicated instance runs in the region. */
    dedicatedRegionFeeHourly: 2.0,
    /** Dedicated Instances cost about this much more than shared ones of the same type (our estimate from AWS's published price pages). */
    dedicatedPremium: 0.1,
} as const;

/**
 * The monthly cost of a proposal's security settings, as cost items (component `security`).
 * `computeMonthly` (the fleet's compute cost) prices the dedicated-tenancy premium.
 */
export function securityCosts(settings: SecuritySettings, instances: number, storageGiB: number, computeMonthly = 0): CostItem[] {
    const p = SECURITY_PRICES;
    const items: CostItem[] = [];
    if (settings.kmsKey === "customer-managed") {
        items.push({ component: "security", detail: "customer-managed KMS key, rotated yearly", monthly: p.kmsKeyMonthly });
    }
    if (settings.detailedMonitoring) {
        items.push({ component: "security", detail: `detailed monitoring, ${instances} instance(s)`, monthly: p.detailedMonitoringMonthly * instances });
    }
    // Logs held at steady state are a month's ingestion times the retention in months.
    const logGB = p.logGBPerInstanceMonth * instances;
    items.push({
        component: "security",
        detail: `logs kept ${settings.logRetentionDays} days (~${p.logGBPerInstanceMonth} GB/instance-month)`,
        monthly: logGB * p.logIngestionGB + logGB * (settings.logRetentionDays / 30) * p.logStorageGBMonth,
    });
    if (settings.backupRetentionDays > 0 && storageGiB > 0) {
        // Incremental daily snapshots: one full copy plus about 2 % change a day over the retention.
        const snapshotGiB = storageGiB * (1 + 0.02 * settings.backupRetentionDays);
        items.push({ component: "security", detail: `daily snapshots kept ${settings.backupRetentionDays} days`, monthly: snapshotGiB * p.snapshotGBMonth });
    }
    if (settings.tenancy === "dedicated") {
        items.push({ component: "security", detail: "dedicated tenancy per-region fee", monthly: p.dedicatedRegionFeeHourly * 730 });
        items.push({ component: "security", detail: `dedicated tenancy premium (~${p.dedicatedPremium * 100} % of compute)`, monthly: computeMonthly * p.dedicatedPremium });
    }
    return items.map((item) => ({ ...item, monthly: Math.round(item.monthly * 100) / 100 }));
}
