/** Every environment `npm run synth` renders, in promotion order. */
import { dev } from './dev';
import { prod } from './prod';
import { staging } from './staging';
import type { EnvironmentConfig } from './types';

export const environments: readonly EnvironmentConfig[] = [dev, staging, prod];

export * from './types';
