#!/usr/bin/env node
"use strict";
/**
 * A policy engine that negotiates with `persona negotiate --json` on its own (seed V, "Automated
 * Negotiation"). It speaks the JSON-lines protocol: one feedback object per line in, exactly one
 * answer per line out.
 *
 *   node examples/negotiate-client/negotiate.js --persona postgres-oltp --region eu-west-1 --out agreement.json
 *
 * Every argument goes to `persona negotiate`. The policy (environment variables):
 *   BUDGET        highest acceptable monthly cost in USD (default 1500)
 *   FRAMEWORKS    compliance frameworks every proposal must carry evidence for (default pci-dss)
 *   BACKUP_DAYS   snapshot retention the organisation keeps, at least (default 14)
 *   PERSONA_BIN   the persona command (default: this repository's bin/persona.js)
 * It exits with the command's exit code: 0 agreement, 3 no agreement, 2 bad input.
 */
const { spawn } = require("node:child_process");
const path = require("node:path");
const readline = require("node:readline");

const policy = {
    budget: Number(process.env.BUDGET ?? 1500),
    frameworks: (process.env.FRAMEWORKS ?? "pci-dss").split(",").filter(Boolean),
    backupDays: Number(process.env.BACKUP_DAYS ?? 14),
    maxRejections: 2,
};

const bin = process.env.PERSONA_BIN ?? path.join(__dirname, "..", "..", "bin", "persona.js");
const child = spawn(process.execPath, [bin, "negotiate", "--json", ...process.argv.slice(2)], { stdio: ["pipe", "pipe", "inherit"] });
const answers = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code ?? 70)));

function log(...parts) {
    process.stderr.write(`[policy] ${parts.join(" ")}\n`);
}

/** The next line the command writes. */
async function receive() {
    const { value, done } = await answers.next();
    if (done) {
        throw new Error("persona negotiate stopped answering");
    }
    return JSON.parse(value);
}

/** Sends one piece of feedback and returns the one line that answers it. */
async function send(feedback) {
    log("->", JSON.stringify(feedback));
    child.stdin.write(`${JSON.stringify(feedback)}\n`);
    const answer = await receive();
    if (answer.error) {
        log("<-", answer.error.code, answer.error.message);
    } else if (answer.round) {
        log("<-", `round ${answer.round}:`, answer.proposals.map((p) => `${p.id} ${p.label} $${p.monthlyCost.total.toFixed(2)}`).join(", "));
    }
    return answer;
}

const cheapestFirst = (proposals) => [...proposals].sort((a, b) => a.monthlyCost.total - b.monthlyCost.total);

async function negotiate() {
    let message = await receive();
    if (message.outcome) {
        return message;
    }
    // The organisation's hard requirements become constraints; if nothing meets them, give up.
    message = await send({ action: "constrain", constraints: { maxMonthlyCost: policy.budget, ...(policy.frameworks.length > 0 ? { compliance: policy.frameworks } : {}) } });
    if (message.error && message.error.code !== "no-change") {
        return send({ action: "quit" });
    }
    for (let rejections = 0; ; ) {
        let candidate = cheapestFirst(message.proposals)[0];
        // Ask why, and check the evidence covers every framework the policy names.
        const { explanation } = await send({ action: "explain", id: candidate.id });
        const evidenced = new Set(explanation.evidence.flatMap((e) => e.requirements.map((r) => r.framework)));
        const missing = policy.frameworks.filter((f) => !evidenced.has(f));
        if (missing.length === 0 && candidate.security.settings.backupRetentionDays < policy.backupDays) {
            // Our retention is longer than the requirement: modify, and let the command re-cost it.
            const modified = await send({ action: "modify", id: candidate.id, changes: { security: { backupRetentionDays: policy.backupDays } } });
            if (!modified.error) {
                message = modified;
                candidate = modified.proposals.find((p) => p.label === "modified");
            }
        }
        if (missing.length === 0 && candidate.monthlyCost.total <= policy.budget && candidate.security.settings.backupRetentionDays >= policy.backupDays) {
            return send({ action: "accept", id: candidate.id });
        }
        if (rejections++ >= policy.maxRejections) {
            return send({ action: "quit" });
        }
        message = await send({ action: "reject" });
        if (message.error || message.outcome) {
            return message.outcome ? message : send({ action: "quit" });
        }
    }
}

negotiate()
    .then(async (last) => {
        if (last.agreement) {
            const p = last.agreement.proposal;
            log(`agreed ${p.id}: ${p.count} x ${p.instanceType} in ${p.region}, $${p.monthlyCost.total.toFixed(2)}/month; transcript ${last.transcript}`);
        } else if (last.outcome) {
            log(last.message);
        }
        child.stdin.end();
        process.exitCode = await exited;
    })
    .catch(async (err) => {
        log(`error: ${err.message}`);
        child.stdin.end();
        process.exitCode = (await exited) || 70;
    });
