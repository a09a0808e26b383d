/** Every environment `npm run synth` renders, in promotion order. */
import type { EnvironmentConfig } from '../tools/kit';
import { dev } from './dev';
import { prod } from './prod';
import { staging } from './staging';

export const environments: readonly EnvironmentConfig[] = [dev, staging, prod];

export { base } from './base';
export { dev, prod, staging };
