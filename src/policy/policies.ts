import * as aws from "@pulumi/aws";
import { EnforcementLevel, ReportViolation, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { ADMIN_PORTS } from "../compliance/controls";

/**
 * CrossGuard policies for what a NegotiatedInstance provisions (and, by the same rules, any EC2
 * instance, launch template, EBS volume, security group rule or KMS key in the stack). The
 * solver already never proposes a violation; these policies catch drift and hand edits after the
 * fact, including a standalone aws.ebs.Volume and IMDSv2, which awsguard does not check.
 *
 * Resources provisioned from an agreement carry a `persona:security` tag with the agreed
 * settings; the `persona-agreed-security` policy checks each resource against its own agreement.
 */

const INTERNET = new Set(["0.0.0.0/0", "::/0"]);

/** The `persona:security` tag: `key=value` pairs separated by commas. */
export const SECURITY_TAG = "persona:security";

export interface AgreedSecurityTag {
    readonly kms: "aws-managed" | "customer-managed";
    readonly monitoring: boolean;
    readonly publicIp: boolean;
    readonly tenancy: "default" | "dedicated";
}

export function formatSecurityTag(agreed: AgreedSecurityTag): string {
    return `kms=${agreed.kms},monitoring=${agreed.monitoring},publicIp=${agreed.publicIp},tenancy=${agreed.tenancy}`;
}

export function parseSecurityTag(value: string | undefined): AgreedSecurityTag | undefined {
    if (!value) {
        return undefined;
    }
    const pairs = Object.fromEntries(value.split(",").map((pair) => pair.split("=") as [string, string]));
    if (!["aws-managed", "customer-managed"].includes(pairs.kms) || !["default", "dedicated"].includes(pairs.tenancy)) {
        return undefined;
    }
    return { kms: pairs.kms as AgreedSecurityTag["kms"], monitoring: pairs.monitoring === "true", publicIp: pairs.publicIp === "true", tenancy: pairs.tenancy as AgreedSecurityTag["tenancy"] };
}

function coversAdminPort(protocol: string | undefined, from: number | undefined, to: number | undefined): boolean {
    if (protocol === "-1" || protocol === "all") {
        return true;
    }
    if (protocol !== "tcp" && protocol !== "6") {
        return false;
    }
    return ADMIN_PORTS.some((port) => (from ?? 0) <= port && port <= (to ?? 65535));
}

function opensToInternet(cidrs: readonly (string | undefined)[]): boolean {
    return cidrs.some((cidr) => cidr !== undefined && INTERNET.has(cidr));
}

const imdsv2: ResourceValidationPolicy = {
    name: "persona-imdsv2-required",
    description: "EC2 instances and launch templates require IMDSv2 (metadata session tokens).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set metadataOptions.httpTokens to \"required\".",
    validateResource: [
        validateResourceOfType(aws.ec2.Instance, (instance, _args, report) => {
            if (instance.metadataOptions?.httpTokens !== "required") {
                report(`instance allows IMDSv1: metadataOptions.httpTokens is ${instance.metadataOptions?.httpTokens ?? "unset (optional)"}, not "required"`);
            }
        }),
        validateResourceOfType(aws.ec2.LaunchTemplate, (template, _args, report) => {
            if (template.metadataOptions?.httpTokens !== "required") {
                report(`launch template allows IMDSv1: metadataOptions.httpTokens is ${template.metadataOptions?.httpTokens ?? "unset (optional)"}, not "required"`);
            }
        }),
    ],
};

const ebsEncrypted: ResourceValidationPolicy = {
    name: "persona-ebs-encrypted",
    description: "Every EBS volume is encrypted at rest: standalone volumes, instance root and block devices, launch template mappings.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set encrypted to true (and kmsKeyId where the agreement names a customer-managed key).",
    validateResource: [
        validateResourceOfType(aws.ebs.Volume, (volume, _args, report) => {
            if (volume.encrypted !== true) {
                report("EBS volume is not encrypted");
            }
        }),
        validateResourceOfType(aws.ec2.Instance, (instance, _args, report) => {
            if (instance.rootBlockDevice?.encrypted !== true) {
                report("instance root volume is not encrypted");
            }
            for (const device of instance.ebsBlockDevices ?? []) {
                if (device.encrypted !== true) {
                    report(`instance block device ${device.deviceName} is not encrypted`);
                }
            }
        }),
        validateResourceOfType(aws.ec2.LaunchTemplate, (template, _args, report) => {
            for (const mapping of template.blockDeviceMappings ?? []) {
                if (mapping.ebs && String(mapping.ebs.encrypted) !== "true") {
                    report(`launch template device ${mapping.deviceName} is not encrypted`);
                }
            }
        }),
    ],
};

const noPublicAdminPorts: ResourceValidationPolicy = {
    name: "persona-no-public-admin-ports",
    description: "No security group admits SSH, RDP or WinRM from the internet.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Use Session Manager, or admit administrative ports only from a bastion or VPN CIDR.",
    validateResource: [
        validateResourceOfType(aws.vpc.SecurityGroupIngressRule, (rule, _args, report) => {
            if (opensToInternet([rule.cidrIpv4, rule.cidrIpv6]) && coversAdminPort(rule.ipProtocol, rule.fromPort, rule.toPort)) {
                report(`ingress rule opens an administrative port (${rule.ipProtocol} ${rule.fromPort ?? "all"}-${rule.toPort ?? "all"}) to the internet`);
            }
        }),
        validateResourceOfType(aws.ec2.SecurityGroupRule, (rule, _args, report) => {
            if (rule.type === "ingress" && opensToInternet([...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])]) && coversAdminPort(rule.protocol, rule.fromPort, rule.toPort)) {
                report(`ingress rule opens an administrative port (${rule.protocol} ${rule.fromPort}-${rule.toPort}) to the internet`);
            }
        }),
        validateResourceOfType(aws.ec2.SecurityGroup, (group, _args, report) => {
            for (const rule of group.ingress ?? []) {
                if (opensToInternet([...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])]) && coversAdminPort(rule.protocol, rule.fromPort, rule.toPort)) {
                    report(`security group opens an administrative port (${rule.protocol} ${rule.fromPort}-${rule.toPort}) to the internet`);
                }
            }
        }),
    ],
};

