import { Framework, Sensitivity } from "../persona/schema";
import { Requirement } from "./settings";

/**
 * What each framework and sensitivity level demands of an EC2 instance, as controls tied to the
 * requirement ids that demand them. Built from the requirement-to-check mappings of the Prowler
 * project (PCI DSS 4.0, HIPAA, SOC 2, GDPR): where a control names a `check`, that Prowler check
 * is mapped to each cited requirement in the source data (test/compliance verifies it). The
 * titles are our own words.
 */

/** A concrete setting a requirement demands; each is satisfied or strengthened the same way everywhere. */
export type Control =
    | { readonly kind: "imdsv2" }
    | { readonly kind: "ebsEncryption" }
    | { readonly kind: "instanceProfile" }
    | { readonly kind: "customerManagedKey" }
    | { readonly kind: "detailedMonitoring" }
    | { readonly kind: "logRetention"; readonly days: number }
    | { readonly kind: "backups"; readonly days: number }
    | { readonly kind: "accessWithoutKeys" }
    | { readonly kind: "noPublicIp" }
    | { readonly kind: "noInternetAdminPorts" }
    | { readonly kind: "noInternetIngress" }
    | { readonly kind: "regions"; readonly regions: readonly string[]; readonly why: string };

export interface ControlRule {
    readonly control: Control;
    readonly requirements: readonly Requirement[];
    /** The Prowler check that evidences the requirements, when the source data maps one. */
    readonly check?: string;
}

/** Ports whose exposure to the internet is an administrative door (SSH, RDP, WinRM). */
export const ADMIN_PORTS = [22, 3389, 5985, 5986] as const;

/** EU and EEA member-state regions: personal data stays inside the Union without a transfer mechanism. */
export const EU_REGIONS = ["eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-3"] as const;

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const pci = (id: string, title: string): Requirement => ({ framework: "pci-dss", id, title });
const hipaa = (id: string, title: string): Requirement => ({ framework: "hipaa", id, title });
const soc2 = (id: string, title: string): Requirement => ({ framework: "soc2", id, title });
const gdpr = (id: string, title: string): Requirement => ({ framework: "gdpr", id, title });
const baseline = (id: string, title: string): Requirement => ({ framework: "baseline", id, title });
const sensitivity = (level: Sensitivity, title: string): Requirement => ({ framework: "sensitivity", id: level, title });

/** Secure defaults for every proposal, compliance or not. */
export const BASELINE_RULES: readonly ControlRule[] = [
    { control: { kind: "imdsv2" }, requirements: [baseline("imdsv2", "instance metadata only with session tokens, closing SSRF credential theft")] },
    { control: { kind: "ebsEncryption" }, requirements: [baseline("encryption-at-rest", "every volume and snapshot encrypted")] },
    { control: { kind: "instanceProfile" }, requirements: [baseline("least-privilege-role", "an instance role with only the SSM and logging permissions, never static keys")] },
    { control: { kind: "noInternetAdminPorts" }, requirements: [baseline("no-public-admin-ports", "SSH, RDP and WinRM never open to the internet")] },
];

/** What each sensitivity level adds on top of the baseline (levels inherit the lower ones). */
export const SENSITIVITY_RULES: Readonly<Record<Sensitivity, readonly ControlRule[]>> = {
    public: [],
    internal: [],
    confidential: [
        { control: { kind: "noPublicIp" }, requirements: [sensitivity("confidential", "confidential data is reached only through private addresses")] },
        { control: { kind: "logRetention", days: 90 }, requirements: [sensitivity("confidential", "three months of logs to investigate access to confidential data")] },
        { control: { kind: "backups", days: 7 }, requirements: [sensitivity("confidential", "a week of snapshots to recover confidential data")] },
    ],
    restricted: [
        { control: { kind: "customerManagedKey" }, requirements: [sensitivity("restricted", "restricted data under a key the owner controls, rotated yearly")] },
        { control: { kind: "detailedMonitoring" }, requirements: [sensitivity("restricted", "one-minute metrics on systems holding restricted data")] },
        { control: { kind: "noInternetIngress" }, requirements: [sensitivity("restricted", "no inbound flow from the internet to restricted data")] },
        { control: { kind: "accessWithoutKeys" }, requirements: [sensitivity("restricted", "administration through audited sessions, no shared SSH keys")] },
        { control: { kind: "logRetention", days: 365 }, requirements: [sensitivity("restricted", "a year of logs for systems holding restricted data")] },
        { control: { kind: "backups", days: 14 }, requirements: [sensitivity("restricted", "two weeks of snapshots for restricted data")] },
    ],
};

const SENSITIVITY_ORDER: readonly Sensitivity[] = ["public", "internal", "confidential", "restricted"];

/** The sensitivity rules for a level and every level below it. */
export function sensitivityRules(level: Sensitivity): ControlRule[] {
    return SENSITIVITY_ORDER.slice(0, SENSITIVITY_ORDER.indexOf(level) + 1).flatMap((l) => SENSITIVITY_RULES[l]);
}

