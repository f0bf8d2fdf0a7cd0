import * as pulumi from "@pulumi/pulumi";
import { agreementSummary, NegotiatedInstance } from "pulumi-persona";

// The web tier of a shop. The web-server persona brings the shape of the load (daily peaks,
// PHP-FPM workers, a public HTTP trust boundary); the sentence brings its size. Nothing is
// created in AWS until one of the proposals is accepted through stack config.
const web = new NegotiatedInstance("shop-web", {
    persona: "web-server",
    workload: "medium-sized e-commerce website, 50k daily users, peaks at 120 requests per second",
    constraints: { regions: ["eu-west-1"], maxMonthlyCost: 400 },
});

/** `proposing` while negotiating, `accepted` or `agreed` once there is something to provision. */
export const status = web.status;
/** One line per proposal on offer, the id first (the full proposals are `web.proposals`). */
export const offered = web.proposals.apply((proposals) =>
    proposals.map((p) => `${p.id} ${p.label}: ${p.count} x ${p.instanceType} ${p.purchase}, $${p.monthlyCost.total.toFixed(2)}/month`),
);
/** What is pinned and provisioned. */
export const agreement = web.agreement.apply((a) => (a ? agreementSummary(a) : "none yet"));
export const instanceIds = web.instanceIds;
