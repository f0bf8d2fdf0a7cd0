import * as pulumi from "@pulumi/pulumi";
import { agreementSummary, NegotiatedInstance } from "pulumi-persona";

// The shop's private network, owned by another team; set once per stack:
//   pulumi config set --path 'network.vpcId' vpc-0a1b2c3d4e5f60718
//   pulumi config set --path 'network.subnetIds[0]' subnet-0aa11bb22cc33dd44
const config = new pulumi.Config();
const network = config.requireObject<{ vpcId: string; subnetIds: string[] }>("network");

// The orders and payments database. PCI DSS makes every proposal carry a customer-managed KMS key
// with rotation, detailed monitoring and a year of logs, with the requirement ids as evidence;
// a modification that drops one of them is refused, naming the requirement.
const db = new NegotiatedInstance("shop-db", {
    persona: "postgres-oltp",
    workload: "orders database of an e-commerce site taking card payments, 50k daily users",
    constraints: { regions: ["eu-west-1"], compliance: ["pci-dss"], maxMonthlyCost: 800 },
    network: { vpcId: network.vpcId, subnetIds: network.subnetIds },
});

export const status = db.status;
export const offered = db.proposals.apply((proposals) =>
    proposals.map((p) => `${p.id} ${p.label}: ${p.count} x ${p.instanceType} ${p.purchase}, $${p.monthlyCost.total.toFixed(2)}/month`),
);
export const agreement = db.agreement.apply((a) => (a ? agreementSummary(a) : "none yet"));
export const instanceIds = db.instanceIds;
