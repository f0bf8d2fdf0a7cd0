import * as assert from "node:assert/strict";
import { InputError } from "../../src/errors";
import { parsePersona, serializePersona, validatePersona } from "../../src/persona/document";
import { Persona, parsePersonaRef } from "../../src/persona/schema";
import { summarize } from "../../src/persona/series";
import { personaDocument, weeklySeries } from "./fixtures";

function issuesOf(fn: () => unknown): { path: string; message: string; fix: string; input: string }[] {
    try {
        fn();
    } catch (err) {
        assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
        return [...err.issues];
    }
    assert.fail("expected the persona to be rejected");
}

describe("persona schema", () => {
    it("accepts a complete persona and derives peak, average and sustained from the series", () => {
        const persona = validatePersona(personaDocument(), "test");
        const cpu = persona.performance.cpu;
        assert.equal(cpu.peak, Math.max(...cpu.series));
        assert.ok(cpu.average <= cpu.sustained && cpu.sustained <= cpu.peak);
        assert.equal(persona.performance.intervalMinutes, 60);
        assert.deepEqual(persona.security.compliance, []);
        assert.deepEqual(persona.security.ingress[0].ports, { from: 443, to: 443 });
    });

    it("accepts stated summaries that agree with the series", () => {
        const series = weeklySeries(1, 2);
        const stats = summarize(series);
        const doc = personaDocument();
        const persona = validatePersona({ ...doc, performance: { ...doc.performance, cpu: { series, ...stats } } }, "test");
        assert.deepEqual({ peak: persona.performance.cpu.peak, average: persona.performance.cpu.average }, { peak: stats.peak, average: stats.average });
    });

    it("defines sustained as the 95th percentile of hourly windows, never below the average", () => {
        const spiky = [...Array(160).fill(0), ...Array(8).fill(1000)];
        const stats = summarize(spiky);
        assert.equal(stats.peak, 1000);
        assert.ok(stats.sustained >= stats.average, "sustained is at least the average");
        const fiveMinute = Array.from({ length: 24 }, (_, i) => (i < 12 ? 1 : 3));
        assert.deepEqual(summarize(fiveMinute, 5), { peak: 3, average: 2, sustained: 3 });
    });

    it("rejects a peak below the average, naming the path and the fix", () => {
        const doc = personaDocument();
        const issues = issuesOf(() => validatePersona({ ...doc, performance: { ...doc.performance, cpu: { series: [1, 2, 3], peak: 1, average: 2 } } }, "web.yaml"));
        const paths = issues.map((i) => i.path);
        assert.ok(paths.includes("performance.cpu.peak"), paths.join(", "));
        assert.ok(issues.some((i) => /below average/.test(i.message)));
        assert.ok(issues.every((i) => i.fix.length > 0));
    });

    it("rejects a stated summary that does not agree with the series", () => {
        const doc = personaDocument();
        const issues = issuesOf(() => validatePersona({ ...doc, performance: { ...doc.performance, iops: { series: [100, 200], average: 100 } } }, "x"));
        assert.equal(issues[0].path, "performance.iops.average");
        assert.match(issues[0].fix, /set average to 150/);
    });

    const rejections: [string, (doc: Record<string, unknown>) => Record<string, unknown>, string][] = [
        ["an unknown role", (d) => ({ ...d, role: { kind: "mainframe", description: "x" } }), "role.kind"],
        ["an unknown framework", (d) => ({ ...d, security: { ...(d.security as object), compliance: ["iso-27001"] } }), "security.compliance[0]"],
        ["a negative cost", (d) => ({ ...d, cost: { maxMonthly: -5 } }), "cost.maxMonthly"],
        ["a version that is not an integer", (d) => ({ ...d, version: 1.5 }), "version"],
        ["a version given as text", (d) => ({ ...d, version: "two" }), "version"],
        ["a negative series point", (d) => ({ ...d, performance: { ...(d.performance as object), cpu: { series: [1, -1] } } }), "performance.cpu.series[1]"],
        ["an unknown key", (d) => ({ ...d, colour: "blue" }), ""],
        ["a CIDR that is not one", (d) => ({ ...d, security: { ...(d.security as object), ingress: [{ protocol: "tcp", ports: 22, cidr: "10.0.0.300/8", description: "x" }] } }), "security.ingress[0].cidr"],
        ["a rule with two peers", (d) => ({ ...d, security: { ...(d.security as object), ingress: [{ protocol: "tcp", ports: 22, cidr: "10.0.0.0/8", securityGroup: "sg-1", description: "x" }] } }), "security.ingress[0]"],
        ["a backwards port range", (d) => ({ ...d, security: { ...(d.security as object), ingress: [{ protocol: "tcp", ports: "9000-8000", cidr: "10.0.0.0/8", description: "x" }] } }), "security.ingress[0].ports"],
        ["ssh-bastion without a bastion", (d) => ({ ...d, security: { ...(d.security as object), access: { method: "ssh-bastion" } } }), "security.access.bastionCidr"],
        ["scaling min above max", (d) => ({ ...d, lifecycle: { ...(d.lifecycle as object), scaling: { min: 3, max: 2 } } }), "lifecycle.scaling"],
        ["a date in another format", (d) => ({ ...d, created: "26/11/2026" }), "created"],
        ["a name with capitals", (d) => ({ ...d, name: "ShopWeb" }), "name"],
    ];
    for (const [what, mutate, path] of rejections) {
        it(`rejects ${what} at ${path || "the top level"}`, () => {
            const issues = issuesOf(() => validatePersona(mutate(personaDocument() as unknown as Record<string, unknown>), "persona.yaml"));
            assert.ok(issues.some((i) => i.path === path), `paths: ${issues.map((i) => i.path).join(", ")}`);
            assert.ok(issues.every((i) => i.fix.length > 0 && i.input === "persona.yaml"));
        });
    }

    it("points YAML errors at the file, line and column", () => {
        const text = serializePersona(validatePersona(personaDocument(), "t")).replace("kind: web-server", "kind: mainframe");
        const issues = issuesOf(() => parsePersona(text, "personas/shop-web/1.yaml"));
        const line = text.split("\n").findIndex((l) => l.includes("kind: mainframe")) + 1;
        assert.equal(issues[0].input, `personas/shop-web/1.yaml:${line}:9`);
        assert.equal(issues[0].path, "role.kind");
        const syntax = issuesOf(() => parsePersona("name: x\n  version: [\n", "bad.yaml"));
        assert.match(syntax[0].input, /^bad\.yaml:\d+:\d+$/);
        assert.match(syntax[0].message, /YAML syntax error/);
    });

    it("writes a persona that reads back identically", () => {
        const persona: Persona = validatePersona(personaDocument(), "t");
        assert.deepEqual(parsePersona(serializePersona(persona), "round-trip"), persona);
    });

    it("parses persona references", () => {
        assert.deepEqual(parsePersonaRef("postgres-oltp@2"), { name: "postgres-oltp", version: 2 });
        assert.deepEqual(parsePersonaRef("redis-cache"), { name: "redis-cache" });
        assert.equal(parsePersonaRef("Redis@0"), undefined);
    });
});
