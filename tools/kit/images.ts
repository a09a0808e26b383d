/**
 * Images a platform runs besides its applications' own (databases, caches, tools), declared once with their
 * repository and default tag. Each environment's `images` block can pin or mirror them like any application's.
 */
import type { ImageSettings } from '../../constructs/lib/images';
import type { BuildContext, ImageDeclaration, Ref } from './entry';

/** A reference to a platform image: the image as the environment being built pins it. */
export interface ImageRef extends Ref<ImageSettings> {
  /** The image's name in the platform's `images` (and in environments' `images` blocks). */
  readonly name: string;
  /** Its declaration. */
  readonly declaration: ImageDeclaration;
}

/** Named image references. */
export type ImageCatalog = Readonly<Record<string, ImageRef>>;

/**
 * Declare the platform's shared images: `defineImages({ postgres: { repository: 'postgres', tag: '15.17-alpine' } })`.
 * Pass the result to `definePlatform({ images })` and its members to the entries that run them.
 */
export function defineImages<N extends string>(images: Readonly<Record<N, ImageDeclaration>>): { readonly [K in N]: ImageRef } {
  const out = {} as { [K in N]: ImageRef };
  for (const name of Object.keys(images) as N[]) {
    out[name] = {
      name,
      declaration: images[name],
      description: `image '${name}'`,
      resolveIn: (context: BuildContext) => context.image(name),
    };
  }
  return out;
}
