"use strict";
// The pulumi-persona CrossGuard pack. Policies live in the package (dist/src/policy/policies.js);
// @pulumi/policy and @pulumi/aws resolve from the package's or the project's node_modules.
const { PolicyPack } = require("@pulumi/policy");
const { personaPolicies } = require("../dist/src/policy/policies");

// PERSONA_POLICY_LEVELS='{"persona-egress-restricted":"mandatory"}' raises or lowers levels by name.
const levels = process.env.PERSONA_POLICY_LEVELS ? JSON.parse(process.env.PERSONA_POLICY_LEVELS) : {};

new PolicyPack("pulumi-persona", { policies: personaPolicies(levels) });
