import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TrafficRule } from "../persona/schema";
import { Agreement } from "../negotiation/agreement";
import { formatSecurityTag, SECURITY_TAG } from "../policy/policies";
import { bootScript } from "./cloudInit";

/**
 * The Resource Provisioner: maps an agreement to @pulumi/aws resources, exactly as agreed. Every
 * security setting of the agreement becomes a resource argument here, and nothing else is opened.
 */

/** Where the instances go. */
export interface NetworkPlacement {
    /** The VPC. Defaults to the region's default VPC. */
    readonly vpcId?: pulumi.Input<string>;
    /** Subnets, used round-robin for instances. Defaults to the default VPC's subnets in the agreed zones. */
    readonly subnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Ids of the security groups that trust-boundary rules name by `securityGroup` (name to `sg-...`). */
    readonly securityGroupIds?: Record<string, pulumi.Input<string>>;
}

export interface Provisioned {
    readonly instanceIds: pulumi.Output<string[]>;
    readonly securityGroupId: pulumi.Output<string>;
    readonly autoScalingGroupName?: pulumi.Output<string>;
    readonly kmsKeyArn?: pulumi.Output<string>;
    readonly logGroupName: pulumi.Output<string>;
}

/** Amazon Linux 2023's public SSM parameters, per architecture. */
export const AMI_PARAMETERS = {
    x86_64: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    arm64: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
} as const;

/** Managed policies the instance role gets: Session Manager when access is SSM, the CloudWatch agent always. */
export const SSM_POLICY_ARN = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
export const CLOUDWATCH_AGENT_POLICY_ARN = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy";
export const DLM_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole";

/** Device names for data volumes: /dev/sdf, /dev/sdg, ... (NVMe on Nitro; the boot script finds them by id). */
export function dataDeviceName(index: number): string {
    return `/dev/sd${String.fromCharCode("f".charCodeAt(0) + index)}`;
}

/** Tags every resource carries: what was agreed, for whom, at what price. */
export function agreementTags(name: string, agreement: Agreement): Record<string, string> {
    const p = agreement.proposal;
    const frameworks = [...new Set(p.security.evidence.flatMap((e) => e.requirements.map((r) => r.framework)))].filter((f) => f !== "baseline" && f !== "sensitivity").sort();
    return {
        Name: name,
        "persona:persona": agreement.persona ?? "none",
        "persona:proposal": p.id,
        "persona:compliance": frameworks.length > 0 ? frameworks.join(",") : "none",
        "persona:monthly-cost-usd": p.monthlyCost.total.toFixed(2),
        "persona:purchase": p.purchase,
        [SECURITY_TAG]: formatSecurityTag({ kms: p.security.settings.kmsKey, monitoring: p.security.settings.detailedMonitoring, publicIp: p.security.settings.publicIp, tenancy: p.security.settings.tenancy }),
    };
}

function ruleProtocol(rule: TrafficRule): { ipProtocol: string; fromPort?: number; toPort?: number } {
    if (rule.protocol === "all") {
        return { ipProtocol: "-1" };
    }
    if (rule.protocol === "icmp") {
        return { ipProtocol: "icmp", fromPort: -1, toPort: -1 };
    }
    return { ipProtocol: rule.protocol, fromPort: rule.ports.from, toPort: rule.ports.to };
}

function rulePeer(rule: TrafficRule, network: NetworkPlacement, path: string): { cidrIpv4?: string; referencedSecurityGroupId?: pulumi.Input<string> } {
    if (rule.cidr !== undefined) {
        return { cidrIpv4: rule.cidr };
    }
    const group = rule.securityGroup as string;
    if (group.startsWith("sg-")) {
        return { referencedSecurityGroupId: group };
    }
    const id = network.securityGroupIds?.[group];
    if (id === undefined) {
        throw new pulumi.InputPropertyError({ propertyPath: `network.securityGroupIds.${group}`, reason: `${path} names security group "${group}": give its id in network.securityGroupIds` });
    }
    return { referencedSecurityGroupId: id };
}

