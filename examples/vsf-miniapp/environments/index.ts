/** Every environment of vsf-miniapp, in promotion order (all three on one cluster). */
import type { EnvironmentConfig } from '../../../tools/kit';
import { dev } from './dev';
import { production } from './production';
import { staging } from './staging';

export const environments: readonly EnvironmentConfig[] = [dev, staging, production];

export { base } from './base';
export { cluster } from './cluster';
export { dev, production, staging };
