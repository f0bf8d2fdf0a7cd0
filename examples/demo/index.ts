import { agreementSummary, NegotiatedInstance } from "../../dist/src";

// The program behind the repository's own Pulumi.yaml (`main: examples/demo/index.ts`): the design's
// example, runnable from a clone after `npm install`. It imports this repository's build, so
// run `npm run build` after changing src/. The examples beside it are standalone projects.
const db = new NegotiatedInstance("shop-db", {
    persona: "postgres-oltp",
    workload: "orders database of an e-commerce site taking card payments, 50k daily users",
    constraints: { regions: ["eu-west-1"], compliance: ["pci-dss"], maxMonthlyCost: 800 },
});

/** What was offered: one line per proposal, the id first. */
export const proposals = db.proposals.apply((offered) => offered.map((p) => `${p.id} ${p.label}: ${p.count} x ${p.instanceType}, $${p.monthlyCost.total.toFixed(2)}/month`));
/** What is pinned and provisioned. */
export const agreement = db.agreement.apply((a) => (a ? agreementSummary(a) : "none yet"));
export const status = db.status;