export function provisionAgreement(name: string, agreement: Agreement, network: NetworkPlacement, parent: pulumi.Resource): Provisioned {
    const p = agreement.proposal;
    const s = p.security.settings;
    const region = p.region;
    const opts: pulumi.CustomResourceOptions = { parent };
    const tags = agreementTags(name, agreement);

    const vpcId: pulumi.Output<string> = network.vpcId !== undefined ? pulumi.output(network.vpcId) : aws.ec2.getVpcOutput({ default: true, region }, { parent }).id;
    // Instance positions: one type and zone each (a mixed fleet lists its members' instances in turn).
    const positions = p.fleet ? p.fleet.flatMap((m) => m.zones.map((zone) => ({ instanceType: m.instanceType, zone }))) : p.zones.map((zone) => ({ instanceType: p.instanceType, zone }));
    const zones = [...new Set(positions.map((position) => position.zone))];
    // The user's subnets round-robin; else the default VPC's default subnet in each agreed zone.
    const subnetIds: pulumi.Output<string[]> =
        network.subnetIds !== undefined
            ? pulumi.output(network.subnetIds)
            : pulumi.all(
                  zones.map(
                      (zone) =>
                          aws.ec2.getSubnetOutput(
                              {
                                  region,
                                  filters: [
                                      { name: "vpc-id", values: [vpcId] },
                                      { name: "availability-zone-id", values: [zone] },
                                      { name: "default-for-az", values: ["true"] },
                                  ],
                              },
                              { parent },
                          ).id,
                  ),
              );
    const subnetFor = (index: number, zone: string) =>
        subnetIds.apply((ids) => {
            if (ids.length === 0) {
                throw new pulumi.InputPropertyError({ propertyPath: "network.subnetIds", reason: `no subnet to place instance ${index} in: give network.subnetIds, or a default VPC with subnets in ${zones.join(", ")}` });
            }
            return network.subnetIds !== undefined ? ids[index % ids.length] : ids[zones.indexOf(zone)];
        });

    // The trust boundary: exactly the agreed flows. The provider removes AWS's default allow-all egress.
    const securityGroup = new aws.ec2.SecurityGroup(name, { region, vpcId, description: `pulumi-persona ${name}: agreed trust boundary (${p.id})`, tags }, opts);
    const ingress: TrafficRule[] = [...s.ingress];
    if (s.access === "ssh-bastion" && s.bastionCidr) {
        ingress.push({ protocol: "tcp", ports: { from: 22, to: 22 }, cidr: s.bastionCidr, description: "SSH from the bastion" });
    }
    ingress.forEach((rule, i) => {
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-in-${i}`,
            { region, securityGroupId: securityGroup.id, description: rule.description, ...ruleProtocol(rule), ...rulePeer(rule, network, `security.ingress[${i}]`), tags },
            opts,
        );
    });
    s.egress.forEach((rule, i) => {
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-out-${i}`,
            { region, securityGroupId: securityGroup.id, description: rule.description, ...ruleProtocol(rule), ...rulePeer(rule, network, `security.egress[${i}]`), tags },
            opts,
        );
    });

    // A least-privilege instance role: Session Manager when that is the access method, the CloudWatch agent for logs.
    const role = new aws.iam.Role(
        name,
        {
            description: `pulumi-persona ${name}: instance role`,
            assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
            tags,
        },
        opts,
    );
    const policies = s.access === "ssm" ? [SSM_POLICY_ARN, CLOUDWATCH_AGENT_POLICY_ARN] : [CLOUDWATCH_AGENT_POLICY_ARN];
    policies.forEach((policyArn, i) => new aws.iam.RolePolicyAttachment(`${name}-policy-${i}`, { role: role.name, policyArn }, opts));
    const profile = new aws.iam.InstanceProfile(name, { role: role.name, tags }, opts);

    const scaled = agreement.scaling !== undefined && agreement.scaling.max > agreement.scaling.min;
    let kmsKeyArn: pulumi.Output<string> | undefined;
    if (s.kmsKey === "customer-managed") {
        const key = new aws.kms.Key(
            name,
            {
                region,
                description: `pulumi-persona ${name}: EBS encryption key`,
                enableKeyRotation: s.kmsKeyRotation,
                deletionWindowInDays: 30,
                ...(scaled ? { policy: keyPolicyForAutoScaling(region, parent) } : {}),
                tags,
            },
            opts,
        );
        new aws.kms.Alias(name, { region, name: `alias/pulumi-persona/${pulumi.getStack()}/${name}`, targetKeyId: key.keyId }, opts);
        kmsKeyArn = key.arn;
    }

    const logGroup = new aws.cloudwatch.LogGroup(name, { region, name: `/pulumi-persona/${pulumi.getStack()}/${name}`, retentionInDays: s.logRetentionDays, tags }, opts);
    const userData = logGroup.name.apply((logGroupName) => bootScript({ storage: p.storage, logGroupName }));
    const ami = aws.ssm.getParameterOutput({ name: AMI_PARAMETERS[p.architecture], region }, { parent }).value;

    if (s.backupRetentionDays > 0 && p.storage.volumeCount > 0) {
        snapshotPolicy(name, agreement, tags, opts);
    }
    const rootBlock = { volumeType: "gp3", volumeSize: p.storage.rootGiB, encrypted: true, ...(kmsKeyArn ? { kmsKeyId: kmsKeyArn } : {}) };
    const dataVolume = { volumeType: p.storage.volumeType, volumeSize: p.storage.sizeGiB, encrypted: true, ...(kmsKeyArn ? { kmsKeyId: kmsKeyArn } : {}), ...provisionedPerformance(agreement) };
    const backupTag: Record<string, string> = s.backupRetentionDays > 0 ? { "persona:backup": name } : {};

    if (scaled) {
        const template = new aws.ec2.LaunchTemplate(
            name,
            {
                region,
                imageId: ami,
                instanceType: p.instanceType,
                updateDefaultVersion: true,
                userData: userData.apply((text) => Buffer.from(text).toString("base64")),
                iamInstanceProfile: { arn: profile.arn },
                metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
                monitoring: { enabled: s.detailedMonitoring },
                ebsOptimized: "true",
                networkInterfaces: [{ associatePublicIpAddress: String(s.publicIp), securityGroups: [securityGroup.id], deleteOnTermination: "true" }],
                placement: { tenancy: s.tenancy },
                // A mixed fleet asks for spot through the group's instances distribution instead.
                ...(p.purchase === "spot" && !p.fleet ? { instanceMarketOptions: { marketType: "spot", spotOptions: { spotInstanceType: "one-time", instanceInterruptionBehavior: "terminate" } } } : {}),
                blockDeviceMappings: [
                    { deviceName: "/dev/xvda", ebs: { ...rootBlock, deleteOnTermination: "true", encrypted: "true" } },
                    ...Array.from({ length: p.storage.volumeCount }, (_, j) => ({ deviceName: dataDeviceName(j), ebs: { ...dataVolume, deleteOnTermination: "true", encrypted: "true" } })),
                ],
                tagSpecifications: [
                    { resourceType: "instance", tags },
                    { resourceType: "volume", tags: { ...tags, ...backupTag } },
                ],
                tags,
            },
            opts,
        );
        const group = new aws.autoscaling.Group(
            name,
            {
                region,
                minSize: agreement.scaling?.min ?? p.count,
                maxSize: agreement.scaling?.max ?? p.count,
                desiredCapacity: p.count,
                vpcZoneIdentifiers: subnetIds,
                ...(p.fleet
                    ? {
                          // A mixed fleet: the members' types as overrides, spot capacity spread over them.
                          mixedInstancesPolicy: {
                              launchTemplate: {
                                  launchTemplateSpecification: { launchTemplateId: template.id, version: template.latestVersion.apply(String) },
                                  overrides: p.fleet.map((m) => ({ instanceType: m.instanceType })),
                              },
                              instancesDistribution: {
                                  onDemandPercentageAboveBaseCapacity: p.purchase === "spot" ? 0 : 100,
                                  spotAllocationStrategy: "price-capacity-optimized",
                              },
                          },
                      }
                    : { launchTemplate: { id: template.id, version: template.latestVersion.apply(String) } }),
                healthCheckType: "EC2",
                tags: Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
            },
            opts,
        );
        return { instanceIds: pulumi.output([]), securityGroupId: securityGroup.id, autoScalingGroupName: group.name, kmsKeyArn, logGroupName: logGroup.name };
    }

    const instances = positions.map((position, i) => {
        const instanceName = positions.length === 1 ? name : `${name}-${i}`;
        const instance = new aws.ec2.Instance(
            instanceName,
            {
                region,
                ami,
                instanceType: position.instanceType,
                subnetId: subnetFor(i, position.zone),
                vpcSecurityGroupIds: [securityGroup.id],
                iamInstanceProfile: profile.name,
                associatePublicIpAddress: s.publicIp,
                metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
                monitoring: s.detailedMonitoring,
                ebsOptimized: true,
                tenancy: s.tenancy,
                userData,
                userDataReplaceOnChange: false,
                rootBlockDevice: { ...rootBlock, tags: { ...tags, Name: `${instanceName}-root` } },
                ...(p.purchase === "spot" ? { instanceMarketOptions: { marketType: "spot", spotOptions: { spotInstanceType: "one-time", instanceInterruptionBehavior: "terminate" } } } : {}),
                tags: { ...tags, Name: instanceName },
            },
            opts,
        );
        for (let j = 0; j < p.storage.volumeCount; j++) {
            const volumeName = `${instanceName}-data-${j}`;
            const volume = new aws.ebs.Volume(
                volumeName,
                {
                    region,
                    availabilityZone: instance.availabilityZone,
                    size: p.storage.sizeGiB,
                    type: p.storage.volumeType,
                    encrypted: true,
                    ...(kmsKeyArn ? { kmsKeyId: kmsKeyArn } : {}),
                    ...provisionedPerformance(agreement),
                    tags: { ...tags, ...backupTag, Name: volumeName },
                },
                opts,
            );
            new aws.ec2.VolumeAttachment(volumeName, { region, deviceName: dataDeviceName(j), volumeId: volume.id, instanceId: instance.id }, opts);
        }
        return instance;
    });
    return { instanceIds: pulumi.all(instances.map((i) => i.id)), securityGroupId: securityGroup.id, kmsKeyArn, logGroupName: logGroup.name };
}

