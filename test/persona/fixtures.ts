import { PersonaInput } from "../../src/persona/schema";

/** A weekly hourly series: a daytime hump over a base, quieter at weekends. */
export function weeklySeries(base: number, amplitude: number): number[] {
    return Array.from({ length: 168 }, (_, hour) => {
        const day = Math.floor(hour / 24);
        const daytime = Math.max(0, Math.sin(((hour % 24) - 6) / 16 * Math.PI));
        const weekend = day >= 5 ? 0.6 : 1;
        return Math.round((base + amplitude * daytime * weekend) * 1000) / 1000;
    });
}

/** A valid persona document as a user would write it (summaries omitted, so they are derived). */
export function personaDocument(overrides: Partial<PersonaInput> = {}): PersonaInput {
    return {
        name: "shop-web",
        version: 1,
        description: "Storefront web tier for tests",
        creator: "test",
        created: "2026-11-26",
        tags: ["web"],
        role: { kind: "web-server", description: "nginx + PHP-FPM storefront" },
        performance: {
            cpu: { series: weeklySeries(0.5, 1.5) },
            memoryGiB: { series: weeklySeries(2, 1) },
            iops: { series: weeklySeries(100, 300) },
            throughputMBps: { series: weeklySeries(5, 20) },
            networkMbps: { series: weeklySeries(20, 180) },
            storageGiB: 50,
        },
        security: {
            sensitivity: "internal",
            ingress: [{ protocol: "tcp", ports: 443, cidr: "10.0.0.0/16", description: "HTTPS from the load balancer" }],
            egress: [{ protocol: "tcp", ports: 443, cidr: "0.0.0.0/0", description: "HTTPS out" }],
            access: { method: "ssm" },
        },
        lifecycle: { uptimeTarget: 99.9, scaling: { min: 1, max: 2 }, expectedDuration: "open-ended", interruptionTolerant: false },
        cost: { maxMonthly: 400 },
        ...overrides,
    };
}
