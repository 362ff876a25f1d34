import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StaticPaths } from './http/static.routes.js';

const PACKAGES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the built widget and console live in this repository. */
export const DEFAULT_STATIC_PATHS: StaticPaths = {
  widgetDist: path.join(PACKAGES_DIR, 'widget', 'dist'),
  consoleDist: path.join(PACKAGES_DIR, 'console', 'dist'),
};
