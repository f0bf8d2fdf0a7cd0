import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { provisionAgreement, SSM_POLICY_ARN } from "../../src/pulumi/provision";
import { installMocks, RecordingMocks, settle, valueOf } from "../support/pulumiMocks";
import { agreementFixture } from "./fixtures";

class Parent extends pulumi.ComponentResource {
    constructor(name: string) {
        super("test:index:Parent", name, {});
    }
}

async function provision(agreement = agreementFixture(), network = { securityGroupIds: { "app-tier": "sg-0app" } }): Promise<{ mocks: RecordingMocks; instanceIds: string[] }> {
    const mocks = await installMocks({ preview: false });
    const result = provisionAgreement("shop-db", agreement, network, new Parent("shop-db"));
    const instanceIds = await valueOf(result.instanceIds);
    await settle();
    return { mocks, instanceIds };
}

describe("provisioning an agreement", () => {
    it("creates exactly the agreed instances, volumes, trust boundary and role", async () => {
        const { mocks, instanceIds } = await provision();
        assert.deepEqual(instanceIds, ["shop-db-id"]);
        assert.deepEqual(mocks.cloudResources(), [
            "aws:cloudwatch/logGroup:LogGroup shop-db",
            "aws:dlm/lifecyclePolicy:LifecyclePolicy shop-db",
            "aws:ebs/volume:Volume shop-db-data-0",
            "aws:ebs/volume:Volume shop-db-data-1",
            "aws:ec2/instance:Instance shop-db",
            "aws:ec2/securityGroup:SecurityGroup shop-db",
            "aws:ec2/volumeAttachment:VolumeAttachment shop-db-data-0",
            "aws:ec2/volumeAttachment:VolumeAttachment shop-db-data-1",
            "aws:iam/instanceProfile:InstanceProfile shop-db",
            "aws:iam/role:Role shop-db",
            "aws:iam/role:Role shop-db-snapshots",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment shop-db-policy-0",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment shop-db-policy-1",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment shop-db-snapshots",
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule shop-db-out-0",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule shop-db-in-0",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule shop-db-in-1",
        ]);
    });

    it("requires IMDSv2, no public address, the agreed type and an encrypted root volume", async () => {
        const { mocks } = await provision();
        const [instance] = mocks.ofType("aws:ec2/instance:Instance");
        assert.equal(instance.inputs.instanceType, "r7i.2xlarge");
        assert.equal(instance.inputs.region, "us-east-1");
        assert.deepEqual(instance.inputs.metadataOptions, { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 });
        assert.equal(instance.inputs.associatePublicIpAddress, false);
        assert.equal(instance.inputs.ami, "ami-0x86");
        assert.equal(instance.inputs.subnetId, "subnet-use1-az1");
        assert.equal((instance.inputs.rootBlockDevice as { encrypted: boolean }).encrypted, true);
        assert.equal(instance.inputs.keyName, undefined, "no SSH key pair");
        assert.equal(instance.inputs.iamInstanceProfile, "shop-db");
        assert.match(String(instance.inputs.userData), /mdadm --create "\$target" --run --level=0 --raid-devices=2/);
        assert.equal((instance.inputs.tags as Record<string, string>)["persona:proposal"], "kbxtrmfhqz");
    });

    it("encrypts and sizes the data volumes as agreed", async () => {
        const { mocks } = await provision();
        for (const volume of mocks.ofType("aws:ebs/volume:Volume")) {
            assert.equal(volume.inputs.encrypted, true);
            assert.equal(volume.inputs.type, "gp3");
            assert.equal(volume.inputs.size, 250);
            assert.equal(volume.inputs.iops, 4000);
            assert.equal(volume.inputs.throughput, 250);
            assert.equal(volume.inputs.availabilityZone, "us-east-1a");
        }
        assert.deepEqual(mocks.ofType("aws:ec2/volumeAttachment:VolumeAttachment").map((a) => a.inputs.deviceName), ["/dev/sdf", "/dev/sdg"]);
    });

    it("opens exactly the trust boundary's flows and nothing else", async () => {
        const { mocks } = await provision();
        const ingress = mocks.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => r.inputs);
        assert.deepEqual(
            ingress.map((r) => [r.ipProtocol, r.fromPort, r.toPort, r.cidrIpv4 ?? r.referencedSecurityGroupId]),
            [
                ["tcp", 5432, 5432, "10.0.0.0/16"],
                ["tcp", 5432, 5432, "sg-0app"],
            ],
        );
        const egress = mocks.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map((r) => r.inputs);
        assert.deepEqual(egress.map((r) => [r.ipProtocol, r.fromPort, r.toPort, r.cidrIpv4]), [["tcp", 443, 443, "0.0.0.0/0"]]);
        const [group] = mocks.ofType("aws:ec2/securityGroup:SecurityGroup");
        assert.equal(group.inputs.ingress, undefined, "no inline rules");
        const policies = mocks.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.inputs.policyArn);
        assert.ok(policies.includes(SSM_POLICY_ARN), "SSM instead of SSH keys");
    });

    it("adds a rotated customer-managed key, detailed monitoring and a year of logs under PCI DSS", async () => {
        const { mocks } = await provision(agreementFixture({ compliance: ["pci-dss"] }));
        const [key] = mocks.ofType("aws:kms/key:Key");
        assert.equal(key.inputs.enableKeyRotation, true);
        const [instance] = mocks.ofType("aws:ec2/instance:Instance");
        assert.equal(instance.inputs.monitoring, true);
        assert.equal((instance.inputs.rootBlockDevice as { kmsKeyId: string }).kmsKeyId, "arn:aws:mock:::aws:kms/key:Key/shop-db");
        for (const volume of mocks.ofType("aws:ebs/volume:Volume")) {
            assert.equal(volume.inputs.kmsKeyId, "arn:aws:mock:::aws:kms/key:Key/shop-db");
        }
        assert.equal(mocks.ofType("aws:cloudwatch/logGroup:LogGroup")[0].inputs.retentionInDays, 365);
        assert.equal((instance.inputs.tags as Record<string, string>)["persona:compliance"], "pci-dss");
    });

    it("spreads several instances over the agreed zones and asks for spot when agreed", async () => {
        const { mocks, instanceIds } = await provision(agreementFixture({ count: 3, purchase: "spot", storage: { volumeCount: 0, sizeGiB: 0, iops: 0, throughputMBps: 0, raid: "none", usableGiB: 0, totalIops: 0, totalThroughputMBps: 0 } }));
        assert.equal(instanceIds.length, 3);
        const instances = mocks.ofType("aws:ec2/instance:Instance");
        assert.deepEqual(instances.map((i) => i.inputs.subnetId), ["subnet-use1-az1", "subnet-use1-az2", "subnet-use1-az4"]);
        assert.ok(instances.every((i) => (i.inputs.instanceMarketOptions as { marketType: string }).marketType === "spot"));
        assert.equal(mocks.ofType("aws:ebs/volume:Volume").length, 0);
        assert.doesNotMatch(String(instances[0].inputs.userData), /mdadm/);
    });

    it("uses a launch template and an auto scaling group when the lifecycle scales", async () => {
        const { mocks } = await provision(agreementFixture({ count: 2, scaling: { min: 2, max: 6 }, compliance: ["hipaa"] }));
        assert.equal(mocks.ofType("aws:ec2/instance:Instance").length, 0);
        const [template] = mocks.ofType("aws:ec2/launchTemplate:LaunchTemplate");
        assert.deepEqual(template.inputs.metadataOptions, { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 });
        const devices = template.inputs.blockDeviceMappings as { deviceName: string; ebs: { encrypted: string; kmsKeyId?: string } }[];
        assert.deepEqual(devices.map((d) => d.deviceName), ["/dev/xvda", "/dev/sdf", "/dev/sdg"]);
        assert.ok(devices.every((d) => d.ebs.encrypted === "true" && d.ebs.kmsKeyId !== undefined));
        const [group] = mocks.ofType("aws:autoscaling/group:Group");
        assert.deepEqual([group.inputs.minSize, group.inputs.maxSize, group.inputs.desiredCapacity], [2, 6, 2]);
        const [key] = mocks.ofType("aws:kms/key:Key");
        assert.match(String(key.inputs.policy), /AWSServiceRoleForAutoScaling/);
    });

    it("provisions each member of a mixed spot fleet in its zone, or spreads the group over the members' types", async () => {
        const base = agreementFixture({ count: 3, purchase: "spot" });
        const fleet = [
            { instanceType: "m7i.large", count: 2, vcpus: 2, memoryGiB: 8, zones: ["use1-az1", "use1-az2"], hourly: 0.12 },
            { instanceType: "m6a.large", count: 1, vcpus: 2, memoryGiB: 8, zones: ["use1-az4"], hourly: 0.05 },
        ];
        const mixed = { ...base, proposal: { ...base.proposal, fleet } };
        const { mocks } = await provision(mixed);
        const instances = mocks.ofType("aws:ec2/instance:Instance");
        assert.deepEqual(
            instances.map((i) => [i.name, i.inputs.instanceType, i.inputs.subnetId]),
            [
                ["shop-db-0", "m7i.large", "subnet-use1-az1"],
                ["shop-db-1", "m7i.large", "subnet-use1-az2"],
                ["shop-db-2", "m6a.large", "subnet-use1-az4"],
            ],
        );
        const scaled = await provision({ ...mixed, scaling: { min: 3, max: 6 } });
        const [group] = scaled.mocks.ofType("aws:autoscaling/group:Group");
        const policy = group.inputs.mixedInstancesPolicy as { launchTemplate: { overrides: { instanceType: string }[] }; instancesDistribution: { onDemandPercentageAboveBaseCapacity: number } };
        assert.deepEqual(policy.launchTemplate.overrides.map((o) => o.instanceType), ["m7i.large", "m6a.large"]);
        assert.equal(policy.instancesDistribution.onDemandPercentageAboveBaseCapacity, 0);
        assert.equal(scaled.mocks.ofType("aws:ec2/launchTemplate:LaunchTemplate")[0].inputs.instanceMarketOptions, undefined);
    });

    it("refuses a rule that names a security group it cannot resolve", async () => {
        await installMocks({ preview: false });
        assert.throws(
            () => provisionAgreement("shop-db", agreementFixture(), {}, new Parent("p")),
            (err: unknown) => pulumi.InputPropertyError.isInstance(err) && err.propertyPath === "network.securityGroupIds.app-tier" && /security\.ingress\[1\] names security group "app-tier"/.test(err.reason),
        );
    });
});
