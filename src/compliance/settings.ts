import { z } from "zod";
import { Framework, TrafficRule } from "../persona/schema";

/**
 * The concrete security settings of a proposal: what the provisioner applies and the policy pack
 * checks. Each one that a framework or the sensitivity demands carries evidence (requirement ids).
 */
export const SecuritySettings = z
    .object({
        /** Instance metadata service v2 only (session tokens required). Always true. */
        imdsv2: z.literal(true),
        /** EBS volumes encrypted at rest. Always true. */
        ebsEncryption: z.literal(true),
        /** `aws-managed` (the account's default EBS key) or `customer-managed` (a dedicated KMS key). */
        kmsKey: z.enum(["aws-managed", "customer-managed"]),
        /** Automatic yearly rotation of the customer-managed key (true whenever the key is customer-managed). */
        kmsKeyRotation: z.boolean(),
        /** One-minute CloudWatch metrics instead of five-minute. */
        detailedMonitoring: z.boolean(),
        /** Days the instance's log group keeps logs. */
        logRetentionDays: z.number().int().positive(),
        /** Days EBS snapshots are kept (0: no scheduled snapshots). */
        backupRetentionDays: z.number().int().nonnegative(),
        /** How administrators reach the instance. */
        access: z.enum(["ssm", "ssh-bastion", "none"]),
        /** Where SSH may come from when access is ssh-bastion. */
        bastionCidr: z.string().optional(),
        /** A public IPv4 address on the instance. False unless the trust boundary admits the internet. */
        publicIp: z.boolean(),
        /** `default` (shared hardware) or `dedicated` (single-tenant hardware). */
        tenancy: z.enum(["default", "dedicated"]),
        /** Regions the data may live in; empty means any. */
        allowedRegions: z.array(z.string()),
        /** Allowed inbound flows (the security group's ingress rules, nothing else). */
        ingress: z.array(TrafficRule),
        /** Allowed outbound flows (the security group's egress rules, nothing else). */
        egress: z.array(TrafficRule),
    })
    .strict();
export type SecuritySettings = z.infer<typeof SecuritySettings>;
export type SecuritySettingName = keyof SecuritySettings;

/** A requirement of a framework, cited as evidence for a setting. */
export const Requirement = z
    .object({
        /** The framework, or `baseline` for the project's secure defaults and `sensitivity` for a classification. */
        framework: z.union([Framework, z.literal("baseline"), z.literal("sensitivity")]),
        /** The requirement id as the framework numbers it (`3.5.1`, `164.312(a)(2)(iv)`, `CC6.1`, `art_32`). */
        id: z.string(),
        /** What it asks, in a few words. */
        title: z.string(),
    })
    .strict();
export type Requirement = z.infer<typeof Requirement>;

/** Why a setting has its value: the requirements that demand it. */
export const Evidence = z
    .object({
        setting: z.string(),
        /** The value the requirements demand (for example `true`, `customer-managed`, `365`). */
        value: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]),
        requirements: z.array(Requirement),
    })
    .strict();
export type Evidence = z.infer<typeof Evidence>;
