#!/usr/bin/env node
"use strict";
// A reader that stops early (`persona ... | head`) closes the pipe: stop quietly, as Unix tools do.
process.stdout.on("error", (err) => {
    if (err && err.code === "EPIPE") {
        process.exit(0);
    }
    throw err;
});
require("../dist/src/cli/main.js").main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err) => { process.stderr.write(`persona: internal error: ${err && err.stack ? err.stack : err}\n`); process.exitCode = 70; },
);
