import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { PERSONA_POLICIES, personaPolicies } from "../../src/policy/policies";
import { provisionAgreement } from "../../src/pulumi/provision";
import { agreementFixture } from "../pulumi/fixtures";
import { installMocks, RecordedResource, settle, valueOf } from "../support/pulumiMocks";

const NOT_APPLICABLE = Symbol("not applicable");

/** Runs one policy on one resource the way the policy engine does, returning the violations it reports. */
async function violations(policy: ResourceValidationPolicy, resource: { type: string; name: string; props: Record<string, unknown> }): Promise<string[]> {
    const reported: string[] = [];
    const args: ResourceValidationArgs = {
        type: resource.type,
        props: resource.props,
        urn: `urn:pulumi:dev::shop::${resource.type}::${resource.name}`,
        name: resource.name,
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        stackTags: new Map(),
        isType: (cls) => (cls as unknown as { __pulumiType: string }).__pulumiType === resource.type,
        asType: ((cls: unknown) => ((cls as { __pulumiType: string }).__pulumiType === resource.type ? resource.props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => ({}) as T,
        notApplicable: () => {
            throw NOT_APPLICABLE;
        },
    };
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : policy.validateResource ? [policy.validateResource] : [];
    for (const validate of validations) {
        try {
            await validate(args, (message) => reported.push(message));
        } catch (err) {
            if (err !== NOT_APPLICABLE) {
                throw err;
            }
        }
    }
    return reported;
}

async function allViolations(resource: { type: string; name: string; props: Record<string, unknown> }): Promise<string[]> {
    const found: string[] = [];
    for (const policy of PERSONA_POLICIES) {
        found.push(...(await violations(policy, resource)).map((v) => `${policy.name}: ${v}`));
    }
    return found;
}

class Parent extends pulumi.ComponentResource {
    constructor(name: string) {
        super("test:index:Parent", name, {});
    }
}

/** What the provisioner creates for an agreement, as the policy engine would see it. */
async function provisioned(options: Parameters<typeof agreementFixture>[0]): Promise<RecordedResource[]> {
    const mocks = await installMocks({ preview: false });
    const result = provisionAgreement("shop-db", agreementFixture(options), { securityGroupIds: { "app-tier": "sg-0app" } }, new Parent("shop-db"));
    await valueOf(result.securityGroupId);
    await settle();
    return mocks.resources.filter((r) => r.custom);
}

function props(resource: RecordedResource, changes: Record<string, unknown>): { type: string; name: string; props: Record<string, unknown> } {
    return { type: resource.type, name: resource.name, props: { ...resource.inputs, ...changes } };
}

describe("CrossGuard policy pack", () => {
    it("passes every resource a NegotiatedInstance provisions, PCI DSS and auto scaling included", async () => {
        for (const options of [{}, { compliance: ["pci-dss" as const] }, { compliance: ["hipaa" as const], scaling: { min: 2, max: 4 }, count: 2 }]) {
            for (const resource of await provisioned(options)) {
                assert.deepEqual(await allViolations({ type: resource.type, name: resource.name, props: resource.inputs }), [], `${resource.type} ${resource.name}`);
            }
        }
    });

    it("flags an instance or launch template without IMDSv2", async () => {
        const resources = await provisioned({});
        const instance = resources.find((r) => r.type === "aws:ec2/instance:Instance") as RecordedResource;
        assert.match((await allViolations(props(instance, { metadataOptions: { httpTokens: "optional" } })))[0], /persona-imdsv2-required: instance allows IMDSv1/);
        const scaled = await provisioned({ scaling: { min: 1, max: 3 } });
        const template = scaled.find((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate") as RecordedResource;
        assert.match((await allViolations(props(template, { metadataOptions: {} })))[0], /launch template allows IMDSv1/);
    });

    it("flags a standalone EBS volume that is not encrypted", async () => {
        const volume = (await provisioned({})).find((r) => r.type === "aws:ebs/volume:Volume") as RecordedResource;
        assert.deepEqual(await allViolations(props(volume, { encrypted: false })), ["persona-ebs-encrypted: EBS volume is not encrypted"]);
        assert.deepEqual(await allViolations({ type: "aws:ebs/volume:Volume", name: "stray", props: { availabilityZone: "us-east-1a", size: 10 } }), ["persona-ebs-encrypted: EBS volume is not encrypted"]);
    });

    it("flags SSH or RDP open to the internet, in every form of security group rule", async () => {
        const rule = (await provisioned({})).find((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") as RecordedResource;
        assert.match((await allViolations(props(rule, { cidrIpv4: "0.0.0.0/0", fromPort: 22, toPort: 22 })))[0], /persona-no-public-admin-ports/);
        assert.deepEqual(await allViolations(props(rule, { cidrIpv4: "0.0.0.0/0", fromPort: 443, toPort: 443 })), [], "HTTPS from the internet is not an admin port");
        assert.equal((await allViolations({ type: "aws:ec2/securityGroupRule:SecurityGroupRule", name: "r", props: { type: "ingress", protocol: "tcp", fromPort: 3000, toPort: 4000, cidrBlocks: ["0.0.0.0/0"] } })).length, 1);
        assert.equal((await allViolations({ type: "aws:ec2/securityGroup:SecurityGroup", name: "g", props: { ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] } })).length, 1);
    });

    it("flags a KMS key without rotation", async () => {
        const key = (await provisioned({ compliance: ["pci-dss"] })).find((r) => r.type === "aws:kms/key:Key") as RecordedResource;
        assert.deepEqual(await allViolations(props(key, { enableKeyRotation: false })), ["persona-kms-rotation: KMS key does not rotate: enableKeyRotation is not true"]);
    });

    it("checks each resource against its own agreement", async () => {
        const resources = await provisioned({ compliance: ["pci-dss"] });
        const instance = resources.find((r) => r.type === "aws:ec2/instance:Instance") as RecordedResource;
        const found = await allViolations(props(instance, { monitoring: false, associatePublicIpAddress: true }));
        assert.deepEqual(found, ["persona-agreed-security: the agreement requires detailed monitoring, but it is off", "persona-agreed-security: the agreement forbids a public IP address, but one is associated"]);
        const volume = resources.find((r) => r.type === "aws:ebs/volume:Volume") as RecordedResource;
        assert.deepEqual(await allViolations(props(volume, { kmsKeyId: undefined })), ["persona-agreed-security: the agreement requires the customer-managed KMS key, but no kmsKeyId is set"]);
    });

    it("advises on wide-open egress and SSH key pairs, and lets levels be overridden", async () => {
        const egress = await allViolations({ type: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", name: "e", props: { ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" } });
        assert.deepEqual(egress, ["persona-egress-restricted: egress rule allows all traffic to anywhere"]);
        assert.equal(PERSONA_POLICIES.find((p) => p.name === "persona-egress-restricted")?.enforcementLevel, "advisory");
        assert.equal(personaPolicies({ "persona-egress-restricted": "mandatory" }).find((p) => p.name === "persona-egress-restricted")?.enforcementLevel, "mandatory");
    });
});
