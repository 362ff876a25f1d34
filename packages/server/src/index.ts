/**
 * `@hovor/server`: start a Hovor node (`startHovor`). Seeding helpers for tests and benchmarks
 * are in `@hovor/server/testing`.
 */
export type { AppDeps, HovorApp } from './app.js';
export type { AppConfig } from './config.js';
export type { Logger } from './logger.js';
export { type HovorNode, type HovorNodeOptions, type NodeDatabase, startHovor } from './node.js';
