import * as assert from "node:assert/strict";
import { betterThan, choose } from "../../src/negotiation/engine";
import { Proposal } from "../../src/solver/proposal";
import { agreementFixture } from "../pulumi/fixtures";

function variant(id: string, total: number, headroom: { cpu: number; memory: number }, changes: Partial<Proposal> = {}): Proposal {
    const base = agreementFixture({ count: 2 }).proposal;
    return { ...base, id, headroom, monthlyCost: { ...base.monthlyCost, total }, recommended: false, ...changes };
}

describe("negotiation engine", () => {
    const agreed = variant("kbxtrmfhqz", 500, { cpu: 1.5, memory: 1.3 });

    it("calls a proposal better only when it is cheaper without giving up headroom, storage, zones, security or purchase option", () => {
        const cheaperButTighter = variant("bbbbbbbbbb", 300, { cpu: 1.1, memory: 1.3 });
        const cheaperOnSpot = variant("cccccccccc", 200, { cpu: 2, memory: 2 }, { purchase: "spot" });
        const cheaperInOneZone = variant("dddddddddd", 250, { cpu: 2, memory: 2 }, { zones: ["use1-az1", "use1-az1"] });
        assert.equal(betterThan(agreed, [agreed, cheaperButTighter, cheaperOnSpot, cheaperInOneZone]), undefined);
        const smallerVolumes = variant("hhhhhhhhhh", 300, { cpu: 2, memory: 2 }, { storage: { ...agreed.storage, sizeGiB: 100, usableGiB: 200 } });
        const fewerIops = variant("jjjjjjjjjj", 300, { cpu: 2, memory: 2 }, { storage: { ...agreed.storage, totalIops: 3000 } });
        const shorterLogs = variant("kkkkkkkkkk", 300, { cpu: 2, memory: 2 }, { security: { ...agreed.security, settings: { ...agreed.security.settings, logRetentionDays: 7 } } });
        assert.equal(betterThan(agreed, [smallerVolumes, fewerIops, shorterLogs]), undefined, "smaller, slower or less retained is a trade-off, not better");
        const dominating = variant("ffffffffff", 450, { cpu: 1.6, memory: 1.3 });
        const alsoDominating = variant("gggggggggg", 480, { cpu: 2, memory: 2 });
        assert.equal(betterThan(agreed, [alsoDominating, cheaperButTighter, dominating])?.id, "ffffffffff", "the cheapest dominating one");
    });

    it("lets a negotiator policy pick: cheapest, balanced (the recommended one), performance", () => {
        const cheap = variant("bbbbbbbbbb", 100, { cpu: 1.1, memory: 1.1 }, { label: "cost-optimized" });
        const balanced = variant("cccccccccc", 150, { cpu: 1.3, memory: 1.3 }, { label: "balanced", recommended: true });
        const fast = variant("dddddddddd", 300, { cpu: 2, memory: 2 }, { label: "performance" });
        assert.equal(choose("cheapest", [balanced, fast, cheap])?.id, "bbbbbbbbbb");
        assert.equal(choose("balanced", [cheap, balanced, fast])?.id, "cccccccccc");
        assert.equal(choose("performance", [cheap, balanced, fast])?.id, "dddddddddd");
        assert.equal(choose((ps) => ps.find((p) => p.monthlyCost.total < 120)?.id, [balanced, cheap])?.id, "bbbbbbbbbb");
        assert.equal(choose(() => undefined, [cheap]), undefined, "a policy may decline");
    });
});
