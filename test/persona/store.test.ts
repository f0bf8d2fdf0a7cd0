import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../src/assets";
import { InputError } from "../../src/errors";
import { serializePersona, validatePersona } from "../../src/persona/document";
import { LayeredPersonaStore, openPersonaStore, parseOverride, PersonaDirectory } from "../../src/persona/store";
import { personaDocument } from "./fixtures";

function tempDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "persona-store-"));
}

/** A store over two temporary directories: `builtin` (read-only by convention) under `user`. */
function layered(): { store: LayeredPersonaStore; user: string; builtin: string } {
    const user = tempDir();
    const builtin = tempDir();
    return { store: new LayeredPersonaStore(new PersonaDirectory(user, "user"), new PersonaDirectory(builtin, "builtin")), user, builtin };
}

function writeRaw(dir: string, name: string, version: number, text: string): void {
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    fs.writeFileSync(path.join(dir, name, `${version}.yaml`), text);
}

describe("persona store", () => {
    it("puts versions, gets by name and name@version, and lists them", () => {
        const { store } = layered();
        store.put(personaDocument());
        const second = store.put({ ...personaDocument(), version: undefined, description: "second" });
        assert.equal(second.persona.version, 2);
        assert.equal(store.get("shop-web").persona.version, 2);
        assert.equal(store.get("shop-web@1").persona.description, "Storefront web tier for tests");
        assert.deepEqual(store.versions("shop-web"), [1, 2]);
        const listing = store.list();
        assert.deepEqual(listing.personas.map((p) => [p.name, p.latest, p.source]), [["shop-web", 2, "user"]]);
    });

    it("never overwrites a version: versions are immutable", () => {
        const { store, user } = layered();
        store.put(personaDocument());
        const before = fs.readFileSync(path.join(user, "shop-web", "1.yaml"), "utf8");
        assert.throws(
            () => store.put({ ...personaDocument(), description: "changed" }),
            (err: unknown) => err instanceof InputError && /already exists and versions are immutable/.test(err.message) && /write version 2/.test(err.message),
        );
        assert.equal(fs.readFileSync(path.join(user, "shop-web", "1.yaml"), "utf8"), before);
    });

    it("leaves nothing behind when a write is rejected", () => {
        const { store, user } = layered();
        assert.throws(() => store.put({ ...personaDocument(), cost: { maxMonthly: -1 } }), InputError);
        assert.deepEqual(fs.existsSync(path.join(user, "shop-web")) ? fs.readdirSync(path.join(user, "shop-web")) : [], []);
    });

    it("shadows a built-in persona of the same name and falls through for explicit versions", () => {
        const { store, builtin } = layered();
        const base = validatePersona(personaDocument(), "t");
        writeRaw(builtin, "shop-web", 1, serializePersona(base));
        writeRaw(builtin, "shop-web", 2, serializePersona({ ...base, version: 2, description: "builtin v2" }));
        assert.equal(store.get("shop-web").source, "builtin");
        const derived = store.derive("shop-web@1", { name: "shop-web", creator: "me", created: "2026-11-27", overrides: [{ path: "lifecycle.scaling.max", value: 4 }] });
        assert.equal(derived.persona.version, 3, "numbered after every version of the name");
        assert.equal(derived.source, "user");
        assert.equal(store.get("shop-web").persona.version, 3, "the user's persona shadows the built-in one");
        assert.equal(store.get("shop-web@2").persona.description, "builtin v2", "explicit versions fall through");
        assert.equal(store.list().personas.find((p) => p.name === "shop-web")?.source, "user");
    });

    it("derives with overrides and scaled series, recomputing the summaries and recording the base", () => {
        const { store } = layered();
        const base = store.put(personaDocument()).persona;
        const derived = store.derive("shop-web", {
            name: "shop-web-pci",
            creator: "me",
            created: "2026-11-27",
            overrides: [parseOverride("security.compliance=[pci-dss]"), parseOverride("cost.maxMonthly=900")],
            scale: { cpu: 2 },
        }).persona;
        assert.equal(derived.basedOn, "shop-web@1");
        assert.deepEqual(derived.security.compliance, ["pci-dss"]);
        assert.equal(derived.cost.maxMonthly, 900);
        assert.ok(Math.abs(derived.performance.cpu.peak - 2 * base.performance.cpu.peak) < 0.01);
        assert.equal(derived.version, 1);
    });

    it("diffs two versions", () => {
        const { store } = layered();
        store.put(personaDocument());
        store.derive("shop-web", { name: "shop-web", creator: "me", created: "2026-11-27", overrides: [{ path: "lifecycle.scaling.max", value: 4 }], scale: { memoryGiB: 2 } });
        const diff = store.diff("shop-web@1", "shop-web@2");
        const paths = diff.map((d) => d.path);
        assert.ok(paths.includes("lifecycle.scaling.max"));
        assert.ok(paths.includes("performance.memoryGiB.series"));
        assert.ok(paths.includes("performance.memoryGiB.peak"));
        assert.ok(paths.includes("basedOn"));
        assert.deepEqual(diff.find((d) => d.path === "lifecycle.scaling.max"), { op: "~", path: "lifecycle.scaling.max", from: 2, to: 4 });
    });

    it("records usage statistics in the user's directory", () => {
        const { store, user } = layered();
        store.put(personaDocument());
        store.recordUsage("shop-web", "proposed", new Date("2026-11-26T10:00:00Z"));
        store.recordUsage("shop-web@1", "proposed", new Date("2026-11-26T11:00:00Z"));
        const stats = store.recordUsage("shop-web", "accepted", new Date("2026-11-26T12:00:00Z"));
        assert.deepEqual(stats, { proposed: 2, accepted: 1, provisioned: 0, lastUsed: "2026-11-26T12:00:00.000Z" });
        assert.ok(fs.existsSync(path.join(user, "shop-web", "usage.jsonl")));
    });

    it("lists good personas beside a bad file, reporting the bad one", () => {
        const { store, user } = layered();
        store.put(personaDocument());
        writeRaw(user, "broken", 1, "name: broken\nversion: 1\nrole: {kind: mainframe}\n");
        const listing = store.list();
        assert.deepEqual(listing.personas.map((p) => p.name), ["shop-web"]);
        assert.ok(listing.problems.some((p) => p.input.includes("broken/1.yaml") && p.path === "role.kind"));
    });

    it("reports a missing persona or version with what exists", () => {
        const { store } = layered();
        store.put(personaDocument());
        assert.throws(() => store.get("shop-web@7"), /use one of shop-web@1/);
        assert.throws(() => store.get("shop"), /no persona named "shop"/);
    });

    it("loads every built-in persona without a problem", () => {
        const listing = openPersonaStore({ userDir: tempDir() }).list();
        assert.deepEqual(listing.problems, []);
        assert.ok(listing.personas.length >= 10, `${listing.personas.length} built-in personas`);
        assert.ok(listing.personas.every((p) => p.source === "builtin"));
    });

    it("never loses or overwrites a version when two processes write at once", async function () {
        const dir = tempDir();
        const script = `
            const { LayeredPersonaStore, PersonaDirectory } = require(${JSON.stringify(path.join(PACKAGE_ROOT, "dist/src/persona/store.js"))});
            const doc = JSON.parse(process.argv[1]);
            const store = new LayeredPersonaStore(new PersonaDirectory(process.argv[2], "user"));
            const written = [];
            for (let i = 0; i < 25; i++) {
                written.push(store.put({ ...doc, version: undefined, description: process.argv[3] + " " + i }).persona.version);
            }
            let explicit = "lost";
            try { store.put({ ...doc, version: 1000, description: process.argv[3] }); explicit = "won"; } catch (e) { explicit = /immutable/.test(e.message) ? "refused" : e.message; }
            process.stdout.write(JSON.stringify({ written, explicit }));
        `;
        const run = (who: string) =>
            new Promise<{ written: number[]; explicit: string }>((resolve, reject) => {
                const child = spawn(process.execPath, ["-e", script, JSON.stringify(personaDocument()), dir, who]);
                let out = "";
                let err = "";
                child.stdout.on("data", (d) => (out += d));
                child.stderr.on("data", (d) => (err += d));
                child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err))));
            });
        const [a, b] = await Promise.all([run("writer-a"), run("writer-b")]);
        const versions = [...a.written, ...b.written];
        assert.equal(new Set(versions).size, 50, "every put got its own version");
        assert.deepEqual([a.explicit, b.explicit].sort(), ["refused", "won"], "exactly one writer gets an explicit version");
        const store = new LayeredPersonaStore(new PersonaDirectory(dir, "user"));
        const files = fs.readdirSync(path.join(dir, "shop-web"));
        assert.equal(files.filter((f) => f.endsWith(".tmp")).length, 0, "no temporary file is left behind");
        const descriptions = store.versions("shop-web").map((v) => store.get(`shop-web@${v}`).persona.description);
        assert.equal(descriptions.length, 51);
        for (const who of ["writer-a", "writer-b"]) {
            for (let i = 0; i < 25; i++) {
                assert.ok(descriptions.includes(`${who} ${i}`), `${who} ${i} was not lost`);
            }
        }
    });
});

describe("the built-in persona library", () => {
    it("is exactly what scripts/generate-personas.ts makes from the learned load shapes", async () => {
        const { buildPersonas } = await import("../../scripts/generate-personas");
        const store = openPersonaStore({ userDir: path.join(PACKAGE_ROOT, "personas") });
        for (const input of buildPersonas()) {
            const shipped = store.get(`${input.name}@${input.version}`).persona;
            assert.deepEqual(shipped, validatePersona(input, input.name), `${input.name}: regenerate it (npm run generate-personas) after changing the shapes or the sizing`);
        }
    });
});
