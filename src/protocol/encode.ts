/**
 * Model-driven XML encoder for EC2 responses. Each output shape is compiled once into a
 * writer function; the writer walks a plain object keyed by the model's member names
 * (the SDK's names) and emits EC2's XML: lists as <name><item>…</item></name>,
 * booleans as true/false, timestamps as ISO 8601 with milliseconds.
 */
import { outputElementName, type ServiceModel, type Shape } from './model.js';

type Writer = (value: unknown) => string;

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const NEEDS_ESCAPE = /[&<>"']/;
const ESCAPE_ALL = /[&<>"']/g;
// Characters XML 1.0 cannot carry at all; they are dropped rather than producing unparsable output.
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

// One test for the common case: most values (ids, addresses) need no change at all.
const NEEDS_WORK = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

export function escapeXml(s: string): string {
  if (!NEEDS_WORK.test(s)) return s;
  const clean = s.replace(INVALID_XML_CHARS, '');
  return NEEDS_ESCAPE.test(clean) ? clean.replace(ESCAPE_ALL, (c) => XML_ESCAPES[c]!) : clean;
}

export class Encoder {
  private readonly writers = new Map<string, Writer>();
  readonly namespace: string;

  constructor(private readonly model: ServiceModel) {
    this.namespace = `${model.metadata.xmlNamespace.replace(/\/$/, '')}/`;
  }

  /** The complete success document for an operation. */
  response(operation: string, outputShape: string | undefined, output: unknown, requestId: string): string {
    const head = `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${this.namespace}"><requestId>${requestId}</requestId>`;
    const body =
      outputShape && Object.keys(this.model.shapes[outputShape]?.members ?? {}).length > 0
        ? this.writer(outputShape)(output ?? {})
        : '<return>true</return>';
    return `${head}${body}</${operation}Response>`;
  }

  /** The writer of a shape's content (what goes between its tags). */
  writer(shapeName: string): Writer {
    let w = this.writers.get(shapeName);
    if (!w) {
      // Placeholder first, so recursive shapes resolve to the finished writer lazily.
      this.writers.set(shapeName, (v) => this.writers.get(shapeName)!(v));
      w = this.compileContent(shapeName);
      this.writers.set(shapeName, w);
    }
    return w;
  }

  private shape(name: string): Shape {
    const s = this.model.shapes[name];
    if (!s) throw new Error(`model has no shape ${name}`);
    return s;
  }

  /**
   * Compiles the content writer of a shape. Writers return strings joined with `+`, which V8
   * keeps as ropes: far less garbage than an array of small pieces for large listings.
   */
  private compileContent(shapeName: string): Writer {
    const shape = this.shape(shapeName);
    switch (shape.type) {
      case 'structure': {
        // Tags are built once; member writers are looked up on first use (shapes can be recursive).
        const members = Object.entries(shape.members ?? {}).map(([name, ref]) => {
          const tag = outputElementName(name, ref);
          return { name, shape: ref.shape, open: `<${tag}>`, close: `</${tag}>`, empty: `<${tag}/>`, write: undefined as Writer | undefined };
        });
        return (value) => {
          const obj = value as Record<string, unknown>;
          let out = '';
          for (const m of members) {
            const v = obj[m.name];
            if (v === undefined || v === null) continue;
            if (Array.isArray(v) && v.length === 0) {
              out += m.empty;
              continue;
            }
            out += m.open + (m.write ??= this.writer(m.shape))(v) + m.close;
          }
          return out;
        };
      }
      case 'list': {
        const itemTag = shape.member!.locationName ?? 'member';
        const open = `<${itemTag}>`;
        const close = `</${itemTag}>`;
        const itemShape = shape.member!.shape;
        let write: Writer | undefined;
        return (value) => {
          write ??= this.writer(itemShape);
          let out = '';
          for (const item of value as unknown[]) out += open + write(item) + close;
          return out;
        };
      }
      case 'boolean':
        return (value) => (value ? 'true' : 'false');
      case 'timestamp':
        return (value) => (value instanceof Date ? value : new Date(value as string | number)).toISOString();
      case 'integer':
      case 'long':
      case 'double':
      case 'float':
        return (value) => String(value);
      default:
        return (value) => escapeXml(String(value));
    }
  }
}

/** The EC2 error document. Note `RequestID` here versus `requestId` in successes, as AWS writes it. */
export function errorDocument(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}
