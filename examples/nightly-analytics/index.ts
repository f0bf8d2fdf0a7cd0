import { agreementSummary, NegotiatedInstance } from "pulumi-persona";

// The nightly ETL that turns the day's orders and clickstream into the sales warehouse. The
// workload is structured rather than a sentence, and overrides one of the analyzer's assumptions
// (pandas transforms run at ~15 MB/s per core, not the default 50). The batch-worker persona
// tolerates spot interruptions (the jobs are idempotent), so spot proposals are on offer.
//
// No person accepts here: the `cheapest` negotiator accepts the cheapest proposal on every
// preview (seed V, automated negotiation). `persona accept nightly-etl <id>` pins what it chose,
// so that a later change of prices or inputs cannot silently change what is provisioned.
const etl = new NegotiatedInstance("nightly-etl", {
    persona: "batch-worker",
    workload: {
        kind: "batch",
        name: "nightly-orders-etl",
        description: "pandas transforms of the day's orders and clickstream into the sales warehouse; idempotent jobs, retried on failure",
        dataPerRun: "200 GiB",
        schedule: "nightly",
        deadlineHours: 4,
        assumptions: { processingMBpsPerVcpu: 15 },
    },
    constraints: { regions: ["eu-west-1"] },
    negotiator: "cheapest",
});

export const status = etl.status;
export const offered = etl.proposals.apply((proposals) =>
    proposals.map((p) => `${p.id} ${p.label}: ${p.count} x ${p.instanceType} ${p.purchase}, $${p.monthlyCost.total.toFixed(2)}/month`),
);
export const agreement = etl.agreement.apply((a) => (a ? agreementSummary(a) : "none yet"));
export const autoScalingGroupName = etl.autoScalingGroupName;
