/**
 * Model-driven XML encoder for EC2 responses. Each output shape is compiled once into a
 * writer function; the writer walks a plain object keyed by the model's member names
 * (the SDK's names) and emits EC2's XML: lists as <name><item>…</item></name>,
 * booleans as true/false, timestamps as ISO 8601 with milliseconds.
 *
 * Writers append to an `XmlOut`, which turns the text into UTF-8 chunks every CHUNK_CHARS
 * characters: a listing of thousands of resources then never holds megabytes of small
 * strings on the JS heap (they die young, cheaply), only their bytes off-heap.
 */
import { outputElementName, type ServiceModel, type Shape } from './model.js';

/** What an answer is: small ones stay one string, large ones are UTF-8 chunks in order. */
export type ResponseBody = string | readonly Buffer[];

/** The answer's bytes as text (for tests and tools; the server writes the chunks as they are). */
export function bodyText(body: ResponseBody): string {
  return typeof body === 'string' ? body : Buffer.concat(body).toString('utf8');
}

/** Its length in bytes, for Content-Length. */
export function bodyBytes(body: ResponseBody): number {
  if (typeof body === 'string') return Buffer.byteLength(body);
  let n = 0;
  for (const chunk of body) n += chunk.length;
  return n;
}

/** Appends a shape's content (what goes between its tags) for `value`. */
type Writer = (value: unknown, out: XmlOut) => void;

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const NEEDS_ESCAPE = /[&<>"']/;
const ESCAPE_ALL = /[&<>"']/g;
// Characters XML 1.0 cannot carry at all; they are dropped rather than producing unparsable output.
// eslint-disable-next-line no-control-regex -- these control characters are what is matched
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

// One test for the common case: most values (ids, addresses) need no change at all.
// eslint-disable-next-line no-control-regex -- as above
const NEEDS_WORK = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

export function escapeXml(s: string): string {
  if (!NEEDS_WORK.test(s)) return s;
  const clean = s.replace(INVALID_XML_CHARS, '');
  return NEEDS_ESCAPE.test(clean) ? clean.replace(ESCAPE_ALL, (c) => XML_ESCAPES[c]!) : clean;
}

/** How many characters of text are gathered before they become a UTF-8 chunk. */
const CHUNK_CHARS = 64 * 1024;

/** The growing document: recent text in `text`, older text as UTF-8 chunks. */
export class XmlOut {
  text = '';
  private readonly chunks: Buffer[] = [];

  /** Called between list items: moves the text gathered so far off the heap once it is large. */
  spill(): void {
    if (this.text.length < CHUNK_CHARS) return;
    this.chunks.push(Buffer.from(this.text, 'utf8'));
    this.text = '';
  }

  /** The whole document: the text itself when it never grew past one chunk. */
  finish(): ResponseBody {
    if (this.chunks.length === 0) return this.text;
    this.chunks.push(Buffer.from(this.text, 'utf8'));
    return this.chunks;
  }
}

/**
 * A list whose items are made while it is written: a listing's views then live one at a time
 * instead of all together (thousands of views surviving into the old generation cost GC time).
 */
class MappedList<S, T> {
  constructor(
    readonly source: readonly S[],
    readonly view: (item: S) => T,
  ) {}
}

/**
 * `source.map(view)` for an answer's list, deferred to the encoder. Only for values handed
 * straight back as a handler's output: nothing else can read the result as an array.
 */
export function mapForAnswer<S, T>(source: readonly S[], view: (item: S) => T): T[] {
  return new MappedList(source, view) as unknown as T[];
}

/**
 * A handler's output as plain data, deferred lists made into arrays: for callers that read
 * outputs instead of encoding them (tests driving handlers directly).
 */
export function answerValue(value: unknown): unknown {
  if (value instanceof MappedList) return value.source.map((item) => answerValue(value.view(item)));
  if (Array.isArray(value)) return value.map(answerValue);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, answerValue(v)]));
}

const timestamp = (value: unknown) => (value instanceof Date ? value : new Date(value as string | number)).toISOString();

/** How a member's value is written: scalars inline in the structure's code, the rest by their own writer. */
type MemberKind = 'string' | 'boolean' | 'number' | 'timestamp' | 'nested';

function memberKind(shape: Shape): MemberKind {
  switch (shape.type) {
    case 'structure':
    case 'list':
    case 'map':
      return 'nested';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
      return 'timestamp';
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      return 'number';
    default:
      return 'string';
  }
}

export class Encoder {
  /** Compiled writers by shape name; `slots` holds the same functions by index for generated code. */
  private readonly index = new Map<string, number>();
  private readonly slots: Writer[] = [];
  readonly namespace: string;
  /** The plain `query` protocol (STS): output inside `<XResult>`, then `<ResponseMetadata>`. */
  private readonly query: boolean;

  constructor(
    private readonly model: ServiceModel,
    /** Per output shape, the members written as an empty element when absent (see always-present.ts). */
    private readonly alwaysPresent: Readonly<Record<string, readonly string[]>> = {},
  ) {
    this.namespace = `${model.metadata.xmlNamespace.replace(/\/$/, '')}/`;
    this.query = model.metadata.protocol === 'query';
  }

