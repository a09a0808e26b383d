/**
 * What the reference platform consists of: the applications environments tune and the images they run.
 * Adding an application or an image starts here (see README, "Add an application").
 */

/** The applications of the reference platform whose workloads environments tune. */
export type AppName = 'frontend' | 'identity-service' | 'user-service' | 'blog-service';

/** All application names, in the order they are listed in error messages. */
export const APP_NAMES: readonly AppName[] = ['frontend', 'identity-service', 'user-service', 'blog-service'];

/** The backend services (each with its own PostgreSQL). */
export const SERVICE_NAMES = ['identity-service', 'user-service', 'blog-service'] as const;

/** A backend service. */
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Every image the platform runs, keyed by a stable name. One place per environment a CI bot can update. */
export type ImageName = AppName | 'postgres' | 'redis' | 'cnpg-postgres';

/** All image names. */
export const IMAGE_NAMES: readonly ImageName[] = [...APP_NAMES, 'postgres', 'redis', 'cnpg-postgres'];
