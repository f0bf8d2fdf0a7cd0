export * from "./errors";
export * from "./persona/schema";
export * from "./persona/series";
export * from "./workload/shapes";