const kmsRotation: ResourceValidationPolicy = {
    name: "persona-kms-rotation",
    description: "Customer-managed symmetric KMS keys rotate automatically.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Set enableKeyRotation to true.",
    validateResource: validateResourceOfType(aws.kms.Key, (key, _args, report) => {
        const symmetric = key.customerMasterKeySpec === undefined || key.customerMasterKeySpec === "SYMMETRIC_DEFAULT";
        if (symmetric && key.enableKeyRotation !== true) {
            report("KMS key does not rotate: enableKeyRotation is not true");
        }
    }),
};

const egressRestricted: ResourceValidationPolicy = {
    name: "persona-egress-restricted",
    description: "Egress is limited to the flows a profile allows; all traffic to anywhere is flagged.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "List the ports and destinations the workload needs (HTTPS to 0.0.0.0/0 for updates is usual).",
    validateResource: [
        validateResourceOfType(aws.vpc.SecurityGroupEgressRule, (rule, _args, report) => {
            if (rule.ipProtocol === "-1" && opensToInternet([rule.cidrIpv4, rule.cidrIpv6])) {
                report("egress rule allows all traffic to anywhere");
            }
        }),
        validateResourceOfType(aws.ec2.SecurityGroup, (group, _args, report) => {
            if ((group.egress ?? []).some((rule) => rule.protocol === "-1" && opensToInternet([...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])]))) {
                report("security group allows all egress to anywhere");
            }
        }),
    ],
};

const instanceProfileNoKeys: ResourceValidationPolicy = {
    name: "persona-instance-role-no-ssh-keys",
    description: "Instances use an instance profile (no static credentials) and no SSH key pair.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps: "Attach an instance profile with AmazonSSMManagedInstanceCore and drop keyName.",
    validateResource: validateResourceOfType(aws.ec2.Instance, (instance, _args, report) => {
        if (!instance.iamInstanceProfile) {
            report("instance has no instance profile");
        }
        if (instance.keyName) {
            report(`instance has SSH key pair ${instance.keyName}; administer it through Session Manager instead`);
        }
    }),
};

/** Compares a resource's settings with the agreement recorded in its tag. */
function checkAgreed(tags: Record<string, string> | undefined, actual: { kmsKeyId?: string; monitoring?: boolean; publicIp?: boolean; tenancy?: string }, report: ReportViolation): void {
    const agreed = parseSecurityTag(tags?.[SECURITY_TAG]);
    if (!agreed) {
        return;
    }
    if (agreed.kms === "customer-managed" && "kmsKeyId" in actual && !actual.kmsKeyId) {
        report("the agreement requires the customer-managed KMS key, but no kmsKeyId is set");
    }
    if (actual.monitoring !== undefined && agreed.monitoring && !actual.monitoring) {
        report("the agreement requires detailed monitoring, but it is off");
    }
    if (actual.publicIp !== undefined && !agreed.publicIp && actual.publicIp) {
        report("the agreement forbids a public IP address, but one is associated");
    }
    if (agreed.tenancy === "dedicated" && actual.tenancy !== undefined && actual.tenancy !== "dedicated") {
        report(`the agreement requires dedicated tenancy, not ${actual.tenancy}`);
    }
}

const agreedSecurity: ResourceValidationPolicy = {
    name: "persona-agreed-security",
    description: "Resources provisioned from an agreement keep its security settings (key, monitoring, public address, tenancy).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Renegotiate (persona negotiate or stack config) instead of editing the resource.",
    validateResource: [
        validateResourceOfType(aws.ec2.Instance, (instance, _args, report) =>
            checkAgreed(
                instance.tags as Record<string, string> | undefined,
                { kmsKeyId: instance.rootBlockDevice?.kmsKeyId, monitoring: instance.monitoring ?? false, publicIp: instance.associatePublicIpAddress ?? false, tenancy: instance.tenancy ?? "default" },
                report,
            ),
        ),
        validateResourceOfType(aws.ebs.Volume, (volume, _args, report) => checkAgreed(volume.tags as Record<string, string> | undefined, { kmsKeyId: volume.kmsKeyId }, report)),
        validateResourceOfType(aws.ec2.LaunchTemplate, (template, _args, report) =>
            checkAgreed(
                template.tags as Record<string, string> | undefined,
                {
                    monitoring: template.monitoring?.enabled ?? false,
                    publicIp: (template.networkInterfaces ?? []).some((ni) => String(ni.associatePublicIpAddress) === "true"),
                    tenancy: template.placement?.tenancy ?? "default",
                },
                report,
            ),
        ),
    ],
};

/** The policies, in the order the pack reports them. */
export const PERSONA_POLICIES: readonly ResourceValidationPolicy[] = [imdsv2, ebsEncrypted, noPublicAdminPorts, kmsRotation, agreedSecurity, egressRestricted, instanceProfileNoKeys];

/** The pack's policies with enforcement levels overridden by name (e.g. make an advisory one mandatory). */
export function personaPolicies(levels: Readonly<Record<string, EnforcementLevel>> = {}): ResourceValidationPolicy[] {
    return PERSONA_POLICIES.map((policy) => (levels[policy.name] ? { ...policy, enforcementLevel: levels[policy.name] } : policy));
}
