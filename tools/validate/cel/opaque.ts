/**
 * Opaque CEL value types of the Kubernetes library (IP addresses, CIDRs, URLs, quantities) and CEL's optional.
 *
 * The evaluator's values are a closed set (scalars, lists, maps, protobuf messages), so each opaque type is a
 * protobuf message declared at run time with one field holding the value's canonical text: message equality
 * then is the value equality the API server uses (`quantity('1') == quantity('1000m')`), and `type(x)` has the
 * upstream type name (`net.IP`, `net.CIDR`, `kubernetes.URL`, `kubernetes.Quantity`: kubernetes v1.32.0,
 * staging/src/k8s.io/apiserver/pkg/cel/{ip,cidr,url,quantity}.go). The parsed form is kept beside the message
 * so functions never parse twice.
 */
import { objectType, type CelObjectType, type CelValue } from '@bufbuild/cel';
import { create, createFileRegistry, createRegistry, type DescMessage, type Message, type Registry } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { isReflectMessage, type ReflectMessage } from '@bufbuild/protobuf/reflect';

/** protobuf field types used below (descriptor.proto FieldDescriptorProto.Type). */
const TYPE_STRING = 9;
const LABEL_OPTIONAL = 1;

function messageFile(pkg: string, names: readonly string[]): ReturnType<typeof create<typeof FileDescriptorProtoSchema>> {
  return create(FileDescriptorProtoSchema, {
    name: `platform-synth/cel/${pkg === '' ? 'optional' : pkg}.proto`,
    ...(pkg !== '' ? { package: pkg } : {}),
    syntax: 'proto3',
    messageType: names.map((name) => ({ name, field: [{ name: 'value', number: 1, type: TYPE_STRING, label: LABEL_OPTIONAL, jsonName: 'value' }] })),
  });
}

const files = createFileRegistry(
  ...[
    messageFile('net', ['IP', 'CIDR']),
    messageFile('kubernetes', ['URL', 'Quantity']),
    // cel-go names the optional type `optional_type`.
    messageFile('', ['optional_type']),
  ].map((file) => createFileRegistry(file, () => undefined)),
);

function descriptor(typeName: string): DescMessage {
  const desc = files.getMessage(typeName);
  if (desc === undefined) throw new Error(`internal error: no descriptor for ${typeName}`);
  return desc;
}

/** An opaque type: its CEL type, and conversion between its messages and the parsed value. */
export class OpaqueType<T> {
  public readonly desc: DescMessage;
  public readonly type: CelObjectType;
  private readonly parsed = new WeakMap<Message, T>();

  public constructor(public readonly typeName: string, private readonly canonical: (value: T) => string) {
    this.desc = descriptor(typeName);
    this.type = objectType(this.desc);
  }

  /** A CEL value holding `value`. */
  public wrap(value: T): Message {
    const message = create(this.desc, { value: this.canonical(value) } as never) as Message;
    this.parsed.set(message, value);
    return message;
  }

  /** The parsed value of a CEL value of this type (a function's receiver or argument). */
  public unwrap(value: CelValue | ReflectMessage): T {
    const message = isReflectMessage(value) ? value.message : undefined;
    const parsed = message !== undefined ? this.parsed.get(message) : undefined;
    if (parsed === undefined) throw new Error(`internal error: not a ${this.typeName} value`);
    return parsed;
  }
}

/** The protobuf registry the CEL environment needs to know the opaque types. */
export function opaqueRegistry(): Registry {
  return createRegistry(files);
}

/**
 * `optional.none()`: cel-go's empty optional, what `oldSelf` is when an `optionalOldSelf` rule is evaluated on
 * create. Present optionals (`optional.of(v)`, `.?field`) are not supported: the parser has no optional syntax.
 */
export const OPTIONAL_NONE = new OpaqueType<'none'>('optional_type', () => 'none');
