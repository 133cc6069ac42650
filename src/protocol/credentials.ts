/**
 * Who is calling and where: the access key and region from a SigV4 credential scope, in the
 * Authorization header or the X-Amz-Credential query parameter. Signatures are not checked here.
 */
export interface CallerScope {
  readonly accessKeyId: string;
  readonly region?: string;
  /** The scope's service (`ec2`, `sts`, …), when the request is signed. */
  readonly service?: string;
}

// Credential=AKID/20250101/us-east-1/ec2/aws4_request
const HEADER_CREDENTIAL = /Credential=([^/,\s]+)\/[0-9]{8}\/([^/,\s]+)\/(?:([^/,\s]+)\/)?/;
const QUERY_CREDENTIAL = /^([^/]+)\/[0-9]{8}\/([^/]+)\/(?:([^/]+)\/)?/;

export function callerScope(authorization: string | undefined, queryCredential: string | null | undefined): CallerScope {
  if (authorization) {
    const m = HEADER_CREDENTIAL.exec(authorization);
    if (m) return { accessKeyId: m[1]!, region: m[2]!, service: m[3] };
  }
  if (queryCredential) {
    const m = QUERY_CREDENTIAL.exec(queryCredential);
    if (m) return { accessKeyId: m[1]!, region: m[2]!, service: m[3] };
  }
  return { accessKeyId: 'anonymous' };
}

/** A 12-digit access key id selects that account; any other key the default account. */
export function accountFor(accessKeyId: string, defaultAccountId: string): string {
  return /^[0-9]{12}$/.test(accessKeyId) ? accessKeyId : defaultAccountId;
}