  /** The complete success document for an operation. */
  response(operation: string, outputShape: string | undefined, output: unknown, requestId: string): ResponseBody {
    const out = new XmlOut();
    if (this.query) {
      // awsquery: <XResponse><XResult>…</XResult><ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></XResponse>
      const wrapper = this.model.operations[operation]?.resultWrapper;
      out.text = `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${this.model.metadata.xmlNamespace}">`;
      if (wrapper) {
        out.text += `<${wrapper}>`;
        if (outputShape) this.writer(outputShape)(output ?? {}, out);
        out.text += `</${wrapper}>`;
      }
      out.text += `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
      return out.finish();
    }
    out.text = `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${this.namespace}"><requestId>${requestId}</requestId>`;
    if (outputShape && Object.keys(this.model.shapes[outputShape]?.members ?? {}).length > 0) this.writer(outputShape)(output ?? {}, out);
    else out.text += '<return>true</return>';
    out.text += `</${operation}Response>`;
    return out.finish();
  }

  /** The writer of a shape's content, compiled on first use. */
  writer(shapeName: string): Writer {
    return this.slots[this.slot(shapeName)]!;
  }

  private slot(shapeName: string): number {
    let i = this.index.get(shapeName);
    if (i === undefined) {
      // The slot exists before the shape is compiled, so recursive shapes refer to it by index.
      i = this.slots.length;
      this.index.set(shapeName, i);
      this.slots.push(() => {
        throw new Error(`writer of ${shapeName} used while being compiled`);
      });
      this.slots[i] = this.compile(shapeName);
    }
    return i;
  }

  private shape(name: string): Shape {
    const s = this.model.shapes[name];
    if (!s) throw new Error(`model has no shape ${name}`);
    return s;
  }

  private compile(shapeName: string): Writer {
    const shape = this.shape(shapeName);
    switch (shape.type) {
      case 'structure':
        return this.compileStructure(shape, this.alwaysPresent[shapeName] ?? []);
      case 'list': {
        const itemTag = shape.member!.locationName ?? 'member';
        const open = `<${itemTag}>`;
        const close = `</${itemTag}>`;
        const slots = this.slots;
        const item = this.slot(shape.member!.shape);
        return (value, out) => {
          const write = slots[item]!;
          if (value instanceof MappedList) {
            for (const v of value.source as unknown[]) {
              out.text += open;
              write(value.view(v), out);
              out.text += close;
              out.spill();
            }
            return;
          }
          for (const v of value as unknown[]) {
            out.text += open;
            write(v, out);
            out.text += close;
            out.spill();
          }
        };
      }
      case 'boolean':
        return (value, out) => void (out.text += value ? 'true' : 'false');
      case 'timestamp':
        return (value, out) => void (out.text += timestamp(value));
      case 'integer':
      case 'long':
      case 'double':
      case 'float':
        return (value, out) => void (out.text += String(value));
      default:
        return (value, out) => void (out.text += escapeXml(String(value)));
    }
  }

  /**
   * A structure's writer is generated JavaScript: one straight block per member with its tags
   * as literals and plain property reads, so V8 sees monomorphic code instead of a generic
   * loop over member descriptors. Names come from the model and are embedded via JSON.stringify.
   */
  private compileStructure(shape: Shape, alwaysPresent: readonly string[]): Writer {
    // Per string member, the last value and its escaped form: listings repeat zones, owners,
    // VPC, subnet and group ids item after item, and a comparison is cheaper than the escape test.
    const memos: string[] = [];
    const lines: string[] = ['let x;'];
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      const tag = outputElementName(name, ref);
      const open = JSON.stringify(`<${tag}>`);
      const close = JSON.stringify(`</${tag}>`);
      lines.push(`x = v[${JSON.stringify(name)}];`);
      // An element AWS sends even when it has nothing in it: absent is written empty.
      if (alwaysPresent.includes(name)) lines.push(`if (x === undefined || x === null) o.text += ${JSON.stringify(`<${tag}/>`)};`, 'else {');
      else lines.push('if (x !== undefined && x !== null) {');
      switch (memberKind(this.shape(ref.shape))) {
        case 'string':
          memos.push(`let m${memos.length}, e${memos.length} = '';`);
          lines.push(
            `  if (x !== m${memos.length - 1}) { m${memos.length - 1} = x; e${memos.length - 1} = esc(String(x)); }`,
            `  o.text += ${open} + e${memos.length - 1} + ${close};`,
          );
          break;
        case 'boolean':
          lines.push(`  o.text += x ? ${JSON.stringify(`<${tag}>true</${tag}>`)} : ${JSON.stringify(`<${tag}>false</${tag}>`)};`);
          break;
        case 'number':
          lines.push(`  o.text += ${open} + x + ${close};`);
          break;
        case 'timestamp':
          lines.push(`  o.text += ${open} + ts(x) + ${close};`);
          break;
        case 'nested':
          lines.push(
            `  if (Array.isArray(x) ? x.length === 0 : x instanceof MappedList && x.source.length === 0) o.text += ${JSON.stringify(`<${tag}/>`)};`,
            `  else { o.text += ${open}; w[${this.slot(ref.shape)}](x, o); o.text += ${close}; }`,
          );
          break;
      }
      lines.push('}');
    }
    const make = new Function('w', 'esc', 'ts', 'MappedList', `${memos.join('\n')}\nreturn function (v, o) {\n${lines.join('\n')}\n};`) as (
      w: Writer[],
      esc: (s: string) => string,
      ts: (v: unknown) => string,
      mapped: typeof MappedList,
    ) => Writer;
    return make(this.slots, escapeXml, timestamp, MappedList);
  }
}

/**
 * The error document of the plain `query` protocol (STS, IAM): `Type` is Sender for the caller's
 * faults, Receiver for the service's own (AWS STS API reference, "Common errors"; the documents
 * STS sends, e.g. aws-azure-login/aws-azure-login#251).
 */
export function queryErrorDocument(namespace: string, code: string, message: string, requestId: string, status: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

/** The EC2 error document. Note `RequestID` here versus `requestId` in successes, as AWS writes it. */
export function errorDocument(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
}
