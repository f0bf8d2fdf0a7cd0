export * from "./errors";
export * from "./persona/schema";
export * from "./persona/series";
