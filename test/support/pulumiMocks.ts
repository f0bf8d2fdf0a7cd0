import * as pulumi from "@pulumi/pulumi";

/** One resource the program registered, as the engine would have received it. */
export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    readonly custom: boolean;
}

/**
 * Pulumi mocks that record every resource and invoke, and answer the AWS lookups the provisioner
 * makes (the AMI parameter, the default VPC and its subnets, the caller's account).
 */
export class RecordingMocks implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    readonly calls: { token: string; inputs: Record<string, unknown> }[] = [];

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown>, custom: args.custom ?? true });
        const state: Record<string, unknown> = { ...args.inputs, arn: `arn:aws:mock:::${args.type}/${args.name}` };
        switch (args.type) {
            case "aws:ec2/instance:Instance":
                state.availabilityZone = "us-east-1a";
                break;
            case "aws:ec2/launchTemplate:LaunchTemplate":
                state.latestVersion = 1;
                break;
            case "aws:kms/key:Key":
                state.keyId = `key-${args.name}`;
                break;
            case "aws:iam/role:Role":
            case "aws:iam/instanceProfile:InstanceProfile":
            case "aws:autoscaling/group:Group":
                state.name = args.inputs.name ?? args.name;
                break;
        }
        return { id: `${args.name}-id`, state };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        const inputs = args.inputs as Record<string, unknown>;
        this.calls.push({ token: args.token, inputs });
        switch (args.token) {
            case "aws:ssm/getParameter:getParameter":
                return { name: inputs.name, value: String(inputs.name).endsWith("arm64") ? "ami-0arm64" : "ami-0x86" };
            case "aws:ec2/getVpc:getVpc":
                return { id: "vpc-default", cidrBlock: "172.31.0.0/16" };
            case "aws:ec2/getSubnet:getSubnet": {
                const filters = (inputs.filters ?? []) as { name: string; values: string[] }[];
                const zone = filters.find((f) => f.name === "availability-zone-id")?.values[0] ?? "any";
                return { id: `subnet-${zone}` };
            }
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return { accountId: "123456789012", arn: "arn:aws:iam::123456789012:user/test", userId: "test" };
            default:
                return {};
        }
    }

    /** The recorded resources of one type. */
    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** Custom (cloud) resources only, sorted by type then name: what `pulumi up` would create. */
    cloudResources(): string[] {
        return this.resources
            .filter((r) => r.custom)
            .map((r) => `${r.type} ${r.name}`)
            .sort();
    }
}

/** Installs fresh recording mocks; `preview` true runs the program as `pulumi preview`, false as `pulumi up`. */
export async function installMocks(options: { preview: boolean; project?: string; stack?: string; config?: Record<string, unknown> }): Promise<RecordingMocks> {
    const mocks = new RecordingMocks();
    const project = options.project ?? "shop";
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.config ?? {})) {
        config[`${project}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    pulumi.runtime.setAllConfig(config);
    await pulumi.runtime.setMocks(mocks, project, options.stack ?? "dev", options.preview);
    return mocks;
}

/** Resolves an output's value (in tests, where mocked values are known); rejects when the program failed. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    // Output.promise() is the SDK's own way to await a value; apply() would never call back on failure.
    return (output as unknown as { promise(): Promise<T> }).promise();
}

/** Waits until every resource registration the program started has reached the mocks. */
export async function settle(): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs?: () => Promise<void> };
    await settings.waitForRPCs?.();
}
