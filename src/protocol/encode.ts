/**
 * Model-driven XML encoder for EC2 responses. Each output shape is compiled once into a
 * writer function; the writer walks a plain object keyed by the model's member names
 * (the SDK's names) and emits EC2's XML: lists as <name><item>…</item></name>,
 * booleans as true/false, timestamps as ISO 8601 with milliseconds.
 */
import { outputElementName, type ServiceModel, type Shape } from './model.js';

type Writer = (value: unknown, out: string[]) => void;

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
    const out: string[] = [
      `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${this.namespace}"><requestId>${requestId}</requestId>`,
    ];
    if (outputShape && Object.keys(this.model.shapes[outputShape]?.members ?? {}).length > 0) {
      this.writer(outputShape)(output ?? {}, out);
    } else {
      out.push('<return>true</return>');
    }
    out.push(`</${operation}Response>`);
    return out.join('');
  }

  /** The writer of a structure's members (without an enclosing element). */
  writer(shapeName: string): Writer {
    let w = this.writers.get(shapeName);
    if (!w) {
      // Placeholder first, so recursive shapes resolve to the finished writer lazily.
      this.writers.set(shapeName, (v, o) => this.writers.get(shapeName)!(v, o));
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

  /** Writes the *content* of a value of this shape (what goes between its tags). */
  private compileContent(shapeName: string): Writer {
    const shape = this.shape(shapeName);
    switch (shape.type) {
      case 'structure': {
        // Tags are built once; member writers are looked up on first use (shapes can be recursive).
        const members = Object.entries(shape.members ?? {}).map(([name, ref]) => {
          const tag = outputElementName(name, ref);
          return { name, shape: ref.shape, open: `<${tag}>`, close: `</${tag}>`, empty: `<${tag}/>`, write: undefined as Writer | undefined };
        });
        return (value, out) => {
          const obj = value as Record<string, unknown>;
          for (const m of members) {
            const v = obj[m.name];
            if (v === undefined || v === null) continue;
            if (Array.isArray(v) && v.length === 0) {
              out.push(m.empty);
              continue;
            }
            out.push(m.open);
            (m.write ??= this.writer(m.shape))(v, out);
            out.push(m.close);
          }
        };
      }
      case 'list': {
        const itemTag = shape.member!.locationName ?? 'member';
        const open = `<${itemTag}>`;
        const close = `</${itemTag}>`;
        const itemShape = shape.member!.shape;
        let write: Writer | undefined;
        return (value, out) => {
          write ??= this.writer(itemShape);
          for (const item of value as unknown[]) {
            out.push(open);
            write(item, out);
            out.push(close);
          }
        };
      }
      case 'boolean':
        return (value, out) => void out.push(value ? 'true' : 'false');
      case 'timestamp':
        return (value, out) => void out.push((value instanceof Date ? value : new Date(value as string | number)).toISOString());
      case 'integer':
      case 'long':
      case 'double':
      case 'float':
        return (value, out) => void out.push(String(value));
      default:
        return (value, out) => void out.push(escapeXml(String(value)));
    }
  }
}

/** The EC2 error document. Note `RequestID` here versus `requestId` in successes, as AWS writes it. */
export function errorDocument(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}
