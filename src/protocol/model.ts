/**
 * The official EC2 service model (botocore's, trimmed by scripts/trim-model.mjs), loaded once.
 * Everything the decoder and encoder know about names and types comes from here.
 */
import { readFileSync } from 'node:fs';

export interface MemberRef {
  readonly shape: string;
  readonly locationName?: string;
  readonly queryName?: string;
  readonly idempotencyToken?: boolean;
}

export interface Shape {
  readonly type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'double' | 'float' | 'boolean' | 'timestamp' | 'blob';
  readonly required?: readonly string[];
  readonly members?: Readonly<Record<string, MemberRef>>;
  readonly member?: MemberRef;
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
}

export interface OperationDef {
  readonly input?: string;
  readonly output?: string;
}

export interface ServiceModel {
  readonly metadata: { readonly apiVersion: string; readonly xmlNamespace: string };
  readonly operations: Readonly<Record<string, OperationDef>>;
  readonly shapes: Readonly<Record<string, Shape>>;
}

let cached: ServiceModel | undefined;

export function loadModel(): ServiceModel {
  if (!cached) {
    const url = new URL('../../../spec/ec2-model.json', import.meta.url);
    cached = JSON.parse(readFileSync(url, 'utf8')) as ServiceModel;
  }
  return cached;
}

export function shapeOf(model: ServiceModel, name: string): Shape {
  const s = model.shapes[name];
  if (!s) throw new Error(`model has no shape ${name}`);
  return s;
}

/** The wire name of an input member under the ec2 protocol: queryName, else capitalised locationName, else the member name. */
export function inputWireName(memberName: string, ref: MemberRef): string {
  if (ref.queryName) return ref.queryName;
  if (ref.locationName) return ref.locationName[0]!.toUpperCase() + ref.locationName.slice(1);
  return memberName;
}

/** The XML element name of an output member: locationName, else the member name. */
export function outputElementName(memberName: string, ref: MemberRef): string {
  return ref.locationName ?? memberName;
}

export function hasOperation(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(loadModel().operations, name);
}
