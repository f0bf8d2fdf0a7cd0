import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../src/assets";
import { METRICS, ROLES } from "../../src/persona/schema";
import { summarize } from "../../src/persona/series";
import { hourOfWeek, learnLoadShapes } from "../../scripts/learn-load-shapes";
import { HOURS_PER_WEEK, loadShapeFor, loadShapes, shapeFor } from "../../src/workload/shapes";

const TRACES = path.join(PACKAGE_ROOT, "..", "shared", "data", "traces");

describe("load shapes learned from the Bitbrains traces", () => {
    it("gives every role a 168-point weekly shape per metric with a unit peak", () => {
        for (const role of ROLES) {
            for (const metric of METRICS) {
                const shape = loadShapeFor(role, metric);
                assert.equal(shape.length, HOURS_PER_WEEK);
                assert.equal(Math.max(...shape), 1, `${role} ${metric}`);
                assert.ok(Math.min(...shape) >= 0);
                const s = summarize(shape);
                assert.ok(s.average <= s.sustained && s.sustained <= s.peak);
            }
        }
    });

    it("tells the named patterns apart as their names say", () => {
        const shapes = loadShapes().shapes;
        assert.deepEqual(Object.keys(shapes).sort(), ["business-hours", "evening-peak", "nightly-batch", "spiky", "steady"]);
        assert.ok(shapes["business-hours"].stats.businessHoursRatio > 1.2 && shapes["business-hours"].stats.weekendRatio < 0.8);
        assert.ok(shapes["evening-peak"].stats.eveningRatio > shapes["evening-peak"].stats.businessHoursRatio);
        assert.ok(shapes["nightly-batch"].stats.nightRatio >= 1.2);
        assert.ok(shapes.steady.stats.peakToAverage.cpu < 1.2);
        assert.ok(shapes.spiky.stats.peakToAverage.cpu > shapes.steady.stats.peakToAverage.cpu);
    });

    it("maps roles to the shapes their reasons describe", () => {
        assert.equal(shapeFor("web-server").name, "business-hours");
        assert.equal(shapeFor("batch-worker").name, "nightly-batch");
        assert.equal(shapeFor("database").name, "steady");
        assert.ok(shapeFor("web-server").reason.length > 0);
    });

    it("reads the trace timestamps as epoch seconds in Amsterdam summer time, Monday first", () => {
        // 1372629804 = 2013-06-30 22:03:24 UTC = Monday 2013-07-01 00:03 CEST (README example)
        assert.equal(hourOfWeek(1372629804), 0);
        // 2013-07-07 21:59 UTC = Sunday 23:59 CEST, the last hour of the week
        assert.equal(hourOfWeek(Date.UTC(2013, 6, 7, 21, 59) / 1000), 167);
    });

    it("is reproduced exactly by the script from the real traces", function () {
        if (!fs.existsSync(TRACES)) {
            this.skip();
        }
        const asset = loadShapes();
        const params = asset.parameters;
        const relearned = learnLoadShapes(TRACES, {
            k: Number(params.k),
            seed: Number(params.seed),
            restarts: Number(params.restarts),
            iterations: Number(params.iterations),
            minDays: Number(params.minDays),
            minCpuUtilisation: Number(params.minCpuUtilisation),
        });
        assert.deepEqual(relearned, asset);
    });
});