export const FRAMEWORK_RULES: Readonly<Record<Framework, readonly ControlRule[]>> = {
    "pci-dss": [
        { control: { kind: "ebsEncryption" }, check: "ec2_ebs_volume_encryption", requirements: [pci("3.5.1", "stored account data is unreadable: strong cryptography at rest")] },
        {
            control: { kind: "customerManagedKey" },
            check: "kms_cmk_rotation_enabled",
            requirements: [pci("3.7.4", "keys changed at the end of their cryptoperiod: a key we control, rotated yearly")],
        },
        { control: { kind: "imdsv2" }, check: "ec2_instance_imdsv2_enabled", requirements: [pci("8.2.8", "no unauthenticated access path to instance credentials")] },
        {
            control: { kind: "instanceProfile" },
            check: "ec2_instance_profile_attached",
            requirements: [pci("7.2.1", "access assigned by role, least privilege"), pci("8.2.7", "no shared or static credentials on the system")],
        },
        {
            control: { kind: "noInternetAdminPorts" },
            check: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
            requirements: [pci("1.3.1", "inbound traffic to the cardholder data environment restricted to what is necessary")],
        },
        {
            control: { kind: "noInternetIngress" },
            check: "ec2_securitygroup_allow_ingress_from_internet_to_any_port",
            requirements: [pci("1.3.1", "inbound traffic to the cardholder data environment restricted to what is necessary"), pci("1.4.2", "inbound traffic from untrusted networks only to authorised public-facing components")],
        },
        { control: { kind: "noPublicIp" }, check: "ec2_launch_template_no_public_ip", requirements: [pci("1.4.5", "internal addresses not disclosed to untrusted networks")] },
        { control: { kind: "accessWithoutKeys" }, check: "ec2_instance_profile_attached", requirements: [pci("7.2.1", "administrative access granted through roles and recorded sessions")] },
        {
            control: { kind: "detailedMonitoring" },
            check: "ec2_instance_detailed_monitoring_enabled",
            requirements: [pci("10.2.1", "audit logs capture activity to detect anomalies"), pci("10.4.1", "audit logs and security events reviewed")],
        },
        { control: { kind: "logRetention", days: 365 }, check: "cloudwatch_log_group_retention_policy_specific_days_enabled", requirements: [pci("10.5.1", "audit log history kept at least twelve months")] },
    ],
    hipaa: [
        {
            control: { kind: "ebsEncryption" },
            check: "ec2_ebs_volume_encryption",
            requirements: [hipaa("164.312(a)(2)(iv)", "encrypt and decrypt electronic protected health information"), hipaa("164.312(e)(2)(ii)", "encryption of ePHI")],
        },
        { control: { kind: "customerManagedKey" }, check: "kms_cmk_rotation_enabled", requirements: [hipaa("164.312(a)(2)(iv)", "encryption keys under the covered entity's control, rotated")] },
        { control: { kind: "noPublicIp" }, check: "ec2_instance_public_ip", requirements: [hipaa("164.312(a)(1)", "access to ePHI systems only for authorised persons and programs")] },
        {
            control: { kind: "noInternetAdminPorts" },
            check: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
            requirements: [hipaa("164.312(e)(1)", "guard ePHI against unauthorised access over networks")],
        },
        { control: { kind: "noInternetIngress" }, check: "ec2_instance_public_ip", requirements: [hipaa("164.312(a)(1)", "access to ePHI systems only for authorised persons and programs")] },
        { control: { kind: "accessWithoutKeys" }, check: "ec2_instance_managed_by_ssm", requirements: [hipaa("164.308(a)(5)(ii)(B)", "systems managed and patched centrally (Systems Manager)")] },
        {
            control: { kind: "logRetention", days: 2192 },
            check: "cloudwatch_log_group_retention_policy_specific_days_enabled",
            requirements: [hipaa("164.312(b)", "record and examine activity on ePHI systems; kept six years like other HIPAA documentation")],
        },
        { control: { kind: "backups", days: 30 }, requirements: [hipaa("164.308(a)(7)(ii)(A)", "retrievable exact copies of ePHI (data backup plan)")] },
    ],
    soc2: [
        { control: { kind: "ebsEncryption" }, check: "ec2_ebs_volume_encryption", requirements: [soc2("PI1.5", "stored data protected from unauthorised change")] },
        { control: { kind: "imdsv2" }, check: "ec2_instance_imdsv2_enabled", requirements: [soc2("CC7.2", "components monitored for anomalies and attacks")] },
        { control: { kind: "noPublicIp" }, check: "ec2_instance_public_ip", requirements: [soc2("CC6.6", "logical access from outside the system boundary restricted")] },
        {
            control: { kind: "noInternetAdminPorts" },
            check: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
            requirements: [soc2("CC6.6", "logical access from outside the system boundary restricted")],
        },
        { control: { kind: "accessWithoutKeys" }, check: "ec2_instance_managed_by_ssm", requirements: [soc2("CC7.1", "configuration and vulnerabilities managed through detection tooling")] },
        {
            control: { kind: "logRetention", days: 365 },
            check: "cloudwatch_log_group_retention_policy_specific_days_enabled",
            requirements: [soc2("CC7.2", "components monitored for anomalies and attacks"), soc2("CC7.3", "security events evaluated")],
        },
        { control: { kind: "backups", days: 14 }, check: "ec2_ebs_volume_snapshots_exists", requirements: [soc2("CC7.5", "recovery from incidents: restorable copies")] },
    ],
    gdpr: [
        { control: { kind: "ebsEncryption" }, check: "ec2_ebs_volume_encryption", requirements: [gdpr("art_32", "security of processing: encryption of personal data")] },
        {
            control: { kind: "regions", regions: EU_REGIONS, why: "EU regions" },
            requirements: [gdpr("art_44", "no transfer of personal data outside the Union without safeguards: EU regions only")],
        },
    ],
};

/** Every rule that applies to a set of frameworks and a sensitivity level, baseline first. */
export function applicableRules(frameworks: readonly Framework[], level: Sensitivity): ControlRule[] {
    return [...BASELINE_RULES, ...sensitivityRules(level), ...[...new Set(frameworks)].sort().flatMap((f) => FRAMEWORK_RULES[f])];
}

/** The smallest CloudWatch retention period that is at least `days`. */
export function retentionAtLeast(days: number): number {
    return LOG_RETENTION_DAYS.find((d) => d >= days) ?? LOG_RETENTION_DAYS[LOG_RETENTION_DAYS.length - 1];
}
