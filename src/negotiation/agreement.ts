import { z } from "zod";
import { PersonaRefString } from "../persona/schema";
import { Proposal } from "../solver/proposal";

/**
 * An agreement: the configuration both sides settled on, pinned in stack config. `pulumi up`
 * provisions exactly this, never a fresh solve; it stays valid while today's inputs still admit it.
 */
export const Agreement = z
    .object({
        /** The agreed configuration in full, with its price at agreement (`proposal.monthlyCost`). */
        proposal: Proposal,
        /** The base persona, `name@version`, when there was one. */
        persona: PersonaRefString.optional(),
        /** Hash of the inputs the agreement was reached on (workload, persona version, constraints). */
        fingerprint: z.string().regex(/^[0-9a-f]{12}$/, "a fingerprint is 12 hex digits"),
        /** Instance count bounds when the lifecycle asks for scaling (an auto scaling group). */
        scaling: z.object({ min: z.number().int().min(0), max: z.number().int().min(1) }).strict().optional(),
        /** When it was agreed (ISO 8601), recorded by `persona accept`/`persona negotiate`. */
        agreedAt: z.string().optional(),
    })
    .strict();
export type Agreement = z.infer<typeof Agreement>;

/** One line that identifies an agreement: what the engine diffs in the component's inputs. */
export function agreementSummary(agreement: Agreement): string {
    const p = agreement.proposal;
    const storage = p.storage.volumeCount > 0 ? ` ${p.storage.volumeCount}x${p.storage.sizeGiB}GiB ${p.storage.volumeType}${p.storage.raid === "none" ? "" : ` ${p.storage.raid}`}` : "";
    return `${p.id}: ${p.count} x ${p.instanceType} ${p.purchase} in ${p.region}${storage}, $${p.monthlyCost.total.toFixed(2)}/month`;
}