/** gp3 takes IOPS and throughput above its baseline; io2 takes IOPS; st1 and sc1 take neither. */
function provisionedPerformance(agreement: Agreement): { iops?: number; throughput?: number } {
    const { volumeType, iops, throughputMBps } = agreement.proposal.storage;
    switch (volumeType) {
        case "gp3":
            return { iops, throughput: Math.round(throughputMBps) };
        case "io2":
            return { iops };
        default:
            return {};
    }
}

/**
 * The key policy when an auto scaling group launches the instances: the account administers the
 * key, and the Auto Scaling service-linked role may use it for the launched volumes.
 */
function keyPolicyForAutoScaling(region: string, parent: pulumi.Resource): pulumi.Output<string> {
    const account = aws.getCallerIdentityOutput({}, { parent }).accountId;
    return account.apply((id) =>
        JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${id}:root` }, Action: "kms:*", Resource: "*" },
                {
                    Sid: "AutoScalingUsesForVolumes",
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${id}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling` },
                    Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"],
                    Resource: "*",
                    Condition: { StringEquals: { "kms:ViaService": `ec2.${region}.amazonaws.com` } },
                },
            ],
        }),
    );
}

/** Daily snapshots of the data volumes kept for the agreed number of days (Data Lifecycle Manager). */
function snapshotPolicy(name: string, agreement: Agreement, tags: Record<string, string>, opts: pulumi.CustomResourceOptions): void {
    const s = agreement.proposal.security.settings;
    const role = new aws.iam.Role(
        `${name}-snapshots`,
        {
            description: `pulumi-persona ${name}: Data Lifecycle Manager`,
            assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "dlm.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
            tags,
        },
        opts,
    );
    new aws.iam.RolePolicyAttachment(`${name}-snapshots`, { role: role.name, policyArn: DLM_POLICY_ARN }, opts);
    new aws.dlm.LifecyclePolicy(
        name,
        {
            region: agreement.proposal.region,
            description: `pulumi-persona ${name}: daily snapshots kept ${s.backupRetentionDays} days`,
            executionRoleArn: role.arn,
            state: "ENABLED",
            policyDetails: {
                resourceTypes: ["VOLUME"],
                targetTags: { "persona:backup": name },
                schedules: [{ name: "daily", createRule: { interval: 24, intervalUnit: "HOURS", times: "03:00" }, retainRule: { count: s.backupRetentionDays }, copyTags: true }],
            },
            tags,
        },
        opts,
    );
}
