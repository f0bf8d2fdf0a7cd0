import { z } from "zod";
import { SecuritySettings } from "../compliance/settings";
import { InputError } from "../errors";
import { Constraints } from "../solver/constraints";
import { Proposal, RaidLevel, VolumeType } from "../solver/proposal";
import { Agreement } from "./agreement";
import { PROPOSAL_ID_PREFIX } from "../fingerprint";

/**
 * The negotiation state a user edits between previews: one object per component in stack config,
 * under the project namespace and the component's name, e.g.
 *
 *   pulumi config set --path 'shop-db.constraints.maxMonthlyCost' 300
 *   pulumi config set --path 'shop-db.reject[0]' kbxtrmfhqz
 *   pulumi config set --path 'shop-db.accept' kbxt
 */

/** A proposal id, or a unique prefix of at least 4 of its letters. */
export const ProposalRef = z.string().regex(PROPOSAL_ID_PREFIX, "a proposal id is the letters persona propose or pulumi preview printed (4 or more of them)");

/** Changes to one proposal, re-validated and re-costed before they are offered. */
export const Modification = z
    .object({
        /** The proposal being changed. */
        proposal: ProposalRef,
        instanceType: z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, "an instance type such as m7i.large").optional(),
        count: z.number().int().min(1).max(100).optional(),
        region: z.string().optional(),
        purchase: z.enum(["on-demand", "spot"]).optional(),
        storage: z
            .object({
                volumeType: VolumeType.optional(),
                volumeCount: z.number().int().min(0).max(16).optional(),
                sizeGiB: z.number().int().min(1).max(65536).optional(),
                iops: z.number().int().min(0).optional(),
                throughputMBps: z.number().min(0).optional(),
                raid: RaidLevel.optional(),
            })
            .strict()
            .optional(),
        /** Security settings to change; a change that breaks a requirement is refused, naming it. */
        security: SecuritySettings.pick({
            kmsKey: true,
            kmsKeyRotation: true,
            detailedMonitoring: true,
            logRetentionDays: true,
            backupRetentionDays: true,
            access: true,
            publicIp: true,
            tenancy: true,
        })
            .partial()
            .strict()
            .optional(),
    })
    .strict();
export type Modification = z.infer<typeof Modification>;

export const NegotiationConfig = z
    .object({
        /** Constraints merged over the component's `constraints` arg (config wins). */
        constraints: Constraints.optional(),
        /** A change to one offered proposal; the changed proposal is offered beside the others. */
        modify: Modification.optional(),
        /** Proposal ids the user rejected; the next solve offers alternatives that avoid them. */
        reject: z.array(ProposalRef).optional(),
        /** The proposal to provision, if today's solve reproduces it exactly. */
        accept: ProposalRef.optional(),
        /** The pinned, complete configuration; `pulumi up` provisions exactly this. */
        agreement: Agreement.optional(),
    })
    .strict();
export type NegotiationConfig = z.infer<typeof NegotiationConfig>;

/** Finds the proposal an id or unique prefix names, or explains why none or several match. */
export function findProposal(ref: string, proposals: readonly Proposal[], input: string): Proposal {
    const matches = proposals.filter((p) => p.id.startsWith(ref));
    if (matches.length === 1) {
        return matches[0];
    }
    const offered = proposals.map((p) => `${p.id} (${p.label}, ${p.instanceType})`).join(", ");
    if (matches.length === 0) {
        throw InputError.single(input, "", `no offered proposal has id ${ref}`, offered ? `use one of ${offered}` : "run pulumi preview (or persona propose) to see the proposals");
    }
    throw InputError.single(input, "", `${ref} matches ${matches.length} proposals`, `give more letters: ${matches.map((p) => p.id).join(", ")}`);
}
